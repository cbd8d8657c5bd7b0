//! Razorpay, the payment gateway (PRD §3.12), behind the engine's
//! [`PaymentProvider`](botwot_engine::ports::PaymentProvider) port.
//!
//! Build a [`RazorpayClient`] from a [`RazorpayConfig`] (API URL, key id and secret, request
//! timeout). It creates monthly plans, subscriptions to them and one-off orders, fetches and
//! cancels subscriptions, and fetches and captures payments over Razorpay's REST API with HTTP
//! Basic auth, reading the entities it answers with the readers of
//! [`botwot_webhooks::razorpay`] (the ones its webhooks are read with), stamped with the time
//! the answer came; it checks the `razorpay_signature` a finished checkout hands over with the
//! key secret. Failures are classified in [`errors`]: a rejected key, a refusal with
//! Razorpay's code and description, an outage worth retrying, or an answer that cannot be read.
//! Ids handed in are checked before they go into a path.

pub mod client;
pub mod config;
pub mod errors;

pub use client::RazorpayClient;
pub use config::{DEFAULT_API_URL, DEFAULT_TIMEOUT, RazorpayConfig, RazorpayConfigError};
