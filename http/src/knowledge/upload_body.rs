//! The file an upload request carries: the raw body (the file itself, typed by the request's
//! `Content-Type`), or a `multipart/form-data` form as browsers and most HTTP clients send
//! files, whose `file` part (or first part with a file name) is the file, typed and named by
//! the part. Either way at most `limit` bytes are read; past that the upload is refused as
//! `file_too_large` without reading the rest.

use crate::errors::{AppError, ErrorCode};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};

/// The form field that holds the file.
const FILE_FIELD: &str = "file";

/// An uploaded file.
pub struct UploadedFile {
    pub bytes: Bytes,
    /// The name the form gave the file, if it was sent as a form.
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

/// Reads the file of an upload request.
pub async fn read_upload(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<UploadedFile, AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let boundary = content_type
        .as_deref()
        .filter(|kind| kind.starts_with("multipart/"))
        .map(multer::parse_boundary);
    match boundary {
        None => {
            let bytes = axum::body::to_bytes(body, limit)
                .await
                .map_err(|_| too_large(limit))?;
            Ok(UploadedFile {
                bytes,
                file_name: None,
                content_type,
            })
        }
        Some(Ok(boundary)) => read_form(body, boundary, limit).await,
        Some(Err(_)) => Err(malformed("the multipart Content-Type has no boundary")),
    }
}

async fn read_form(body: Body, boundary: String, limit: usize) -> Result<UploadedFile, AppError> {
    let mut form = multer::Multipart::new(body.into_data_stream(), boundary);
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        let is_file = field.name() == Some(FILE_FIELD) || field.file_name().is_some();
        if !is_file {
            continue;
        }
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(UploadedFile {
            bytes: Bytes::from(bytes),
            file_name,
            content_type,
        });
    }
    Err(malformed(
        "the form has no file: send it in a part named \"file\"",
    ))
}

fn too_large(limit: usize) -> AppError {
    AppError::new(
        ErrorCode::FileTooLarge,
        format!("the file is larger than the {limit} bytes your plan and this server allow"),
    )
}

fn malformed(message: &str) -> AppError {
    AppError::new(ErrorCode::InvalidPayload, message)
}

fn unreadable(error: multer::Error) -> AppError {
    malformed(&format!("the multipart form cannot be read: {error}"))
}
