//! Per-IP request limits on the `/v1` API: past the configured budget a client
//! gets 429 `rate_limited` with `Retry-After`. The limiter counts in-process on one node or in
//! Redis across nodes; when Redis cannot be reached the request goes through (fail open, logged
//! and counted), so a Redis outage never takes the API down.

use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use botwot_storage::limits::{Decision, Quota};
use std::net::SocketAddr;
use std::time::Duration;
use tracing::warn;

/// How long the limiter may take before the request goes through unchecked.
const CHECK_TIMEOUT: Duration = Duration::from_millis(250);

/// Middleware: counts the request against its client IP's budget.
pub async fn limit_by_ip(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let config = &state.config.rate_limit;
    if config.per_ip_per_minute == 0 {
        return Ok(next.run(request).await);
    }
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string());
    let quota = Quota::new(
        config.per_ip_per_minute,
        Duration::from_secs(60),
        config.burst,
    );
    let now = state.now().millis();
    let checked = tokio::time::timeout(
        CHECK_TIMEOUT,
        state.limiter.check(&format!("ip:{ip}"), quota, now),
    )
    .await;
    match checked {
        Ok(Ok(Decision::Limited { retry_after })) => {
            ::metrics::counter!("botwot_http_rate_limited_total").increment(1);
            let mut error = AppError::new(
                ErrorCode::RateLimited,
                format!("too many requests from {ip}; slow down"),
            );
            error.retry_after_secs = Some(retry_after.as_secs_f64().ceil().max(1.0) as u64);
            Err(error)
        }
        Ok(Ok(Decision::Allowed { .. })) => Ok(next.run(request).await),
        Ok(Err(failure)) => {
            warn!(code = failure.code(), error = %failure, "rate limiter unavailable; request let through");
            ::metrics::counter!("botwot_rate_limiter_unavailable_total").increment(1);
            Ok(next.run(request).await)
        }
        Err(_) => {
            warn!("rate limiter too slow; request let through");
            ::metrics::counter!("botwot_rate_limiter_unavailable_total").increment(1);
            Ok(next.run(request).await)
        }
    }
}
