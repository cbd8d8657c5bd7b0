//! Channel integrations: which tenant and bot answer a provider account (a WhatsApp phone number
//! id, a Facebook page id, an Instagram account id). A webhook names the account; the integration
//! says whose conversation it is.

use crate::bot::MAX_NAME_CHARS;
use crate::channel::Channel;
use crate::ids::{BotId, TenantId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// What an administrator sets when connecting an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntegrationSettings {
    pub channel: Channel,
    /// The provider's id of the account: the phone number id, page id or Instagram account id.
    pub account_id: String,
    /// The bot that answers conversations on this account.
    pub bot_id: BotId,
    #[serde(default)]
    pub display_name: String,
    /// Whether the bot answers; when off, conversations wait for a human.
    #[serde(default = "enabled")]
    pub ai_enabled: bool,
}

fn enabled() -> bool {
    true
}

impl IntegrationSettings {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if !matches!(
            self.channel,
            Channel::WhatsApp | Channel::Messenger | Channel::Instagram
        ) {
            errors.add("channel", "must be whatsapp, messenger or instagram");
        }
        let account = self.account_id.as_str();
        if account.is_empty() || account.len() > 64 || !account.chars().all(|c| c.is_ascii_digit())
        {
            errors.add("accountId", "must be the provider's numeric account id");
        }
        if self.bot_id.as_str().trim().is_empty() {
            errors.add("botId", "must name a bot");
        }
        errors.check_max_len("displayName", &self.display_name, MAX_NAME_CHARS);
        errors.into_result(())
    }
}

/// A stored integration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelIntegration {
    pub id: String,
    pub tenant_id: TenantId,
    #[serde(flatten)]
    pub settings: IntegrationSettings,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ChannelIntegration {
    /// Its id is the channel and account, which are unique across tenants: one provider account
    /// belongs to one organisation.
    pub fn create(tenant_id: TenantId, settings: IntegrationSettings, now: Timestamp) -> Self {
        Self {
            id: Self::id_for(settings.channel, &settings.account_id),
            tenant_id,
            settings,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn id_for(channel: Channel, account_id: &str) -> String {
        format!("{channel}:{account_id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(channel: Channel, account: &str) -> IntegrationSettings {
        IntegrationSettings {
            channel,
            account_id: account.into(),
            bot_id: BotId::from("bot_1"),
            display_name: "Support line".into(),
            ai_enabled: true,
        }
    }

    #[test]
    fn meta_accounts_validate() {
        assert!(
            settings(Channel::WhatsApp, "106540352242922")
                .validate()
                .is_ok()
        );
        let errors = settings(Channel::Web, "12ab").validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["channel", "accountId"]);
    }

    #[test]
    fn the_id_is_the_channel_and_account() {
        let integration = ChannelIntegration::create(
            TenantId::from("t"),
            settings(Channel::Instagram, "17841400000000"),
            Timestamp(0),
        );
        assert_eq!(integration.id, "instagram:17841400000000");
    }
}
