//! Document extraction tests: every format read from files made by real tools (reportlab, pypdf,
//! python-docx, openpyxl, Pillow, Python's csv and json), declared types and sniffing, and hostile
//! files (zip and PDF bombs, too many pages or cells, deep nesting, wrong extensions) refused with
//! their error code within bounded memory.
//!
//! The fixtures are generated, not committed: run `bash deploy/make-extract-fixtures.sh` first.
//! They are read from `$BOTWOT_EXTRACT_FIXTURES`, default `$HOME/.cache/botwot-fixtures/extract`.

mod allocation;
mod declared;
mod formats;
mod hostile;

use botwot_adapters::extract::{
    DeclaredType, ExtractError, ExtractLimits, ExtractedDocument, Section, extract,
};
use std::path::PathBuf;

/// The fixture directory; panics with the command to run when the fixtures were not generated.
pub fn fixtures_dir() -> PathBuf {
    let dir = std::env::var_os("BOTWOT_EXTRACT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").expect("HOME is set");
            PathBuf::from(home).join(".cache/botwot-fixtures/extract")
        });
    assert!(
        dir.join(".complete").is_file(),
        "extraction fixtures are missing in {}: run `bash deploy/make-extract-fixtures.sh` \
         (it needs python3 and PyPI) before these tests",
        dir.display()
    );
    dir
}

/// The bytes of a fixture.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error} (regenerate with `bash deploy/make-extract-fixtures.sh`)",
            path.display()
        )
    })
}

/// A fixture extracted as its file name declares, with `limits`.
pub fn extract_with(name: &str, limits: &ExtractLimits) -> Result<ExtractedDocument, ExtractError> {
    extract(&fixture(name), DeclaredType::from_file_name(name), limits)
}

/// A fixture that must extract with the default limits.
pub fn extracted(name: &str) -> ExtractedDocument {
    extract_with(name, &ExtractLimits::default()).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The error code a fixture must give with `limits`, and the error.
pub fn refused_with(name: &str, limits: &ExtractLimits) -> ExtractError {
    match extract_with(name, limits) {
        Ok(document) => panic!("{name} was extracted: {document:?}"),
        Err(error) => error,
    }
}

/// The section under `heading`.
pub fn section<'d>(document: &'d ExtractedDocument, heading: &str) -> &'d Section {
    document
        .sections
        .iter()
        .find(|section| section.heading.as_deref() == Some(heading))
        .unwrap_or_else(|| panic!("no section {heading:?} in {:#?}", document.sections))
}

/// Asserts that `text` contains `expected`, showing the text when it does not.
#[track_caller]
pub fn assert_contains(text: &str, expected: &str) {
    assert!(
        text.contains(expected),
        "{expected:?} not found in:\n{text}"
    );
}
