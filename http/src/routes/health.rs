//! Probes and metrics: `/healthz` (the process answers), `/readyz` (storage answers a read),
//! `/metrics` (Prometheus text).

use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use botwot_engine::{BotId, TenantId};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "alive", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Storage answers a cheap read and the node's background tasks run, so it can serve traffic.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "ready", body = Health),
        (status = 503, description = "storage does not answer, or a background task stopped", body = crate::errors::ErrorBody),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    let probe_tenant = TenantId::from(state.config.default_tenant.as_str());
    state
        .store
        .get_bot(&probe_tenant, &BotId::from("bot_readiness_probe"))
        .await?;
    let stopped = state.sessions.stopped_tasks();
    if !stopped.is_empty() {
        return Err(AppError::new(
            ErrorCode::NodeUnhealthy,
            format!("stopped: {}", stopped.join(", ")),
        ));
    }
    Ok(Json(Health { status: "ok" }))
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    state.metrics.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
