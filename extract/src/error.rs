//! Why a document could not be turned into text. Every variant has a stable [`ExtractError::code`]
//! that the HTTP layer and the ingestion progress report show to users; the `Display` text is a
//! lowercase sentence for logs and error details.

use super::format::DocumentFormat;
use super::sniff::SniffedType;

/// A document that was refused or could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The bytes are not what the file name or content type says.
    #[error("the file is declared as {declared} but its content is {detected}")]
    WrongType {
        /// The format the upload claimed.
        declared: DocumentFormat,
        /// What the bytes turned out to be.
        detected: SniffedType,
    },
    /// The upload is larger than [`super::ExtractLimits::max_input_bytes`].
    #[error("the file has {size} bytes, more than the limit of {limit}")]
    FileTooLarge {
        /// Size of the upload in bytes.
        size: u64,
        /// The configured limit in bytes.
        limit: u64,
    },
    /// A PDF with more pages than [`super::ExtractLimits::max_pages`].
    #[error("the document has {pages} pages, more than the limit of {limit}")]
    TooManyPages {
        /// Pages in the document.
        pages: u64,
        /// The configured limit.
        limit: u64,
    },
    /// Content that expands past the limits: a zip bomb, a PDF stream bomb, or PDF forms painting
    /// each other exponentially often.
    #[error("the content expands past the limits: {reason}")]
    ArchiveBomb {
        /// Which limit was crossed, and where.
        reason: String,
    },
    /// A spreadsheet or CSV with more cells than [`super::ExtractLimits::max_cells`].
    #[error("the table has more than {limit} cells")]
    TooManyCells {
        /// The configured limit.
        limit: u64,
    },
    /// Structure nested deeper than [`super::ExtractLimits::max_nesting_depth`] (JSON, PDF forms).
    #[error("the document is nested deeper than {limit} levels")]
    TooDeeplyNested {
        /// The configured limit.
        limit: u64,
    },
    /// More text than [`super::ExtractLimits::max_text_chars`].
    #[error("the document holds more than {limit} characters of text")]
    TextTooLong {
        /// The configured limit in characters.
        limit: u64,
    },
    /// A format that is not extracted (images, presentations, legacy Office files...).
    #[error("unsupported format: {what}")]
    UnsupportedFormat {
        /// The extension, content type or detected type that was refused.
        what: String,
    },
    /// The file has the right type but cannot be parsed.
    #[error("the {format} file is damaged or unreadable: {reason}")]
    CorruptFile {
        /// The format being read.
        format: DocumentFormat,
        /// What the parser reported.
        reason: String,
    },
    /// Extraction used up [`super::ExtractLimits::time_budget_ms`].
    #[error("extraction took longer than {limit_ms} ms")]
    ExtractionTimeout {
        /// The configured budget in milliseconds.
        limit_ms: u64,
    },
    /// The document was read but holds no text (a scanned PDF, an empty sheet...).
    #[error("the document contains no text")]
    EmptyDocument,
}

impl ExtractError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongType { .. } => "wrong_file_type",
            Self::FileTooLarge { .. } => "file_too_large",
            Self::TooManyPages { .. } => "too_many_pages",
            Self::ArchiveBomb { .. } => "archive_bomb",
            Self::TooManyCells { .. } => "too_many_cells",
            Self::TooDeeplyNested { .. } => "too_deeply_nested",
            Self::TextTooLong { .. } => "text_too_long",
            Self::UnsupportedFormat { .. } => "unsupported_format",
            Self::CorruptFile { .. } => "corrupt_file",
            Self::ExtractionTimeout { .. } => "extraction_timeout",
            Self::EmptyDocument => "empty_document",
        }
    }

    /// A [`ExtractError::CorruptFile`] for `format` with the parser's message.
    pub(crate) fn corrupt(format: DocumentFormat, reason: impl std::fmt::Display) -> Self {
        Self::CorruptFile {
            format,
            reason: reason.to_string(),
        }
    }

    /// An [`ExtractError::ArchiveBomb`] with its reason.
    pub(crate) fn bomb(reason: impl Into<String>) -> Self {
        Self::ArchiveBomb {
            reason: reason.into(),
        }
    }
}
