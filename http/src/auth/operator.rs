//! The operators' token. The administration routes (`/v1/admin/...`: the cluster, and the
//! organisations' plans) are platform
//! operations, not tenant ones: they take neither access tokens nor API keys, whatever the
//! caller's role, but the `http.admin_token` configured on the node, sent as
//! `Authorization: Bearer <token>` and compared in constant time. With no token configured the
//! routes do not exist for anyone (404 `admin_disabled`).

use super::principal::bearer;
use crate::config::ConfiguredSecret;
use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Middleware: lets the request through only with the configured operator token.
pub async fn require_operator(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    check_operator(state.config.admin_token.as_ref(), request.headers())?;
    Ok(next.run(request).await)
}

/// `Ok` when `headers` carry `configured` as their bearer token.
pub fn check_operator(
    configured: Option<&ConfiguredSecret>,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    let Some(expected) = configured.filter(|token| !token.expose_secret().is_empty()) else {
        return Err(AppError::new(
            ErrorCode::AdminDisabled,
            "platform administration is off on this node: set http.admin_token (BOTWOT__HTTP__ADMIN_TOKEN) to turn it on",
        ));
    };
    let Some(presented) = bearer(headers) else {
        return Err(AppError::new(
            ErrorCode::InvalidOperatorToken,
            "send the operator token as `Authorization: Bearer <http.admin_token>`",
        ));
    };
    if same_secret(presented, expected.expose_secret()) {
        Ok(())
    } else {
        tracing::warn!("platform administration refused: wrong operator token");
        Err(AppError::new(
            ErrorCode::InvalidOperatorToken,
            "this is not the operator token (tenant access tokens and API keys are not accepted here)",
        ))
    }
}

/// Compares digests rather than the tokens, so neither the content nor the length of the
/// configured token shows in the time taken.
fn same_secret(presented: &str, expected: &str) -> bool {
    let presented = Sha256::digest(presented.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    presented.ct_eq(&expected).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use axum::http::header::AUTHORIZATION;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_str(authorization).expect("header");
        headers.insert(AUTHORIZATION, value);
        headers
    }

    #[test]
    fn only_the_configured_token_passes() {
        let token = ConfiguredSecret::new("operator-secret");
        let check = |headers: &HeaderMap| check_operator(Some(&token), headers).map_err(|e| e.code);
        assert_eq!(check(&headers("Bearer operator-secret")), Ok(()));
        for wrong in [
            "Bearer operator-secreT",
            "Bearer operator",
            "operator-secret",
            "Basic b3BlcmF0b3I6c2VjcmV0",
        ] {
            assert_eq!(
                check(&headers(wrong)),
                Err(ErrorCode::InvalidOperatorToken),
                "{wrong}"
            );
        }
        assert_eq!(
            check(&HeaderMap::new()),
            Err(ErrorCode::InvalidOperatorToken)
        );
    }

    #[test]
    fn no_token_or_an_empty_one_turns_administration_off() {
        let presented = headers("Bearer ");
        let empty = ConfiguredSecret::new("");
        for configured in [None, Some(&empty)] {
            let refused = check_operator(configured, &presented).unwrap_err();
            assert_eq!(refused.code, ErrorCode::AdminDisabled);
            assert!(refused.message.contains("http.admin_token"));
        }
    }
}
