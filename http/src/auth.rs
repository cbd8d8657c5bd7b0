//! The REST API's bearer token, until per-tenant credentials exist: when `api_token` is
//! configured, every `/v1` resource call must present it.

use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;

/// Middleware: lets the request through when no token is configured or the right one is sent.
pub async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    if let Some(expected) = &state.config.api_token {
        let presented = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        if !presented.is_some_and(|token| token_matches(token, expected)) {
            return Err(AppError::new(
                ErrorCode::Unauthorized,
                "send `Authorization: Bearer <api token>`",
            ));
        }
    }
    Ok(next.run(request).await)
}

/// Compares in time that does not depend on where the two differ.
fn token_matches(presented: &str, expected: &str) -> bool {
    presented.as_bytes().ct_eq(expected.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::token_matches;

    #[test]
    fn only_the_exact_token_matches() {
        assert!(token_matches("s3cret", "s3cret"));
        assert!(!token_matches("s3cre", "s3cret"));
        assert!(!token_matches("s3cret ", "s3cret"));
        assert!(!token_matches("", "s3cret"));
    }
}
