//! A lead's history (the PRD's interactions and lead history): what people logged (calls,
//! meetings, notes) and what happened to the lead (created, details changed, stage changed,
//! follow-ups sent or stopped), newest first when read.

use super::lead::LeadStage;
use crate::ids::{LeadEventId, LeadId, TenantId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadEvent {
    pub id: LeadEventId,
    pub tenant_id: TenantId,
    pub lead_id: LeadId,
    pub at: Timestamp,
    /// Who did it: a user's id, `bot`, or `automation`.
    pub by: String,
    #[serde(flatten)]
    pub kind: LeadEventKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum LeadEventKind {
    Created,
    /// Something a person logged.
    Interaction(LoggedInteraction),
    DetailsChanged {
        fields: Vec<String>,
    },
    StageChanged {
        from: LeadStage,
        to: LeadStage,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    AutomationChanged {
        on: bool,
    },
    FollowUpSent {
        number: u8,
        template: String,
    },
    FollowUpFailed {
        number: u8,
        reason: String,
    },
    FollowUpsStopped {
        reason: String,
    },
}

/// A call, meeting, message or note a person logs on a lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoggedInteraction {
    pub channel: InteractionChannel,
    pub summary: String,
    /// What came of it, such as `interested` or `call back on Monday`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InteractionChannel {
    Call,
    Meeting,
    Visit,
    Message,
    Email,
    Note,
}

impl LoggedInteraction {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.check_text("summary", &self.summary, 4_000);
        if let Some(outcome) = &self.outcome {
            errors.check_max_len("outcome", outcome, 200);
        }
        errors.into_result(())
    }
}

impl LeadEvent {
    pub fn new(
        tenant_id: &TenantId,
        lead_id: &LeadId,
        by: impl Into<String>,
        kind: LeadEventKind,
        at: Timestamp,
    ) -> Self {
        Self {
            id: LeadEventId::generate(),
            tenant_id: tenant_id.clone(),
            lead_id: lead_id.clone(),
            at,
            by: by.into(),
            kind,
        }
    }
}
