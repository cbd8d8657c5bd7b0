//! Tools a bot may call while it answers (PRD §3.3: the industry agents' tools, such as the
//! Decorpot agent's `get_lead` and `update_lead`). A bot names the tool kits it uses
//! ([`ToolKit`]); a brain that can call tools offers their [`ToolSpec`]s to the language model,
//! runs each [`ToolCall`] the model makes through the [`Toolbox`] port and gives the model what
//! came back, until it answers in words.
//!
//! A tool acts only for the conversation it is called in: the contact and organisation come
//! from the conversation ([`ToolContext`]), never from the model's arguments, so nothing a
//! contact writes can make the bot read or change another person's records.

use crate::bot::BotProfile;
use crate::channel::Channel;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A family of tools a bot may be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolKit {
    /// The contact's sales lead: read it, and save what they tell about their project.
    Leads,
}

/// A tool as the language model is told of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// The JSON Schema of its arguments (an object).
    pub parameters: serde_json::Value,
}

/// A call the model asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The model's id for the call, which the result must name.
    pub id: String,
    pub name: String,
    /// The arguments as the model wrote them: JSON text, not trusted.
    pub arguments: String,
}

/// Whom a tool acts for: the conversation's bot, channel and contact.
#[derive(Clone, Debug)]
pub struct ToolContext {
    pub bot: Arc<BotProfile>,
    pub channel: Channel,
    /// The contact's id on the channel (a WhatsApp number); `None` outside a conversation (the
    /// answer API), where tools about the contact refuse.
    pub contact: Option<String>,
}

#[async_trait]
pub trait Toolbox: Send + Sync + 'static {
    /// The tools of `kits`, in the order they are offered.
    fn specs(&self, kits: &[ToolKit]) -> Vec<ToolSpec>;

    /// Runs `call` for `context`; what it returns (JSON text) is given to the model as the
    /// call's result, a refusal or failure included (`{"error": "..."}`), so the model can tell
    /// the contact rather than invent an answer.
    async fn call(&self, context: &ToolContext, call: &ToolCall) -> String;
}

/// The result of a call that failed, as the model is given it.
pub fn tool_error(message: impl std::fmt::Display) -> String {
    serde_json::json!({ "error": message.to_string() }).to_string()
}

/// A toolbox put in place once the node has built what its tools need (the brain is built
/// first); until then every tool is offered to no one and refuses.
#[derive(Default)]
pub struct LateToolbox(std::sync::OnceLock<Arc<dyn Toolbox>>);

impl LateToolbox {
    /// Puts `toolbox` in place; later calls change nothing.
    pub fn fill(&self, toolbox: Arc<dyn Toolbox>) {
        let _ = self.0.set(toolbox);
    }
}

#[async_trait]
impl Toolbox for LateToolbox {
    fn specs(&self, kits: &[ToolKit]) -> Vec<ToolSpec> {
        self.0
            .get()
            .map(|toolbox| toolbox.specs(kits))
            .unwrap_or_default()
    }

    async fn call(&self, context: &ToolContext, call: &ToolCall) -> String {
        match self.0.get() {
            Some(toolbox) => toolbox.call(context, call).await,
            None => tool_error("the bot's tools are not ready yet"),
        }
    }
}
