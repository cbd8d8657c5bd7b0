//! Node settings that shape the actor system.

use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeConfig {
    /// Seconds a session actor may stay idle before it is passivated (its state is already
    /// stored; passivation only frees memory).
    pub passivate_after_secs: u64,
    /// How often idle actors are looked for, in milliseconds.
    pub passivation_sweep_ms: u64,
    /// Messages in flight to session actors beyond which new work is refused (429/503 with
    /// Retry-After) instead of growing memory.
    pub max_in_flight: usize,
    /// How long the brain may take to answer before the bot's fallback is used, in milliseconds.
    pub brain_timeout_ms: u64,
    /// Messages of history handed to the brain.
    pub brain_history: usize,
    /// The least time between two drafts of one answer shown on the web widget while the
    /// model writes it, in milliseconds; `0` shows every piece.
    pub draft_interval_ms: u64,
    /// First retry delay of a failed outbound delivery, doubled per attempt, in milliseconds.
    pub outbox_retry_base_ms: u64,
    /// Attempts after which an outbound message is marked failed.
    pub outbox_max_attempts: u32,
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            passivate_after_secs: 120,
            passivation_sweep_ms: 1_000,
            max_in_flight: 100_000,
            brain_timeout_ms: 20_000,
            brain_history: 20,
            draft_interval_ms: 100,
            outbox_retry_base_ms: 500,
            outbox_max_attempts: 8,
        }
    }
}

impl NodeConfig {
    pub fn passivate_after(&self) -> Duration {
        Duration::from_secs(self.passivate_after_secs)
    }
    pub fn passivation_sweep(&self) -> Duration {
        Duration::from_millis(self.passivation_sweep_ms.max(10))
    }
    pub fn brain_timeout(&self) -> Duration {
        Duration::from_millis(self.brain_timeout_ms)
    }
    pub fn draft_interval(&self) -> Duration {
        Duration::from_millis(self.draft_interval_ms)
    }
}
