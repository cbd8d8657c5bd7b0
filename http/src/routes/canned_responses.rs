//! `/v1/canned-responses`: an organisation's saved replies, each with a shortcut such as
//! `/refund` that is unique in the organisation (`shortcut_taken` otherwise).

use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::canned::{CannedResponse, CannedResponseSettings};
use botwot_engine::ids::CannedResponseId;
use botwot_engine::ports::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A shortcut and the text it expands to. Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CannedResponseInput {
    /// `/` then 1 to 31 lowercase letters, digits, `-` or `_`, such as `/refund`.
    pub shortcut: String,
    /// Up to 4,096 characters, not blank.
    pub text: String,
}

impl From<CannedResponseInput> for CannedResponseSettings {
    fn from(input: CannedResponseInput) -> Self {
        Self {
            shortcut: input.shortcut,
            text: input.text,
        }
    }
}

/// A stored canned response.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CannedResponseView {
    pub id: String,
    pub shortcut: String,
    pub text: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&CannedResponse> for CannedResponseView {
    fn from(canned: &CannedResponse) -> Self {
        Self {
            id: canned.id.to_string(),
            shortcut: canned.settings.shortcut.clone(),
            text: canned.settings.text.clone(),
            created_at: canned.created_at.to_rfc3339(),
            updated_at: canned.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListCannedQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{cannedResponseId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct CannedPath {
    /// The canned response's id.
    canned_response_id: String,
}

/// Saves a new canned response.
#[utoipa::path(
    post, path = "/v1/canned-responses", tag = "canned responses",
    request_body = CannedResponseInput,
    responses(
        (status = 201, description = "the saved response", body = CannedResponseView),
        (status = 409, description = "`shortcut_taken`: the organisation uses this shortcut"),
    ),
)]
pub async fn create_canned_response(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(input): JsonBody<CannedResponseInput>,
) -> Result<(StatusCode, Json<CannedResponseView>), AppError> {
    let settings = CannedResponseSettings::from(input);
    settings.validate()?;
    let canned = CannedResponse::create(principal.tenant().clone(), settings, state.now());
    state
        .store
        .insert_canned_response(&canned)
        .await
        .map_err(|error| shortcut_error(error, &canned))?;
    tracing::info!(canned_response_id = %canned.id, "canned response created");
    Ok((StatusCode::CREATED, Json(CannedResponseView::from(&canned))))
}

/// The organisation's canned responses in shortcut order.
#[utoipa::path(
    get, path = "/v1/canned-responses", tag = "canned responses", params(ListCannedQuery),
    responses((status = 200, description = "a page of canned responses", body = Vec<CannedResponseView>)),
)]
pub async fn list_canned_responses(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListCannedQuery>,
) -> Result<Json<Page<CannedResponseView>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .list_canned_responses(principal.tenant(), &page)
        .await?;
    Ok(Json(Page {
        items: listed.items.iter().map(CannedResponseView::from).collect(),
        next_cursor: listed.next_cursor,
    }))
}

/// One canned response.
#[utoipa::path(
    get, path = "/v1/canned-responses/{cannedResponseId}", tag = "canned responses",
    params(CannedPath),
    responses((status = 200, description = "the canned response", body = CannedResponseView)),
)]
pub async fn get_canned_response(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CannedPath>,
) -> Result<Json<CannedResponseView>, AppError> {
    let canned = stored(&state, &principal, &path).await?;
    Ok(Json(CannedResponseView::from(&canned)))
}

/// Replaces a canned response's shortcut and text.
#[utoipa::path(
    put, path = "/v1/canned-responses/{cannedResponseId}", tag = "canned responses",
    params(CannedPath), request_body = CannedResponseInput,
    responses(
        (status = 200, description = "the saved response", body = CannedResponseView),
        (status = 409, description = "`shortcut_taken`: another response uses this shortcut"),
    ),
)]
pub async fn replace_canned_response(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CannedPath>,
    JsonBody(input): JsonBody<CannedResponseInput>,
) -> Result<Json<CannedResponseView>, AppError> {
    let settings = CannedResponseSettings::from(input);
    settings.validate()?;
    let mut canned = stored(&state, &principal, &path).await?;
    canned.settings = settings;
    canned.updated_at = state.now();
    state
        .store
        .update_canned_response(&canned)
        .await
        .map_err(|error| shortcut_error(error, &canned))?;
    Ok(Json(CannedResponseView::from(&canned)))
}

/// Deletes a canned response.
#[utoipa::path(
    delete, path = "/v1/canned-responses/{cannedResponseId}", tag = "canned responses",
    params(CannedPath),
    responses((status = 204, description = "deleted")),
)]
pub async fn delete_canned_response(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CannedPath>,
) -> Result<StatusCode, AppError> {
    let canned = stored(&state, &principal, &path).await?;
    state
        .store
        .delete_canned_response(principal.tenant(), &canned.id)
        .await?;
    tracing::info!(canned_response_id = %canned.id, "canned response deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The canned response of the path, in the caller's organisation; `not_found` otherwise.
async fn stored(
    state: &AppState,
    principal: &Principal,
    path: &CannedPath,
) -> Result<CannedResponse, AppError> {
    state
        .store
        .get_canned_response(
            principal.tenant(),
            &CannedResponseId::from(path.canned_response_id.as_str()),
        )
        .await?
        .ok_or_else(|| {
            AppError::not_found(format_args!("canned response {}", path.canned_response_id))
        })
}

fn shortcut_error(error: StoreError, canned: &CannedResponse) -> AppError {
    match error {
        StoreError::Conflict(_) => AppError::new(
            ErrorCode::ShortcutTaken,
            format!(
                "your organisation already has a canned response {}",
                canned.settings.shortcut
            ),
        ),
        other => other.into(),
    }
}
