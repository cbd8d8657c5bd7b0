//! The three stages a voice agent's call runs through: speech to text, the language model, text
//! to speech. Providers, models and voices are named as their provider names them; each stage
//! has a working default.

use super::checks;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// The most tokens one answer may take.
pub const MAX_TOKENS: u32 = 8_192;

/// How the caller's speech becomes text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SttConfig {
    pub provider: String,
    pub model: String,
    /// The language to transcribe (a tag such as `en-US`); absent: detected from the speech.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Default for SttConfig {
    fn default() -> Self {
        Self {
            provider: "elevenlabs".to_owned(),
            model: "scribe_v1".to_owned(),
            language: None,
        }
    }
}

impl SttConfig {
    pub(super) fn validate(&self, prefix: &str, errors: &mut ValidationErrors) {
        let field = |name: &str| format!("{prefix}.{name}");
        checks::identifier(&field("provider"), &self.provider, errors);
        checks::identifier(&field("model"), &self.model, errors);
        if let Some(language) = &self.language {
            checks::language(&field("language"), language, errors);
        }
    }
}

/// The model that decides what the agent says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LlmConfig {
    pub provider: String,
    pub model: String,
    /// 0 (always the likeliest words) to 2.
    pub temperature: f64,
    /// The longest answer, in tokens: 1 to 8,192.
    pub max_tokens: u32,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            provider: "openai".to_owned(),
            model: "gpt-4o-mini".to_owned(),
            temperature: 0.7,
            max_tokens: 1_024,
        }
    }
}

impl LlmConfig {
    pub(super) fn validate(&self, prefix: &str, errors: &mut ValidationErrors) {
        let field = |name: &str| format!("{prefix}.{name}");
        checks::identifier(&field("provider"), &self.provider, errors);
        checks::identifier(&field("model"), &self.model, errors);
        errors.check_range(&field("temperature"), self.temperature, 0.0..=2.0);
        errors.check_range(&field("maxTokens"), self.max_tokens, 1..=MAX_TOKENS);
    }
}

/// How the agent's words become speech.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TtsConfig {
    pub provider: String,
    /// The provider's voice id; empty: the provider's default voice.
    pub voice: String,
    /// How strongly the voice's style is exaggerated: 0 to 1.
    pub voice_style: f64,
    /// 0 (more expressive) to 1 (more even).
    pub stability: f64,
    /// How closely the voice keeps to the original (ElevenLabs' similarity boost): 0 to 1.
    pub clarity: f64,
    /// 0.5 (slower) to 2 (faster); 1 is the voice's own pace.
    pub speed: f64,
}

impl Default for TtsConfig {
    fn default() -> Self {
        Self {
            provider: "elevenlabs".to_owned(),
            voice: String::new(),
            voice_style: 0.0,
            stability: 0.5,
            clarity: 0.75,
            speed: 1.0,
        }
    }
}

impl TtsConfig {
    pub(super) fn validate(&self, prefix: &str, errors: &mut ValidationErrors) {
        let field = |name: &str| format!("{prefix}.{name}");
        checks::identifier(&field("provider"), &self.provider, errors);
        if !self.voice.is_empty() {
            checks::identifier(&field("voice"), &self.voice, errors);
        }
        errors.check_range(&field("voiceStyle"), self.voice_style, 0.0..=1.0);
        errors.check_range(&field("stability"), self.stability, 0.0..=1.0);
        errors.check_range(&field("clarity"), self.clarity, 0.0..=1.0);
        errors.check_range(&field("speed"), self.speed, 0.5..=2.0);
    }
}
