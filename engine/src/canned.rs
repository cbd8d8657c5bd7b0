//! Canned responses: an organisation's saved replies, each reached in the console by a shortcut
//! such as `/refund`. A shortcut is unique within its organisation.

use crate::ids::{CannedResponseId, TenantId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// The longest shortcut, slash included.
pub const MAX_SHORTCUT_CHARS: usize = 32;
/// The longest saved text.
pub const MAX_CANNED_TEXT_CHARS: usize = 4_096;

/// What an agent sets: the shortcut and the text it expands to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CannedResponseSettings {
    /// `/` then 1 to 31 lowercase letters, digits, `-` or `_`.
    pub shortcut: String,
    pub text: String,
}

impl CannedResponseSettings {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = self.shortcut.strip_prefix('/').unwrap_or("");
        let well_formed = !name.is_empty()
            && self.shortcut.chars().count() <= MAX_SHORTCUT_CHARS
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !well_formed {
            errors.add(
                "shortcut",
                format!(
                    "must be `/` then up to {} lowercase letters, digits, `-` or `_`",
                    MAX_SHORTCUT_CHARS - 1
                ),
            );
        }
        if self.text.trim().is_empty() {
            errors.add("text", "must not be blank");
        }
        errors.check_max_len("text", &self.text, MAX_CANNED_TEXT_CHARS);
        errors.into_result(())
    }
}

/// A stored canned response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CannedResponse {
    pub id: CannedResponseId,
    pub tenant_id: TenantId,
    #[serde(flatten)]
    pub settings: CannedResponseSettings,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl CannedResponse {
    pub fn create(tenant_id: TenantId, settings: CannedResponseSettings, now: Timestamp) -> Self {
        Self {
            id: CannedResponseId::generate(),
            tenant_id,
            settings,
            created_at: now,
            updated_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(shortcut: &str, text: &str) -> CannedResponseSettings {
        CannedResponseSettings {
            shortcut: shortcut.into(),
            text: text.into(),
        }
    }

    #[test]
    fn shortcuts_are_a_slash_and_a_short_word() {
        assert!(
            settings("/refund", "We refund within 5 days.")
                .validate()
                .is_ok()
        );
        assert!(settings("/order_status-2", "x").validate().is_ok());
        for bad in [
            "refund",
            "/",
            "/Refund",
            "/re fund",
            &format!("/{}", "a".repeat(32)),
        ] {
            assert!(settings(bad, "x").validate().is_err(), "{bad}");
        }
        assert!(settings("/refund", "  ").validate().is_err());
    }
}
