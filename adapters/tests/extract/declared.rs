//! Declared types from file names and content types, and sniffing what bytes really are.

use crate::{extracted, fixture};
use botwot_adapters::extract::{
    DeclaredType, DocumentFormat, ExtractError, ExtractLimits, SniffedType, extract, sniff,
};

#[test]
fn file_names_declare_formats_by_extension_in_any_case() {
    let cases = [
        ("Report.PDF", DocumentFormat::Pdf),
        ("handbook.docx", DocumentFormat::Docx),
        ("prices.xlsx", DocumentFormat::Xlsx),
        ("faq.csv", DocumentFormat::Csv),
        ("data.json", DocumentFormat::Json),
        ("index.htm", DocumentFormat::Html),
        ("README.md", DocumentFormat::Markdown),
        ("notes.txt", DocumentFormat::Text),
        ("dir.v2/archive.tar.json", DocumentFormat::Json),
    ];
    for (name, format) in cases {
        assert_eq!(
            DeclaredType::from_file_name(name),
            DeclaredType::Format(format),
            "{name}"
        );
    }
    assert_eq!(
        DeclaredType::from_file_name("Makefile"),
        DeclaredType::Unspecified
    );
    assert_eq!(
        DeclaredType::from_file_name(".bashrc"),
        DeclaredType::Unspecified
    );
    assert_eq!(
        DeclaredType::from_file_name("slides.pptx"),
        DeclaredType::Unsupported(".pptx".to_owned())
    );
}

#[test]
fn content_types_declare_formats_and_generic_binary_is_sniffed() {
    let cases = [
        ("application/pdf", DocumentFormat::Pdf),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocumentFormat::Docx,
        ),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            DocumentFormat::Xlsx,
        ),
        ("text/csv; charset=utf-8", DocumentFormat::Csv),
        ("application/ld+json", DocumentFormat::Json),
        ("Text/HTML; charset=ISO-8859-1", DocumentFormat::Html),
        ("text/markdown", DocumentFormat::Markdown),
        ("text/plain", DocumentFormat::Text),
    ];
    for (content_type, format) in cases {
        assert_eq!(
            DeclaredType::from_content_type(content_type),
            DeclaredType::Format(format),
            "{content_type}"
        );
    }
    assert_eq!(
        DeclaredType::from_content_type("application/octet-stream"),
        DeclaredType::Unspecified
    );
    assert_eq!(
        DeclaredType::from_content_type("image/png"),
        DeclaredType::Unsupported("image/png".to_owned())
    );
    assert_eq!(
        DeclaredType::from_name_and_content_type(Some("download"), Some("application/pdf")),
        DeclaredType::Format(DocumentFormat::Pdf)
    );
    assert_eq!(
        DeclaredType::from_name_and_content_type(Some("faq.csv"), Some("text/plain")),
        DeclaredType::Format(DocumentFormat::Csv)
    );
}

#[test]
fn sniffing_tells_real_files_apart() {
    let cases = [
        ("report.pdf", SniffedType::Pdf),
        ("handbook.docx", SniffedType::Docx),
        ("prices.xlsx", SniffedType::Xlsx),
        ("image.png", SniffedType::Png),
        ("faq.csv", SniffedType::Text),
        ("utf16.txt", SniffedType::Text),
        ("latin1.txt", SniffedType::Text),
    ];
    for (name, expected) in cases {
        assert_eq!(sniff(&fixture(name)), expected, "{name}");
    }
}

#[test]
fn undeclared_uploads_are_read_as_what_they_are() {
    let limits = ExtractLimits::default();
    for (name, format) in [
        ("report.pdf", DocumentFormat::Pdf),
        ("handbook.docx", DocumentFormat::Docx),
        ("prices.xlsx", DocumentFormat::Xlsx),
        ("company.json", DocumentFormat::Json),
        ("page.html", DocumentFormat::Html),
        ("notes.txt", DocumentFormat::Text),
    ] {
        let document = extract(&fixture(name), DeclaredType::Unspecified, &limits)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(document.format, format, "{name}");
    }
    let error = extract(&fixture("image.png"), DeclaredType::Unspecified, &limits).unwrap_err();
    assert_eq!(error.code(), "unsupported_format", "{error}");
}

#[test]
fn unsupported_declarations_are_refused() {
    let error = extract(
        &fixture("image.png"),
        DeclaredType::from_file_name("image.png"),
        &ExtractLimits::default(),
    )
    .unwrap_err();
    assert_eq!(error.code(), "unsupported_format");
    assert!(matches!(error, ExtractError::UnsupportedFormat { ref what } if what == ".png"));
}

#[test]
fn a_csv_may_be_declared_as_plain_text() {
    let document = extract(
        &fixture("faq.csv"),
        DeclaredType::Format(DocumentFormat::Text),
        &ExtractLimits::default(),
    )
    .unwrap();
    assert_eq!(document.format, DocumentFormat::Text);
    assert!(document.text().contains("question,answer"));
    assert_eq!(extracted("faq.csv").format, DocumentFormat::Csv);
}
