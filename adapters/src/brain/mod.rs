//! The brains behind the engine's `Brain` port, local and offline by default:
//! [`ProfileBrain`] answers from the bot's profile alone, [`KnowledgeBrain`] composes extractive
//! answers from the bot's knowledge bases (and says it does not know when they do not answer),
//! and [`BrainRouter`] sends each bot to the language-model brain of its provider when that
//! provider is configured, else to the local one.

mod knowledge;
mod profile;
mod router;

pub use knowledge::KnowledgeBrain;
pub use profile::ProfileBrain;
pub use router::BrainRouter;
