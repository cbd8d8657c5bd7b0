//! Word documents (DOCX): the paragraphs of `word/document.xml` in order, table cells included.
//! Paragraphs styled as headings (`Heading1`…, `Title`, or with an outline level) start sections;
//! the title comes from the document properties. DOCX has no fixed pages, so `page` stays empty.

use super::ExtractedDocument;
use super::bounded_zip::BoundedZip;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::office_xml::{core_title, part_text, reference_text};
use super::sections::SectionWriter;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

const FORMAT: DocumentFormat = DocumentFormat::Docx;
const DOCUMENT_PART: &str = "word/document.xml";

/// Extracts a DOCX package.
pub(crate) fn extract_docx(
    bytes: &[u8],
    budget: &mut Budget<'_>,
) -> Result<ExtractedDocument, ExtractError> {
    let mut archive = BoundedZip::open(bytes, FORMAT, budget)?;
    let document = archive
        .read_part(DOCUMENT_PART, budget)?
        .ok_or_else(|| ExtractError::corrupt(FORMAT, format!("{DOCUMENT_PART} is missing")))?;
    let mut sections = SectionWriter::new();
    read_paragraphs(
        part_text(&document, FORMAT, DOCUMENT_PART)?,
        &mut sections,
        budget,
    )?;
    drop(document);
    let title = core_title(&mut archive, FORMAT, budget)?;
    Ok(ExtractedDocument {
        format: FORMAT,
        title,
        sections: sections.finish(),
    })
}

/// The paragraph being read.
#[derive(Default)]
struct Paragraph {
    text: String,
    is_heading: bool,
}

/// Reads the paragraphs in order. Paragraphs nest (a text box inside a run holds its own), so
/// they are kept on a stack; `mc:Fallback` branches repeat their `mc:Choice` and are skipped.
fn read_paragraphs(
    xml: &str,
    sections: &mut SectionWriter,
    budget: &mut Budget<'_>,
) -> Result<(), ExtractError> {
    let mut reader = Reader::from_str(xml);
    let mut open_paragraphs: Vec<Paragraph> = Vec::new();
    let mut in_text_run = false;
    let mut fallback_depth: u32 = 0;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| ExtractError::corrupt(FORMAT, error))?;
        if fallback_depth > 0 {
            match &event {
                Event::Start(element) if element.local_name().as_ref() == "Fallback" => {
                    fallback_depth += 1;
                }
                Event::End(element) if element.local_name().as_ref() == "Fallback" => {
                    fallback_depth -= 1;
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
            continue;
        }
        let paragraph = open_paragraphs.last_mut();
        match event {
            Event::Start(element) => match element.local_name().as_ref() {
                "p" => open_paragraphs.push(Paragraph::default()),
                "t" => in_text_run = true,
                "Fallback" => fallback_depth = 1,
                _ => mark_style(&element, paragraph),
            },
            Event::Empty(element) => match element.local_name().as_ref() {
                "tab" => push_in(paragraph, "\t"),
                "br" | "cr" => push_in(paragraph, "\n"),
                _ => mark_style(&element, paragraph),
            },
            Event::Text(text) if in_text_run => push_in(paragraph, &text.xml10_content()),
            Event::GeneralRef(reference) if in_text_run => {
                push_in(paragraph, &reference_text(&reference).unwrap_or_default());
            }
            Event::End(element) => match element.local_name().as_ref() {
                "t" => in_text_run = false,
                "p" => {
                    if let Some(finished) = open_paragraphs.pop() {
                        write_paragraph(finished, sections, budget)?;
                    }
                }
                "tr" => sections.end_block(),
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn push_in(paragraph: Option<&mut Paragraph>, text: &str) {
    if let Some(paragraph) = paragraph {
        paragraph.text.push_str(text);
    }
}

/// Notes heading styles (`w:pStyle w:val="Heading2"`, `Title`) and outline levels.
fn mark_style(element: &BytesStart<'_>, paragraph: Option<&mut Paragraph>) {
    let Some(paragraph) = paragraph else {
        return;
    };
    let value = || {
        element
            .try_get_attribute("w:val")
            .ok()
            .flatten()
            .map(|attribute| attribute.value.to_ascii_lowercase())
    };
    match element.local_name().as_ref() {
        "pStyle" => {
            if let Some(style) = value()
                && (style.starts_with("heading") || style == "title" || style == "subtitle")
            {
                paragraph.is_heading = true;
            }
        }
        "outlineLvl" => paragraph.is_heading = true,
        _ => {}
    }
}

fn write_paragraph(
    paragraph: Paragraph,
    sections: &mut SectionWriter,
    budget: &mut Budget<'_>,
) -> Result<(), ExtractError> {
    if paragraph.is_heading && !paragraph.text.trim().is_empty() {
        budget.add_text(&paragraph.text)?;
        sections.start_section(Some(paragraph.text), None);
        return Ok(());
    }
    sections.push_text(&paragraph.text, budget)?;
    sections.end_block();
    Ok(())
}
