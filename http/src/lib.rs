//! BotWot's HTTP surface: the versioned REST API (`/v1/bots`, `/v1/sessions`, `/v1/users`, ...)
//! with its OpenAPI document, sign-in and access control ([`auth`]), the audit log ([`audit`]), the web widget channel (a Socket.IO v4 namespace the official `socket.io-client`
//! speaks, plus the `/widget.js` script and a demo page, all served from the binary), and the
//! operational endpoints (`/healthz`, `/readyz`, `/metrics`), and the cluster administration
//! routes for the platform's operators (`/v1/admin/cluster`, behind the operators' token).
//!
//! Nothing here decides what happens in a conversation: handlers check input, then hand events
//! to the session actors through [`SessionDispatcher`] and read storage through the engine's
//! ports. Every failure, REST or widget, is an [`AppError`] with a stable code.
//!
//! The binary builds it with [`HttpBuilder`]: `new` creates the Socket.IO endpoint and its
//! [`WebChannel`] (which the node uses to deliver web messages and notices),
//! `cross_node_realtime` makes rooms and agent presence span a cluster ([`realtime`]), `finish`
//! takes the node's dispatcher and returns the [`axum::Router`]. Tests use [`router()`] with an
//! [`AppState`] of their own.

#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod builder;
pub mod config;
pub mod console;
mod contact_messages;
pub mod dashboard;
pub mod errors;
pub mod extract;
pub mod knowledge;
pub mod metrics;
pub mod openapi;
pub mod rate_limit;
pub mod realtime;
pub mod router;
pub mod routes;
pub mod sessions;
pub mod state;
pub mod widget;

pub use builder::HttpBuilder;
pub use config::HttpConfig;
pub use errors::{AppError, ErrorCode};
pub use router::router;
pub use sessions::{Envelope, Outcome, SessionDispatcher, SessionError};
pub use state::AppState;
pub use widget::WebChannel;
