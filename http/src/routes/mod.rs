//! The routes, grouped by who may call them. Each is added with `routes!`, which documents it
//! in the OpenAPI document at the same time.

pub mod bots;
pub mod health;
pub mod integrations;
pub mod meta_webhook;
pub mod paging;
pub mod sessions;

use crate::errors::{AppError, ErrorCode};
use crate::openapi;
use crate::state::AppState;
use crate::widget::{assets, demo};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The `/v1` resources: behind the API token, acting in a tenant.
pub fn resources() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(bots::create_bot, bots::list_bots))
        .routes(routes!(
            bots::get_bot,
            bots::replace_bot,
            bots::patch_bot,
            bots::delete_bot
        ))
        .routes(routes!(sessions::list_sessions))
        .routes(routes!(sessions::get_session))
        .routes(routes!(sessions::get_transcript))
        .routes(routes!(sessions::close_session))
        .routes(routes!(
            integrations::create_integration,
            integrations::list_integrations
        ))
}

/// What anyone may read: probes, metrics, the API document, the widget and its demo page.
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(openapi::openapi_json))
        .routes(routes!(demo::index))
        .routes(routes!(assets::widget_js))
        .routes(routes!(assets::licenses))
}

/// Provider webhooks: open to the providers, which sign their calls.
pub fn webhooks() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(meta_webhook::subscribe, meta_webhook::receive))
}

/// Any path no route serves.
pub async fn no_route() -> AppError {
    AppError::new(ErrorCode::NotFound, "no such route")
}

/// A route that exists, called with a method it does not serve.
pub async fn wrong_method() -> AppError {
    AppError::new(
        ErrorCode::MethodNotAllowed,
        "this route does not serve that method",
    )
}
