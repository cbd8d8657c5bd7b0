//! Writing with a language model for the marketing side (PRD §3.7.4, §3.9.3): a social post's
//! copy made better for its network, with hashtags (`POST /optimize_post_content`), and a
//! prompt for an image or video generator made richer (`POST /media-generation/prompt/enhance`).
//!
//! A [`WritingTask`] says what to write and builds the prompt; the model answers in JSON, and
//! [`WritingTask::read`] checks that answer against the task's rules (a post's length on its
//! network, hashtags as hashtags) before anyone sees it. The [`Writer`] port asks the model.

mod read;
#[cfg(test)]
mod tests;

use crate::bot::LlmProvider;
use crate::social::PostNetwork;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The longest text handed in to be rewritten.
pub const MAX_BRIEF_CHARS: usize = 4_000;
/// The longest tone asked for.
pub const MAX_TONE_CHARS: usize = 60;
/// Hashtags an optimised post carries at most (Instagram's limit is 30; fewer read better).
pub const MAX_HASHTAGS: usize = 15;
/// The longest enhanced media prompt.
pub const MAX_MEDIA_PROMPT_CHARS: usize = 1_500;

/// What a media prompt is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Medium {
    Image,
    Video,
}

impl Medium {
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Image => "image",
            Medium::Video => "video",
        }
    }
}

/// Something to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WritingTask {
    /// A post's copy, rewritten for `network` in `tone` (when given), with hashtags.
    PostCopy {
        text: String,
        network: PostNetwork,
        tone: Option<String>,
    },
    /// A prompt for an image or video generator, made specific: subject, setting, style,
    /// lighting, composition (and motion, for a video).
    MediaPrompt { prompt: String, medium: Medium },
}

/// What the model wrote, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", untagged)]
pub enum Written {
    PostCopy { text: String, hashtags: Vec<String> },
    MediaPrompt { prompt: String },
}

/// Why nothing was written.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum WriterError {
    #[error("no {0:?} language model is configured on this node")]
    NotConfigured(LlmProvider),
    #[error("the language model is unavailable: {0}")]
    Unavailable(String),
    #[error("the language model's answer was not what was asked for: {0}")]
    Malformed(String),
}

/// A language model that writes.
#[async_trait]
pub trait Writer: Send + Sync + 'static {
    async fn write(
        &self,
        provider: LlmProvider,
        task: &WritingTask,
    ) -> Result<Written, WriterError>;
}

impl WritingTask {
    /// The instructions, with the JSON the answer must be.
    pub fn system(&self) -> String {
        match self {
            WritingTask::PostCopy { network, tone, .. } => format!(
                "You are a social media copywriter. Rewrite the user's {network} post so it reads \
                 well and engages on {network}: keep its facts, offers, prices, dates and links \
                 exactly, keep its language, {tone}and stay under {limit} characters. Put no \
                 hashtags in the text; suggest up to {MAX_HASHTAGS} relevant hashtags apart. \
                 Answer only with JSON: {{\"text\": string, \"hashtags\": [string]}}.",
                network = network.as_str(),
                tone = tone
                    .as_deref()
                    .map(|tone| format!("write in a {tone} tone, "))
                    .unwrap_or_default(),
                limit = network.max_text_chars().min(2_200),
            ),
            WritingTask::MediaPrompt { medium, .. } => format!(
                "You improve prompts for an AI {medium} generator. Rewrite the user's prompt into \
                 one specific prompt: keep its subject and intent, and add the setting, style, \
                 lighting, composition{motion}. Do not add text to render, people's names or \
                 brands that were not asked for. At most {MAX_MEDIA_PROMPT_CHARS} characters. \
                 Answer only with JSON: {{\"prompt\": string}}.",
                medium = medium.as_str(),
                motion = match medium {
                    Medium::Image => "",
                    Medium::Video => ", camera movement and pacing",
                },
            ),
        }
    }

    /// What the user handed in.
    pub fn user(&self) -> &str {
        match self {
            WritingTask::PostCopy { text, .. } => text,
            WritingTask::MediaPrompt { prompt, .. } => prompt,
        }
    }

    /// The model's answer, checked against the task's rules.
    pub fn read(&self, answer: &str) -> Result<Written, WriterError> {
        read::written(self, answer).map_err(WriterError::Malformed)
    }
}
