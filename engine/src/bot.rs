//! Bot profiles (PRD §3.1.1 `BotProfile`) and the session policy each bot sets for its channels.

use crate::channel::Channel;
use crate::handover::HandoverPolicy;
use crate::ids::{BotId, TenantId, WidgetKey};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BotTone {
    #[default]
    Friendly,
    Professional,
    Casual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum BotStatus {
    #[default]
    Active,
    Inactive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LlmProvider {
    #[default]
    Openai,
    Azure,
    Bedrock,
}

/// How long a quiet session stays open, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InactivityTimeouts {
    /// Seconds of silence after which the contact is warned that the chat will close. Zero: no warning.
    pub warn_after_secs: u64,
    /// Seconds of silence after which the session closes.
    pub close_after_secs: u64,
}

impl Default for InactivityTimeouts {
    fn default() -> Self {
        Self {
            warn_after_secs: 10 * 60,
            close_after_secs: 15 * 60,
        }
    }
}

impl InactivityTimeouts {
    pub fn warn_after(self) -> Option<Duration> {
        (self.warn_after_secs > 0 && self.warn_after_secs < self.close_after_secs)
            .then(|| Duration::from_secs(self.warn_after_secs))
    }
    pub fn close_after(self) -> Duration {
        Duration::from_secs(self.close_after_secs)
    }
    fn validate(self, field: &str, errors: &mut ValidationErrors) {
        if self.close_after_secs == 0 {
            errors.add(field, "closeAfterSecs must be greater than zero");
        }
        if self.warn_after_secs >= self.close_after_secs && self.warn_after_secs != 0 {
            errors.add(
                field,
                "warnAfterSecs must be less than closeAfterSecs (or 0 for no warning)",
            );
        }
    }
}

/// The bot's rules for its sessions: inactivity timeouts (default and per channel) and the text of
/// the warning and closing notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionPolicy {
    pub inactivity: InactivityTimeouts,
    pub per_channel: BTreeMap<Channel, InactivityTimeouts>,
    pub warning_message: Option<String>,
    pub closing_message: Option<String>,
}

impl SessionPolicy {
    pub fn timeouts_for(&self, channel: Channel) -> InactivityTimeouts {
        self.per_channel
            .get(&channel)
            .copied()
            .unwrap_or(self.inactivity)
    }
}

/// The editable part of a bot: what a create request carries, and what an update replaces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BotSettings {
    pub bot_name: String,
    #[serde(default)]
    pub bot_tone: BotTone,
    #[serde(default = "default_color")]
    pub bot_color: String,
    #[serde(default, rename = "botURL")]
    pub bot_url: String,
    #[serde(default)]
    pub bot_greeting_message: String,
    #[serde(default)]
    pub bot_smartness: bool,
    #[serde(default)]
    pub bot_identity: String,
    #[serde(default)]
    pub support_number: String,
    #[serde(default)]
    pub support_email: String,
    #[serde(default = "default_word_limit")]
    pub word_limit_per_message: u32,
    #[serde(default)]
    pub status: BotStatus,
    #[serde(default)]
    pub knowledge_base_ids: Vec<String>,
    #[serde(default)]
    pub llm_provider: LlmProvider,
    #[serde(default)]
    pub agents_goals: Vec<String>,
    #[serde(default)]
    pub conversation_guidelines: Vec<String>,
    #[serde(default)]
    pub agent_role: String,
    #[serde(default)]
    pub appointment_scheduler_link: String,
    /// What the bot says when it has no answer.
    #[serde(default)]
    pub fallback_message: String,
    /// Web origins allowed to open the widget (empty: any origin).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    #[serde(default)]
    pub session_policy: SessionPolicy,
    /// When a conversation goes to a human agent and what happens while it waits for one.
    #[serde(default)]
    pub handover: HandoverPolicy,
    /// The tool kits the bot may call while it answers (PRD §3.3), such as `leads`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<crate::tools::ToolKit>,
}

fn default_color() -> String {
    "#2563eb".to_owned()
}

fn default_word_limit() -> u32 {
    120
}

pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_TEXT_CHARS: usize = 4_000;
pub const MAX_WORD_LIMIT: u32 = 2_000;

impl BotSettings {
    /// The knowledge bases the bot answers from.
    pub fn knowledge_bases(&self) -> Vec<crate::ids::KnowledgeBaseId> {
        self.knowledge_base_ids
            .iter()
            .map(|id| crate::ids::KnowledgeBaseId::from(id.as_str()))
            .collect()
    }

    /// A bot with only a name and defaults everywhere else.
    pub fn named(name: &str) -> Self {
        Self {
            bot_name: name.to_owned(),
            bot_tone: BotTone::default(),
            bot_color: default_color(),
            bot_url: String::new(),
            bot_greeting_message: String::new(),
            bot_smartness: false,
            bot_identity: String::new(),
            support_number: String::new(),
            support_email: String::new(),
            word_limit_per_message: default_word_limit(),
            status: BotStatus::Active,
            knowledge_base_ids: Vec::new(),
            llm_provider: LlmProvider::default(),
            agents_goals: Vec::new(),
            conversation_guidelines: Vec::new(),
            agent_role: String::new(),
            appointment_scheduler_link: String::new(),
            fallback_message: String::new(),
            allowed_origins: Vec::new(),
            session_policy: SessionPolicy::default(),
            handover: HandoverPolicy::default(),
            tools: Vec::new(),
        }
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.check_text("botName", &self.bot_name, MAX_NAME_CHARS);
        if !is_hex_color(&self.bot_color) {
            errors.add("botColor", "must be a hex colour such as #2563eb");
        }
        for (field, value) in [
            ("botURL", &self.bot_url),
            ("botGreetingMessage", &self.bot_greeting_message),
            ("botIdentity", &self.bot_identity),
            ("supportNumber", &self.support_number),
            ("supportEmail", &self.support_email),
            ("agentRole", &self.agent_role),
            ("appointmentSchedulerLink", &self.appointment_scheduler_link),
            ("fallbackMessage", &self.fallback_message),
        ] {
            errors.check_max_len(field, value, MAX_TEXT_CHARS);
        }
        if !self.support_email.is_empty() && !self.support_email.contains('@') {
            errors.add("supportEmail", "must be an email address");
        }
        if self.word_limit_per_message == 0 || self.word_limit_per_message > MAX_WORD_LIMIT {
            errors.add(
                "wordLimitPerMessage",
                format!("must be between 1 and {MAX_WORD_LIMIT}"),
            );
        }
        for origin in &self.allowed_origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) {
                errors.add(
                    "allowedOrigins",
                    format!("{origin} is not an http(s) origin"),
                );
            }
        }
        self.session_policy
            .inactivity
            .validate("sessionPolicy.inactivity", &mut errors);
        for (channel, timeouts) in &self.session_policy.per_channel {
            timeouts.validate(&format!("sessionPolicy.perChannel.{channel}"), &mut errors);
        }
        self.handover.validate("handover", &mut errors);
        errors.into_result(())
    }
}

fn is_hex_color(value: &str) -> bool {
    let digits = value.strip_prefix('#').unwrap_or("");
    matches!(digits.len(), 3 | 6 | 8) && digits.chars().all(|c| c.is_ascii_hexdigit())
}

/// A stored bot: its settings plus what the engine assigns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BotProfile {
    pub id: BotId,
    pub tenant_id: TenantId,
    pub widget_key: WidgetKey,
    #[serde(flatten)]
    pub settings: BotSettings,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<Timestamp>,
}

impl BotProfile {
    pub fn create(tenant_id: TenantId, settings: BotSettings, now: Timestamp) -> Self {
        Self {
            id: BotId::generate(),
            tenant_id,
            widget_key: WidgetKey::generate(),
            settings,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    /// Whether the bot may open new conversations: active and not deleted.
    pub fn is_live(&self) -> bool {
        self.deleted_at.is_none() && self.settings.status == BotStatus::Active
    }

    /// Whether a widget served from `origin` may talk to this bot.
    pub fn allows_origin(&self, origin: Option<&str>) -> bool {
        let allowed = &self.settings.allowed_origins;
        allowed.is_empty()
            || origin
                .is_some_and(|origin| allowed.iter().any(|a| a.trim_end_matches('/') == origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate() {
        assert!(BotSettings::named("Ava").validate().is_ok());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut settings = BotSettings::named(" ");
        settings.bot_color = "blue".into();
        settings.word_limit_per_message = 0;
        settings.support_email = "nobody".into();
        settings.session_policy.inactivity = InactivityTimeouts {
            warn_after_secs: 900,
            close_after_secs: 60,
        };
        let errors = settings.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "botName",
                "botColor",
                "supportEmail",
                "wordLimitPerMessage",
                "sessionPolicy.inactivity"
            ]
        );
    }

    #[test]
    fn prd_field_names_round_trip() {
        let json = serde_json::json!({
            "botName": "Ava", "botTone": "professional", "botColor": "#112233", "botURL": "https://x.test",
            "botGreetingMessage": "Hi", "botSmartness": true, "botIdentity": "helper",
            "supportNumber": "+1", "supportEmail": "a@b.c", "wordLimitPerMessage": 50,
            "status": "INACTIVE", "knowledgeBaseIds": ["kb1"], "llmProvider": "bedrock",
            "agentsGoals": ["sell"], "conversationGuidelines": ["be nice"], "agentRole": "sales",
            "appointmentSchedulerLink": "https://cal.test"
        });
        let settings: BotSettings = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(settings.llm_provider, LlmProvider::Bedrock);
        assert_eq!(settings.status, BotStatus::Inactive);
        let back = serde_json::to_value(&settings).unwrap();
        for (key, value) in json.as_object().unwrap() {
            assert_eq!(&back[key], value, "{key}");
        }
    }

    #[test]
    fn a_bot_stored_before_the_handover_policy_loads_with_its_defaults() {
        let stored = serde_json::json!({"botName": "Ava", "sessionPolicy": {}});
        let settings: BotSettings = serde_json::from_value(stored).unwrap();
        assert_eq!(settings.handover, HandoverPolicy::default());
        let partial = serde_json::json!({"botName": "Ava", "handover": {"slaMinutes": 0}});
        let settings: BotSettings = serde_json::from_value(partial).unwrap();
        assert_eq!(settings.handover.sla(), None);
        assert!(settings.handover.on_low_confidence);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let result: Result<BotSettings, _> =
            serde_json::from_value(serde_json::json!({"botName": "A", "botColour": "#fff"}));
        assert!(result.is_err());
    }

    #[test]
    fn per_channel_timeouts_override_the_default() {
        let mut policy = SessionPolicy::default();
        let short = InactivityTimeouts {
            warn_after_secs: 0,
            close_after_secs: 30,
        };
        policy.per_channel.insert(Channel::Web, short);
        assert_eq!(policy.timeouts_for(Channel::Web), short);
        assert_eq!(
            policy.timeouts_for(Channel::WhatsApp),
            InactivityTimeouts::default()
        );
        assert_eq!(short.warn_after(), None);
    }

    #[test]
    fn origins_are_checked_only_when_listed() {
        let mut bot =
            BotProfile::create(TenantId::from("t"), BotSettings::named("A"), Timestamp(0));
        assert!(bot.allows_origin(None));
        bot.settings.allowed_origins = vec!["https://shop.test".into()];
        assert!(bot.allows_origin(Some("https://shop.test")));
        assert!(!bot.allows_origin(Some("https://evil.test")));
        assert!(!bot.allows_origin(None));
    }
}
