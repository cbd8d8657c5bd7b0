//! Prometheus metrics: the process-wide recorder, the HTTP request counter, and the names of
//! the widget's counters.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

pub const HTTP_REQUESTS: &str = "botwot_http_requests_total";
pub const HTTP_DURATION: &str = "botwot_http_request_duration_seconds";
pub const SOCKET_CONNECTIONS: &str = "botwot_socket_connections_total";
pub const SOCKET_REFUSED: &str = "botwot_socket_connections_refused_total";
pub const SOCKETS_OPEN: &str = "botwot_socket_connections_open";
pub const SOCKET_ERRORS: &str = "botwot_socket_errors_total";
pub const MESSAGES: &str = "botwot_messages_total";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The handle of the process's Prometheus recorder, installing it on first use. When another
/// recorder was installed first, metrics go there and this handle renders an empty page.
pub fn recorder() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .install_recorder()
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "prometheus recorder not installed");
                    PrometheusBuilder::new().build_recorder().handle()
                })
        })
        .clone()
}

/// Middleware: counts every routed request by route template, method and status.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(HTTP_DURATION, "route" => route.clone(), "method" => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(HTTP_REQUESTS, "route" => route, "method" => method, "status" => status)
        .increment(1);
    response
}
