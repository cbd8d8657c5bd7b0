//! The brain port: who composes the bot's answers.

use crate::bot::BotProfile;
use crate::channel::Channel;
use crate::ids::SessionId;
use crate::message::Message;
use async_trait::async_trait;
use serde::Serialize;
use std::sync::Arc;
use thiserror::Error;

/// Everything a brain may use to answer one message.
#[derive(Clone, Debug)]
pub struct BrainRequest {
    /// Shared: the node's bot cache holds the same profile.
    pub bot: Arc<BotProfile>,
    pub channel: Channel,
    pub question: String,
    /// Earlier messages of the session, oldest first, ending with the question itself.
    pub history: Vec<Message>,
    /// The contact's id on the channel, in a conversation; the bot's tools act for them only.
    pub contact: Option<String>,
}

/// Where part of an answer came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerSource {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrainAnswer {
    pub text: String,
    /// Whether the answer rests on something the brain knows, rather than a fallback.
    pub grounded: bool,
    /// The brain thinks a human should take over.
    pub wants_human: bool,
    pub sources: Vec<AnswerSource>,
}

/// An answer while it is being written, for channels that show it growing
/// ([`Channel::shows_drafts`]). Nothing of it is stored: the answer arrives as a message when
/// it is whole, and that message replaces the draft. A brain that fails half way leaves a draft
/// the fallback answer replaces the same way.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerDraft {
    pub session_id: SessionId,
    /// The position of the question being answered; the answer comes after it.
    pub in_reply_to: u64,
    /// The whole answer so far, within the bot's word limit.
    pub text: String,
}

/// Receives the text of an answer so far, each time it has grown.
pub type DraftWriter<'a> = &'a mut (dyn FnMut(&str) + Send);

#[derive(Debug, Error)]
pub enum BrainError {
    #[error("the brain did not answer in time")]
    Timeout,
    #[error("the brain is unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Brain: Send + Sync + 'static {
    async fn answer(&self, request: BrainRequest) -> Result<BrainAnswer, BrainError>;

    /// Like [`Brain::answer`], telling `draft` the answer so far while it is being written.
    /// Brains that compose the whole answer at once do not call it.
    async fn answer_drafting(
        &self,
        request: BrainRequest,
        draft: DraftWriter<'_>,
    ) -> Result<BrainAnswer, BrainError> {
        let _ = draft;
        self.answer(request).await
    }

    /// Whether answers use the session's history; when not, it is not read for them.
    fn uses_history(&self) -> bool {
        true
    }
}

/// Cuts `text` to at most `limit` words, ending with an ellipsis when something was cut.
pub fn limit_words(text: &str, limit: u32) -> String {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX).max(1);
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= limit {
        return words.join(" ");
    }
    format!("{}…", words[..limit].join(" "))
}

/// What the bot says when it has no answer: its configured fallback message, else a plain
/// admission with the support contacts it has.
pub fn fallback_text(bot: &BotProfile) -> String {
    let settings = &bot.settings;
    if !settings.fallback_message.trim().is_empty() {
        return settings.fallback_message.clone();
    }
    let mut text = "Sorry, I don't have an answer to that.".to_owned();
    let contacts: Vec<String> = [
        (!settings.support_email.is_empty()).then(|| format!("email {}", settings.support_email)),
        (!settings.support_number.is_empty()).then(|| format!("call {}", settings.support_number)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !contacts.is_empty() {
        text.push_str(&format!(
            " You can reach our team: {}.",
            contacts.join(" or ")
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::limit_words;

    #[test]
    fn word_limit_counts_words_not_characters() {
        assert_eq!(limit_words("one two  three", 3), "one two three");
        assert_eq!(limit_words("one two three four", 2), "one two…");
    }
}
