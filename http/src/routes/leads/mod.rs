//! Leads (PRD §3.8.1, the Decorpot CRM): `/v1/leads` adds, finds (by id, or by WhatsApp number
//! as the PRD's `GET /integration/decorpot/leads/:phoneNumber`), lists, changes and deletes an
//! organisation's leads; `.../status` moves one between stages, `.../automation` turns its
//! follow-ups on or off, `.../interactions` logs a call, meeting or note and `.../history` reads
//! everything that happened to it; `/v1/leads/settings` holds the organisation's qualification
//! rules and follow-up schedule. The follow-ups themselves go out from the node's [`Leads`].

pub mod history;
pub mod records;
pub mod settings;
pub mod stage;

use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use botwot_actors::{LeadError, Leads};
use botwot_engine::ids::LeadId;
use botwot_engine::leads::{Assessment, Lead, LeadSettings};
use botwot_engine::ports::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The node's leads; 404 `leads_disabled` when the node keeps none (tests of other parts).
pub struct LeadBook(pub Leads);

impl FromRequestParts<AppState> for LeadBook {
    type Rejection = AppError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.leads.clone().map(LeadBook).ok_or_else(|| {
            AppError::new(ErrorCode::LeadsDisabled, "leads are not kept by this node")
        })
    }
}

/// The `{leadId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct LeadPath {
    lead_id: String,
}

impl LeadPath {
    fn id(&self) -> LeadId {
        LeadId::new(self.lead_id.as_str())
    }
}

/// A lead as the API shows it: everything kept, the follow-ups' status in the PRD's words
/// (`Not Started`, `Day N`, `Completed`, `Stopped`) and what the organisation's qualification
/// rules say about it now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadView {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub lead: Lead,
    pub follow_up_status: String,
    #[schema(value_type = Object)]
    pub qualification: Assessment,
}

impl LeadView {
    fn of(lead: Lead, book: &Leads, settings: &LeadSettings) -> Self {
        Self {
            follow_up_status: lead.follow_up.status(),
            qualification: book.assess(settings, &lead.details),
            lead,
        }
    }
}

/// A lead as the API shows it, read with the organisation's current settings.
async fn view(book: &Leads, principal: &Principal, lead: Lead) -> Result<LeadView, AppError> {
    let settings = book.settings(principal.tenant()).await?;
    Ok(LeadView::of(lead, book, &settings))
}

impl From<LeadError> for AppError {
    fn from(error: LeadError) -> Self {
        match error {
            LeadError::Invalid(errors) => errors.into(),
            LeadError::NotFound => AppError::not_found("lead"),
            LeadError::Store(StoreError::Conflict(taken)) => {
                AppError::new(ErrorCode::LeadExists, taken)
            }
            LeadError::Store(error) => error.into(),
        }
    }
}
