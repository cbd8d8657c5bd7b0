//! BotWot's readers of providers' webhooks: the signature checks and the payloads turned into
//! the engine's events, with no I/O. The providers: Meta's messaging channels ([`meta`]),
//! Razorpay's payments ([`razorpay`]), Shopify's shops ([`shopify`]: its orders, from webhooks
//! and from the Admin API), and for voice calls Twilio's telephony ([`twilio`]: its voice
//! requests and status callbacks) and ElevenLabs' conversational AI ([`elevenlabs`]: its
//! post-call webhooks and conversations). Everything here reads untrusted bytes, so it never
//! panics and says why it refused a body with a stable code.
//!
//! The crate holds parsing only and depends on little more than `serde` and the engine's types,
//! so its fuzz targets (`fuzz/webhooks`) build in a minute and run in every CI run; the HTTP
//! routes that receive webhooks (`botwot-http`) and the adapters that answer them
//! (`botwot-adapters`, which re-exports [`meta`]) build on it.

#![forbid(unsafe_code)]

pub mod elevenlabs;
mod mac;
pub mod meta;
pub mod razorpay;
pub mod shopify;
pub mod twilio;
pub mod untrusted;
