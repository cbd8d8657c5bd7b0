//! The extractor port over real documents: Markdown and text built here, a PDF written by hand
//! (two pages, so page numbers and the page count come through), a zip bomb made with the zip
//! crate. The generated PDF fixture is read through the port in `tests/extract/formats.rs`.

use super::LimitedDocumentExtractor;
use crate::extract::ExtractLimits;
use botwot_engine::knowledge::{DocumentExtractor, ExtractedText};
use std::io::Write;

fn extract(bytes: &[u8], name: Option<&str>, content_type: Option<&str>) -> ExtractedText {
    LimitedDocumentExtractor::default()
        .extract(bytes, name, content_type)
        .unwrap_or_else(|error| panic!("{}: {}", error.code, error.message))
}

#[test]
fn markdown_keeps_title_and_headings_without_pages() {
    let text = extract(
        b"# Staff Guide\n\nWelcome aboard.\n\n## Holidays\n\nTwenty-five days a year.\n",
        Some("guide.md"),
        None,
    );
    assert_eq!(text.title.as_deref(), Some("Staff Guide"));
    assert_eq!(text.pages, None);
    let holidays = text
        .sections
        .iter()
        .find(|section| section.heading.as_deref() == Some("Holidays"))
        .expect("a Holidays section");
    assert_eq!(holidays.text, "Twenty-five days a year.");
    assert_eq!(holidays.page, None);
}

#[test]
fn content_type_declares_when_there_is_no_file_name() {
    let text = extract(
        b"Opening hours: nine to five.",
        None,
        Some("text/plain; charset=utf-8"),
    );
    assert_eq!(text.sections.len(), 1);
    assert_eq!(text.sections[0].text, "Opening hours: nine to five.");
}

#[test]
fn pdf_sections_carry_pages_and_the_page_count() {
    let text = extract(&two_page_pdf(), Some("notice.pdf"), Some("application/pdf"));
    assert_eq!(text.pages, Some(2));
    let pages: Vec<_> = text.sections.iter().map(|section| section.page).collect();
    assert!(
        pages.contains(&Some(1)) && pages.contains(&Some(2)),
        "{text:?}"
    );
    let all: String = text.sections.iter().map(|s| s.text.as_str()).collect();
    assert!(
        all.contains("Lighthouse") && all.contains("Harbour"),
        "{all}"
    );
}

#[test]
fn wrong_extension_is_refused_with_its_code() {
    let error = LimitedDocumentExtractor::default()
        .extract(b"just some text", Some("invoice.pdf"), None)
        .unwrap_err();
    assert_eq!(error.code, "wrong_file_type");
    assert!(
        error.message.starts_with("The file is declared as pdf"),
        "{}",
        error.message
    );
}

#[test]
fn zip_bomb_is_refused_with_its_code() {
    let error = LimitedDocumentExtractor::default()
        .extract(&zip_bomb_docx(), Some("handbook.docx"), None)
        .unwrap_err();
    assert_eq!(error.code, "archive_bomb", "{}", error.message);
}

#[test]
fn configured_limits_apply() {
    let limits = ExtractLimits {
        max_input_bytes: 8,
        ..ExtractLimits::default()
    };
    let extractor = LimitedDocumentExtractor::new(limits);
    assert_eq!(extractor.limits().max_input_bytes, 8);
    let error = extractor
        .extract(b"more than eight bytes", Some("notes.txt"), None)
        .unwrap_err();
    assert_eq!(error.code, "file_too_large");
}

/// A generated fixture, or `None` when the fixtures were not generated.
/// A two-page PDF with one line of Helvetica text per page, cross-reference table included.
fn two_page_pdf() -> Vec<u8> {
    let page_text = ["Lighthouse keeping rules", "Harbour opening times"];
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".to_owned(),
    ];
    for (index, _) in page_text.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 7 0 R >> >> /Contents {} 0 R >>",
            5 + index
        ));
    }
    for line in page_text {
        let stream = format!("BT /F1 12 Tf 72 770 Td ({line}) Tj ET");
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    );
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        write!(pdf, "{} 0 obj\n{object}\nendobj\n", index + 1).unwrap();
    }
    let xref = pdf.len();
    write!(pdf, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for offset in offsets {
        writeln!(pdf, "{offset:010} 00000 n ").unwrap();
    }
    write!(
        pdf,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    pdf
}

/// A DOCX-shaped zip whose document inflates 1000-fold to 16 MiB.
fn zip_bomb_docx() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    let block = vec![b' '; 1024 * 1024];
    for _ in 0..16 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap().into_inner()
}
