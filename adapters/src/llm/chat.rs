//! The chat-model port: a conversation of role-tagged messages in, one reply out. Providers
//! (OpenAI-compatible, Azure OpenAI, Bedrock Converse) implement [`ChatModel`]; the resilience
//! wrapper and the LLM brain only ever see this trait.

use super::error::LlmError;
use async_trait::async_trait;
use botwot_engine::tools::{ToolCall, ToolSpec};
use serde::{Deserialize, Serialize};

/// Who speaks a message, spelt as OpenAI's `role` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatRole {
    System,
    User,
    Assistant,
    /// The result of a tool the assistant called.
    Tool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: ChatRole,
    pub content: String,
    /// The tools an assistant message called.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// The call a tool message is the result of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
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
    /// The assistant's turn that called `calls` (with whatever it said beside them).
    pub fn tool_calls(content: impl Into<String>, calls: Vec<ToolCall>) -> Self {
        Self {
            tool_calls: calls,
            ..Self::new(ChatRole::Assistant, content)
        }
    }
    /// What the call `call_id` returned.
    pub fn tool_result(call_id: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            tool_call_id: Some(call_id.into()),
            ..Self::new(ChatRole::Tool, content)
        }
    }
    fn new(role: ChatRole, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
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
    /// Tools the model may call instead of answering (only for models that
    /// [`ChatModel::calls_tools`]).
    pub tools: Vec<ToolSpec>,
}

/// The model's reply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChatCompletion {
    pub text: String,
    /// The tools the model called; its text is then empty or a remark beside them.
    pub tool_calls: Vec<ToolCall>,
}

impl ChatCompletion {
    /// A reply in words.
    pub fn said(text: String) -> Self {
        Self {
            text,
            tool_calls: Vec::new(),
        }
    }
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

    /// Whether the model is asked with [`ChatRequest::tools`] and may answer with tool calls.
    fn calls_tools(&self) -> bool {
        false
    }
}

/// Where a streamed reply is after one event of the provider's stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StreamState {
    /// More is to come.
    Open,
    /// The provider said the reply is whole.
    Done,
}
