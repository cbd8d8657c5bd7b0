//! An organisation's lead settings: how leads qualify and how they are followed up.

use super::qualification::QualificationRules;
use crate::ids::TenantId;
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The most follow-ups one lead gets.
pub const MAX_FOLLOW_UP_STEPS: usize = 10;
/// The longest wait before a follow-up: thirty days.
const MAX_AFTER_HOURS: u32 = 30 * 24;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadSettings {
    pub tenant_id: TenantId,
    #[serde(default)]
    pub qualification: QualificationRules,
    #[serde(default)]
    pub follow_ups: FollowUpProgram,
    /// Digits put before a phone written without its country code (`91`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_country_code: Option<String>,
    pub updated_at: Timestamp,
}

impl LeadSettings {
    /// What an organisation that never saved its settings has: the PRD's qualification rules,
    /// no follow-ups.
    pub fn defaults(tenant_id: TenantId) -> Self {
        Self {
            tenant_id,
            qualification: QualificationRules::default(),
            follow_ups: FollowUpProgram::default(),
            default_country_code: None,
            updated_at: Timestamp::default(),
        }
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        for part in [self.qualification.validate(), self.follow_ups.validate()] {
            if let Err(found) = part {
                errors.0.extend(found.0);
            }
        }
        if let Some(code) = &self.default_country_code
            && (code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.add("defaultCountryCode", "must be 1 to 3 digits, such as 91");
        }
        errors.into_result(())
    }
}

/// The follow-ups an automated lead gets: approved WhatsApp templates sent from one of the
/// organisation's numbers, each `afterHours` after the one before (the first after the lead
/// was created or its automation turned on; 0: at once). The PRD's schedule is one a day for
/// five days (`Day 1` … `Day 5`). A template's body takes the lead's first name as `{{1}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FollowUpProgram {
    pub enabled: bool,
    /// The WhatsApp phone number id the follow-ups are sent from.
    #[serde(default)]
    pub channel_account: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub steps: Vec<FollowUpStep>,
    /// Whether a lead who writes to the number stops their follow-ups (a person or the bot
    /// talks to them now).
    #[serde(default = "default_true")]
    pub stop_when_answered: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FollowUpStep {
    pub after_hours: u32,
    pub template: String,
}

fn default_language() -> String {
    "en".to_owned()
}
fn default_true() -> bool {
    true
}

impl Default for FollowUpProgram {
    fn default() -> Self {
        Self {
            enabled: false,
            channel_account: String::new(),
            language: default_language(),
            steps: Vec::new(),
            stop_when_answered: true,
        }
    }
}

impl FollowUpProgram {
    /// How long after the previous follow-up (or the start) step `index` is due.
    pub fn wait_before(&self, index: usize) -> Option<Duration> {
        self.steps
            .get(index)
            .map(|step| Duration::from_secs(u64::from(step.after_hours) * 3_600))
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.enabled {
            if self.channel_account.trim().is_empty() {
                errors.add(
                    "followUps.channelAccount",
                    "the WhatsApp phone number id the follow-ups are sent from is required",
                );
            }
            if self.steps.is_empty() {
                errors.add("followUps.steps", "at least one follow-up is required");
            }
        }
        errors.check_max_len("followUps.language", &self.language, 15);
        errors.check_max_items("followUps.steps", self.steps.len(), MAX_FOLLOW_UP_STEPS);
        for step in &self.steps {
            errors.check_text("followUps.steps.template", &step.template, 512);
            errors.check_range(
                "followUps.steps.afterHours",
                step.after_hours,
                0..=MAX_AFTER_HOURS,
            );
        }
        errors.into_result(())
    }
}
