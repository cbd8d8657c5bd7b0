//! A local stand-in for ElevenLabs' Agents API in tests: the API key checked on every request
//! (`xi-api-key`), Twilio calls registered with an agent (each registration recorded, answered
//! with TwiML that streams the call to ElevenLabs), the conversations a test adds (listed with
//! the agent and start-time filters and cursor pages, fetched by id in ElevenLabs' shape), the
//! voice list, ElevenLabs' error bodies, a record of every request, and signed post-call
//! webhooks for end-to-end tests to deliver.
//!
//! Included by several test crates (`#[path = "../../tests/support/elevenlabs_fake/mod.rs"] mod
//! elevenlabs_fake;` or as a `support` module), so it uses nothing crate-specific: axum, tokio,
//! serde_json, reqwest and `botwot_webhooks::elevenlabs`'s signature (see `../fake_api.rs`).
//!
//! ```ignore
//! let (base_url, fake) = elevenlabs_fake::start(API_KEY, WEBHOOK_SECRET).await;
//! fake.add_conversation(FakeConversation::phone_call("conv_1", "agent_1", &call_sid, start));
//! let answer = fake.send_webhook(&webhook_url, "conv_1").await;
//! ```

#![allow(dead_code)]

mod api;
mod conversation;
// Each fake carries its own copy, so a test crate may include either or both.
#[allow(clippy::duplicate_mod)]
#[path = "../fake_api.rs"]
mod fake_api;

pub use conversation::FakeConversation;
/// What tests read requests with, whichever of them a test crate uses.
#[allow(unused_imports)]
pub use fake_api::{FakeApi, RecordedRequest};

use botwot_webhooks::elevenlabs::{SIGNATURE_HEADER, webhook_signature};
use fake_api::system_now;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The fake ElevenLabs: its registrations, conversations and voices, and the server (requests,
/// failure knobs) through `Deref`. Cheap to clone; the server stops when the last clone is
/// dropped.
#[derive(Clone)]
pub struct ElevenLabsFake {
    api: FakeApi,
    state: Arc<Mutex<State>>,
    webhook_secret: String,
}

struct State {
    api_key: String,
    /// The bodies of `register-call`, oldest first.
    registrations: Vec<Value>,
    conversations: BTreeMap<String, FakeConversation>,
    voices: Vec<Value>,
}

/// Starts the fake; its base URL (no trailing slash) and the fake. Requests must carry
/// `api_key`; webhooks are signed with `webhook_secret`.
pub async fn start(api_key: &str, webhook_secret: &str) -> (String, ElevenLabsFake) {
    let state = Arc::new(Mutex::new(State {
        api_key: api_key.to_owned(),
        registrations: Vec::new(),
        conversations: BTreeMap::new(),
        voices: Vec::new(),
    }));
    let shared = state.clone();
    let outage = json!({"detail": {"status": "internal_error",
        "message": "An internal server error occurred. Please try again later."}});
    let api = FakeApi::start(outage, move |request| lock(&shared).answer(request)).await;
    let fake = ElevenLabsFake {
        api,
        state,
        webhook_secret: webhook_secret.to_owned(),
    };
    (fake.base_url().to_owned(), fake)
}

impl Deref for ElevenLabsFake {
    type Target = FakeApi;

    fn deref(&self) -> &FakeApi {
        &self.api
    }
}

impl ElevenLabsFake {
    pub fn api_key(&self) -> String {
        self.state().api_key.clone()
    }

    pub fn webhook_secret(&self) -> &str {
        &self.webhook_secret
    }

    /// The body of every call registration, oldest first.
    pub fn registrations(&self) -> Vec<Value> {
        self.state().registrations.clone()
    }

    /// Adds (or replaces) a conversation, which the API then lists and returns.
    pub fn add_conversation(&self, conversation: FakeConversation) {
        self.state()
            .conversations
            .insert(conversation.conversation_id.clone(), conversation);
    }

    /// Moves a conversation on to `status` (`in-progress`, `processing`, `done`, `failed`).
    pub fn set_conversation_status(&self, conversation_id: &str, status: &str) {
        let mut state = self.state();
        let conversation = state
            .conversations
            .get_mut(conversation_id)
            .unwrap_or_else(|| panic!("no conversation {conversation_id} at the fake elevenlabs"));
        conversation.status = status.to_owned();
    }

    /// The conversation `conversation_id` as `GET /v1/convai/conversations/{id}` returns it.
    pub fn conversation(&self, conversation_id: &str) -> Option<Value> {
        self.state()
            .conversations
            .get(conversation_id)
            .map(FakeConversation::detail)
    }

    /// Adds a voice to `GET /v1/voices`.
    pub fn add_voice(&self, voice_id: &str, name: &str, category: &str, labels: &[(&str, &str)]) {
        let labels: BTreeMap<&str, &str> = labels.iter().copied().collect();
        self.state().voices.push(json!({
            "voice_id": voice_id,
            "name": name,
            "category": category,
            "labels": labels,
            "description": null,
            "preview_url": format!("https://fake-elevenlabs.test/voices/{voice_id}/preview.mp3"),
            "available_for_tiers": [],
            "settings": null,
        }));
    }

    /// A `post_call_transcription` webhook of the conversation as it stands, sent now: the
    /// body and its `ElevenLabs-Signature`.
    pub fn post_call_webhook(&self, conversation_id: &str) -> (Vec<u8>, String) {
        let data = self
            .conversation(conversation_id)
            .unwrap_or_else(|| panic!("no conversation {conversation_id} at the fake elevenlabs"));
        let now = system_now();
        let body = json!({
            "type": "post_call_transcription",
            "event_timestamp": now,
            "data": data,
        })
        .to_string()
        .into_bytes();
        let signature = webhook_signature(
            self.webhook_secret.as_bytes(),
            u64::try_from(now).unwrap_or_default(),
            &body,
        )
        .expect("a webhook secret");
        (body, signature)
    }

    /// Delivers the post-call webhook of `conversation_id` to `url`, as ElevenLabs does.
    pub async fn send_webhook(&self, url: &str, conversation_id: &str) -> reqwest::Response {
        let (body, signature) = self.post_call_webhook(conversation_id);
        reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .expect("deliver the webhook")
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
