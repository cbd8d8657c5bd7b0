//! Feeds arbitrary bytes to `botwot_extract::extract`, declared as each document format in
//! turn and undeclared, under small limits (the seeds are plain small documents, and in CI the
//! extraction tests' documents made by real tools).
//!
//! Must hold: nothing panics out of `extract`; a refusal has a stable code; an extracted document has sections,
//! none blank, no more text than `max_text_chars` and no page past `max_pages`. Time is bounded by
//! the budget checks plus libFuzzer's `-timeout` (deploy/fuzz.sh), which counts a slow input as a
//! crash.

#![no_main]

use botwot_extract::{DeclaredType, DocumentFormat, ExtractLimits, extract};
use libfuzzer_sys::fuzz_target;
use std::panic;
use std::sync::Once;

const FORMATS: [DocumentFormat; 8] = [
    DocumentFormat::Pdf,
    DocumentFormat::Docx,
    DocumentFormat::Xlsx,
    DocumentFormat::Csv,
    DocumentFormat::Json,
    DocumentFormat::Html,
    DocumentFormat::Markdown,
    DocumentFormat::Text,
];

fuzz_target!(|bytes: &[u8]| {
    quiet_for_dependency_panics();
    let limits = small_limits();
    let declared = FORMATS.map(DeclaredType::Format);
    for declared in declared.into_iter().chain([DeclaredType::Unspecified]) {
        check_extraction(bytes, declared, &limits);
    }
});

fn check_extraction(bytes: &[u8], declared: DeclaredType, limits: &ExtractLimits) {
    match extract(bytes, declared, limits) {
        Ok(document) => {
            assert!(!document.sections.is_empty());
            let mut chars = 0u64;
            for section in &document.sections {
                assert!(!section.text.trim().is_empty());
                assert!(
                    section
                        .page
                        .is_none_or(|page| u64::from(page) <= limits.max_pages)
                );
                chars += section.text.chars().count() as u64;
            }
            assert!(chars <= limits.max_text_chars, "{chars} characters");
        }
        Err(error) => assert!(!error.code().is_empty()),
    }
}

/// The PDF reader turns a panic of the PDF libraries (pdf-extract and what it builds on: lopdf,
/// the CMap and font parsers) into a `corrupt_file` refusal with `catch_unwind`: they panic on
/// some malformed files. libFuzzer's panic hook aborts on every panic, caught or not, so it is
/// replaced by one that stays quiet for panics raised in a dependency's code and reports any
/// other. A panic that `extract` lets out, from a dependency or not, still aborts the run
/// (libfuzzer-sys checks the target's result), with its input kept and libFuzzer's stack trace.
fn quiet_for_dependency_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let report = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // Code from the package registry, not the project's.
            let in_dependency = info
                .location()
                .is_some_and(|location| location.file().contains("/registry/src/"));
            if !in_dependency {
                report(info);
            }
        }));
    });
}

/// Caps far below the defaults, so hostile inputs hit them quickly.
fn small_limits() -> ExtractLimits {
    ExtractLimits {
        max_input_bytes: 256 * 1024,
        max_pages: 16,
        max_inflated_bytes: 4 * 1024 * 1024,
        max_compression_ratio: 200,
        ratio_check_floor_bytes: 64 * 1024,
        max_archive_entries: 64,
        max_cells: 10_000,
        max_text_chars: 200_000,
        max_nesting_depth: 32,
        time_budget_ms: 500,
    }
}
