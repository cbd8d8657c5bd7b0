//! Plain text files: decoded (UTF-8, UTF-16 with byte-order mark, else Windows-1252) into one
//! section.

use super::ExtractedDocument;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::sections::SectionWriter;
use super::text_decoding::decode_text;

/// Extracts a text file.
pub(crate) fn extract_plain_text(
    bytes: &[u8],
    budget: &mut Budget<'_>,
) -> Result<ExtractedDocument, ExtractError> {
    let text = decode_text(bytes);
    let mut sections = SectionWriter::new();
    sections.push_text(&text, budget)?;
    Ok(ExtractedDocument {
        format: DocumentFormat::Text,
        title: None,
        sections: sections.finish(),
    })
}
