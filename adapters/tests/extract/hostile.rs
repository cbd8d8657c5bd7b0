//! Hostile and mislabelled files: each is refused with its stable error code, without allocating
//! what it would inflate to (checked with the counting allocator), and without relying on time.

use crate::allocation::{MIB, peak_allocation};
use crate::{fixture, refused_with};
use botwot_adapters::extract::{
    DeclaredType, DocumentFormat, ExtractError, ExtractLimits, SniffedType, extract,
};

/// Refuses `name` with default limits, asserting its code and a peak allocation under `max_mib`.
fn refused_cheaply(name: &str, code: &str, max_mib: u64) -> ExtractError {
    let (error, peak) = peak_allocation(|| refused_with(name, &ExtractLimits::default()));
    assert_eq!(error.code(), code, "{name}: {error}");
    assert!(
        peak < max_mib * MIB,
        "{name}: peak allocation {} MiB",
        peak / MIB
    );
    error
}

#[test]
fn zip_bomb_dressed_as_docx_is_refused_from_its_declared_sizes() {
    refused_cheaply("zip-bomb.docx", "archive_bomb", 16);
}

#[test]
fn zip_bomb_with_lying_size_fields_is_stopped_while_inflating() {
    let error = refused_cheaply("lying-zip-bomb.docx", "archive_bomb", 64);
    assert!(error.to_string().contains("word/document.xml"), "{error}");
}

#[test]
fn pdf_with_a_huge_compressed_stream_is_refused_before_parsing() {
    refused_cheaply("stream-bomb.pdf", "archive_bomb", 16);
}

#[test]
fn pdf_bomb_behind_an_ascii85_and_flate_filter_chain_is_refused() {
    refused_cheaply("chained-stream-bomb.pdf", "archive_bomb", 64);
}

#[test]
fn pdf_bomb_inside_an_encrypted_file_is_refused_after_decryption() {
    refused_cheaply("encrypted-stream-bomb.pdf", "archive_bomb", 64);
}

#[test]
fn pdf_form_that_paints_itself_is_refused_instead_of_recursing_forever() {
    refused_cheaply("form-loop.pdf", "too_deeply_nested", 16);
}

#[test]
fn pdf_forms_fanning_out_exponentially_are_refused() {
    let error = refused_cheaply("form-fan-out.pdf", "archive_bomb", 16);
    assert!(error.to_string().contains("form xobjects"), "{error}");
}

#[test]
fn docx_with_too_many_archive_entries_is_refused() {
    let error = refused_cheaply("many-entries.docx", "archive_bomb", 64);
    assert!(error.to_string().contains("entries"), "{error}");
}

#[test]
fn xlsx_declaring_a_huge_sparse_sheet_costs_only_its_cells() {
    let (document, peak) = peak_allocation(|| crate::extracted("sparse.xlsx"));
    assert!(peak < 32 * MIB, "peak allocation {} MiB", peak / MIB);
    let text = document.text();
    assert!(
        text.contains("Top left corner note.") && text.contains("Bottom right corner note."),
        "{text}"
    );
}

#[test]
fn pdf_with_too_many_pages_is_refused() {
    let error = refused_cheaply("many-pages.pdf", "too_many_pages", 64);
    assert_eq!(
        error,
        ExtractError::TooManyPages {
            pages: 600,
            limit: 500
        }
    );
    let strict = ExtractLimits {
        max_pages: 2,
        ..ExtractLimits::default()
    };
    assert_eq!(refused_with("report.pdf", &strict).code(), "too_many_pages");
}

#[test]
fn xlsx_with_a_huge_sheet_is_refused_at_the_cell_cap() {
    refused_cheaply("huge-sheet.xlsx", "too_many_cells", 128);
}

#[test]
fn csv_past_the_cell_cap_is_refused() {
    let strict = ExtractLimits {
        max_cells: 5_000,
        ..ExtractLimits::default()
    };
    assert_eq!(refused_with("wide.csv", &strict).code(), "too_many_cells");
}

#[test]
fn deeply_nested_json_is_refused_without_recursion() {
    refused_cheaply("nested.json", "too_deeply_nested", 8);
}

#[test]
fn files_under_the_wrong_extension_are_refused_with_what_they_are() {
    let cases = [
        ("image-named.pdf", DocumentFormat::Pdf, SniffedType::Png),
        ("text-named.pdf", DocumentFormat::Pdf, SniffedType::Text),
        ("sheet-named.docx", DocumentFormat::Docx, SniffedType::Xlsx),
        ("pdf-named.html", DocumentFormat::Html, SniffedType::Pdf),
    ];
    for (name, declared, detected) in cases {
        let error = refused_cheaply(name, "wrong_file_type", 4);
        assert_eq!(
            error,
            ExtractError::WrongType { declared, detected },
            "{name}"
        );
    }
}

#[test]
fn inputs_past_the_size_limit_are_refused_before_reading() {
    let strict = ExtractLimits {
        max_input_bytes: 1_000,
        ..ExtractLimits::default()
    };
    let error = refused_with("report.pdf", &strict);
    assert_eq!(error.code(), "file_too_large");
}

#[test]
fn text_past_the_character_cap_is_refused() {
    let strict = ExtractLimits {
        max_text_chars: 50,
        ..ExtractLimits::default()
    };
    for name in ["report.pdf", "handbook.docx", "page.html", "wide.csv"] {
        assert_eq!(
            refused_with(name, &strict).code(),
            "text_too_long",
            "{name}"
        );
    }
}

#[test]
fn a_spent_time_budget_ends_extraction() {
    let no_time = ExtractLimits {
        time_budget_ms: 0,
        ..ExtractLimits::default()
    };
    std::thread::sleep(std::time::Duration::from_millis(2));
    for name in ["wide.csv", "deep.html", "report.pdf"] {
        assert_eq!(
            refused_with(name, &no_time).code(),
            "extraction_timeout",
            "{name}"
        );
    }
}

#[test]
fn truncated_files_are_corrupt() {
    let limits = ExtractLimits::default();
    for name in ["handbook.docx", "prices.xlsx", "report.pdf"] {
        let bytes = fixture(name);
        let truncated = &bytes[..bytes.len() / 2];
        let error = extract(truncated, DeclaredType::from_file_name(name), &limits).unwrap_err();
        assert_eq!(error.code(), "corrupt_file", "{name}: {error}");
    }
    let error = extract(
        b"{\"open\": [1, 2",
        DeclaredType::from_file_name("a.json"),
        &limits,
    )
    .unwrap_err();
    assert_eq!(error.code(), "corrupt_file");
}

#[test]
fn error_codes_are_distinct() {
    let errors = [
        ExtractError::WrongType {
            declared: DocumentFormat::Pdf,
            detected: SniffedType::Png,
        },
        ExtractError::FileTooLarge { size: 2, limit: 1 },
        ExtractError::TooManyPages { pages: 2, limit: 1 },
        ExtractError::ArchiveBomb {
            reason: String::new(),
        },
        ExtractError::TooManyCells { limit: 1 },
        ExtractError::TooDeeplyNested { limit: 1 },
        ExtractError::TextTooLong { limit: 1 },
        ExtractError::UnsupportedFormat {
            what: String::new(),
        },
        ExtractError::CorruptFile {
            format: DocumentFormat::Pdf,
            reason: String::new(),
        },
        ExtractError::ExtractionTimeout { limit_ms: 1 },
        ExtractError::EmptyDocument,
    ];
    let mut codes: Vec<&str> = errors.iter().map(ExtractError::code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), errors.len());
}
