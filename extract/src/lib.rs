//! Text extraction from uploaded documents for knowledge bases (issue 4): PDF, DOCX, XLSX, CSV,
//! JSON, HTML, Markdown and plain text become an [`ExtractedDocument`], a title and sections of
//! text that remember their page (PDF) or heading (sheet names for XLSX, headings elsewhere).
//!
//! [`extract`] first checks the size, then sniffs what the bytes really are ([`sniff()`]) and
//! refuses a file whose content does not match its [`DeclaredType`]. Every reader works under
//! [`ExtractLimits`], so hostile files (zip bombs, PDF stream bombs, huge sheets, deeply nested
//! JSON, giant markup) are refused within bounded memory and time with an [`ExtractError`] whose
//! [`ExtractError::code`] is stable.
//!
//! Extraction is synchronous CPU work. Callers in async code run it on the blocking pool with a
//! deadline, e.g. `tokio::time::timeout(limit, tokio::task::spawn_blocking(move ||
//! extract(&bytes, declared, &limits)))`; the time budget in the limits is also checked between
//! pages, rows and blocks, so a slow document ends itself with `extraction_timeout`.
//!
//! Known gap: for encrypted PDFs, lopdf decrypts and inflates object streams while loading,
//! before the limits can be applied to them (their page content streams are still checked).

mod bounded_zip;
mod budget;
mod csv;
mod declared;
mod docx;
mod error;
mod format;
mod html;
mod json;
mod limits;
mod markdown;
mod office_xml;
mod pdf;
mod pdf_streams;
mod plain_text;
mod sections;
mod sniff;
mod text_decoding;
mod xlsx;

pub use declared::DeclaredType;
pub use declared::mime_essence;
pub use error::ExtractError;
pub use format::DocumentFormat;
pub use limits::ExtractLimits;
pub use sniff::{SniffedType, sniff};

use budget::Budget;
use serde::Serialize;

/// The text of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtractedDocument {
    /// The format that was read (the sniffed one when nothing was declared).
    pub format: DocumentFormat,
    /// The document's own title (PDF information, DOCX/XLSX properties, HTML `<title>`, the first
    /// Markdown `#` heading), when it has one.
    pub title: Option<String>,
    /// The text in document order; never empty, and no section has blank text.
    pub sections: Vec<Section>,
}

impl ExtractedDocument {
    /// All the text, sections separated by a blank line.
    pub fn text(&self) -> String {
        self.sections
            .iter()
            .map(|section| section.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// A stretch of text with where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The text: lines separated by `\n`, trimmed, at most one blank line in a row.
    pub text: String,
    /// The 1-based page number (PDF only).
    pub page: Option<u32>,
    /// The heading the text sits under: a document heading, or the sheet name for XLSX.
    pub heading: Option<String>,
}

/// Extracts the text of `bytes`, declared as `declared`, within `limits`.
///
/// Sync and CPU-bound: run it under `spawn_blocking` with a deadline (see the module docs).
pub fn extract(
    bytes: &[u8],
    declared: DeclaredType,
    limits: &ExtractLimits,
) -> Result<ExtractedDocument, ExtractError> {
    let size = bytes.len() as u64;
    if size > limits.max_input_bytes {
        return Err(ExtractError::FileTooLarge {
            size,
            limit: limits.max_input_bytes,
        });
    }
    let format = resolve_format(bytes, declared)?;
    let mut budget = Budget::start(limits);
    let document = match format {
        DocumentFormat::Pdf => pdf::extract_pdf(bytes, &mut budget),
        DocumentFormat::Docx => docx::extract_docx(bytes, &mut budget),
        DocumentFormat::Xlsx => xlsx::extract_xlsx(bytes, &mut budget),
        DocumentFormat::Csv => csv::extract_csv(bytes, &mut budget),
        DocumentFormat::Json => json::extract_json(bytes, &mut budget),
        DocumentFormat::Html => html::extract_html(bytes, &mut budget),
        DocumentFormat::Markdown => markdown::extract_markdown(bytes, &mut budget),
        DocumentFormat::Text => plain_text::extract_plain_text(bytes, &mut budget),
    }?;
    if document.sections.is_empty() {
        return Err(ExtractError::EmptyDocument);
    }
    Ok(document)
}

/// The format to read: the declared one when the bytes agree with it, the sniffed one when
/// nothing was declared.
fn resolve_format(bytes: &[u8], declared: DeclaredType) -> Result<DocumentFormat, ExtractError> {
    let sniffed = sniff(bytes);
    let declared = match declared {
        DeclaredType::Unsupported(what) => return Err(ExtractError::UnsupportedFormat { what }),
        DeclaredType::Unspecified => return format_of_undeclared(bytes, sniffed),
        DeclaredType::Format(format) => format,
    };
    let agrees = match declared {
        DocumentFormat::Pdf => sniffed == SniffedType::Pdf,
        DocumentFormat::Docx => sniffed == SniffedType::Docx,
        DocumentFormat::Xlsx => sniffed == SniffedType::Xlsx,
        textual => {
            debug_assert!(textual.is_textual());
            sniffed == SniffedType::Text
        }
    };
    if agrees {
        return Ok(declared);
    }
    if sniffed == SniffedType::DamagedZip
        && matches!(declared, DocumentFormat::Docx | DocumentFormat::Xlsx)
    {
        return Err(ExtractError::corrupt(
            declared,
            "the zip directory cannot be read",
        ));
    }
    Err(ExtractError::WrongType {
        declared,
        detected: sniffed,
    })
}

/// Without a declaration: binary formats by their magic, text by how it starts (`{` or `[` is
/// JSON, `<!doctype html` or `<html` is HTML), anything else plain text.
fn format_of_undeclared(
    bytes: &[u8],
    sniffed: SniffedType,
) -> Result<DocumentFormat, ExtractError> {
    match sniffed {
        SniffedType::Pdf => Ok(DocumentFormat::Pdf),
        SniffedType::Docx => Ok(DocumentFormat::Docx),
        SniffedType::Xlsx => Ok(DocumentFormat::Xlsx),
        SniffedType::Text => {
            let head = text_decoding::decode_text(&bytes[..bytes.len().min(512)]);
            let start = head.trim_start().to_ascii_lowercase();
            Ok(if start.starts_with('{') || start.starts_with('[') {
                DocumentFormat::Json
            } else if start.starts_with("<!doctype html") || start.starts_with("<html") {
                DocumentFormat::Html
            } else {
                DocumentFormat::Text
            })
        }
        other => Err(ExtractError::UnsupportedFormat {
            what: other.as_str().to_owned(),
        }),
    }
}
