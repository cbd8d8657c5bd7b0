//! Twilio, the telephony provider of voice calls (PRD §3.5), behind the engine's
//! [`Telephony`](botwot_engine::ports::Telephony) port.
//!
//! Build a [`TwilioClient`] from a [`TwilioConfig`] (API URL and request timeout); each call
//! names the organisation's own account ([`TwilioCredentials`](botwot_engine::ports::TwilioCredentials)).
//! It finds a number in the account and points its calls and statuses at BotWot's webhooks (or
//! at nothing again), places calls that report their progress there and end by a time limit,
//! and reads a call's status when a webhook was lost ([`call`]). Failures are classified as the
//! voice port's errors (a rejected token, a number or call not there, a refusal with Twilio's
//! error code, an outage); sids handed in are checked before they go into a path.
//!
//! [`twiml`] writes the one answer BotWot gives a call itself: a message read out before
//! hanging up, when the call cannot be handed to its agent.

pub mod call;
pub mod client;
pub mod config;
mod errors;
pub mod twiml;

pub use crate::voice_api::VoiceConfigError;
pub use call::call_status;
pub use client::TwilioClient;
pub use config::{DEFAULT_API_URL, DEFAULT_TIMEOUT, TwilioConfig};
pub use twiml::say_and_hang_up;
