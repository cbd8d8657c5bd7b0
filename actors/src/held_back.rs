//! Messages kept back from the sessions of shards a cluster node is adopting.
//!
//! Adopting a shard finishes the commits its last owner left cut short and re-arms its timers
//! and unsent messages from storage. An actor started meanwhile (a brain answer arriving for
//! one of its sessions, say) would load the session while that recovery still writes it, and
//! could finish the same commit or send the same reply. So the registry keeps every message
//! for those sessions here until the adoption ends, then routes them in the order they came,
//! or refuses them when the adoption failed and the shards go back.

use crate::session_actor::SessionMsg;
use botwot_engine::SessionKey;

/// Which sessions a [`HeldBack`] covers.
pub(crate) type Covers = Box<dyn Fn(&SessionKey) -> bool + Send + Sync>;

/// One adoption's held-back messages.
pub(crate) struct HeldBack {
    id: u64,
    covers: Covers,
    messages: Vec<(SessionKey, SessionMsg)>,
}

impl HeldBack {
    pub(crate) fn new(id: u64, covers: Covers) -> Self {
        Self {
            id,
            covers,
            messages: Vec::new(),
        }
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn covers(&self, key: &SessionKey) -> bool {
        (self.covers)(key)
    }

    pub(crate) fn keep(&mut self, key: &SessionKey, message: SessionMsg) {
        self.messages.push((key.clone(), message));
    }

    /// The kept messages, in the order they came.
    pub(crate) fn into_messages(self) -> Vec<(SessionKey, SessionMsg)> {
        self.messages
    }
}
