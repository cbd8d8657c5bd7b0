//! The media half of the fake Graph API, as Meta documents it for the WhatsApp Cloud API:
//! `GET /{version}/{media-id}` answers the file's short-lived download URL, MIME type, SHA-256
//! and size; that URL then gives the bytes, to a request bearing the account's token only.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use parking_lot::Mutex;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// A file: its MIME type and bytes.
type File = (String, Vec<u8>);

/// Files the fake holds, by media id, and how often each was downloaded.
#[derive(Clone, Default)]
pub struct MediaFiles {
    files: Arc<Mutex<HashMap<String, File>>>,
    downloads: Arc<Mutex<HashMap<String, usize>>>,
}

impl MediaFiles {
    pub fn add(&self, media_id: &str, mime_type: &str, bytes: &[u8]) {
        let file = (mime_type.to_owned(), bytes.to_vec());
        self.files.lock().insert(media_id.to_owned(), file);
    }

    pub fn downloads(&self, media_id: &str) -> usize {
        self.downloads.lock().get(media_id).copied().unwrap_or(0)
    }
}

#[derive(Clone)]
struct Served {
    files: MediaFiles,
    base_url: String,
    token: String,
}

/// The media routes of a fake at `base_url`, whose files open with `token` only.
pub fn routes(files: MediaFiles, base_url: &str, token: &str) -> Router {
    Router::new()
        .route("/v21.0/{media_id}", get(media_info))
        .route("/lookaside/{media_id}", get(download))
        .with_state(Served {
            files,
            base_url: base_url.to_owned(),
            token: format!("Bearer {token}"),
        })
}

fn authorised(served: &Served, headers: &HeaderMap) -> bool {
    let given = headers.get(header::AUTHORIZATION);
    given.and_then(|value| value.to_str().ok()) == Some(served.token.as_str())
}

fn refused() -> Response {
    let error = json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}});
    (StatusCode::UNAUTHORIZED, axum::Json(error)).into_response()
}

/// `Some` with the file `media_id` names (if any) for a request bearing the token; `None`
/// for one that does not.
fn requested_file(served: &Served, media_id: &str, headers: &HeaderMap) -> Option<Option<File>> {
    authorised(served, headers).then(|| served.files.files.lock().get(media_id).cloned())
}

async fn media_info(
    State(served): State<Served>,
    Path(media_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(file) = requested_file(&served, &media_id, &headers) else {
        return refused();
    };
    let Some((mime_type, bytes)) = file else {
        let error = json!({"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}});
        return (StatusCode::BAD_REQUEST, axum::Json(error)).into_response();
    };
    axum::Json(json!({
        "messaging_product": "whatsapp",
        "url": format!("{}/lookaside/{media_id}", served.base_url),
        "mime_type": mime_type,
        "sha256": hex::encode(Sha256::digest(&bytes)),
        "file_size": bytes.len().to_string(),
        "id": media_id,
    }))
    .into_response()
}

async fn download(
    State(served): State<Served>,
    Path(media_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(file) = requested_file(&served, &media_id, &headers) else {
        return refused();
    };
    let Some((mime_type, bytes)) = file else {
        return StatusCode::NOT_FOUND.into_response();
    };
    *served.files.downloads.lock().entry(media_id).or_default() += 1;
    ([(header::CONTENT_TYPE, mime_type)], bytes).into_response()
}
