//! Channel integrations: which tenant and bot answer a provider account (a WhatsApp phone number
//! id, a Facebook page id, an Instagram account id). A webhook names the account; the integration
//! says whose conversation it is, and whether its access token still works
//! ([`IntegrationHealth`]).

use crate::bot::MAX_NAME_CHARS;
use crate::channel::Channel;
use crate::ids::{BotId, TenantId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

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
    /// The Graph API token to send with (a system-user token for WhatsApp, a page access token
    /// for Messenger and Instagram). Write-only: it is never serialised, so it can be neither
    /// stored nor returned as it is; the HTTP layer seals it into
    /// [`ChannelIntegration::sealed_access_token`].
    #[serde(default, skip_serializing)]
    pub access_token: Option<WriteOnlySecret>,
    /// Contacts (phone numbers, PSIDs, Instagram ids) whose messages are ignored.
    #[serde(default)]
    pub blocked_contacts: Vec<String>,
    /// When not empty, only these contacts are answered (a number under test, say); everyone
    /// else is ignored.
    #[serde(default)]
    pub allowed_contacts: Vec<String>,
    /// How comments on the account's posts are answered (Instagram, and a Facebook page's).
    #[serde(default)]
    pub comment_replies: CommentReplies,
    /// WhatsApp: the business account (WABA) the number belongs to, whose message templates
    /// are managed through the number's integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_account_id: Option<String>,
}

/// The engagement mode for comments on the account's posts (PRD §3.4.3). Each comment is a
/// conversation of its own (contact `comment:<comment id>`), answered by a public reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "camelCase", deny_unknown_fields)]
pub enum CommentReplies {
    /// The comment waits in the console for an agent, whose reply is posted under it.
    #[default]
    Manual,
    /// The bot answers from its knowledge (unless `aiEnabled` is off: then as `manual`).
    Ai,
    /// `message` is posted under every comment once; the comment then waits for an agent.
    Custom { message: String },
}

/// The longest custom comment reply (Instagram caps comments at 2,200 characters).
pub const MAX_COMMENT_REPLY_CHARS: usize = 2_200;

/// The contact of a comment's conversation: replies to it are posted under the comment.
pub fn comment_contact(comment_id: &str) -> String {
    format!("{COMMENT_CONTACT_PREFIX}{comment_id}")
}

/// The comment a conversation's contact names, when it is a comment's.
pub fn commented(contact: &str) -> Option<&str> {
    contact
        .strip_prefix(COMMENT_CONTACT_PREFIX)
        .filter(|id| !id.is_empty())
}

const COMMENT_CONTACT_PREFIX: &str = "comment:";

/// A secret an administrator hands in (an access token): read from a request, never written
/// out. `Debug` prints `<redacted>` and there is no `Display` or `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct WriteOnlySecret(String);

impl WriteOnlySecret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, to seal it and for nothing else.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WriteOnlySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WriteOnlySecret(<redacted>)")
    }
}

impl<'de> Deserialize<'de> for WriteOnlySecret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// A secret encrypted for storage by the adapters' token cipher (opaque text here: the engine
/// never decrypts). `Debug` does not print it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SealedSecret(String);

impl SealedSecret {
    pub fn new(sealed: impl Into<String>) -> Self {
        Self(sealed.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealedSecret(<sealed>)")
    }
}

/// Longest access token accepted; Meta's are a few hundred characters.
pub const MAX_ACCESS_TOKEN_BYTES: usize = 4_096;

fn enabled() -> bool {
    true
}

impl IntegrationSettings {
    /// The settings of `account_id` on `channel`, answered by `bot_id`, with everything else as
    /// an administrator who sets nothing more gets it: the bot on, no contact lists, comments
    /// left to agents, no token, no display name.
    pub fn new(channel: Channel, account_id: impl Into<String>, bot_id: BotId) -> Self {
        Self {
            channel,
            account_id: account_id.into(),
            bot_id,
            display_name: String::new(),
            ai_enabled: enabled(),
            access_token: None,
            blocked_contacts: Vec::new(),
            allowed_contacts: Vec::new(),
            comment_replies: CommentReplies::default(),
            business_account_id: None,
        }
    }

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
        if let Some(token) = &self.access_token {
            let token = token.expose_secret();
            if token.is_empty()
                || token.len() > MAX_ACCESS_TOKEN_BYTES
                || token.contains(char::is_whitespace)
            {
                errors.add("accessToken", "must be a Graph API access token");
            }
        }
        errors.check_max_len("displayName", &self.display_name, MAX_NAME_CHARS);
        if let Some(waba) = &self.business_account_id
            && (self.channel != Channel::WhatsApp
                || waba.is_empty()
                || waba.len() > 64
                || !waba.chars().all(|c| c.is_ascii_digit()))
        {
            errors.add(
                "businessAccountId",
                "must be the numeric WhatsApp Business Account id, on a WhatsApp integration",
            );
        }
        if let CommentReplies::Custom { message } = &self.comment_replies {
            if message.trim().is_empty() {
                errors.add("commentReplies", "a custom reply needs a message");
            }
            errors.check_max_len("commentReplies", message, MAX_COMMENT_REPLY_CHARS);
        }
        for (field, contacts) in [
            ("blockedContacts", &self.blocked_contacts),
            ("allowedContacts", &self.allowed_contacts),
        ] {
            let malformed = contacts
                .iter()
                .any(|contact| contact.trim().is_empty() || contact.len() > MAX_CONTACT_CHARS);
            if contacts.len() > MAX_CONTACT_RULES || malformed {
                errors.add(
                    field,
                    format!(
                        "must list at most {MAX_CONTACT_RULES} contact ids of 1 to {MAX_CONTACT_CHARS} characters"
                    ),
                );
            }
        }
        errors.into_result(())
    }
}

/// The most contacts one list of an integration holds.
pub const MAX_CONTACT_RULES: usize = 10_000;
const MAX_CONTACT_CHARS: usize = 64;

impl IntegrationSettings {
    /// Whether messages from `contact` are taken: not blocked, and listed when a list of allowed
    /// contacts is set.
    pub fn accepts_contact(&self, contact: &str) -> bool {
        let listed = |list: &[String]| list.iter().any(|entry| entry == contact);
        !listed(&self.blocked_contacts)
            && (self.allowed_contacts.is_empty() || listed(&self.allowed_contacts))
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
    /// The account's access token, sealed. Stored, never returned by the API (see
    /// [`ChannelIntegration::without_secrets`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_access_token: Option<SealedSecret>,
    /// Whether sending works: turned unhealthy when Meta rejects the token, healthy again when
    /// an administrator saves a new one.
    #[serde(default)]
    pub health: IntegrationHealth,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Whether an integration can send.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum IntegrationHealth {
    #[default]
    Healthy,
    /// Meta refused the access token (expired, revoked, password changed): nothing is sent on
    /// this account until a new token is saved.
    Unhealthy {
        /// Stable code: `token_rejected`.
        code: String,
        /// What Meta said, for the administrator.
        reason: String,
        since: Timestamp,
    },
}

impl IntegrationHealth {
    pub const TOKEN_REJECTED: &'static str = "token_rejected";

    pub fn token_rejected(reason: impl Into<String>, since: Timestamp) -> Self {
        Self::Unhealthy {
            code: Self::TOKEN_REJECTED.to_owned(),
            reason: reason.into(),
            since,
        }
    }

    pub fn is_healthy(&self) -> bool {
        matches!(self, Self::Healthy)
    }
}

/// Told when an integration stops working, to alert the organisation's administrators.
pub trait IntegrationAlerts: Send + Sync + 'static {
    fn integration_unhealthy(&self, integration: &ChannelIntegration);
}

/// Alerts nobody.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoIntegrationAlerts;

impl IntegrationAlerts for NoIntegrationAlerts {
    fn integration_unhealthy(&self, _: &ChannelIntegration) {}
}

impl ChannelIntegration {
    /// Its id is the channel and account, which are unique across tenants: one provider account
    /// belongs to one organisation.
    pub fn create(tenant_id: TenantId, settings: IntegrationSettings, now: Timestamp) -> Self {
        Self {
            id: Self::id_for(settings.channel, &settings.account_id),
            tenant_id,
            settings,
            sealed_access_token: None,
            health: IntegrationHealth::Healthy,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn id_for(channel: Channel, account_id: &str) -> String {
        format!("{channel}:{account_id}")
    }

    /// The integration as the API shows it: without its sealed access token.
    pub fn without_secrets(mut self) -> Self {
        self.sealed_access_token = None;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_contacts_are_refused_and_an_allow_list_admits_only_its_own() {
        let mut settings = IntegrationSettings {
            channel: Channel::WhatsApp,
            account_id: "1065".into(),
            bot_id: BotId::from("bot_1"),
            display_name: String::new(),
            ai_enabled: true,
            access_token: None,
            blocked_contacts: vec!["15550001111".into()],
            allowed_contacts: Vec::new(),
            comment_replies: Default::default(),
            business_account_id: None,
        };
        assert!(!settings.accepts_contact("15550001111"));
        assert!(settings.accepts_contact("15550002222"));
        settings.allowed_contacts = vec!["15550002222".into(), "15550001111".into()];
        assert!(settings.accepts_contact("15550002222"));
        assert!(!settings.accepts_contact("15550003333"));
        assert!(!settings.accepts_contact("15550001111"), "blocked wins");
        settings.blocked_contacts = vec![" ".into()];
        assert!(settings.validate().is_err());
    }

    fn settings(channel: Channel, account: &str) -> IntegrationSettings {
        IntegrationSettings {
            display_name: "Support line".into(),
            ..IntegrationSettings::new(channel, account, BotId::from("bot_1"))
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
    fn an_access_token_is_read_but_never_written_or_printed() {
        let json = r#"{"channel":"whatsapp","accountId":"1065","botId":"bot_1","accessToken":"EAAG-secret"}"#;
        let settings: IntegrationSettings = serde_json::from_str(json).unwrap();
        let token = settings
            .access_token
            .as_ref()
            .map(WriteOnlySecret::expose_secret);
        assert_eq!(token, Some("EAAG-secret"));
        assert!(
            !serde_json::to_string(&settings)
                .unwrap()
                .contains("EAAG-secret")
        );
        assert!(!format!("{settings:?}").contains("EAAG-secret"));
        let mut integration =
            ChannelIntegration::create(TenantId::from("t"), settings, Timestamp(0));
        integration.sealed_access_token = Some(SealedSecret::new("v1.sealed"));
        assert!(!format!("{integration:?}").contains("v1.sealed"));
        let shown = serde_json::to_string(&integration.without_secrets()).unwrap();
        assert!(!shown.contains("ccessToken"), "{shown}");
    }

    #[test]
    fn a_blank_access_token_is_refused() {
        let mut blank = settings(Channel::WhatsApp, "1065");
        blank.access_token = Some(WriteOnlySecret::new(" "));
        let errors = blank.validate().unwrap_err();
        assert_eq!(errors.0[0].field, "accessToken");
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
