//! A campaign's audience: a contact list added while the campaign is a draft or scheduled
//! (`audience_closed` afterwards), and its recipients listed with their progress. Contacts
//! already in the audience are skipped and counted; the rest are stored in batches, each with
//! the campaign's new count, so an upload cut short leaves a consistent audience and sending
//! the same list again completes it.

use super::contact_list::{ContactList, MAX_CONTACT_LIST_BYTES, read_contact_list};
use super::views::RecipientView;
use super::{CampaignPath, stored};
use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, header::CONTENT_TYPE};
use botwot_engine::campaign::{Campaign, CampaignRecipient};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Recipients stored per write.
const RECIPIENTS_PER_WRITE: usize = 1000;

/// What adding a contact list did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AudienceAdded {
    /// Contacts new to the audience, now in it.
    pub added: usize,
    /// Contacts of the list the audience held already.
    pub already_in_audience: usize,
    /// Lines of the list that repeated an earlier line's phone number.
    pub repeated_in_list: usize,
    /// Header columns that were not read (only `phone` and `name` are).
    pub ignored_columns: Vec<String>,
    /// The audience's size now.
    pub audience_size: u32,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListRecipientsQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// Adds a CSV contact list to the campaign's audience.
#[utoipa::path(
    post, path = "/v1/campaigns/{campaignId}/audience", tag = "campaigns", params(CampaignPath),
    request_body(content = String, content_type = "text/csv",
        description = "a header line naming a `phone` column (and optionally `name`), then one contact per line; at most 8 MiB and 100,000 contacts"),
    responses(
        (status = 200, description = "what was added", body = AudienceAdded),
        (status = 409, description = "`audience_closed`: the campaign has started"),
        (status = 413, description = "`payload_too_large`: over 8 MiB"),
        (status = 415, description = "`unsupported_media_type`: not `text/csv`"),
        (status = 422, description = "`invalid_contact_list`: `details` names each bad line; nothing was added"),
    ),
)]
pub async fn upload_audience(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<AudienceAdded>, AppError> {
    require_csv(&headers)?;
    let body = body.map_err(|_| {
        AppError::new(
            ErrorCode::PayloadTooLarge,
            format!("a contact list may be at most {MAX_CONTACT_LIST_BYTES} bytes; split it"),
        )
    })?;
    let list = read_contact_list(&body)?;
    let _lock = state.campaign_locks.hold(&path.id()).await?;
    let mut campaign = stored(&state, &principal, &path).await?;
    campaign.add_audience(0, state.now())?;
    let existing = state
        .store
        .audience_phones(principal.tenant(), &campaign.id)
        .await?;
    campaign.count_stored_audience(u32::try_from(existing.len()).unwrap_or(u32::MAX));
    let ContactList {
        contacts,
        repeated,
        ignored_columns,
    } = list;
    let listed = contacts.len();
    let new: Vec<_> = contacts
        .into_iter()
        .filter(|contact| !existing.contains(&contact.phone))
        .collect();
    let added = new.len();
    let now = state.now();
    for chunk in new.chunks(RECIPIENTS_PER_WRITE) {
        let recipients: Vec<_> = chunk
            .iter()
            .map(|contact| CampaignRecipient::join(&campaign, contact.clone(), now))
            .collect();
        campaign.add_audience(recipients.len() as u32, now)?;
        state.store.add_recipients(&campaign, &recipients).await?;
    }
    tracing::info!(campaign_id = %campaign.id, added, "campaign audience added");
    Ok(Json(AudienceAdded {
        added,
        already_in_audience: listed - added,
        repeated_in_list: repeated,
        ignored_columns,
        audience_size: campaign.audience_size,
    }))
}

/// The campaign's recipients in phone number order, each with its progress.
#[utoipa::path(
    get, path = "/v1/campaigns/{campaignId}/recipients", tag = "campaigns",
    params(CampaignPath, ListRecipientsQuery),
    responses((status = 200, description = "a page of recipients", body = Vec<RecipientView>)),
)]
pub async fn list_recipients(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
    QueryParams(query): QueryParams<ListRecipientsQuery>,
) -> Result<Json<Page<RecipientView>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let campaign: Campaign = stored(&state, &principal, &path).await?;
    let listed = state
        .store
        .list_recipients(principal.tenant(), &campaign.id, &page)
        .await?;
    Ok(Json(Page {
        items: listed.items.iter().map(RecipientView::from).collect(),
        next_cursor: listed.next_cursor,
    }))
}

/// A contact list comes as `text/csv` (`application/csv` and `text/plain` are taken too).
fn require_csv(headers: &HeaderMap) -> Result<(), AppError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if matches!(
        essence.as_str(),
        "text/csv" | "application/csv" | "text/plain"
    ) {
        return Ok(());
    }
    Err(AppError::new(
        ErrorCode::UnsupportedMediaType,
        format!("send the contact list as text/csv, not `{content_type}`"),
    ))
}
