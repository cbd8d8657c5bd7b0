//! Conversation intelligence (PRD §3.6): a language model reads a session's transcript and
//! answers one analysis of it (sentiment, emotion, intent, reason, sales intelligence,
//! vulnerability, summary, cause, support steps, suggestions for the agent, the quality of the
//! bot's answers). This module is the pure part: the kinds ([`InsightKind`]), the prompt each
//! is asked with ([`InsightPrompt`]), reading the model's JSON into a checked
//! [`InsightResult`], and the record kept of it ([`SessionInsight`]), one per session and kind.
//! An analysis is kept with the last message it read, so it is answered again from the store
//! until the conversation moves on. [`Analyst`] is the port a language model implements.

mod kind;
mod prompt;
mod result;
#[cfg(test)]
mod tests;

pub use kind::InsightKind;
pub use prompt::{InsightPrompt, MAX_TRANSCRIPT_CHARS, Speaker};
pub(crate) use result::unfenced;
pub use result::{
    Choice, Emotion, InsightResult, Intent, Level, MAX_LIST_ITEMS, MalformedInsight,
    SHORT_TEXT_WORDS, SUMMARY_WORDS,
};

use crate::bot::LlmProvider;
use crate::ids::{SessionId, TenantId};
use crate::time::Timestamp;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An analysis of one session, as kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInsight {
    pub tenant_id: TenantId,
    pub session_id: SessionId,
    pub result: InsightResult,
    /// The sequence number of the last message the analysis read.
    pub through_seq: u64,
    /// The provider whose model answered.
    pub provider: LlmProvider,
    pub analysed_at: Timestamp,
}

impl SessionInsight {
    pub fn kind(&self) -> InsightKind {
        self.result.kind()
    }

    /// The record's id: one analysis of each kind per session.
    pub fn id_for(session: &SessionId, kind: InsightKind) -> String {
        format!("{session}:{kind}")
    }

    pub fn id(&self) -> String {
        Self::id_for(&self.session_id, self.kind())
    }

    /// Whether the analysis read everything up to `last_seq`, so asking again would read
    /// the same conversation.
    pub fn is_current(&self, last_seq: u64) -> bool {
        self.through_seq >= last_seq
    }
}

/// Why a model could not analyse a conversation.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum AnalystError {
    /// The provider the bot uses has no model configured on this node.
    #[error("no {0:?} language model is configured on this node")]
    NotConfigured(LlmProvider),
    /// The model could not be reached, or refused; asking later may work.
    #[error("the language model is unavailable: {0}")]
    Unavailable(String),
    /// The model answered with something that is not the analysis asked for.
    #[error(transparent)]
    Malformed(#[from] MalformedInsight),
}

/// A language model that answers analysis prompts.
#[async_trait]
pub trait Analyst: Send + Sync + 'static {
    /// Asks `provider`'s model for the analysis `prompt` describes.
    async fn analyse(
        &self,
        provider: LlmProvider,
        prompt: &InsightPrompt,
    ) -> Result<InsightResult, AnalystError>;
}
