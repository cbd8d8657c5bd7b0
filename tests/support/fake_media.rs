//! The media half of the fake Graph API, as Meta documents it for the WhatsApp Cloud API:
//! `GET /{version}/{media-id}` answers the file's short-lived download URL, MIME type, SHA-256
//! and size; that URL then gives the bytes, to a request bearing the account's token only.
//! `POST /{version}/{phone-number-id}/media` (multipart: `messaging_product`, `type`, `file`)
//! keeps an uploaded file and answers its new media id. The same path with a JSON body is an
//! Instagram account's content container (`image_url`, `video_url`, `children`, ...), kept and
//! answered with its id; `GET /{version}/{container-id}?fields=status_code` reads `FINISHED`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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
    uploads: Arc<Mutex<Vec<String>>>,
    containers: Arc<Mutex<Vec<Container>>>,
}

/// An Instagram content container: its id, the account it was made on and the JSON asked for.
#[derive(Clone, Debug)]
pub struct Container {
    pub id: String,
    pub account: String,
    pub body: serde_json::Value,
}

impl MediaFiles {
    pub fn add(&self, media_id: &str, mime_type: &str, bytes: &[u8]) {
        let file = (mime_type.to_owned(), bytes.to_vec());
        self.files.lock().insert(media_id.to_owned(), file);
    }

    pub fn downloads(&self, media_id: &str) -> usize {
        self.downloads.lock().get(media_id).copied().unwrap_or(0)
    }

    /// The file kept under `media_id` (added, or uploaded).
    pub fn file(&self, media_id: &str) -> Option<(String, Vec<u8>)> {
        self.files.lock().get(media_id).cloned()
    }

    /// The Instagram content containers made so far, in order.
    pub fn containers(&self) -> Vec<Container> {
        self.containers.lock().clone()
    }

    /// The ids of the files uploaded so far, in order.
    pub fn uploaded(&self) -> Vec<String> {
        self.uploads.lock().clone()
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
        .route("/v21.0/{phone_number_id}/media", post(upload))
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
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let container = served
        .files
        .containers
        .lock()
        .iter()
        .any(|c| c.id == media_id);
    if container
        && uri
            .query()
            .is_some_and(|query| query.contains("status_code"))
    {
        return axum::Json(json!({"status_code": "FINISHED", "status": "Finished: Media container is ready.", "id": media_id})).into_response();
    }
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

/// Keeps the `file` part of a WhatsApp media upload and answers its media id; a form without
/// `messaging_product=whatsapp` or a file is refused as Meta refuses it (code 100).
async fn upload(
    State(served): State<Served>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorised(&served, &headers) {
        return refused();
    }
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(&body) {
        let mut containers = served.files.containers.lock();
        let id = format!("1790{:014}", containers.len() + 1);
        containers.push(Container {
            id: id.clone(),
            account,
            body,
        });
        return axum::Json(json!({"id": id})).into_response();
    }
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("multipart/form-data; boundary="))
        .map(str::to_owned);
    let parts = boundary
        .map(|boundary| form_parts(&body, &boundary))
        .unwrap_or_default();
    let field = |name: &str| parts.iter().find(|part| part.name == name);
    let whatsapp = field("messaging_product").is_some_and(|part| part.bytes == b"whatsapp");
    let (Some(file), true) = (field("file"), whatsapp) else {
        let error = json!({"error": {"message": "(#100) The parameter messaging_product is required.", "type": "OAuthException", "code": 100}});
        return (StatusCode::BAD_REQUEST, axum::Json(error)).into_response();
    };
    let mut uploads = served.files.uploads.lock();
    let media_id = format!("9{:015}", uploads.len() + 1);
    uploads.push(media_id.clone());
    let kept = (file.content_type.clone(), file.bytes.clone());
    served.files.files.lock().insert(media_id.clone(), kept);
    axum::Json(json!({"id": media_id})).into_response()
}

/// One part of a `multipart/form-data` body.
#[derive(Default)]
struct FormPart {
    name: String,
    content_type: String,
    bytes: Vec<u8>,
}

/// The parts of a multipart body (RFC 7578), read plainly: enough for what the sender writes.
fn form_parts(body: &[u8], boundary: &str) -> Vec<FormPart> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in split(body, delimiter.as_bytes()).into_iter().skip(1) {
        let Some(chunk) = chunk.strip_prefix(b"\r\n") else {
            break; // "--" after the last delimiter
        };
        let Some(end) = find(chunk, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&chunk[..end]);
        let mut bytes = chunk[end + 4..].to_vec();
        if bytes.ends_with(b"\r\n") {
            bytes.truncate(bytes.len() - 2);
        }
        let mut part = FormPart {
            bytes,
            ..FormPart::default()
        };
        for line in head.lines() {
            if let Some(disposition) = line.strip_prefix("Content-Disposition: form-data; name=\"")
            {
                part.name = disposition.split('"').next().unwrap_or_default().to_owned();
            } else if let Some(content_type) = line.strip_prefix("Content-Type: ") {
                part.content_type = content_type.to_owned();
            }
        }
        parts.push(part);
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn split<'a>(mut body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    while let Some(at) = find(body, delimiter) {
        pieces.push(&body[..at]);
        body = &body[at + delimiter.len()..];
    }
    pieces.push(body);
    pieces
}
