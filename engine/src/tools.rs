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
    /// The contact's orders in the organisation's Shopify shops: where one stands, and
    /// cancelling one they ask to cancel.
    Shopify,
}

impl ToolKit {
    pub const ALL: [ToolKit; 2] = [ToolKit::Leads, ToolKit::Shopify];
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

impl ToolContext {
    /// The contact's WhatsApp number, for tools about records kept by it (`kind`: "lead",
    /// "order"); elsewhere the refusal the model is given.
    pub fn whatsapp_number(&self, kind: &str) -> Result<&str, String> {
        match (self.channel, &self.contact) {
            (Channel::WhatsApp, Some(number)) => Ok(number.as_str()),
            _ => Err(tool_error(format!(
                "{kind} tools work in WhatsApp conversations, where the contact's number is known"
            ))),
        }
    }
}

impl ToolCall {
    /// The call's arguments read as `T` (none given reads as `{}`); else the refusal the model
    /// is given.
    pub fn arguments_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        let text = match self.arguments.trim() {
            "" => "{}",
            text => text,
        };
        serde_json::from_str(text)
            .map_err(|error| tool_error(format!("the arguments do not fit: {error}")))
    }
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

/// Several toolboxes as one: their tools offered together, each call run by the toolbox that
/// offers a tool of that name.
pub struct Toolboxes(pub Vec<Arc<dyn Toolbox>>);

#[async_trait]
impl Toolbox for Toolboxes {
    fn specs(&self, kits: &[ToolKit]) -> Vec<ToolSpec> {
        self.0
            .iter()
            .flat_map(|toolbox| toolbox.specs(kits))
            .collect()
    }

    async fn call(&self, context: &ToolContext, call: &ToolCall) -> String {
        let owner = self.0.iter().find(|toolbox| {
            toolbox
                .specs(&ToolKit::ALL)
                .iter()
                .any(|spec| spec.name == call.name)
        });
        match owner {
            Some(toolbox) => toolbox.call(context, call).await,
            None => tool_error(format!("there is no tool {:?}", call.name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::BotSettings;
    use crate::ids::TenantId;
    use crate::time::Timestamp;

    /// Offers one tool for one kit and answers with its own name.
    struct Named(&'static str, ToolKit);

    #[async_trait]
    impl Toolbox for Named {
        fn specs(&self, kits: &[ToolKit]) -> Vec<ToolSpec> {
            if !kits.contains(&self.1) {
                return Vec::new();
            }
            vec![ToolSpec {
                name: self.0.to_owned(),
                description: String::new(),
                parameters: serde_json::json!({"type": "object"}),
            }]
        }
        async fn call(&self, _: &ToolContext, _: &ToolCall) -> String {
            self.0.to_owned()
        }
    }

    fn call(name: &str) -> ToolCall {
        ToolCall {
            id: "call_1".into(),
            name: name.into(),
            arguments: "{}".into(),
        }
    }

    /// Runs a future that never waits (these toolboxes answer at once).
    fn ready<T>(future: impl std::future::Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the toolbox waited"),
        }
    }

    #[test]
    fn toolboxes_offer_the_bots_kits_and_send_each_call_to_its_owner() {
        let both = Toolboxes(vec![
            Arc::new(Named("get_lead", ToolKit::Leads)),
            Arc::new(Named("cancel_order", ToolKit::Shopify)),
        ]);
        let names = |kits: &[ToolKit]| -> Vec<String> {
            both.specs(kits).into_iter().map(|spec| spec.name).collect()
        };
        assert_eq!(names(&[ToolKit::Shopify]), vec!["cancel_order"]);
        assert_eq!(names(&ToolKit::ALL), vec!["get_lead", "cancel_order"]);
        let context = ToolContext {
            bot: Arc::new(BotProfile::create(
                TenantId::from("t"),
                BotSettings::named("Dia"),
                Timestamp(0),
            )),
            channel: Channel::WhatsApp,
            contact: Some("919876543210".into()),
        };
        assert_eq!(
            ready(both.call(&context, &call("cancel_order"))),
            "cancel_order"
        );
        assert!(ready(both.call(&context, &call("drop_tables"))).contains("error"));
        let late = LateToolbox::default();
        assert!(ready(late.call(&context, &call("get_lead"))).contains("not ready"));
        late.fill(Arc::new(both));
        assert_eq!(ready(late.call(&context, &call("get_lead"))), "get_lead");
    }
}
