//! The knowledge index: the chunks, keyword index and vectors of every knowledge base, kept in
//! memory while in use and saved as one blob per base, implementing the engine's
//! [`botwot_engine::knowledge::KnowledgeIndex`] port with [`KnowledgeIndexes`].
//!
//! `cache` holds the loaded bases, one async lock each, evicting idle ones beyond a cap;
//! `base` is one loaded base; `saved` its blob format (re-embedding a base saved under
//! another embedder, with `reembed`); `search` asks several bases one question and merges
//! the answers; `shared` keeps nodes of a cluster that share the blob store in step.

mod base;
mod cache;
mod indexes;
mod reembed;
mod saved;
mod search;
mod shared;

pub use indexes::{DEFAULT_MAX_LOADED_BASES, KnowledgeIndexes};
