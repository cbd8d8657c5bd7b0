//! Request extractors whose failures are [`AppError`]s, so a bad body, query or path gets the
//! same JSON error shape as everything else, and the tenant a call acts in.

use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use botwot_engine::TenantId;
use serde::de::DeserializeOwned;

/// A JSON request body. Syntax errors, unknown or missing fields and wrong types become
/// `invalid_json`; a missing content type `unsupported_media_type`; an oversized body
/// `payload_too_large`.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct JsonBody<T>(pub T);

/// Query parameters; failures become `invalid_query`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct QueryParams<T>(pub T);

/// Path parameters; failures become `invalid_request`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct PathParams<T>(pub T);

/// The caller's tenant and the path parameters `P` of the request.
pub async fn tenant_and_path<P>(
    parts: &mut Parts,
    state: &AppState,
) -> Result<(TenantId, P), AppError>
where
    P: DeserializeOwned + Send,
{
    let Tenant(tenant) = Tenant::from_request_parts(parts, state).await?;
    let PathParams(path) = PathParams::<P>::from_request_parts(parts, state).await?;
    Ok((tenant, path))
}

/// The header naming the tenant a REST call acts in.
pub const TENANT_HEADER: &str = "x-botwot-tenant";

const MAX_TENANT_CHARS: usize = 64;

/// The tenant of this call: the `X-BotWot-Tenant` header, or the configured default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tenant(pub TenantId);

impl FromRequestParts<AppState> for Tenant {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Some(value) = parts.headers.get(TENANT_HEADER) else {
            return Ok(Tenant(TenantId::from(state.config.default_tenant.as_str())));
        };
        let name = value
            .to_str()
            .ok()
            .filter(|name| is_tenant_name(name))
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::InvalidRequest,
                    format!(
                        "{TENANT_HEADER} must be 1 to {MAX_TENANT_CHARS} letters, digits, '-', '_' or '.'"
                    ),
                )
            })?;
        Ok(Tenant(TenantId::from(name)))
    }
}

fn is_tenant_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TENANT_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::is_tenant_name;

    #[test]
    fn tenant_names_are_plain() {
        assert!(is_tenant_name("org_acme-1.eu"));
        assert!(!is_tenant_name(""));
        assert!(!is_tenant_name("a b"));
        assert!(!is_tenant_name(&"x".repeat(65)));
    }
}
