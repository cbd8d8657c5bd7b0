//! Downloading inbound media against a local server shaped like the Graph API's media
//! endpoints: a WhatsApp file is fetched with the account's token and checked against the
//! SHA-256 Meta states, kept once, and refused when corrupt or too large; a Messenger
//! attachment URL is fetched without a token.

use super::memory_blobs::Blobs;
use super::*;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use botwot_adapters::meta::media::{MediaError, MediaLibrary, MediaRef};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};

const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a small jpeg";

#[derive(Clone)]
struct Served {
    base_url: String,
    stated_sha256: String,
    downloads: Arc<AtomicUsize>,
}

async fn media_info(
    State(served): State<Served>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if bearer != Some(&format!("Bearer {WHATSAPP_TOKEN}")) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    axum::Json(json!({
        "messaging_product": "whatsapp", "url": format!("{}/file/{id}", served.base_url),
        "mime_type": "image/jpeg", "sha256": served.stated_sha256, "file_size": "21", "id": id
    }))
    .into_response()
}

async fn file(State(served): State<Served>, headers: HeaderMap) -> Response {
    served.downloads.fetch_add(1, Ordering::SeqCst);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if bearer != Some(&format!("Bearer {WHATSAPP_TOKEN}")) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    ([(header::CONTENT_TYPE, "image/jpeg")], PHOTO).into_response()
}

async fn attachment(headers: HeaderMap) -> Response {
    assert!(
        headers.get(header::AUTHORIZATION).is_none(),
        "no token to a CDN"
    );
    (
        [(header::CONTENT_TYPE, "image/png")],
        b"png bytes".as_slice(),
    )
        .into_response()
}

/// A local Graph API stating `stated_sha256` for every file; its base URL and download count.
async fn graph(stated_sha256: &str) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base_url = format!("http://{}", listener.local_addr().expect("address"));
    let downloads = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route("/v21.0/{id}", get(media_info))
        .route("/file/{id}", get(file))
        .route("/cdn/photo.png", get(attachment))
        .with_state(Served {
            base_url: base_url.clone(),
            stated_sha256: stated_sha256.to_owned(),
            downloads: downloads.clone(),
        });
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base_url, downloads)
}

fn library(base_url: &str, blobs: Arc<Blobs>) -> MediaLibrary {
    let config = GraphConfig::with_base_url(base_url);
    let tokens = StaticTokens::default().with(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        AccessToken::new(WHATSAPP_TOKEN),
    );
    MediaLibrary::new(
        GraphClient::new(config).expect("config"),
        Arc::new(tokens),
        blobs,
    )
}

fn whatsapp_photo<'a>(tenant: &'a TenantId, url: &'a str) -> MediaRef<'a> {
    MediaRef {
        tenant,
        channel: Channel::WhatsApp,
        account: PHONE_NUMBER_ID,
        contact: WA_ID,
        url,
    }
}

#[tokio::test]
async fn a_whatsapp_file_is_fetched_with_the_token_checked_and_kept_once() {
    let (base_url, downloads) = graph(&hex::encode(Sha256::digest(PHOTO))).await;
    let blobs = Arc::new(Blobs::default());
    let library = library(&base_url, blobs.clone());
    let tenant = TenantId::from("org_test");
    let media = whatsapp_photo(&tenant, "whatsapp-media:1037543291543636");
    for _ in 0..3 {
        let opened = library.open(media).await.expect("opened");
        assert_eq!(opened.bytes, PHOTO);
        assert_eq!(opened.content_type, "image/jpeg");
    }
    assert_eq!(
        downloads.load(Ordering::SeqCst),
        1,
        "kept after the first download"
    );
    assert!(
        blobs
            .0
            .lock()
            .expect("lock")
            .contains_key(&media.blob_key())
    );
}

#[tokio::test]
async fn a_file_that_does_not_match_its_stated_hash_is_refused_and_not_kept() {
    let (base_url, _) = graph(&hex::encode(Sha256::digest(b"something else"))).await;
    let blobs = Arc::new(Blobs::default());
    let library = library(&base_url, blobs.clone());
    let tenant = TenantId::from("org_test");
    let media = whatsapp_photo(&tenant, "whatsapp-media:1037543291543636");
    let refused = library.open(media).await.expect_err("corrupt");
    assert!(matches!(refused, MediaError::Corrupt), "{refused}");
    assert!(blobs.0.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn a_file_larger_than_allowed_is_refused() {
    let (base_url, _) = graph(&hex::encode(Sha256::digest(PHOTO))).await;
    let library = library(&base_url, Arc::new(Blobs::default())).with_max_bytes(8);
    let tenant = TenantId::from("org_test");
    let media = whatsapp_photo(&tenant, "whatsapp-media:1037543291543636");
    let refused = library.open(media).await.expect_err("too large");
    assert!(
        refused.to_string().contains("longer than 8 bytes"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_messenger_attachment_is_fetched_without_a_token_and_references_are_checked() {
    let (base_url, _) = graph("").await;
    let library = library(&base_url, Arc::new(Blobs::default()));
    let tenant = TenantId::from("org_test");
    let url = format!("{base_url}/cdn/photo.png");
    let media = MediaRef {
        tenant: &tenant,
        channel: Channel::Messenger,
        account: PAGE_ID,
        contact: PSID,
        url: &url,
    };
    let opened = library.open(media).await.expect("opened");
    assert_eq!(
        (opened.content_type.as_str(), opened.bytes.as_slice()),
        ("image/png", &b"png bytes"[..])
    );
    for url in ["whatsapp-media:../../me", "file:///etc/passwd"] {
        let refused = library
            .open(whatsapp_photo(&tenant, url))
            .await
            .expect_err(url);
        assert!(
            matches!(refused, MediaError::NotMedia(_)),
            "{url}: {refused}"
        );
    }
}
