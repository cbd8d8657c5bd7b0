//! The BotWot domain, with no I/O and no runtime.
//!
//! Everything that decides what happens in a conversation lives here: identifiers, bot profiles,
//! messages, the session state machine (`session::apply(state, event, now) -> effects`), durable
//! timer and outbox records, and the ports (traits) that storage, brains and channels implement.
//! Time always comes in as a parameter or through [`time::Clock`]; nothing here reads the system
//! clock, spawns a task or opens a socket, so every rule is tested without a runtime.

#![forbid(unsafe_code)]

pub mod access;
pub mod analytics;
pub mod billing;
pub mod blobs;
pub mod bot;
pub mod brain;
pub mod campaign;
pub mod canned;
pub mod channel;
pub mod commerce;
pub mod coordination;
pub mod handover;
pub mod ids;
pub mod insight;
pub mod integration;
pub mod interactive;
pub mod knowledge;
pub mod leads;
pub mod message;
pub mod messaging_window;
pub mod outbox;
pub mod ports;
pub mod session;
pub mod social;
pub mod template_parts;
pub mod time;
pub mod timer;
pub mod tools;
pub mod validation;
pub mod voice;
pub mod voice_agent;
pub mod writing;

pub use bot::{BotProfile, BotStatus, BotTone, LlmProvider, SessionPolicy};
pub use channel::Channel;
pub use ids::{BotId, MessageId, SessionId, TenantId};
pub use message::{Author, Direction, Message, MessageBody};
pub use session::{SessionEvent, SessionKey, SessionState};
pub use time::Timestamp;
