//! Meta's messaging channels (WhatsApp Cloud API, Messenger, Instagram).
//!
//! The webhook half (signatures, the subscription handshake, payloads turned into flat
//! [`MetaEvent`]s) is pure library code in `botwot-webhooks`, re-exported here under the same
//! names; it lives in a crate of its own so its fuzz targets build in seconds and run in every
//! CI run. The outbound half, [`graph`], sends replies on the three channels through the Graph
//! API; [`media`] downloads inbound files into the blob store, [`uploads`] keeps the files
//! agents send and [`upload_links`] signs the links Instagram fetches them by.

pub mod graph;
pub mod media;
pub mod upload_links;
pub mod uploads;

pub use botwot_webhooks::meta::{
    MetaEvent, PayloadError, instagram, messenger, parse_webhook, post_comment, signature, whatsapp,
};
