//! `/v1/leads/{leadId}/interactions` and `/history`: what people did with a lead, and
//! everything that happened to it.

use super::{LeadBook, LeadPath};
use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::leads::{LeadEvent, LoggedInteraction};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// Logs a call, meeting, visit, message, email or note on a lead (the PRD's
/// `POST /integration/decorpot/leads/:leadId/interaction`).
#[utoipa::path(post, path = "/v1/leads/{leadId}/interactions", tag = "leads", params(LeadPath),
    request_body(content = Object, description = "`{channel: call|meeting|visit|message|email|note, summary, outcome?}`"),
    responses(
        (status = 201, description = "the history entry", body = Object),
        (status = 422, description = "`validation_failed`"),
    ))]
pub async fn log_interaction(
    LeadBook(book): LeadBook,
    principal: Principal,
    PathParams(path): PathParams<LeadPath>,
    JsonBody(interaction): JsonBody<LoggedInteraction>,
) -> Result<(StatusCode, Json<LeadEvent>), AppError> {
    let event = book
        .log_interaction(
            principal.tenant(),
            &path.id(),
            interaction,
            &principal.actor().id,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(event)))
}

/// A lead's history, the newest first (the PRD's
/// `GET /integration/decorpot/leads/:leadId/history`).
#[utoipa::path(get, path = "/v1/leads/{leadId}/history", tag = "leads",
    params(LeadPath, HistoryQuery),
    responses((status = 200, description = "a page of history entries", body = Object)))]
pub async fn lead_history(
    State(state): State<AppState>,
    _book: LeadBook,
    principal: Principal,
    PathParams(path): PathParams<LeadPath>,
    QueryParams(query): QueryParams<HistoryQuery>,
) -> Result<Json<Page<LeadEvent>>, AppError> {
    let id = path.id();
    if state
        .store
        .get_lead(principal.tenant(), &id)
        .await?
        .is_none()
    {
        return Err(AppError::not_found("lead"));
    }
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .lead_history(principal.tenant(), &id, &page)
        .await?;
    Ok(Json(Page {
        items: listed.items,
        next_cursor: listed.next_cursor,
    }))
}
