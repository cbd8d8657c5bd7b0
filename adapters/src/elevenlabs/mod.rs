//! ElevenLabs, the conversational AI that talks on voice calls (PRD §3.5), behind the engine's
//! [`ConversationalAi`](botwot_engine::ports::ConversationalAi) port.
//!
//! Build an [`ElevenLabsClient`] from an [`ElevenLabsConfig`] (API URL, API key, request
//! timeout). It hands a Twilio call to an agent (`registration.rs`: the agent, the numbers, the
//! call's variables and overrides in, the TwiML that connects the call out), finds the report
//! of a call whose post-call webhook never came (`conversations.rs`: the agent's conversations
//! around the call, matched by Twilio's call sid, read with
//! [`botwot_webhooks::elevenlabs::parse_conversation`]), and lists the voices agents can speak
//! with ([`voices`]). [`report::call_report`] turns a conversation into the engine's
//! [`CallReport`](botwot_engine::voice::CallReport), for this client and the webhook route
//! alike. Failures are classified as the voice port's errors, with ElevenLabs' own message.

pub mod client;
pub mod config;
mod conversations;
mod errors;
mod registration;
pub mod report;
pub mod voices;

pub use crate::voice_api::VoiceConfigError;
pub use client::ElevenLabsClient;
pub use config::{DEFAULT_API_URL, DEFAULT_TIMEOUT, ElevenLabsConfig};
pub use report::call_report;
pub use voices::VoiceOption;
