//! The LLM brain with tools: a bot given tool kits is asked with their tools even without
//! knowledge, each call the model makes is run for the conversation's contact and its result
//! given back in OpenAI's shape, the model's words after it are the answer; a model that keeps
//! calling tools has them withdrawn after the last round; a bot without tool kits is offered
//! none.

use super::brain::FixedIndex;
use super::fake_server::{Captured, Reply, Seen, openai_completion, serve};
use super::resilience::{fast_policy, resilient};
use async_trait::async_trait;
use botwot_adapters::brain::ProfileBrain;
use botwot_adapters::llm::{LlmBrain, LlmBrainOptions, MAX_TOOL_ROUNDS};
use botwot_engine::bot::{BotProfile, BotSettings};
use botwot_engine::brain::{Brain, BrainRequest};
use botwot_engine::tools::{ToolCall, ToolContext, ToolKit, ToolSpec, Toolbox};
use botwot_engine::{Channel, TenantId, Timestamp};
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::sync::Arc;

const FALLBACK: &str = "A salesperson will call you.";

/// Answers every call with what it is told, remembering whom and what it was asked.
#[derive(Default)]
struct RecordingTools {
    calls: Mutex<Vec<(Option<String>, ToolCall)>>,
}

#[async_trait]
impl Toolbox for RecordingTools {
    fn specs(&self, kits: &[ToolKit]) -> Vec<ToolSpec> {
        kits.iter()
            .map(|_| ToolSpec {
                name: "update_lead".into(),
                description: "Saves the contact's project".into(),
                parameters: json!({"type": "object"}),
            })
            .collect()
    }

    async fn call(&self, context: &ToolContext, call: &ToolCall) -> String {
        self.calls
            .lock()
            .push((context.contact.clone(), call.clone()));
        json!({"found": true, "stage": "Real"}).to_string()
    }
}

fn tool_call_reply(id: &str) -> String {
    json!({"choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": null,
        "tool_calls": [{"id": id, "type": "function",
            "function": {"name": "update_lead", "arguments": "{\"scope\":\"fullHome\"}"}}]}}]})
    .to_string()
}

fn request(kits: Vec<ToolKit>) -> BrainRequest {
    let mut settings = BotSettings::named("Dia");
    settings.fallback_message = FALLBACK.into();
    settings.tools = kits;
    BrainRequest {
        bot: Arc::new(BotProfile::create(
            TenantId::from("org_1"),
            settings,
            Timestamp(0),
        )),
        channel: Channel::WhatsApp,
        question: "I want my whole flat done, starting next month".into(),
        history: Vec::new(),
        contact: Some("919876543210".into()),
    }
}

async fn brain_against(
    script: impl Fn(&Captured, usize) -> Reply + Send + Sync + 'static,
) -> (LlmBrain, Seen, Arc<RecordingTools>) {
    let (base, seen) = serve(script).await;
    let (chat, _) = resilient(&base, fast_policy(0));
    let tools = Arc::new(RecordingTools::default());
    let brain = LlmBrain::new(
        FixedIndex::new(Vec::new()),
        Arc::new(chat),
        Arc::new(ProfileBrain),
        LlmBrainOptions::default(),
    )
    .with_tools(tools.clone());
    (brain, seen, tools)
}

#[tokio::test]
async fn a_tool_the_model_calls_is_run_for_the_contact_and_its_result_given_back() {
    let (brain, seen, tools) = brain_against(|_, n| {
        if n == 0 {
            Reply::json(tool_call_reply("call_1"))
        } else {
            Reply::json(openai_completion(
                "Lovely, a designer will call you tomorrow.",
            ))
        }
    })
    .await;
    let answer = brain
        .answer(request(vec![ToolKit::Leads]))
        .await
        .expect("answers");
    assert_eq!(answer.text, "Lovely, a designer will call you tomorrow.");
    assert!(answer.grounded, "it stood on what the tool returned");

    let calls = tools.calls.lock().clone();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0.as_deref(), Some("919876543210"));
    assert_eq!(calls[0].1.arguments, r#"{"scope":"fullHome"}"#);

    let asked = seen.all();
    assert_eq!(asked.len(), 2);
    let first = asked[0].json();
    assert_eq!(first["tools"][0]["function"]["name"], "update_lead");
    let system = first["messages"][0]["content"].as_str().expect("system");
    assert!(system.contains("tools"), "{system}");
    let second: Value = asked[1].json();
    let messages = second["messages"].as_array().expect("messages");
    let called = &messages[messages.len() - 2];
    assert_eq!(called["tool_calls"][0]["id"], "call_1");
    let result = &messages[messages.len() - 1];
    assert_eq!(result["role"], "tool");
    assert_eq!(result["tool_call_id"], "call_1");
    assert_eq!(result["content"], r#"{"found":true,"stage":"Real"}"#);
}

#[tokio::test]
async fn a_model_that_keeps_calling_tools_has_them_withdrawn() {
    let (brain, seen, tools) =
        brain_against(|_, n| Reply::json(tool_call_reply(&format!("call_{n}")))).await;
    let answer = brain
        .answer(request(vec![ToolKit::Leads]))
        .await
        .expect("answers");
    assert_eq!(answer.text, FALLBACK, "the fallback answers");
    assert_eq!(tools.calls.lock().len(), MAX_TOOL_ROUNDS);
    let asked = seen.all();
    assert_eq!(asked.len(), MAX_TOOL_ROUNDS + 1);
    assert!(asked[MAX_TOOL_ROUNDS - 1].json().get("tools").is_some());
    assert!(
        asked[MAX_TOOL_ROUNDS].json().get("tools").is_none(),
        "the last round offers none"
    );
}

#[tokio::test]
async fn a_bot_without_tool_kits_is_offered_none() {
    let (brain, seen, tools) = brain_against(|_, _| Reply::json(openai_completion("unused"))).await;
    let answer = brain.answer(request(Vec::new())).await.expect("answers");
    assert_eq!(
        answer.text, FALLBACK,
        "no knowledge and no tools: the fallback"
    );
    assert_eq!(seen.count(), 0);
    assert!(tools.calls.lock().is_empty());
}
