//! Shopify (PRD §3.8.2), behind the engine's [`ShopifyAdmin`](botwot_engine::ports::ShopifyAdmin)
//! port: [`ShopifyClient`] reads a shop and its orders over the REST Admin API, adds tags to an
//! order with the GraphQL Admin API's `tagsAdd` (atomic, so a tag the merchant adds meanwhile
//! is never lost, as a read-then-write of the tag list could lose it), and subscribes BotWot's
//! webhook address to a shop's order topics. Each shop's token goes in the
//! `X-Shopify-Access-Token` header to that shop's own host only; orders are read with the
//! readers of [`botwot_webhooks::shopify`], the ones its webhooks are read with.

mod client;
mod config;
mod errors;

pub use client::ShopifyClient;
pub use config::{DEFAULT_API_VERSION, DEFAULT_TIMEOUT, ShopifyConfig, ShopifyConfigError};
