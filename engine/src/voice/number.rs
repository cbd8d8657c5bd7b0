//! A phone number an organisation connected from its Twilio account (the PRD's `POST /twilio`),
//! and the voice agent that answers it. Calls to the number reach BotWot through the webhooks
//! Twilio was told to use when the number was connected; calls from it are placed with the same
//! account. The account's auth token is kept sealed: it signs Twilio's webhooks and our calls.

use crate::ids::{TenantId, VoiceAgentId, VoiceNumberId};
use crate::integration::SealedSecret;
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

use super::phone::is_e164;

/// The longest label.
pub const MAX_LABEL_CHARS: usize = 120;

/// The Twilio account a number belongs to, and the number's id in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TwilioAccount {
    /// `AC` and 32 hex digits.
    pub account_sid: String,
    pub sealed_auth_token: SealedSecret,
    /// The number's `PN…` id in the account.
    pub number_sid: String,
}

/// What an organisation sets on a number it connects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberSettings {
    pub phone_number: String,
    pub label: String,
    pub agent_id: VoiceAgentId,
}

impl NumberSettings {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if !is_e164(&self.phone_number) {
            errors.add(
                "phoneNumber",
                "must be in E.164 form: + and 7 to 15 digits, such as +14155550100",
            );
        }
        errors.check_max_len("label", &self.label, MAX_LABEL_CHARS);
        errors.into_result(())
    }
}

/// Whether `sid` is a Twilio account id: `AC` and 32 hex digits.
pub fn is_account_sid(sid: &str) -> bool {
    sid.len() == 34 && sid.starts_with("AC") && sid[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceNumber {
    pub id: VoiceNumberId,
    pub tenant: TenantId,
    pub phone_number: String,
    #[serde(default)]
    pub label: String,
    /// The agent that answers calls to the number and speaks on calls from it.
    pub agent_id: VoiceAgentId,
    pub twilio: TwilioAccount,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl VoiceNumber {
    pub fn new(
        tenant: TenantId,
        settings: NumberSettings,
        twilio: TwilioAccount,
        now: Timestamp,
    ) -> Self {
        Self {
            id: VoiceNumberId::generate(),
            tenant,
            phone_number: settings.phone_number,
            label: settings.label,
            agent_id: settings.agent_id,
            twilio,
            created_at: now,
            updated_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_every_bad_field() {
        let settings = NumberSettings {
            phone_number: "4155550100".into(),
            label: "x".repeat(MAX_LABEL_CHARS + 1),
            agent_id: VoiceAgentId::new("va_1"),
        };
        let fields: Vec<String> = settings
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|error| error.field)
            .collect();
        assert_eq!(fields, ["phoneNumber", "label"]);
    }

    #[test]
    fn account_sids_are_ac_and_32_hex_digits() {
        assert!(is_account_sid("ACd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6"));
        assert!(!is_account_sid("ACg1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6"));
        assert!(!is_account_sid("PNd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6"));
        assert!(!is_account_sid("ACd1e2f3"));
    }
}
