//! Settings of the single node's inbound log (section `[inbound_log]`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InboundLogConfig {
    /// Acknowledge webhooks once their events are appended to the log in the data directory
    /// (embedded storage only; a node on MongoDB or in a cluster acknowledges after the commit
    /// or the broker's confirm). Off: every webhook waits for its session's commit.
    pub enabled: bool,
    /// Events appended and not yet applied beyond which webhooks are answered 503 with
    /// `Retry-After` (Meta delivers them again later).
    pub max_backlog: usize,
    /// Sessions applying a logged event at once.
    pub sessions_in_flight: usize,
    /// Size after which the log starts a new segment file, in MiB; applied segments are deleted.
    pub segment_mib: u64,
}

impl Default for InboundLogConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_backlog: 20_000,
            sessions_in_flight: 512,
            segment_mib: 64,
        }
    }
}
