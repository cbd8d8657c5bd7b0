//! Each format read from a file made by a real tool: the known sentences come out, with page
//! numbers for PDF, sheet names for XLSX, headings and titles where the format has them.

use crate::{assert_contains, extracted, refused_with, section};
use botwot_adapters::extract::{DocumentFormat, ExtractLimits};
use botwot_adapters::knowledge::LimitedDocumentExtractor;
use botwot_engine::knowledge::DocumentExtractor;

#[test]
fn the_extractor_port_reports_a_pdf_title_and_page_count() {
    let bytes = crate::fixture("report.pdf");
    let text = LimitedDocumentExtractor::default()
        .extract(&bytes, Some("report.pdf"), None)
        .unwrap_or_else(|error| panic!("{}: {}", error.code, error.message));
    assert_eq!(text.title.as_deref(), Some("Quarterly Operations Report"));
    assert_eq!(text.pages, Some(3));
}

#[test]
fn pdf_text_comes_out_page_by_page() {
    let document = extracted("report.pdf");
    assert_eq!(document.format, DocumentFormat::Pdf);
    assert_eq!(
        document.title.as_deref(),
        Some("Quarterly Operations Report")
    );
    let pages: Vec<Option<u32>> = document
        .sections
        .iter()
        .map(|section| section.page)
        .collect();
    assert_eq!(pages, [Some(1), Some(2), Some(3)]);
    assert_contains(
        &document.sections[0].text,
        "The lighthouse keeper counts twelve ships every morning.",
    );
    assert_contains(
        &document.sections[1].text,
        "Invoices are payable within thirty days of delivery.",
    );
    assert_contains(
        &document.sections[2].text,
        "Refunds are issued to the original payment method.",
    );
    assert!(!document.sections[0].text.contains("Invoices"));
}

#[test]
fn pdf_with_an_embedded_font_subset_decodes_through_its_unicode_map() {
    let document = extracted("embedded-font.pdf");
    assert_eq!(document.sections.len(), 2);
    assert_contains(
        &document.sections[0].text,
        "Greetings from Zurich: the café opens at nine.",
    );
    assert_contains(
        &document.sections[1].text,
        "Naïve questions are welcome at the front desk.",
    );
    assert_eq!(document.sections[1].page, Some(2));
}

#[test]
fn pdf_encrypted_with_an_empty_user_password_is_read() {
    let document = extracted("encrypted.pdf");
    assert_eq!(document.sections.len(), 3);
    assert_contains(
        &document.sections[1].text,
        "Invoices are payable within thirty days of delivery.",
    );
}

#[test]
fn pdf_with_a_cid_font_from_another_producer_is_read() {
    let document = extracted("cid-font.pdf");
    assert_eq!(document.title.as_deref(), Some("Branch Notices"));
    assert_eq!(document.sections.len(), 2);
    assert_contains(
        &document.sections[0].text,
        "Transfers to the Zürich branch take two working days.",
    );
    assert_contains(
        &document.sections[1].text,
        "Façade repairs finish before the spring fair.",
    );
}

#[test]
fn pdf_with_a_highly_compressed_image_is_not_mistaken_for_a_bomb() {
    assert_contains(
        &extracted("large-image.pdf").text(),
        "The floor plan below shows every fire exit.",
    );
}

#[test]
fn pdf_without_text_is_an_empty_document() {
    let error = refused_with("blank.pdf", &ExtractLimits::default());
    assert_eq!(error.code(), "empty_document", "{error}");
}

#[test]
fn docx_paragraphs_come_out_under_their_headings() {
    let document = extracted("handbook.docx");
    assert_eq!(document.format, DocumentFormat::Docx);
    assert_eq!(document.title.as_deref(), Some("Employee Handbook"));
    assert_contains(
        &section(&document, "Leave policy").text,
        "Employees receive twenty-five days of paid leave each year.",
    );
    let travel = &section(&document, "Travel").text;
    assert_contains(
        travel,
        "Economy class is booked for flights under six hours.",
    );
    assert_contains(travel, "Laptop returns go to the service desk.");
    assert_contains(travel, "Parking rules follow.");
    assert_eq!(
        travel
            .matches("Text box: visitors park on level two.")
            .count(),
        1,
        "{travel}"
    );
    assert!(
        document
            .sections
            .iter()
            .all(|section| section.page.is_none())
    );
}

#[test]
fn docx_with_a_highly_compressed_picture_is_not_mistaken_for_a_bomb() {
    assert_contains(
        &extracted("picture.docx").text(),
        "The evacuation map is attached below.",
    );
}

#[test]
fn xlsx_sheets_are_sections_named_after_the_sheet() {
    let document = extracted("prices.xlsx");
    assert_eq!(document.format, DocumentFormat::Xlsx);
    assert_eq!(document.title.as_deref(), Some("Price List"));
    let headings: Vec<&str> = document
        .sections
        .iter()
        .filter_map(|section| section.heading.as_deref())
        .collect();
    assert_eq!(headings, ["Prices", "Contacts"]);
    let prices = &section(&document, "Prices").text;
    assert_contains(prices, "Product | Monthly price");
    assert_contains(prices, "Standard plan | 49");
    assert_contains(prices, "Premium plan | 99.5");
    assert_contains(prices, "The warehouse closes at six on Fridays.");
    assert_contains(prices, "Price list valid from | 2025-03-01");
    assert_contains(
        &section(&document, "Contacts").text,
        "Support desk | help@example.com",
    );
}

#[test]
fn csv_records_become_lines_with_quoted_fields_intact() {
    let document = extracted("faq.csv");
    assert_eq!(document.format, DocumentFormat::Csv);
    let text = document.text();
    assert_contains(&text, "question | answer");
    assert_contains(
        &text,
        "How long does shipping take? | Shipping takes three to five business days.",
    );
    assert_contains(&text, "Yes, to \"most\" countries, except a few islands.");
    assert_contains(&extracted("wide.csv").text(), "r199c0 | r199c1");
}

#[test]
fn json_is_flattened_to_path_value_lines() {
    let document = extracted("company.json");
    assert_eq!(document.format, DocumentFormat::Json);
    let text = document.text();
    for line in [
        "company.name: Acme Tools",
        "company.support.hours: Weekdays from nine to five",
        "plans[0].name: Standard",
        "plans[1].price: 99",
        "active: true",
    ] {
        assert!(
            text.lines().any(|candidate| candidate == line),
            "{line:?} not in:\n{text}"
        );
    }
}

#[test]
fn html_keeps_visible_text_under_headings_and_drops_scripts_styles_and_navigation() {
    let document = extracted("page.html");
    assert_eq!(document.format, DocumentFormat::Html);
    assert_eq!(document.title.as_deref(), Some("Help centre"));
    assert_contains(
        &section(&document, "Returns").text,
        "Items can be returned within thirty days & without a receipt.",
    );
    let warranty = &section(&document, "Warranty").text;
    assert_contains(warranty, "Every kettle has a two year warranty.");
    assert_contains(warranty, "Toasters: one year\nBlenders: three years");
    let text = document.text();
    for hidden in [
        "trackingSecret",
        "do not index",
        "color: red",
        "About us navigation",
        "Enable scripts",
    ] {
        assert!(!text.contains(hidden), "{hidden:?} leaked into:\n{text}");
    }
}

#[test]
fn html_in_a_legacy_charset_is_decoded_by_its_meta_declaration() {
    let document = extracted("cyrillic.html");
    assert_eq!(document.title.as_deref(), Some("Доставка"));
    assert_contains(&document.text(), "Доставка занимает три дня.");
}

#[test]
fn deeply_nested_html_is_read_in_linear_time() {
    assert_contains(&extracted("deep.html").text(), "Deep inside the markup.");
}

#[test]
fn markdown_becomes_plain_text_under_its_headings() {
    let document = extracted("guide.md");
    assert_eq!(document.format, DocumentFormat::Markdown);
    assert_eq!(document.title.as_deref(), Some("Onboarding guide"));
    assert_contains(
        &section(&document, "Onboarding guide").text,
        "New starters meet their buddy on the first day.",
    );
    let equipment = &section(&document, "Equipment").text;
    assert_contains(equipment, "A laptop is ready at the front desk.");
    assert_contains(equipment, "Badges are printed by security.");
    assert_contains(equipment, "make setup");
    assert!(!document.text().contains("**"));
}

#[test]
fn text_files_are_decoded_from_utf8_utf16_and_latin1() {
    assert_contains(
        &extracted("notes.txt").text(),
        "The parking garage opens at seven.\nVisitors sign in at reception.",
    );
    assert_contains(&extracted("utf16.txt").text(), "Das Büro schließt um fünf.");
    assert_contains(
        &extracted("latin1.txt").text(),
        "Crème brûlée is served on Sundays.",
    );
}

#[test]
fn whitespace_only_text_is_an_empty_document() {
    let error = refused_with("whitespace.txt", &ExtractLimits::default());
    assert_eq!(error.code(), "empty_document");
}
