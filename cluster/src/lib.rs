//! How sessions are placed: the shard a session key belongs to, and the registry contract that
//! finds (or starts) the actor owning a key.
//!
//! One node runs every shard through its local registry (in `botwot-actors`); the clustered
//! registry of a later step implements the same trait and forwards keys whose shard another node
//! owns.

#![forbid(unsafe_code)]

mod registry;
mod shard;

pub use registry::{RegistryStats, RouteError, SessionRegistry};
pub use shard::{DEFAULT_SHARD_COUNT, ShardId, shard_of};
