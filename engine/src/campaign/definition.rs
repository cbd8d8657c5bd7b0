//! A campaign as an organisation defines it: its name, the WhatsApp number it sends from, the
//! approved template it opens with and that template's language, and the workflow that follows
//! the opening. [`NewCampaign`] is what a request carries, and [`NewCampaign::validate`] names
//! every field that breaks a limit, the workflow's own under `workflow.`
//! (`workflow.steps[0].waitMs`). [`Campaign`] is the record: the definition plus the
//! organisation that owns it, the audience counted so far, the status and when it moved. How the
//! status moves is in `lifecycle.rs`.

use super::workflow::{CampaignWorkflow, MAX_TEMPLATE_ID_CHARS};
use crate::ids::CampaignId;
use crate::ids::TenantId;
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

/// The longest campaign name.
pub const MAX_CAMPAIGN_NAME_CHARS: usize = 120;
/// The longest phone number id, as a WhatsApp integration accepts it.
pub const MAX_CHANNEL_ACCOUNT_CHARS: usize = 64;
/// How long a template language code is (`en`, `en_US`, `zh_Hant_TW`).
pub const LANGUAGE_CHARS: RangeInclusive<usize> = 2..=15;

/// What an organisation sets on a campaign, on creating it or editing its draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewCampaign {
    /// Shown to whoever runs the campaign.
    pub name: String,
    /// The phone number id of the connected WhatsApp integration the campaign sends from.
    pub channel_account: String,
    /// The approved template every recipient gets first.
    pub opening_template_id: String,
    /// The language of the campaign's templates, as WhatsApp names it (`en_US`, `pt_BR`).
    pub language: String,
    /// The follow-up steps after the opening template.
    pub workflow: CampaignWorkflow,
}

/// Where a campaign is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CampaignStatus {
    /// Being written: its definition and audience may change; nothing is sent.
    Draft,
    /// Waiting for its start time; its audience may still grow.
    Scheduled,
    /// Sending: recipients are started and their workflows run.
    Running,
    /// Held: nothing is sent until it is resumed.
    Paused,
    /// Every recipient finished.
    Completed,
    /// Stopped for good by whoever runs it.
    Cancelled,
}

/// A campaign of an organisation: its definition, audience and lifecycle. Its fields are public
/// like every record's, to be stored and read back; they change only through the transitions of
/// `lifecycle.rs`, which keep the definition frozen once the campaign left its draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Campaign {
    /// The campaign's identifier.
    pub id: CampaignId,
    /// The organisation that owns it.
    pub tenant_id: TenantId,
    /// Shown to whoever runs the campaign.
    pub name: String,
    /// The phone number id of the connected WhatsApp integration the campaign sends from.
    pub channel_account: String,
    /// The approved template every recipient gets first.
    pub opening_template_id: String,
    /// The language of the campaign's templates (`en_US`).
    pub language: String,
    /// The follow-up steps after the opening template; frozen once the campaign left draft.
    pub workflow: CampaignWorkflow,
    /// How many recipients were added so far.
    pub audience_size: u32,
    /// When a scheduled campaign starts; `None` until it is scheduled, and for a campaign
    /// launched straight from its draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<Timestamp>,
    /// Where it is in its lifecycle.
    pub status: CampaignStatus,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it started running (launched, or started at its scheduled time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launched_at: Option<Timestamp>,
    /// When it completed or was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Timestamp>,
}

impl NewCampaign {
    /// Every field that breaks a limit, each named by its path; the workflow's errors come
    /// last, under `workflow.`.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.check_text("name", &self.name, MAX_CAMPAIGN_NAME_CHARS);
        if !is_phone_number_id(&self.channel_account) {
            errors.add(
                "channelAccount",
                format!(
                    "must be the phone number id of a WhatsApp integration: 1 to \
                     {MAX_CHANNEL_ACCOUNT_CHARS} digits"
                ),
            );
        }
        errors.check_text(
            "openingTemplateId",
            &self.opening_template_id,
            MAX_TEMPLATE_ID_CHARS,
        );
        if !is_language_code(&self.language) {
            errors.add(
                "language",
                format!(
                    "must be a template language code such as en_US: {} to {} letters, `_` or `-`",
                    LANGUAGE_CHARS.start(),
                    LANGUAGE_CHARS.end()
                ),
            );
        }
        if let Err(workflow) = self.workflow.validate() {
            for error in workflow.0 {
                errors.add(&format!("workflow.{}", error.field), error.message);
            }
        }
        errors.into_result(())
    }
}

/// The shape of a WhatsApp phone number id, as a channel integration accepts it.
fn is_phone_number_id(account: &str) -> bool {
    !account.is_empty()
        && account.len() <= MAX_CHANNEL_ACCOUNT_CHARS
        && account.chars().all(|c| c.is_ascii_digit())
}

/// The shape of a template language code: ASCII letters, `_` and `-`.
fn is_language_code(code: &str) -> bool {
    LANGUAGE_CHARS.contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-')
}

impl CampaignStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [CampaignStatus; 6] = [
        CampaignStatus::Draft,
        CampaignStatus::Scheduled,
        CampaignStatus::Running,
        CampaignStatus::Paused,
        CampaignStatus::Completed,
        CampaignStatus::Cancelled,
    ];

    /// The status's name, as it is written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::Scheduled => "scheduled",
            CampaignStatus::Running => "running",
            CampaignStatus::Paused => "paused",
            CampaignStatus::Completed => "completed",
            CampaignStatus::Cancelled => "cancelled",
        }
    }

    /// Whether a campaign in this status is over: no transition leaves it.
    pub fn is_finished(self) -> bool {
        matches!(self, CampaignStatus::Completed | CampaignStatus::Cancelled)
    }
}

impl fmt::Display for CampaignStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Campaign {
    /// A new draft of `tenant_id` with no audience, or every field of `input` that breaks a
    /// limit.
    pub fn create(
        tenant_id: TenantId,
        input: NewCampaign,
        now: Timestamp,
    ) -> Result<Self, ValidationErrors> {
        input.validate()?;
        let mut draft = Self {
            id: CampaignId::generate(),
            tenant_id,
            name: String::new(),
            channel_account: String::new(),
            opening_template_id: String::new(),
            language: String::new(),
            workflow: CampaignWorkflow {
                max_follow_ups: 0,
                steps: Vec::new(),
            },
            audience_size: 0,
            starts_at: None,
            status: CampaignStatus::Draft,
            created_at: now,
            updated_at: now,
            launched_at: None,
            finished_at: None,
        };
        draft.take_definition(input, now);
        Ok(draft)
    }

    /// Puts a validated definition in place (creating the draft, or editing it).
    pub(super) fn take_definition(&mut self, input: NewCampaign, now: Timestamp) {
        let NewCampaign {
            name,
            channel_account,
            opening_template_id,
            language,
            workflow,
        } = input;
        self.name = name;
        self.channel_account = channel_account;
        self.opening_template_id = opening_template_id;
        self.language = language;
        self.workflow = workflow;
        self.updated_at = now;
    }

    /// The campaign's definition, as a request would carry it to edit the draft.
    pub fn definition(&self) -> NewCampaign {
        NewCampaign {
            name: self.name.clone(),
            channel_account: self.channel_account.clone(),
            opening_template_id: self.opening_template_id.clone(),
            language: self.language.clone(),
            workflow: self.workflow.clone(),
        }
    }
}
