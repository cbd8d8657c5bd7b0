//! How session transitions are written and read back: the commit a transition makes, the
//! fence a cluster node's writes carry, and the store of sessions, messages and commits cut short.

use super::{PageRequest, Paged, StoreError};
use crate::channel::Channel;
use crate::ids::{BotId, MessageId, SessionId, TenantId, TimerId};
use crate::message::{Delivery, Message};
use crate::outbox::OutboxEntry;
use crate::session::{SessionKey, SessionQueue, SessionState, SessionStatus};
use crate::time::Timestamp;
use crate::timer::DurableTimer;
use async_trait::async_trait;
use std::collections::BTreeMap;

/// The right to write a shard's sessions, as a cluster lease grants it: the shard's number and
/// the lease's epoch, which only grows. A backend refuses a commit whose epoch is below the
/// highest one it has accepted for the shard (the writer lost its lease to a newer one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fence {
    pub shard: u32,
    pub epoch: u64,
}

/// That a node writes a session, and the fence its writes carry (`None` on a single node).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteAccess {
    pub fence: Option<Fence>,
}

/// Which sessions a node writes: [`SessionStore::finish_interrupted_commits`] finishes only
/// theirs. Any `Fn(&SessionKey) -> Option<WriteAccess>` is one.
pub trait SessionAccess: Send + Sync {
    fn access(&self, key: &SessionKey) -> Option<WriteAccess>;
}

impl<F> SessionAccess for F
where
    F: Fn(&SessionKey) -> Option<WriteAccess> + Send + Sync,
{
    fn access(&self, key: &SessionKey) -> Option<WriteAccess> {
        self(key)
    }
}

/// Everything one session transition writes. A backend writes all of it or none of it; one
/// that cannot (MongoDB without transactions) finishes a commit cut short in
/// [`SessionStore::finish_interrupted_commits`].
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SessionCommit {
    /// Set on a cluster node: the commit is refused with [`StoreError::Fenced`] when a newer
    /// epoch of the shard has written. `None` on a single node (nothing is checked).
    pub fence: Option<Fence>,
    pub session: Option<SessionState>,
    /// New messages; an inbound one whose provider id is already stored makes the whole commit a
    /// duplicate, and nothing is written.
    pub messages: Vec<Message>,
    pub delivery_updates: Vec<(MessageId, Delivery)>,
    pub timers_set: Vec<DurableTimer>,
    pub timers_cancelled: Vec<TimerId>,
    pub outbox: Vec<OutboxEntry>,
}

impl SessionCommit {
    /// Whether the commit writes the session record and nothing else.
    pub fn writes_only_the_session(&self) -> bool {
        self.messages.is_empty()
            && self.delivery_updates.is_empty()
            && self.timers_set.is_empty()
            && self.timers_cancelled.is_empty()
            && self.outbox.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommitOutcome {
    Committed,
    /// An inbound message of this commit was stored before (a redelivery); nothing was written.
    DuplicateInbound {
        provider_message_id: String,
    },
}

/// Filters for listing sessions; every field that is set must match.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SessionFilter {
    pub status: Option<SessionStatus>,
    pub channel: Option<Channel>,
    pub bot_id: Option<BotId>,
    /// The contact's id on its channel (a WhatsApp number, a PSID, a widget visitor id).
    pub contact: Option<String>,
    /// Sessions created at or after this time.
    pub created_from: Option<Timestamp>,
    /// Sessions created before this time.
    pub created_until: Option<Timestamp>,
    /// Sessions in this console queue (see [`SessionState::queue`]).
    pub queue: Option<SessionQueue>,
    /// Sessions owned by this agent.
    pub assigned_agent: Option<String>,
}

#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
    /// The session of a key (open or closed), if the key ever had one.
    async fn load_session(&self, key: &SessionKey) -> Result<Option<SessionState>, StoreError>;
    async fn get_session(
        &self,
        tenant: &TenantId,
        id: &SessionId,
    ) -> Result<Option<SessionState>, StoreError>;
    /// Writes a transition atomically (see [`SessionCommit`]).
    async fn commit(&self, commit: SessionCommit) -> Result<CommitOutcome, StoreError>;
    /// Sessions of a tenant, newest first.
    async fn list_sessions(
        &self,
        tenant: &TenantId,
        filter: &SessionFilter,
        page: &PageRequest,
    ) -> Result<Paged<SessionState>, StoreError>;
    /// The outbound message a channel knows by `provider_message_id` (a WhatsApp `wamid`, a
    /// Messenger `mid`), recorded when the outbox delivered it; status callbacks name it.
    async fn find_outbound_message(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
    ) -> Result<Option<Message>, StoreError>;
    /// One message of the tenant's, by id.
    async fn get_message(
        &self,
        tenant: &TenantId,
        id: &MessageId,
    ) -> Result<Option<Message>, StoreError>;
    /// Messages of a session in order, those with `seq > after_seq`, at most `limit`.
    async fn transcript(
        &self,
        tenant: &TenantId,
        session: &SessionId,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError>;
    /// The last `limit` messages of a session, oldest first.
    async fn recent_messages(
        &self,
        tenant: &TenantId,
        session: &SessionId,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError>;
    /// Erases a session of `tenant` with its messages, pending deliveries and timers (data
    /// rights); returns how many messages went. `NotFound` when it is not that tenant's.
    async fn erase_session(&self, tenant: &TenantId, id: &SessionId) -> Result<usize, StoreError>;
    /// How many sessions of `tenant` started at or after `since`, counting at most `up_to`.
    async fn count_sessions_since(
        &self,
        tenant: &TenantId,
        since: Timestamp,
        up_to: usize,
    ) -> Result<usize, StoreError>;
    /// Finishes the commits that a crash (or a lost connection) cut short, on a backend that
    /// cannot write a commit all at once, of the sessions `access` gives this node; returns
    /// how many it finished. A node calls it before it loads those sessions' timers and unsent
    /// messages and before any of them runs, so what it finishes is armed and sent like the
    /// rest. A backend that writes every commit whole has nothing to finish.
    async fn finish_interrupted_commits(
        &self,
        access: &dyn SessionAccess,
    ) -> Result<usize, StoreError> {
        let _ = access;
        Ok(0)
    }
    /// Finishes the commit of `key`'s session that failed part-way (an error came back from a
    /// backend that writes a commit piece by piece), under the fence `access` gives. Returns the
    /// outbox entries of the commit it found journaled — finished now, or found written whole
    /// though its writer saw an error — or `None` when there was none; the caller hands to the
    /// dispatcher those of its failed commit. The session actor calls it before it reloads the
    /// session after a failed commit, so what was half written is completed rather than written
    /// a second time by the next commit.
    async fn finish_interrupted_commit(
        &self,
        key: &SessionKey,
        access: &dyn SessionAccess,
    ) -> Result<Option<Vec<OutboxEntry>>, StoreError> {
        let _ = (key, access);
        Ok(None)
    }
    /// For each shard a fenced commit was ever written for, the highest epoch the store
    /// accepted (its fence). A cluster node issues its lease epochs above these, so a lease
    /// service that lost its counters (Redis restarted empty) cannot hand out epochs the store
    /// would refuse.
    async fn shard_epochs(&self) -> Result<BTreeMap<u32, u64>, StoreError>;
}
