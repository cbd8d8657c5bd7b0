//! Uploaded files sent on Instagram, which fetches them by a signed link
//! (`GET /media/uploads/{tenant}/{uploadId}`): the link serves the file to anyone holding it
//! until it expires, and nothing else does.

use crate::sessions::converse;
use crate::support::{Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use botwot_engine::Channel;
use botwot_engine::bot::BotSettings;
use botwot_http::HttpConfig;
use botwot_http::config::ConfiguredSecret;
use serde_json::{Value, json};
use tower::ServiceExt;

const PUBLIC_URL: &str = "https://chat.shop.test";

/// Fetches `path` without credentials, as Meta's servers do: status, content type, nosniff
/// header and body.
async fn fetch(app: &TestApp, path: &str) -> (StatusCode, String, Option<String>, Vec<u8>) {
    let request = Request::builder()
        .uri(path)
        .body(Body::empty())
        .expect("request");
    let response = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let nosniff = header("x-content-type-options");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
    (status, content_type, nosniff, body.expect("body").to_vec())
}

fn error_code(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).expect("a JSON error");
    value["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn instagram_conversation(app: &TestApp) -> String {
    let bot = app.bot(BotSettings::named("Ava")).await;
    let session = converse(app, &bot, Channel::Instagram, "17841405822304914", &["hi"]).await;
    let path = format!("/v1/sessions/{session}/takeover");
    let taken = app.send(Method::POST, &path, json!({})).await;
    assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
    session
}

/// An agent's reply sending the image `url`.
async fn send_image(app: &TestApp, session: &str, url: &str) -> Reply {
    let reply = json!({"media": {"type": "image", "url": url}});
    app.send(
        Method::POST,
        &format!("/v1/sessions/{session}/messages"),
        reply,
    )
    .await
}

#[tokio::test]
async fn instagram_fetches_an_uploaded_file_by_a_signed_link_until_it_expires() {
    let config = HttpConfig {
        public_url: Some(PUBLIC_URL.to_owned()),
        integration_secret_key: Some(ConfiguredSecret::new("c2VjcmV0LWtleS1ieXRlcw==")),
        ..HttpConfig::default()
    };
    let app = TestApp::with_config(config).await;
    let session = instagram_conversation(&app).await;
    let photo = b"\x89PNG\r\n\x1a\n a product photo".to_vec();
    let uploaded = app.upload("/v1/media", photo.clone(), "image/png").await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{:?}", uploaded.body);
    let url = uploaded.body["url"].as_str().expect("a url").to_owned();
    let sent = send_image(&app, &session, &url).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    // Instagram takes no documents, by link or not: refused before it is stored.
    let menu = json!({"media": {"type": "document", "url": "https://cdn.shop.test/menu.pdf"}});
    let refused = app
        .send(
            Method::POST,
            &format!("/v1/sessions/{session}/messages"),
            menu,
        )
        .await;
    assert_eq!(refused.fields_at_fault(), ["media.type"]);

    // The link the sender gives Instagram (the sender and this route derive the same key from
    // the server's configuration).
    let links = app.state.config.upload_links().expect("links configured");
    let tenant = app.owner.tenant().as_str().to_owned();
    let id = url.strip_prefix("botwot-upload:").expect("an upload url");
    let now = app.state.now().millis() / 1_000;
    let link = links.link(&tenant, id, now);
    let path = link.strip_prefix(PUBLIC_URL).expect("under the public url");

    let (status, content_type, nosniff, body) = fetch(&app, path).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "image/png");
    assert_eq!(nosniff.as_deref(), Some("nosniff"));
    assert_eq!(body, photo);

    // A changed signature, another organisation's path under the same signature, an expired
    // link: refused, each with its own code.
    let flipped = if path.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{flipped}", &path[..path.len() - 1]);
    let (status, _, _, body) = fetch(&app, &tampered).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "invalid_link");
    let elsewhere = path.replace(&format!("/{tenant}/"), "/another_org/");
    let (status, _, _, body) = fetch(&app, &elsewhere).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "invalid_link");
    let old = links.link(&tenant, id, now - 2 * 24 * 60 * 60);
    let (status, _, _, body) = fetch(&app, old.strip_prefix(PUBLIC_URL).unwrap()).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(error_code(&body), "link_expired");
    // A well-signed link to a file that is not there.
    let missing = links.link(&tenant, "image00ff", now);
    let (status, _, _, body) = fetch(&app, missing.strip_prefix(PUBLIC_URL).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
    // Without its query the route is not a link at all.
    let bare = path.split('?').next().unwrap();
    let (status, _, _, _) = fetch(&app, bare).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn without_a_public_address_uploaded_files_are_refused_for_instagram() {
    let app = TestApp::new().await;
    let session = instagram_conversation(&app).await;
    let uploaded = app
        .upload(
            "/v1/media",
            b"\x89PNG\r\n\x1a\n a menu".to_vec(),
            "image/png",
        )
        .await;
    let url = uploaded.body["url"].as_str().expect("a url").to_owned();
    let refused = send_image(&app, &session, &url).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields_at_fault(), ["media.url"]);
    let id = url.strip_prefix("botwot-upload:").unwrap();
    let path = format!("/media/uploads/default/{id}?expires=9999999999&signature=00");
    let (status, _, _, body) = fetch(&app, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
}
