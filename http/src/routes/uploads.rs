//! `POST /v1/media`: an agent uploads a file to send in a conversation. The body is the file
//! itself, its `Content-Type` the file's type; what WhatsApp takes is accepted (JPEG and PNG
//! images up to 5 MB, MP4 and 3GPP video and AAC, MP4, MPEG, AMR and OGG audio up to 16 MB,
//! PDF, plain text and Office documents up to 100 MB). The answer's `url` goes into a reply's
//! `media.url` (`POST /v1/sessions/{sessionId}/messages`); the sender uploads the file to Meta
//! when the reply goes out (WhatsApp, Messenger), so it needs no public address, or gives
//! Instagram a signed link to fetch it by (`upload_links`).

use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header::CONTENT_TYPE};
use botwot_adapters::meta::uploads::{Upload, UploadError, Uploads, upload_id, uploaded_kind};
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{Channel, MessageBody, SessionKey};
use serde::Serialize;
use utoipa::ToSchema;

/// The largest upload the route reads (a document's limit); each kind's own limit is checked
/// after.
pub const MAX_UPLOAD_BYTES: usize = 100 * 1024 * 1024;

/// A kept upload.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadedFile {
    /// What a reply's `media.url` names the file by.
    pub url: String,
    /// `image`, `video`, `audio` or `document`: the reply's `media.type`.
    pub media_type: &'static str,
    pub content_type: String,
    /// Bytes.
    pub size: usize,
}

impl From<Upload> for UploadedFile {
    fn from(upload: Upload) -> Self {
        Self {
            url: upload.url,
            media_type: upload.media_type,
            content_type: upload.content_type,
            size: upload.size,
        }
    }
}

/// Keeps a file an agent will send.
#[utoipa::path(
    post, path = "/v1/media", tag = "handover",
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "the file; its Content-Type header names its type"),
    responses(
        (status = 201, description = "kept; send it by its `url`", body = UploadedFile),
        (status = 413, description = "`file_too_large`: over the limit of its kind", body = crate::errors::ErrorBody),
        (status = 415, description = "`unsupported_media_type`: a type WhatsApp does not take", body = crate::errors::ErrorBody),
    ),
)]
pub async fn upload_media(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<UploadedFile>), AppError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let uploads = Uploads::new(state.knowledge.blobs.clone());
    let upload = uploads
        .save(principal.tenant(), content_type, body.to_vec())
        .await
        .map_err(upload_error)?;
    tracing::info!(upload = %upload.id, size = upload.size, "file uploaded");
    Ok((StatusCode::CREATED, Json(upload.into())))
}

pub(crate) fn upload_error(error: UploadError) -> AppError {
    match error {
        UploadError::Empty => AppError::new(ErrorCode::InvalidRequest, error.to_string()),
        UploadError::UnsupportedType(_) => {
            AppError::new(ErrorCode::UnsupportedMediaType, error.to_string())
        }
        UploadError::TooLarge { .. } => AppError::new(ErrorCode::FileTooLarge, error.to_string()),
        UploadError::NotFound(_) => AppError::new(ErrorCode::NotFound, error.to_string()),
        UploadError::Blobs(blobs) => blobs.into(),
        UploadError::Random(random) => AppError::new(ErrorCode::Internal, random.to_string()),
    }
}

/// For a reply that sends an uploaded file: the file is this organisation's, the reply's
/// `media.type` is the kind it was uploaded as, and the channel can be given it (Instagram
/// fetches it by a link under the server's public address).
pub(crate) async fn check_uploaded_file(
    state: &AppState,
    key: &SessionKey,
    body: &MessageBody,
) -> Result<(), AppError> {
    let MessageBody::Media {
        media_type, url, ..
    } = body
    else {
        return Ok(());
    };
    if upload_id(url).is_none() {
        return Ok(());
    }
    if key.channel == Channel::Instagram && state.config.upload_links().is_none() {
        return refused(
            "media.url",
            "Instagram fetches files from the server's public address, and none is configured (http.public_url): send a public https address instead",
        );
    }
    const NOT_UPLOADED: &str = "no file was uploaded with this url in this organisation";
    let Some(kind) = uploaded_kind(url) else {
        return refused("media.url", NOT_UPLOADED);
    };
    let uploads = Uploads::new(state.knowledge.blobs.clone());
    if !uploads
        .holds(&key.tenant_id, url)
        .await
        .map_err(upload_error)?
    {
        return refused("media.url", NOT_UPLOADED);
    }
    if kind != media_type {
        return refused("media.type", format!("the uploaded file is {kind:?}"));
    }
    Ok(())
}

/// A reply refused for one field, as a validation error.
fn refused(field: &str, message: impl Into<String>) -> Result<(), AppError> {
    let mut errors = ValidationErrors::default();
    errors.add(field, message);
    errors.into_result(()).map_err(AppError::from)
}
