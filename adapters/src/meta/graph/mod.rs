//! The outbound half of Meta's channels: a Graph API client that sends WhatsApp Cloud API,
//! Messenger and Instagram messages and implements the engine's
//! [`ChannelSender`](botwot_engine::ports::ChannelSender).
//!
//! Build a [`GraphClient`] from a [`GraphConfig`] (base URL, API version, request timeout), give
//! it an [`AccessTokenSource`] that knows each channel account's token ([`StoredTokens`] opens
//! the tokens sealed in integration records with a [`TokenCipher`]), and register the
//! resulting [`MetaGraphSender`] on a [`ChannelRouter`](crate::channels::ChannelRouter) for the
//! three channels with [`MetaGraphSender::route_meta_channels`]. Request shapes live in
//! [`whatsapp`] (with [`template`] and [`interactive`] builders) and [`messenger`] (Messenger and
//! Instagram share the Send API; [`comments`] posts replies under comments); [`template_library`]
//! lists and submits a business account's templates; [`contact_signals`] marks contacts'
//! messages read and shows them that an agent is typing; failures are classified in [`errors`]. Every request is made
//! once: the outbox retries.

pub mod campaign_sender;
pub mod client;
pub mod comments;
pub mod config;
pub mod contact_signals;
pub mod errors;
pub mod interactive;
mod lead_follow_up;
pub mod messenger;
pub mod order_reminder;
pub mod outbound_files;
pub mod publishing;
pub mod retry_after;
pub mod sender;
pub mod stored_tokens;
pub mod template;
pub mod template_library;
pub mod throughput;
pub mod token;
pub mod token_cipher;
pub mod upload;
pub mod whatsapp;

pub use client::GraphClient;
pub use config::{GraphConfig, GraphConfigError};
pub use errors::GraphError;
pub use publishing::{GraphPublisher, PublishSettings};
pub use sender::{MetaGraphSender, SentMessage, delivery_error};
pub use stored_tokens::StoredTokens;
pub use token::{AccessToken, AccessTokenSource, StaticTokens, TokenError};
pub use token_cipher::{CipherError, TokenCipher};
