//! The whole HTTP application: routes, their OpenAPI document, and the middleware every request
//! passes (request id, tracing, CORS, body limit, metrics, JSON fallbacks).

use crate::audit::audit_changes;
use crate::auth::operator::require_operator;
use crate::auth::{authenticate, authorize};
use crate::config::HttpConfig;
use crate::metrics::track_requests;
use crate::openapi::{self, OpenApiJson};
use crate::rate_limit::limit_by_ip;
use crate::realtime::RealtimeLayer;
use crate::routes;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{from_fn, from_fn_with_state};
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The application without the widget's Socket.IO endpoint: REST, OpenAPI, probes, metrics,
/// the widget script and the demo page. Tests drive it with `oneshot`.
pub fn router(state: AppState) -> Router {
    build(state, None)
}

/// The application, with the Socket.IO layer in front of the routes when given.
pub(crate) fn build(state: AppState, socket_io: Option<RealtimeLayer>) -> Router {
    // Layers run last-added first: the IP budget, the access token, the access map, then the
    // audit log around the handler.
    // Webhooks are not limited per IP: providers send from shared addresses, sign every call,
    // and retry what is refused; the node's in-flight bound protects it from floods.
    let resources = routes::resources()
        .route_layer(from_fn_with_state(state.clone(), audit_changes))
        .route_layer(from_fn_with_state(state.clone(), authorize))
        .route_layer(from_fn_with_state(state.clone(), authenticate))
        .route_layer(from_fn_with_state(state.clone(), limit_by_ip));
    let sign_in = routes::sign_in().route_layer(from_fn_with_state(state.clone(), limit_by_ip));
    // Operators: the IP budget, then the operators' token (never a tenant's access token).
    let cluster_admin = routes::cluster_admin()
        .route_layer(from_fn_with_state(state.clone(), require_operator))
        .route_layer(from_fn_with_state(state.clone(), limit_by_ip));
    let (routes, api) = OpenApiRouter::with_openapi(openapi::base())
        .merge(resources)
        .merge(sign_in)
        .merge(cluster_admin)
        .merge(routes::webhooks())
        .merge(routes::public())
        .split_for_parts();
    let document = serde_json::to_string(&openapi::complete(api)).unwrap_or_default();
    let mut app = routes
        .fallback(routes::no_route)
        .method_not_allowed_fallback(routes::wrong_method)
        .layer(axum::Extension(OpenApiJson(Arc::from(document))))
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(from_fn(track_requests))
        .with_state(state.clone());
    if let Some(socket_io) = socket_io {
        app = app.layer(socket_io);
    }
    // Every response: no MIME sniffing, no framing of our pages, no referrer to other sites.
    let always =
        |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    app.layer(always(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(always(header::X_FRAME_OPTIONS, "DENY"))
        .layer(always(header::REFERRER_POLICY, "no-referrer"))
        .layer(cors(&state.config))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let request_id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|id| id.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("http request", method = %request.method(), path = %request.uri().path(), request_id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Browsers may call the REST API from the configured origins; the widget's Socket.IO endpoint
/// from anywhere (each bot's `allowedOrigins` is checked when a widget connects).
fn cors(config: &HttpConfig) -> CorsLayer {
    let allowed: Vec<HeaderValue> = config
        .cors_allowed_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, request| {
            request.uri.path().starts_with("/socket.io/") || allowed.contains(origin)
        }))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER])
}
