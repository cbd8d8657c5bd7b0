//! The registry contract: find (or start) the actor of a session key and hand it a message.

use botwot_engine::SessionKey;
use thiserror::Error;

/// Counts a registry reports for admin endpoints and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryStats {
    /// Actors running now.
    pub live: usize,
    /// Keys whose actor is starting or passivating, with messages held for the next incarnation.
    pub transitioning: usize,
    /// Messages handed to actors and not yet handled.
    pub in_flight: usize,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RouteError {
    /// Past the configured in-flight bound: the caller should answer 429/503 and retry later.
    #[error("overloaded: {in_flight} messages in flight")]
    Overloaded { in_flight: usize },
    /// The registry is shutting down.
    #[error("the registry is stopped")]
    Stopped,
}

/// Finds the actor of a session key, starting it when needed, and hands it a message. Messages
/// for one key are handled in the order they were routed.
pub trait SessionRegistry<M>: Send + Sync {
    fn route(&self, key: &SessionKey, message: M) -> Result<(), RouteError>;
    fn stats(&self) -> RegistryStats;
}
