//! `GET /media/uploads/{tenant}/{uploadId}?expires=…&signature=…`: a file an agent uploaded,
//! for the channel a reply sends it on to fetch (Instagram takes files only by an address). No
//! credentials: the link's signature (minted by the sender, `UploadLinks`) is the permission,
//! checked in constant time before anything is read, and it expires. The file is served as an
//! attachment with `nosniff`, so nothing uploaded ever renders in this server's origin.

use crate::errors::{AppError, ErrorCode};
use crate::extract::{PathParams, QueryParams};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::response::{IntoResponse, Response};
use botwot_adapters::meta::upload_links::LinkRefused;
use botwot_adapters::meta::uploads::{UploadError, Uploads, upload_reference};
use botwot_engine::ids::TenantId;
use serde::Deserialize;
use utoipa::IntoParams;

/// The `{tenant}` and `{uploadId}` path segments.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct LinkPath {
    /// The organisation the upload belongs to.
    tenant: String,
    /// The upload's id.
    upload_id: String,
}

/// The link's expiry and signature.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// Unix seconds after which the link stops working.
    expires: i64,
    /// The link's signature, hex.
    signature: String,
}

/// An uploaded file, by a signed link.
#[utoipa::path(
    get, path = "/media/uploads/{tenant}/{uploadId}", tag = "webhooks",
    params(LinkPath, LinkQuery),
    responses(
        (status = 200, description = "the file, with its content type", content_type = "application/octet-stream"),
        (status = 403, description = "`invalid_link`: the signature does not match the link", body = crate::errors::ErrorBody),
        (status = 404, description = "no such file (deleted, or erased with its organisation), or this deployment mints no links", body = crate::errors::ErrorBody),
        (status = 410, description = "`link_expired`", body = crate::errors::ErrorBody),
    ),
)]
pub async fn linked_upload(
    State(state): State<AppState>,
    PathParams(path): PathParams<LinkPath>,
    QueryParams(query): QueryParams<LinkQuery>,
) -> Result<Response, AppError> {
    let not_found = || AppError::not_found(format_args!("uploaded file {}", path.upload_id));
    let links = state.config.upload_links().ok_or_else(not_found)?;
    let now = state.now().millis() / 1_000;
    links
        .check(
            &path.tenant,
            &path.upload_id,
            query.expires,
            &query.signature,
            now,
        )
        .map_err(|refused| match refused {
            LinkRefused::BadSignature => AppError::new(ErrorCode::InvalidLink, refused.to_string()),
            LinkRefused::Expired => AppError::new(ErrorCode::LinkExpired, refused.to_string()),
        })?;
    let uploads = Uploads::new(state.knowledge.blobs.clone());
    let tenant = TenantId::from(path.tenant.as_str());
    let file = match uploads
        .open(&tenant, &upload_reference(&path.upload_id))
        .await
    {
        Ok(file) => file,
        Err(UploadError::NotFound(_)) => return Err(not_found()),
        Err(other) => return Err(super::uploads::upload_error(other)),
    };
    Ok((
        [
            (CONTENT_TYPE, file.content_type),
            (CONTENT_DISPOSITION, "attachment".to_owned()),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (CACHE_CONTROL, "private, max-age=3600".to_owned()),
        ],
        file.bytes,
    )
        .into_response())
}
