//! Why a campaign refused a transition. Each refusal has a stable snake_case [`code`] for
//! whoever calls (an API answers with it; it never changes once published) and a sentence for
//! people (`Display`). Editing a draft can also fail on its input: [`CampaignEditError`] holds
//! either.
//!
//! [`code`]: CampaignRefusal::code

use super::definition::CampaignStatus;
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use thiserror::Error;

/// A transition the campaign's status does not allow, or whose conditions are not met.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CampaignRefusal {
    /// Only a draft may be edited, scheduled or launched.
    #[error("the campaign is {status}, not a draft")]
    NotADraft {
        /// The status the campaign is in.
        status: CampaignStatus,
    },
    /// A completed or cancelled campaign never moves again.
    #[error("the campaign is already {status}")]
    AlreadyFinished {
        /// The status the campaign finished in.
        status: CampaignStatus,
    },
    /// A campaign without recipients cannot be scheduled or launched.
    #[error("the campaign has no recipients yet: add its audience first")]
    NoAudience,
    /// A campaign cannot be scheduled to start before now.
    #[error("the start time {} is in the past", .at.to_rfc3339())]
    StartInThePast {
        /// The start time asked for.
        at: Timestamp,
    },
    /// Only a scheduled campaign is started at its time.
    #[error("the campaign is {status}, not scheduled")]
    NotScheduled {
        /// The status the campaign is in.
        status: CampaignStatus,
    },
    /// A scheduled campaign is not started before its time.
    #[error("the campaign is scheduled to start at {}", .starts_at.to_rfc3339())]
    NotDueYet {
        /// When it is scheduled to start.
        starts_at: Timestamp,
    },
    /// Only a running campaign is paused or completed.
    #[error("the campaign is {status}, not running")]
    NotRunning {
        /// The status the campaign is in.
        status: CampaignStatus,
    },
    /// Only a paused campaign is resumed.
    #[error("the campaign is {status}, not paused")]
    NotPaused {
        /// The status the campaign is in.
        status: CampaignStatus,
    },
    /// Recipients are added only before the campaign starts.
    #[error("the campaign is {status}: recipients can only be added before it starts")]
    AudienceClosed {
        /// The status the campaign is in.
        status: CampaignStatus,
    },
    /// The audience would count more recipients than a campaign can hold.
    #[error("a campaign holds at most {} recipients", u32::MAX)]
    AudienceTooLarge,
}

impl CampaignRefusal {
    /// The refusal's stable code, in snake_case.
    pub fn code(&self) -> &'static str {
        match self {
            CampaignRefusal::NotADraft { .. } => "not_a_draft",
            CampaignRefusal::AlreadyFinished { .. } => "already_finished",
            CampaignRefusal::NoAudience => "no_audience",
            CampaignRefusal::StartInThePast { .. } => "start_in_the_past",
            CampaignRefusal::NotScheduled { .. } => "not_scheduled",
            CampaignRefusal::NotDueYet { .. } => "not_due_yet",
            CampaignRefusal::NotRunning { .. } => "not_running",
            CampaignRefusal::NotPaused { .. } => "not_paused",
            CampaignRefusal::AudienceClosed { .. } => "audience_closed",
            CampaignRefusal::AudienceTooLarge => "audience_too_large",
        }
    }
}

/// Why editing a campaign failed: it is no longer a draft, or the new definition breaks a limit.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CampaignEditError {
    /// The campaign's status does not allow editing.
    #[error(transparent)]
    Refused(#[from] CampaignRefusal),
    /// The new definition breaks these limits.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

impl CampaignEditError {
    /// The refusal's code, or `validation_failed` for an invalid definition.
    pub fn code(&self) -> &'static str {
        match self {
            CampaignEditError::Refused(refusal) => refusal.code(),
            CampaignEditError::Invalid(_) => "validation_failed",
        }
    }
}
