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
use std::time::Duration;
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

/// How long the readiness probe waits for storage: less than the probes of a load balancer or
/// Kubernetes (`deploy/k8s`: 3 s) wait for the answer, so an unreachable store is reported as
/// such instead of as a probe timeout.
const STORAGE_PROBE_DEADLINE: Duration = Duration::from_secs(2);

/// Storage answers a cheap read and the node's background tasks run, so it can serve traffic.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "ready", body = Health),
        (status = 503, description = "storage does not answer, or a background task stopped", body = crate::errors::ErrorBody),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    let probe_tenant = TenantId::from(state.config.default_tenant.as_str());
    let probe_bot = BotId::from("bot_readiness_probe");
    let read = state.store.get_bot(&probe_tenant, &probe_bot);
    tokio::time::timeout(STORAGE_PROBE_DEADLINE, read)
        .await
        .map_err(|_| {
            AppError::new(
                ErrorCode::StorageUnavailable,
                format!(
                    "storage did not answer a read within {} ms",
                    STORAGE_PROBE_DEADLINE.as_millis()
                ),
            )
        })??;
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
