//! The content types a URL document may have: the formats extraction reads (HTML, plain text,
//! Markdown, PDF, JSON, CSV, DOCX, XLSX). Anything else is refused before its body is read.

use super::error::FetchError;
use reqwest::header::{CONTENT_TYPE, HeaderMap};

/// Media types (without parameters) that are fetched.
const ACCEPTED: &[&str] = &[
    "text/html",
    "text/plain",
    "text/markdown",
    "text/csv",
    "application/pdf",
    "application/json",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// The response's `Content-Type` as sent, when its media type is accepted. A response without
/// one is accepted as `None`: extraction then goes by what the bytes are.
pub(crate) fn accepted_content_type(headers: &HeaderMap) -> Result<Option<String>, FetchError> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| FetchError::UnsupportedContentType("(not text)".to_owned()))?;
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if ACCEPTED.contains(&essence.as_str()) {
        Ok(Some(value.to_owned()))
    } else {
        Err(FetchError::UnsupportedContentType(essence))
    }
}
