//! The document formats that extraction reads, named once for errors, results and logs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A format that [`super::extract`] turns into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    /// Portable Document Format.
    Pdf,
    /// Word document (Office Open XML).
    Docx,
    /// Excel workbook (Office Open XML).
    Xlsx,
    /// Comma-separated values.
    Csv,
    /// JSON, flattened to `path: value` lines.
    Json,
    /// HTML page.
    Html,
    /// Markdown (CommonMark).
    Markdown,
    /// Plain text.
    Text,
}

impl DocumentFormat {
    /// The lowercase name, as in API payloads: `pdf`, `docx`, `xlsx`, `csv`, `json`, `html`,
    /// `markdown`, `text`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Html => "html",
            Self::Markdown => "markdown",
            Self::Text => "text",
        }
    }

    /// Whether the format is a textual one, whose bytes must sniff as text.
    pub fn is_textual(self) -> bool {
        !matches!(self, Self::Pdf | Self::Docx | Self::Xlsx)
    }
}

impl fmt::Display for DocumentFormat {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}
