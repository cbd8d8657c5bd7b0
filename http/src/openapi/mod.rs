//! The OpenAPI document, gathered from the routes themselves (`utoipa-axum`), so every route
//! served is documented; served at `/v1/openapi.json`.

pub mod examples;
pub mod schemas;

use crate::errors::ErrorBody;
use axum::Extension;
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::Arc;
use utoipa::OpenApi as _;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{OpenApi, Ref, RefOr, ResponseBuilder};

const DESCRIPTION: &str = "\
BotWot's REST API. Sign up at `/v1/auth/signup` (an emailed code proves the address), sign in at \
`/v1/auth/login`, and send the access token as `Authorization: Bearer <token>` on every other \
`/v1` call; it acts in the caller's own organisation, as far as the caller's role and modules \
allow. Refresh tokens rotate at `/v1/auth/refresh`. Errors are JSON \
`{\"error\": {\"code\", \"message\", \"details\"?}}` with a stable `code`.\n\n\
The web widget speaks Socket.IO v4 in namespace `/widget` at `/socket.io/`: connect with \
`auth: {widgetKey, visitorId?}`; the server sends `session`, `history`, then `message`, `status` \
and `error` events; the visitor sends `message` events `{clientMessageId, text}` with an \
acknowledgement.\n\n\
Agents' consoles speak Socket.IO in namespace `/console`: connect with `auth: {token}` (an \
access token with Live Chat or Conversations); the server sends the organisation's `message`, \
`session` and `presence` events; the agent sends `presence` `{status}`.";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "BotWot API", description = "BotWot conversation engine"),
    components(schemas(ErrorBody)),
    tags(
        (name = "bots", description = "Bot profiles"),
        (name = "voice agents", description = "Voice agents' configuration: speech, model, voice, prompts, call handling"),
        (name = "sessions", description = "Conversations and their transcripts"),
        (name = "insights", description = "Conversation intelligence: a language model's analyses of a session"),
        (name = "handover", description = "Live chat: take over, reply, notes, hand back, transfer, queues"),
        (name = "dashboard", description = "Figures of a time range, report exports, each user's widgets"),
        (name = "canned responses", description = "Saved replies with shortcuts, per organisation"),
        (name = "auth", description = "Signing up, in and out; one-time codes and refresh tokens"),
        (name = "api keys", description = "Keys for server-to-server calls, scoped to modules"),
        (name = "data rights", description = "Everything held about a contact or the organisation"),
        (name = "audit", description = "Who changed what, when and from where"),
        (name = "social", description = "Posts on the organisation's Facebook pages and Instagram accounts, now or scheduled"),
        (name = "leads", description = "Sales leads: qualification, history and WhatsApp follow-ups"),
        (name = "shopify", description = "Shopify shops and their orders: cash-on-delivery orders confirmed on WhatsApp"),
        (name = "voice", description = "Phone calls with voice agents: Twilio numbers, outbound calls, every call's transcript and analysis, call volume"),
        (name = "billing", description = "Payments through Razorpay: the tiers on sale, subscriptions, prepaid orders, and the tier the organisation paid for"),
        (name = "users", description = "The organisation's users, their roles and modules"),
        (name = "cluster", description = "Cluster administration for the platform's operators: members, shards, sessions' placement, drains, moves, dead letters. Send the operators' token (`http.admin_token`), not an access token"),
        (name = "operations", description = "Health, readiness, metrics and this document"),
        (name = "web", description = "The widget script, its demo page and the agents' console page"),
    ),
)]
pub struct ApiDoc;

/// The document the routes start from.
pub fn base() -> OpenApi {
    let mut api = ApiDoc::openapi();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    api.info.description = Some(DESCRIPTION.to_owned());
    api
}

/// Adds what every `/v1` resource shares: the bearer token (except on the sign-in routes; the
/// operators' token on the cluster administration routes) and the error response.
pub fn complete(mut api: OpenApi) -> OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    let mut operator = Http::new(HttpAuthScheme::Bearer);
    operator.description = Some(
        "the operators' token configured as `http.admin_token`; tenant access tokens are refused"
            .to_owned(),
    );
    components.add_security_scheme("operator", SecurityScheme::Http(operator));
    let error = ResponseBuilder::new()
        .description("an error; `error.code` says which")
        .content(
            "application/json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody"))))
                .build(),
        )
        .build();
    for (path, item) in api.paths.paths.iter_mut() {
        if !path.starts_with("/v1/") || path == OPENAPI_PATH {
            continue;
        }
        let scheme = if is_open_path(path) {
            None
        } else if is_operator_path(path) {
            Some("operator")
        } else {
            Some("bearer")
        };
        for operation in operations(item) {
            if let Some(scheme) = scheme {
                operation.security =
                    Some(vec![SecurityRequirement::new(scheme, Vec::<String>::new())]);
            }
            operation
                .responses
                .responses
                .insert("default".to_owned(), RefOr::T(error.clone()));
        }
    }
    api
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
        &mut item.head,
        &mut item.options,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

pub const OPENAPI_PATH: &str = "/v1/openapi.json";

/// `/v1` routes anyone may call: signing up and in, and the development mailbox.
pub fn is_open_path(path: &str) -> bool {
    path.starts_with("/v1/auth/") || path.starts_with("/v1/dev/")
}

/// `/v1` routes for the platform's operators, who send the operators' token.
pub fn is_operator_path(path: &str) -> bool {
    path.starts_with("/v1/admin/")
}

/// The rendered document, handed to [`openapi_json`] as a request extension.
#[derive(Clone)]
pub struct OpenApiJson(pub Arc<str>);

/// This document.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "the OpenAPI 3.1 document", body = Object)))]
pub async fn openapi_json(
    Extension(OpenApiJson(document)): Extension<OpenApiJson>,
) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.to_string(),
    )
}
