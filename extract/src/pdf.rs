//! PDF documents: text page by page with `pdf-extract` (on lopdf), one section per page with its
//! page number, the title from the document information. Before any text is extracted, the file
//! is held to the limits: compressed streams ([`super::pdf_streams`]), the page count, the chain of
//! parent page nodes and the nesting of form XObjects (which the text extractor follows
//! recursively). `pdf-extract` panics on some malformed files; such a panic is caught and reported
//! as a corrupt file.

use super::ExtractedDocument;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::pdf_streams::{check_loaded_streams, scan_raw_streams};
use super::sections::{SectionWriter, collapse_whitespace};
use pdf_extract::{Dictionary, Document, Object, ObjectId, PlainTextOutput};
use std::panic::{AssertUnwindSafe, catch_unwind};

const FORMAT: DocumentFormat = DocumentFormat::Pdf;

/// Deepest chain of parent page-tree nodes accepted above one page.
const MAX_PAGE_TREE_DEPTH: usize = 64;

/// Most form XObject invocations followed on one page (guards against fan-out bombs).
const MAX_FORM_INVOCATIONS_PER_PAGE: u64 = 10_000;

/// Extracts a PDF.
pub(crate) fn extract_pdf(
    bytes: &[u8],
    budget: &mut Budget<'_>,
) -> Result<ExtractedDocument, ExtractError> {
    scan_raw_streams(bytes, budget)?;
    let mut document = catch_unwind(|| Document::load_mem(bytes))
        .map_err(|_| ExtractError::corrupt(FORMAT, "the pdf parser failed"))?
        .map_err(|error| ExtractError::corrupt(FORMAT, error))?;
    if document.is_encrypted() {
        document
            .decrypt("")
            .map_err(|_| ExtractError::UnsupportedFormat {
                what: "password-protected pdf".to_owned(),
            })?;
    }
    check_loaded_streams(&document, budget)?;
    let pages = document.get_pages();
    let page_count = pages.len() as u64;
    if page_count > budget.limits.max_pages {
        return Err(ExtractError::TooManyPages {
            pages: page_count,
            limit: budget.limits.max_pages,
        });
    }
    let mut sections = SectionWriter::new();
    for (&page_number, &page_id) in &pages {
        budget.check_time()?;
        let resources = page_resources(&document, page_id)?;
        let mut invocations = 0;
        let content = document.get_page_content(page_id).unwrap_or_default();
        check_form_nesting(&document, &content, resources, 0, &mut invocations, budget)?;
        let text = page_text(&document, page_number)?;
        sections.start_section(None, Some(page_number));
        sections.push_text(&text, budget)?;
    }
    Ok(ExtractedDocument {
        format: FORMAT,
        title: document_title(&document),
        sections: sections.finish(),
    })
}

/// The text of one page, a parser panic turned into a corrupt-file error.
fn page_text(document: &Document, page_number: u32) -> Result<String, ExtractError> {
    let mut text = String::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut output = PlainTextOutput::new(&mut text);
        pdf_extract::output_doc_page(document, &mut output, page_number)
    }));
    match outcome {
        Ok(Ok(())) => Ok(text),
        Ok(Err(error)) => Err(ExtractError::corrupt(
            FORMAT,
            format!("page {page_number}: {error}"),
        )),
        Err(_) => Err(ExtractError::corrupt(
            FORMAT,
            format!("page {page_number} cannot be read"),
        )),
    }
}

/// Walks up the page tree (bounded, so a cycle is refused rather than followed forever, as the
/// text extractor would) and returns the nearest `/Resources`.
fn page_resources(
    document: &Document,
    page_id: ObjectId,
) -> Result<Option<&Dictionary>, ExtractError> {
    let mut node = document
        .get_dictionary(page_id)
        .map_err(|error| ExtractError::corrupt(FORMAT, error))?;
    let mut resources = None;
    for _ in 0..MAX_PAGE_TREE_DEPTH {
        if resources.is_none() {
            resources = node
                .get(b"Resources")
                .ok()
                .and_then(|object| dereference_dictionary(document, object));
        }
        let parent = node
            .get(b"Parent")
            .ok()
            .and_then(|parent| parent.as_reference().ok());
        match parent {
            None => return Ok(resources),
            Some(parent) => {
                node = document
                    .get_dictionary(parent)
                    .map_err(|error| ExtractError::corrupt(FORMAT, error))?;
            }
        }
    }
    Err(ExtractError::corrupt(
        FORMAT,
        format!("the page tree is deeper than {MAX_PAGE_TREE_DEPTH} levels or loops"),
    ))
}

/// Follows the XObjects that `content` paints with `Do`, as the text extractor will: every
/// stream a `Do` names, whatever its `/Subtype` says (the extractor reads any of them as content,
/// so a form whose subtype is missing or wrong recurses there all the same), refusing nesting
/// past the depth limit (which also stops a form that paints itself) and pages that invoke forms
/// too often.
fn check_form_nesting(
    document: &Document,
    content: &[u8],
    resources: Option<&Dictionary>,
    depth: u64,
    invocations: &mut u64,
    budget: &Budget<'_>,
) -> Result<(), ExtractError> {
    let Some(resources) = resources else {
        return Ok(());
    };
    let Some(xobjects) = resources
        .get(b"XObject")
        .ok()
        .and_then(|object| dereference_dictionary(document, object))
    else {
        return Ok(());
    };
    let Ok(operations) = pdf_extract::content::Content::decode(content) else {
        return Ok(());
    };
    for operation in operations
        .operations
        .iter()
        .filter(|operation| operation.operator == "Do")
    {
        let Some(name) = operation
            .operands
            .first()
            .and_then(|name| name.as_name().ok())
        else {
            continue;
        };
        let Some(form) = xobjects
            .get(name)
            .ok()
            .and_then(|object| document.dereference(object).ok())
            .and_then(|(_, object)| object.as_stream().ok())
        else {
            continue;
        };
        // As the extractor reads it: inflated when its filters are known, as stored otherwise.
        *invocations += 1;
        let limit = budget.limits.max_nesting_depth;
        if depth + 1 > limit {
            return Err(ExtractError::TooDeeplyNested { limit });
        }
        if *invocations > MAX_FORM_INVOCATIONS_PER_PAGE {
            return Err(ExtractError::bomb(format!(
                "a page paints form xobjects more than {MAX_FORM_INVOCATIONS_PER_PAGE} times"
            )));
        }
        budget.check_time()?;
        let form_resources = form
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|object| dereference_dictionary(document, object))
            .or(Some(resources));
        let form_content = if form.filters().is_ok() {
            form.decompressed_content()
                .unwrap_or_else(|_| form.content.clone())
        } else {
            form.content.clone()
        };
        check_form_nesting(
            document,
            &form_content,
            form_resources,
            depth + 1,
            invocations,
            budget,
        )?;
    }
    Ok(())
}

fn dereference_dictionary<'d>(
    document: &'d Document,
    object: &'d Object,
) -> Option<&'d Dictionary> {
    document
        .dereference(object)
        .ok()
        .and_then(|(_, object)| object.as_dict().ok())
}

/// `/Title` of the document information dictionary (UTF-16 with byte-order mark, or
/// PDFDocEncoding read as Latin-1).
fn document_title(document: &Document) -> Option<String> {
    let info = document
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|object| dereference_dictionary(document, object))?;
    let raw = info
        .get(b"Title")
        .ok()
        .and_then(|object| document.dereference(object).ok())
        .and_then(|(_, object)| object.as_str().ok())?;
    let title = match raw.strip_prefix(b"\xfe\xff") {
        Some(utf16) => {
            let units = utf16
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
            char::decode_utf16(units)
                .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect::<String>()
        }
        None => raw.iter().map(|&byte| char::from(byte)).collect(),
    };
    let title = collapse_whitespace(&title);
    (!title.is_empty()).then_some(title)
}

#[cfg(test)]
mod form_tests;
