//! Voice agents (PRD §3.1.2): how an organisation's phone agent listens, thinks and speaks — its
//! speech-to-text, language model and text-to-speech settings, its prompts, the knowledge bases
//! it answers from, how a call runs and ends, and the webhooks it may call. This is the
//! configuration only: placing and taking calls is not part of it. Every field but `name` has a
//! default, so a request names only what it changes; `validate` reports every bad field at once.

mod checks;
mod pipeline;
#[cfg(test)]
mod tests;

pub use pipeline::{LlmConfig, SttConfig, TtsConfig};

use crate::ids::{KnowledgeBaseId, TenantId, VoiceAgentId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// The longest name.
pub const MAX_NAME_CHARS: usize = 120;
/// The longest system or behavioural prompt.
pub const MAX_PROMPT_CHARS: usize = 8_000;
/// The longest greeting or fallback message.
pub const MAX_LINE_CHARS: usize = 1_000;
/// The most languages one agent speaks.
pub const MAX_LANGUAGES: usize = 10;
/// The most knowledge bases one agent answers from.
pub const MAX_KNOWLEDGE_BASES: usize = 20;
/// The most phrases that end a call, and the longest one.
pub const MAX_END_CALL_PHRASES: usize = 20;
pub const MAX_PHRASE_CHARS: usize = 200;
/// The most webhooks (custom functions) one agent may call.
pub const MAX_WEBHOOKS: usize = 10;
/// The longest webhook description.
pub const MAX_DESCRIPTION_CHARS: usize = 1_000;
/// The shortest and longest call, in seconds (four hours).
pub const CALL_DURATION_SECS: std::ops::RangeInclusive<u32> = 30..=14_400;

/// Who runs the agent: ElevenLabs' conversational AI, or a pipeline of our own choosing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VoiceAgentType {
    #[default]
    ElevenLabs,
    Custom,
}

/// Whether the agent takes calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum VoiceAgentStatus {
    #[default]
    Active,
    Inactive,
}

/// What the agent is told and says on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PromptConfig {
    /// Who the agent is and what it is for.
    pub system_prompt: String,
    /// How it behaves on the phone: tone, pace, what it must not do.
    pub behavioral_prompt: String,
    /// What it says when it picks up.
    pub greeting: String,
    /// What it says when it has no answer.
    pub fallback_message: String,
}

/// A custom function: an `https` endpoint the agent may call during a conversation, described so
/// the model knows when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VoiceAgentWebhook {
    /// 1 to 64 letters, digits, `_` or `-`; unique within the agent.
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub description: String,
}

/// What an organisation sets on a voice agent (the PRD's field names, camelCase). A create
/// request carries it; an update replaces it whole after merging the fields it names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct VoiceAgentSettings {
    pub name: String,
    pub agent_type: VoiceAgentType,
    /// The agent's id at its provider (the PRD's ElevenLabs `agentId`), once it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_agent_id: Option<String>,
    pub status: VoiceAgentStatus,
    /// Language tags such as `en`, `en-US` or `pt-BR`.
    pub languages: Vec<String>,
    pub stt_config: SttConfig,
    pub llm_config: LlmConfig,
    pub tts_config: TtsConfig,
    /// Knowledge bases of the same organisation.
    pub knowledge_base_ids: Vec<KnowledgeBaseId>,
    pub prompt_config: PromptConfig,
    /// Whether the agent waits out a caller's pauses instead of answering at once.
    pub pause_handling: bool,
    pub max_call_duration_secs: u32,
    pub enable_call_recording: bool,
    pub enable_sentiment_analysis: bool,
    /// Whether a caller may talk over the agent and be heard.
    pub enable_interruption: bool,
    /// Phrases after which the agent ends the call ("goodbye").
    pub end_call_phrases: Vec<String>,
    /// Custom functions (the PRD's `customFunctions`).
    pub webhooks: Vec<VoiceAgentWebhook>,
}

impl Default for VoiceAgentSettings {
    fn default() -> Self {
        Self {
            name: String::new(),
            agent_type: VoiceAgentType::default(),
            external_agent_id: None,
            status: VoiceAgentStatus::default(),
            languages: vec!["en".to_owned()],
            stt_config: SttConfig::default(),
            llm_config: LlmConfig::default(),
            tts_config: TtsConfig::default(),
            knowledge_base_ids: Vec::new(),
            prompt_config: PromptConfig::default(),
            pause_handling: true,
            max_call_duration_secs: 600,
            enable_call_recording: false,
            enable_sentiment_analysis: false,
            enable_interruption: true,
            end_call_phrases: Vec::new(),
            webhooks: Vec::new(),
        }
    }
}

impl VoiceAgentSettings {
    /// An agent with only a name and defaults everywhere else.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.check_text("name", &self.name, MAX_NAME_CHARS);
        if let Some(id) = &self.external_agent_id {
            checks::identifier("externalAgentId", id, &mut errors);
        }
        checks::languages("languages", &self.languages, &mut errors);
        self.stt_config.validate("sttConfig", &mut errors);
        self.llm_config.validate("llmConfig", &mut errors);
        self.tts_config.validate("ttsConfig", &mut errors);
        errors.check_max_items(
            "knowledgeBaseIds",
            self.knowledge_base_ids.len(),
            MAX_KNOWLEDGE_BASES,
        );
        checks::distinct("knowledgeBaseIds", &self.knowledge_base_ids, &mut errors);
        self.prompt_config.validate("promptConfig", &mut errors);
        errors.check_range(
            "maxCallDurationSecs",
            self.max_call_duration_secs,
            CALL_DURATION_SECS,
        );
        self.validate_end_call_phrases(&mut errors);
        self.validate_webhooks(&mut errors);
        errors.into_result(())
    }

    fn validate_end_call_phrases(&self, errors: &mut ValidationErrors) {
        let phrases = &self.end_call_phrases;
        errors.check_max_items("endCallPhrases", phrases.len(), MAX_END_CALL_PHRASES);
        for (index, phrase) in phrases.iter().enumerate() {
            errors.check_text(
                &format!("endCallPhrases[{index}]"),
                phrase,
                MAX_PHRASE_CHARS,
            );
        }
    }

    fn validate_webhooks(&self, errors: &mut ValidationErrors) {
        errors.check_max_items("webhooks", self.webhooks.len(), MAX_WEBHOOKS);
        for (index, webhook) in self.webhooks.iter().enumerate() {
            let field = |name: &str| format!("webhooks[{index}].{name}");
            checks::function_name(&field("name"), &webhook.name, errors);
            checks::https_url(&field("url"), &webhook.url, errors);
            errors.check_max_len(
                &field("description"),
                &webhook.description,
                MAX_DESCRIPTION_CHARS,
            );
        }
        let names: Vec<&str> = self.webhooks.iter().map(|w| w.name.as_str()).collect();
        checks::distinct("webhooks", &names, errors);
    }
}

impl PromptConfig {
    fn validate(&self, prefix: &str, errors: &mut ValidationErrors) {
        for (name, value, max) in [
            ("systemPrompt", &self.system_prompt, MAX_PROMPT_CHARS),
            (
                "behavioralPrompt",
                &self.behavioral_prompt,
                MAX_PROMPT_CHARS,
            ),
            ("greeting", &self.greeting, MAX_LINE_CHARS),
            ("fallbackMessage", &self.fallback_message, MAX_LINE_CHARS),
        ] {
            errors.check_max_len(&format!("{prefix}.{name}"), value, max);
        }
    }
}

/// A stored voice agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceAgent {
    pub id: VoiceAgentId,
    pub tenant_id: TenantId,
    #[serde(flatten)]
    pub settings: VoiceAgentSettings,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl VoiceAgent {
    pub fn create(tenant_id: TenantId, settings: VoiceAgentSettings, now: Timestamp) -> Self {
        Self {
            id: VoiceAgentId::generate(),
            tenant_id,
            settings,
            created_at: now,
            updated_at: now,
        }
    }
}
