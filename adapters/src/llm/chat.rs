//! The chat-model port: a conversation of role-tagged messages in, one reply out. Providers
//! (OpenAI-compatible, Azure OpenAI, Bedrock Converse) implement [`ChatModel`]; the resilience
//! wrapper and the LLM brain only ever see this trait.

use super::error::LlmError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// Who speaks a message, spelt as OpenAI's `role` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatRole {
    System,
    User,
    Assistant,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: ChatRole,
    pub content: String,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(ChatRole::System, content)
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(ChatRole::User, content)
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(ChatRole::Assistant, content)
    }
    fn new(role: ChatRole, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
        }
    }
}

/// One completion to ask for: the conversation so far and how to sample the reply.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatRequest {
    pub messages: Vec<ChatMessage>,
    pub max_tokens: u32,
    pub temperature: f32,
    /// Asks for a JSON object as the reply (OpenAI's JSON mode); providers without such a
    /// mode rely on the prompt asking for one.
    pub json_object: bool,
}

/// The model's reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatCompletion {
    pub text: String,
}

/// A language model that continues a conversation.
#[async_trait]
pub trait ChatModel: Send + Sync + 'static {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatCompletion, LlmError>;

    /// Like [`ChatModel::complete`], calling `on_delta` with each piece of the reply as it
    /// arrives. Models that cannot stream deliver the whole reply as one piece.
    async fn complete_streaming(
        &self,
        request: &ChatRequest,
        on_delta: &mut (dyn for<'piece> FnMut(&'piece str) + Send),
    ) -> Result<ChatCompletion, LlmError> {
        let completion = self.complete(request).await?;
        on_delta(&completion.text);
        Ok(completion)
    }

    /// A short name for logs (`openai`, `azure`, `bedrock`).
    fn name(&self) -> &str;
}

/// Where a streamed reply is after one event of the provider's stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StreamState {
    /// More is to come.
    Open,
    /// The provider said the reply is whole.
    Done,
}
