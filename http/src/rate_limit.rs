//! Request budgets: per client IP on everything under `/v1`, per user and per organisation once
//! a caller is signed in, and per email address on sign-in and one-time-code attempts. Past a
//! budget the caller gets 429 `rate_limited` with `Retry-After`. The limiter counts in-process
//! on one node or in Redis across nodes; when Redis cannot be reached the request goes through
//! (fail open, logged and counted), so a Redis outage never takes the API down. Brute force is
//! still bounded then by the one-time codes' own attempt lockout.

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

/// Which budget a request is charged to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    Ip,
    User,
    Organisation,
    /// Passwords and codes tried for one email address.
    Attempts,
}

impl Budget {
    fn prefix(self) -> &'static str {
        match self {
            Budget::Ip => "ip",
            Budget::User => "user",
            Budget::Organisation => "org",
            Budget::Attempts => "attempts",
        }
    }

    fn who(self) -> &'static str {
        match self {
            Budget::Ip => "from this address",
            Budget::User => "by this user",
            Budget::Organisation => "by this organisation",
            Budget::Attempts => "for this email address",
        }
    }
}

/// Charges one request to `key`'s `budget`; 429 when it is spent.
pub async fn charge(state: &AppState, budget: Budget, key: &str) -> Result<(), AppError> {
    let config = &state.config.rate_limit;
    let per_minute = match budget {
        Budget::Ip => config.per_ip_per_minute,
        Budget::User => config.per_user_per_minute,
        Budget::Organisation => config.per_org_per_minute,
        Budget::Attempts => config.attempts_per_email_per_minute,
    };
    if per_minute == 0 {
        return Ok(());
    }
    let burst = match budget {
        Budget::Attempts => per_minute,
        _ => config.burst,
    };
    let quota = Quota::new(per_minute, Duration::from_secs(60), burst);
    let key = format!("{}:{key}", budget.prefix());
    let now = state.now().millis();
    let checked = tokio::time::timeout(CHECK_TIMEOUT, state.limiter.check(&key, quota, now)).await;
    match checked {
        Ok(Ok(Decision::Limited { retry_after })) => {
            ::metrics::counter!("botwot_http_rate_limited_total", "budget" => budget.prefix())
                .increment(1);
            let mut error = AppError::new(
                ErrorCode::RateLimited,
                format!("too many requests {}; slow down", budget.who()),
            );
            error.retry_after_secs = Some(retry_after.as_secs_f64().ceil().max(1.0) as u64);
            Err(error)
        }
        Ok(Ok(Decision::Allowed { .. })) => Ok(()),
        Ok(Err(failure)) => {
            warn!(code = failure.code(), error = %failure, "rate limiter unavailable; request let through");
            ::metrics::counter!("botwot_rate_limiter_unavailable_total").increment(1);
            Ok(())
        }
        Err(_) => {
            warn!("rate limiter too slow; request let through");
            ::metrics::counter!("botwot_rate_limiter_unavailable_total").increment(1);
            Ok(())
        }
    }
}

/// Middleware: counts the request against its client IP's budget.
pub async fn limit_by_ip(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string());
    charge(&state, Budget::Ip, &ip).await?;
    Ok(next.run(request).await)
}
