//! `/v1/leads`: adding, finding, listing, changing and deleting leads.

use super::{LeadBook, LeadPath, LeadView, view};
use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::commerce::whatsapp_contact;
use botwot_engine::leads::{LeadDetails, LeadPatch, LeadStage};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A lead to add: their WhatsApp number (with its country code, or local when the
/// organisation's settings name a default one) and what is known about them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeadInput {
    pub phone_number: String,
    /// `fullName` (required), `email`, `location`, `projectNeeds`, `scope` (`fullHome`,
    /// `kitchenAndBedroom`, `kitchen`, `bedroom`, `decor`, `civil`, `other`), `budgetFits`,
    /// `startBy` (`YYYY-MM-DD`), `source`, `tags`, `metadata`.
    #[schema(value_type = Object)]
    pub details: LeadDetails,
    /// Whether follow-ups go automatically (the PRD's `automationLead`); default `true`.
    #[serde(default = "default_true")]
    pub automation: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListLeadsQuery {
    /// Only leads in this stage: `Unreal`, `Real` or `Hold`.
    stage: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{phoneNumber}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct PhonePath {
    /// The lead's WhatsApp number, with or without `+`.
    phone_number: String,
}

/// Adds a lead; qualified at once when what is given satisfies the organisation's rules.
#[utoipa::path(post, path = "/v1/leads", tag = "leads", request_body = LeadInput,
    responses(
        (status = 201, description = "the lead", body = LeadView),
        (status = 409, description = "`lead_exists`: the organisation has a lead with this number"),
        (status = 422, description = "`validation_failed`: a detail or the number is not usable"),
    ))]
pub async fn create_lead(
    LeadBook(book): LeadBook,
    principal: Principal,
    JsonBody(input): JsonBody<LeadInput>,
) -> Result<(StatusCode, Json<LeadView>), AppError> {
    let lead = book
        .create(
            principal.tenant(),
            &input.phone_number,
            input.details,
            input.automation,
            &principal.actor().id,
        )
        .await?;
    tracing::info!(lead_id = %lead.id, "lead added");
    Ok((
        StatusCode::CREATED,
        Json(view(&book, &principal, lead).await?),
    ))
}

/// The organisation's leads, the most recently added first.
#[utoipa::path(get, path = "/v1/leads", tag = "leads", params(ListLeadsQuery),
    responses(
        (status = 200, description = "a page of leads", body = Object),
        (status = 400, description = "`invalid_query`: an unknown stage"),
    ))]
pub async fn list_leads(
    State(state): State<AppState>,
    LeadBook(book): LeadBook,
    principal: Principal,
    QueryParams(query): QueryParams<ListLeadsQuery>,
) -> Result<Json<Page<LeadView>>, AppError> {
    let stage = match query.stage.as_deref() {
        None => None,
        Some(name) => Some(LeadStage::parse(name).ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidQuery,
                format!("stage {name:?} is not Unreal, Real or Hold"),
            )
        })?),
    };
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .list_leads(principal.tenant(), stage, &page)
        .await?;
    let settings = book.settings(principal.tenant()).await?;
    Ok(Json(Page {
        items: listed
            .items
            .into_iter()
            .map(|lead| LeadView::of(lead, &book, &settings))
            .collect(),
        next_cursor: listed.next_cursor,
    }))
}

/// One lead.
#[utoipa::path(get, path = "/v1/leads/{leadId}", tag = "leads", params(LeadPath),
    responses((status = 200, description = "the lead", body = LeadView)))]
pub async fn get_lead(
    State(state): State<AppState>,
    LeadBook(book): LeadBook,
    principal: Principal,
    PathParams(path): PathParams<LeadPath>,
) -> Result<Json<LeadView>, AppError> {
    let lead = state
        .store
        .get_lead(principal.tenant(), &path.id())
        .await?
        .ok_or_else(|| AppError::not_found("lead"))?;
    Ok(Json(view(&book, &principal, lead).await?))
}

/// The lead of a WhatsApp number (the PRD's `GET /integration/decorpot/leads/:phoneNumber`).
#[utoipa::path(get, path = "/v1/leads/by-phone/{phoneNumber}", tag = "leads", params(PhonePath),
    responses((status = 200, description = "the lead", body = LeadView)))]
pub async fn find_lead_by_phone(
    State(state): State<AppState>,
    LeadBook(book): LeadBook,
    principal: Principal,
    PathParams(path): PathParams<PhonePath>,
) -> Result<Json<LeadView>, AppError> {
    let settings = book.settings(principal.tenant()).await?;
    let phone = stored_phone(&path.phone_number, settings.default_country_code.as_deref())
        .ok_or_else(|| AppError::not_found("lead"))?;
    let lead = state
        .store
        .find_lead_by_phone(principal.tenant(), &phone)
        .await?
        .ok_or_else(|| AppError::not_found("lead"))?;
    Ok(Json(LeadView::of(lead, &book, &settings)))
}

/// The number as leads keep it: `phone` read as people write it, or taken as it is when it is
/// already digits with the country code (`919876543210`).
fn stored_phone(phone: &str, default_country_code: Option<&str>) -> Option<String> {
    whatsapp_contact(phone, default_country_code).or_else(|| {
        let digits = phone.trim();
        ((8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.to_owned())
    })
}

/// Changes some of a lead's details (each field given replaces the kept one; an empty text
/// clears it); qualifies the lead when they now satisfy the rules.
#[utoipa::path(patch, path = "/v1/leads/{leadId}", tag = "leads", params(LeadPath),
    request_body(content = Object, description = "the details to change"),
    responses(
        (status = 200, description = "the lead", body = LeadView),
        (status = 422, description = "`validation_failed`"),
    ))]
pub async fn update_lead(
    LeadBook(book): LeadBook,
    principal: Principal,
    PathParams(path): PathParams<LeadPath>,
    JsonBody(patch): JsonBody<LeadPatch>,
) -> Result<Json<LeadView>, AppError> {
    let lead = book
        .update(
            principal.tenant(),
            &path.id(),
            &patch,
            &principal.actor().id,
        )
        .await?;
    Ok(Json(view(&book, &principal, lead).await?))
}

/// Deletes a lead and its history.
#[utoipa::path(delete, path = "/v1/leads/{leadId}", tag = "leads", params(LeadPath),
    responses((status = 204, description = "deleted")))]
pub async fn delete_lead(
    State(state): State<AppState>,
    _book: LeadBook,
    principal: Principal,
    PathParams(path): PathParams<LeadPath>,
) -> Result<StatusCode, AppError> {
    if !state
        .store
        .delete_lead(principal.tenant(), &path.id())
        .await?
    {
        return Err(AppError::not_found("lead"));
    }
    tracing::info!(lead_id = %path.lead_id, "lead deleted");
    Ok(StatusCode::NO_CONTENT)
}
