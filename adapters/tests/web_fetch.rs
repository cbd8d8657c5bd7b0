//! The URL fetcher against a local axum server (and a raw TCP one for a body without length):
//! content type and final URL, redirects and their limit, body limits whatever the headers say,
//! the overall deadline, HTTP errors, unsupported content types, and addresses outside the public
//! internet refused before any request is sent. The address classifier itself is unit-tested
//! exhaustively in `adapters/src/knowledge/fetch/address.rs`, as a public→private redirect cannot
//! be built on one machine.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request};
use axum::http::{HeaderMap, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use botwot_adapters::knowledge::{WebFetchConfig, WebPageFetcher};
use botwot_engine::knowledge::{DocumentFetcher, DocumentRejected, FetchedDocument};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The body limit the tests configure.
const LIMIT: u64 = 4096;

/// A running test server and how many requests reached it.
struct Server {
    address: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Server {
    async fn start() -> Self {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let app = Router::new()
            .route("/page", get(page))
            .route("/user-agent", get(user_agent))
            .route("/redirect", get(|| async { Redirect::to("/page") }))
            .route("/loop", get(|| async { Redirect::temporary("/loop") }))
            .route("/chain/{left}", get(chain))
            .route("/to-credentials", get(to_credentials))
            .route(
                "/big",
                get(|| async { html(vec![b'a'; LIMIT as usize + 1]) }),
            )
            .route(
                "/at-limit",
                get(|| async { html(vec![b'a'; LIMIT as usize]) }),
            )
            .route("/big-chunked", get(big_chunked))
            .route("/slow", get(slow))
            .route("/image", get(image))
            .layer(middleware::from_fn(move |request: Request, next: Next| {
                counter.fetch_add(1, Ordering::SeqCst);
                next.run(request)
            }));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let address = listener.local_addr().expect("bound address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("test server runs") });
        Self { address, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn html(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

async fn page() -> Response {
    html(b"<html><head><title>Menu</title></head><body>Soup of the day</body></html>".to_vec())
}

async fn user_agent(headers: HeaderMap) -> Response {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    ([(header::CONTENT_TYPE, "text/plain")], agent).into_response()
}

async fn chain(Path(left): Path<u32>) -> Response {
    if left == 0 {
        page().await
    } else {
        Redirect::to(&format!("/chain/{}", left - 1)).into_response()
    }
}

async fn to_credentials() -> Redirect {
    Redirect::to("http://user:secret@example.com/")
}

/// 2 × LIMIT bytes in 256-byte chunks, no Content-Length.
async fn big_chunked() -> Response {
    let chunks = (0..2 * LIMIT / 256).map(|_| Ok::<_, std::io::Error>(vec![b'b'; 256]));
    let body = Body::from_stream(futures::stream::iter(chunks));
    ([(header::CONTENT_TYPE, "text/plain")], body).into_response()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(10)).await;
    page().await
}

async fn image() -> Response {
    (
        [(header::CONTENT_TYPE, "image/png")],
        vec![0x89, b'P', b'N', b'G'],
    )
        .into_response()
}

/// A server that answers every connection with a text body of 2 × LIMIT bytes, no length
/// header, ended by closing the connection.
async fn start_close_delimited_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a local port");
    let address = listener.local_addr().expect("bound address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let head =
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n";
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&vec![b'c'; 2 * LIMIT as usize]).await;
            });
        }
    });
    address
}

fn fetcher(allow_private_addresses: bool) -> WebPageFetcher {
    WebPageFetcher::new(WebFetchConfig {
        timeout_ms: 2_000,
        connect_timeout_ms: 1_000,
        max_body_bytes: LIMIT,
        allow_private_addresses,
        ..WebFetchConfig::default()
    })
}

async fn fetched(url: &str) -> FetchedDocument {
    fetcher(true)
        .fetch(url)
        .await
        .unwrap_or_else(|error| panic!("{url}: {} {}", error.code, error.message))
}

async fn refused(fetcher: &WebPageFetcher, url: &str) -> DocumentRejected {
    match fetcher.fetch(url).await {
        Ok(document) => panic!("{url} was fetched: {document:?}"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn fetches_a_page_with_its_content_type_and_url() {
    let server = Server::start().await;
    let document = fetched(&server.url("/page")).await;
    assert_eq!(document.final_url, server.url("/page"));
    assert_eq!(
        document.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(String::from_utf8_lossy(&document.bytes).contains("Soup of the day"));
}

#[tokio::test]
async fn sends_the_botwot_user_agent() {
    let server = Server::start().await;
    let document = fetched(&server.url("/user-agent")).await;
    let agent = String::from_utf8(document.bytes).expect("UTF-8");
    assert_eq!(agent, format!("BotWot/{}", env!("CARGO_PKG_VERSION")));
}

#[tokio::test]
async fn follows_redirects_and_reports_the_final_url() {
    let server = Server::start().await;
    let document = fetched(&server.url("/redirect")).await;
    assert_eq!(document.final_url, server.url("/page"));
    let after_five = fetched(&server.url("/chain/5")).await;
    assert_eq!(after_five.final_url, server.url("/chain/0"));
}

#[tokio::test]
async fn stops_after_five_redirects() {
    let server = Server::start().await;
    let error = refused(&fetcher(true), &server.url("/chain/6")).await;
    assert_eq!(error.code, "too_many_redirects", "{}", error.message);
    let error = refused(&fetcher(true), &server.url("/loop")).await;
    assert_eq!(error.code, "too_many_redirects", "{}", error.message);
    // The first request and five redirects, each time.
    assert_eq!(server.hits(), 12);
}

#[tokio::test]
async fn refuses_a_redirect_to_a_url_with_credentials() {
    let server = Server::start().await;
    let error = refused(&fetcher(true), &server.url("/to-credentials")).await;
    assert_eq!(error.code, "invalid_url", "{}", error.message);
}

#[tokio::test]
async fn refuses_bodies_over_the_limit_whatever_the_headers_say() {
    let server = Server::start().await;
    assert_eq!(
        fetched(&server.url("/at-limit")).await.bytes.len() as u64,
        LIMIT
    );
    for path in ["/big", "/big-chunked"] {
        let error = refused(&fetcher(true), &server.url(path)).await;
        assert_eq!(error.code, "too_large", "{path}: {}", error.message);
    }
    let raw = start_close_delimited_server().await;
    let error = refused(&fetcher(true), &format!("http://{raw}/")).await;
    assert_eq!(error.code, "too_large", "{}", error.message);
}

#[tokio::test]
async fn gives_up_on_a_slow_server() {
    let server = Server::start().await;
    let quick = WebPageFetcher::new(WebFetchConfig {
        timeout_ms: 300,
        allow_private_addresses: true,
        ..WebFetchConfig::default()
    });
    let started = std::time::Instant::now();
    let error = refused(&quick, &server.url("/slow")).await;
    assert_eq!(error.code, "fetch_timeout", "{}", error.message);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn reports_http_errors_with_their_status() {
    let server = Server::start().await;
    let error = refused(&fetcher(true), &server.url("/missing")).await;
    assert_eq!(error.code, "fetch_failed");
    assert!(error.message.contains("404"), "{}", error.message);
}

#[tokio::test]
async fn refuses_unsupported_content_types() {
    let server = Server::start().await;
    let error = refused(&fetcher(true), &server.url("/image")).await;
    assert_eq!(error.code, "unsupported_format");
    assert!(error.message.contains("image/png"), "{}", error.message);
}

#[tokio::test]
async fn refuses_urls_that_are_not_plain_http() {
    for url in [
        "not a url",
        "/relative/path",
        "ftp://example.com/file.txt",
        "file:///etc/passwd",
        "http://user:secret@example.com/",
        "https://token@example.com/",
    ] {
        let error = refused(&fetcher(false), url).await;
        assert_eq!(error.code, "invalid_url", "{url}: {}", error.message);
    }
}

#[tokio::test]
async fn refuses_non_public_addresses_without_sending_anything() {
    let server = Server::start().await;
    let port = server.address.port();
    let guarded = fetcher(false);
    for url in [
        server.url("/page"),
        format!("http://localhost:{port}/page"),
        format!("http://[::1]:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        format!("http://2130706433:{port}/"),
        format!("http://0.0.0.0:{port}/"),
        "http://[::1]/".to_owned(),
        "http://10.0.0.1/".to_owned(),
        "http://192.168.1.1/".to_owned(),
        "http://100.64.0.1/".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://[fd00::1]/".to_owned(),
        "http://[fe80::1]/".to_owned(),
    ] {
        let error = refused(&guarded, &url).await;
        assert_eq!(error.code, "forbidden_address", "{url}: {}", error.message);
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn allow_private_addresses_reaches_a_host_name_through_its_pinned_address() {
    let server = Server::start().await;
    let url = format!("http://localhost:{}/page", server.address.port());
    let document = fetched(&url).await;
    assert_eq!(document.final_url, url);
    assert_eq!(server.hits(), 1);
}
