//! Request extractors whose failures are [`AppError`]s, so a bad body, query or path gets the
//! same JSON error shape as everything else.

use crate::auth::Tenant;
use crate::errors::AppError;
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
