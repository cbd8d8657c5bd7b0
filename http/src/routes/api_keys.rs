//! `/v1/api-keys`: keys for server-to-server calls. A key is shown once, at creation; it acts
//! with exactly the modules it was given (never more than its creator holds) until revoked.

use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_adapters::auth::api_keys;
use botwot_engine::access::{ApiKey, Module};
use botwot_engine::ids::ApiKeyId;
use botwot_engine::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateApiKey {
    /// What the key is for, such as `CRM sync`.
    pub name: String,
    /// The modules the key may use, such as `["4", "5.2"]`.
    #[schema(value_type = Vec<String>)]
    pub modules: BTreeSet<Module>,
}

/// A key as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub modules: Vec<String>,
    pub created_by: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

impl From<&ApiKey> for ApiKeyView {
    fn from(key: &ApiKey) -> Self {
        Self {
            id: key.id.to_string(),
            name: key.name.clone(),
            modules: key.modules.iter().map(ToString::to_string).collect(),
            created_by: key.created_by.to_string(),
            created_at: key.created_at.to_rfc3339(),
            revoked_at: key.revoked_at.map(|at| at.to_rfc3339()),
        }
    }
}

/// A new key, with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyView,
    /// Send as `Authorization: Bearer <key>`. Not shown again.
    pub key_secret: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListApiKeysQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{keyId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct ApiKeyPath {
    /// The key's id.
    key_id: String,
}

/// Creates a key with some of the caller's modules.
#[utoipa::path(
    post, path = "/v1/api-keys", tag = "api keys", request_body = CreateApiKey,
    responses((status = 201, description = "the key and, this once, its secret", body = CreatedApiKey)),
)]
pub async fn create_api_key(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(request): JsonBody<CreateApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), AppError> {
    let mut errors = ValidationErrors::default();
    errors.check_text("name", &request.name, 100);
    if request.modules.is_empty() {
        errors.add("modules", "must name at least one module");
    }
    errors.into_result(())?;
    let id = ApiKeyId::generate();
    let issued = api_keys::issue(&id).map_err(|error| {
        tracing::error!(error = %error, "cannot draw an api key");
        AppError::new(ErrorCode::Internal, "cannot create a key right now")
    })?;
    let key = ApiKey {
        id,
        tenant_id: principal.tenant().clone(),
        name: request.name.trim().to_owned(),
        modules: request.modules,
        digest: issued.digest,
        created_by: principal.user.id.clone(),
        created_at: state.now(),
        revoked_at: None,
    };
    principal.may_grant(&key.permissions())?;
    state.store.insert_api_key(&key).await?;
    tracing::info!(key_id = %key.id, tenant_id = %key.tenant_id, "api key created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            key: ApiKeyView::from(&key),
            key_secret: issued.token,
        }),
    ))
}

/// Lists the organisation's keys, newest first (never their secrets).
#[utoipa::path(
    get, path = "/v1/api-keys", tag = "api keys", params(ListApiKeysQuery),
    responses((status = 200, description = "a page of keys", body = Vec<ApiKeyView>)),
)]
pub async fn list_api_keys(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListApiKeysQuery>,
) -> Result<Json<Page<ApiKeyView>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let keys = state.store.list_api_keys(principal.tenant(), &page).await?;
    Ok(Json(Page {
        items: keys.items.iter().map(ApiKeyView::from).collect(),
        next_cursor: keys.next_cursor,
    }))
}

/// Revokes a key: it is refused from the next call on.
#[utoipa::path(
    delete, path = "/v1/api-keys/{keyId}", tag = "api keys", params(ApiKeyPath),
    responses((status = 204, description = "revoked")),
)]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<ApiKeyPath>,
) -> Result<StatusCode, AppError> {
    let not_found = || AppError::not_found(format_args!("api key {}", path.key_id));
    let mut key = state
        .store
        .get_api_key(&ApiKeyId::from(path.key_id.as_str()))
        .await?
        .filter(|key| key.tenant_id == *principal.tenant())
        .ok_or_else(not_found)?;
    principal.may_grant(&key.permissions())?;
    if key.revoked_at.is_none() {
        key.revoked_at = Some(state.now());
        state.store.update_api_key(&key).await?;
        tracing::info!(key_id = %key.id, tenant_id = %key.tenant_id, "api key revoked");
    }
    Ok(StatusCode::NO_CONTENT)
}
