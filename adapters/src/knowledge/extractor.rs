//! [`LimitedDocumentExtractor`], the engine's [`DocumentExtractor`] over [`crate::extract`]: the
//! declared type comes from the file name and content type, the result becomes the engine's
//! [`ExtractedText`], and an [`ExtractError`] becomes a [`DocumentRejected`] with the same stable
//! code.

use crate::extract::{
    DeclaredType, DocumentFormat, ExtractError, ExtractLimits, ExtractedDocument, Section, extract,
};
use botwot_engine::knowledge::{
    DocumentExtractor, DocumentRejected, ExtractedSection, ExtractedText,
};

/// Extracts uploaded documents within configurable [`ExtractLimits`].
#[derive(Debug, Clone, Default)]
pub struct LimitedDocumentExtractor {
    limits: ExtractLimits,
}

impl LimitedDocumentExtractor {
    pub fn new(limits: ExtractLimits) -> Self {
        Self { limits }
    }

    pub fn limits(&self) -> &ExtractLimits {
        &self.limits
    }
}

impl DocumentExtractor for LimitedDocumentExtractor {
    fn extract(
        &self,
        bytes: &[u8],
        file_name: Option<&str>,
        content_type: Option<&str>,
    ) -> Result<ExtractedText, DocumentRejected> {
        let declared = DeclaredType::from_name_and_content_type(file_name, content_type);
        extract(bytes, declared, &self.limits)
            .map(extracted_text)
            .map_err(rejection)
    }
}

/// The engine's view of an extracted document. Pages are counted for paginated formats only:
/// the highest page any section is on.
fn extracted_text(document: ExtractedDocument) -> ExtractedText {
    let pages = match document.format {
        DocumentFormat::Pdf => document.sections.iter().filter_map(|part| part.page).max(),
        _ => None,
    };
    ExtractedText {
        title: document.title,
        sections: document.sections.into_iter().map(section).collect(),
        pages,
    }
}

fn section(section: Section) -> ExtractedSection {
    ExtractedSection {
        text: section.text,
        page: section.page,
        heading: section.heading,
    }
}

/// The refusal, code kept; the message is the error's sentence with a capital letter.
fn rejection(error: ExtractError) -> DocumentRejected {
    let sentence = error.to_string();
    let mut letters = sentence.chars();
    let message = match letters.next() {
        Some(first) => first.to_uppercase().chain(letters).collect(),
        None => sentence,
    };
    DocumentRejected::new(error.code(), message)
}

#[cfg(test)]
mod tests;
