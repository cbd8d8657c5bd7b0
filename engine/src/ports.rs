//! Ports: what the engine needs from storage, channels and live subscribers. `storage`,
//! `adapters` and `http` implement them; `actors` drives the engine through them.

use crate::access::{
    ApiKey, AuditEntry, AuditFilter, Organisation, OtpChallenge, OtpPurpose, RefreshDigest,
    RefreshFamily, UserAccount,
};
use crate::bot::BotProfile;
use crate::brain::AnswerDraft;
use crate::canned::CannedResponse;
use crate::channel::Channel;
use crate::ids::{
    ApiKeyId, BotId, CannedResponseId, DocumentId, KnowledgeBaseId, MessageId, RefreshFamilyId,
    SessionId, TenantId, TimerId, UserId, VoiceAgentId, WidgetKey,
};
use crate::integration::ChannelIntegration;
use crate::knowledge::{KnowledgeBase, KnowledgeDocument};
use crate::message::{Delivery, Message};
use crate::outbox::OutboxEntry;
use crate::session::{SessionKey, SessionNotice, SessionQueue, SessionState, SessionStatus};
use crate::time::Timestamp;
use crate::timer::DurableTimer;
use crate::voice_agent::VoiceAgent;
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The backend could not be reached or refused the operation; retrying may help.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A stored record could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The write conflicts with what is stored (a unique key is taken).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    /// The request itself is wrong (a page cursor from another listing, say); retrying won't help.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The writer's shard lease is stale: a newer holder of the shard has written since. The
    /// writer must stop running the shard's sessions; retrying won't help.
    #[error("fenced: {0}")]
    Fenced(String),
}

/// One page of a listing and the cursor of the next, if there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Which page to read: at most `limit` items after the opaque `cursor` of the previous page.
/// A `limit` of 0 means the backend's default page size; backends cap it at their maximum.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PageRequest {
    pub limit: usize,
    pub cursor: Option<String>,
}

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
pub trait BotStore: Send + Sync + 'static {
    async fn insert_bot(&self, bot: &BotProfile) -> Result<(), StoreError>;
    /// Replaces a stored bot; `NotFound` when it does not exist in that tenant.
    async fn update_bot(&self, bot: &BotProfile) -> Result<(), StoreError>;
    async fn get_bot(
        &self,
        tenant: &TenantId,
        id: &BotId,
    ) -> Result<Option<BotProfile>, StoreError>;
    async fn find_bot_by_widget_key(
        &self,
        key: &WidgetKey,
    ) -> Result<Option<BotProfile>, StoreError>;
    /// Bots of a tenant, newest first; soft-deleted ones only when asked for.
    async fn list_bots(
        &self,
        tenant: &TenantId,
        include_deleted: bool,
        page: &PageRequest,
    ) -> Result<Paged<BotProfile>, StoreError>;
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

#[async_trait]
pub trait IntegrationStore: Send + Sync + 'static {
    /// Stores a new integration; `Conflict` when its channel account is already connected.
    async fn insert_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError>;
    /// Replaces a stored integration (same id); `NotFound` when there is none.
    async fn update_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError>;
    /// The integration of a provider account, whichever tenant it belongs to (webhooks name the
    /// account, not the tenant).
    async fn find_integration(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<Option<ChannelIntegration>, StoreError>;
    /// A tenant's integrations, newest first.
    async fn list_integrations(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<ChannelIntegration>, StoreError>;
}

#[async_trait]
pub trait TimerStore: Send + Sync + 'static {
    /// Every stored timer, earliest first (loaded once at start).
    async fn all_timers(&self) -> Result<Vec<DurableTimer>, StoreError>;
    /// The timers written for sessions of `shards` (see [`DurableTimer::shard`]), each
    /// shard's earliest first: what a cluster node adopting those shards arms.
    async fn timers_of_shards(&self, shards: &[u32]) -> Result<Vec<DurableTimer>, StoreError>;
}

#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Entries not yet delivered, oldest first.
    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError>;
    /// Entries not yet delivered of sessions of `shards` (see [`OutboxEntry::shard`]), each
    /// shard's oldest first, at most `limit` per shard.
    async fn pending_outbox_of_shards(
        &self,
        shards: &[u32],
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError>;
    /// The entry was handed to its channel: remove it and record the message's delivery state
    /// and, when the channel gave one, its provider message id (so status callbacks find it).
    /// A report parked for that id ([`OutboxStore::park_early_delivery`]) is applied then.
    async fn outbox_delivered(
        &self,
        entry: &OutboxEntry,
        receipt: DeliveryReceipt,
    ) -> Result<(), StoreError>;
    /// The attempt failed: keep the entry with its new attempt count and next attempt time.
    async fn outbox_retry_later(&self, entry: &OutboxEntry) -> Result<(), StoreError>;
    /// A channel reported `delivery` for a message it names `provider_message_id` that no
    /// message carries yet: the report overtook the answer to the send. Kept (the furthest of
    /// several) until the outbox records that id, or for a day; older ones are purged here.
    async fn park_early_delivery(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
        delivery: Delivery,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Removes and returns the report parked for that id, if any.
    async fn take_early_delivery(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
    ) -> Result<Option<Delivery>, StoreError>;
}

/// Organisations, their users, pending one-time codes and refresh-token families.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Stores a new organisation and its first user together; `Conflict` when the user's email
    /// is taken (and then neither is stored).
    async fn create_organisation(
        &self,
        organisation: &Organisation,
        owner: &UserAccount,
    ) -> Result<(), StoreError>;
    async fn get_organisation(&self, tenant: &TenantId)
    -> Result<Option<Organisation>, StoreError>;
    /// Replaces a stored organisation (its plan, say); `NotFound` when it does not exist.
    async fn update_organisation(&self, organisation: &Organisation) -> Result<(), StoreError>;
    /// Stores a new user; `Conflict` when the email is taken in any organisation.
    async fn insert_user(&self, user: &UserAccount) -> Result<(), StoreError>;
    /// Replaces a stored user; `NotFound` when it does not exist in that tenant.
    async fn update_user(&self, user: &UserAccount) -> Result<(), StoreError>;
    async fn get_user(
        &self,
        tenant: &TenantId,
        id: &UserId,
    ) -> Result<Option<UserAccount>, StoreError>;
    /// The user of a (normalised) email, whichever organisation: signing in names none.
    async fn find_user_by_email(&self, email: &str) -> Result<Option<UserAccount>, StoreError>;
    /// A tenant's users, oldest first.
    async fn list_users(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<UserAccount>, StoreError>;
    /// How many users the tenant has, counting at most `up_to` (enough to check a limit).
    async fn count_users(&self, tenant: &TenantId, up_to: usize) -> Result<usize, StoreError>;
    /// Removes a user and ends their sign-ins; `NotFound` when it does not exist in that tenant.
    async fn delete_user(&self, tenant: &TenantId, id: &UserId) -> Result<(), StoreError>;
    async fn get_otp(
        &self,
        purpose: OtpPurpose,
        email: &str,
    ) -> Result<Option<OtpChallenge>, StoreError>;
    async fn put_otp(
        &self,
        purpose: OtpPurpose,
        email: &str,
        challenge: &OtpChallenge,
    ) -> Result<(), StoreError>;
    async fn delete_otp(&self, purpose: OtpPurpose, email: &str) -> Result<(), StoreError>;
    async fn get_refresh_family(
        &self,
        id: &RefreshFamilyId,
    ) -> Result<Option<RefreshFamily>, StoreError>;
    /// Stores a new family or a revocation of one.
    async fn put_refresh_family(&self, family: &RefreshFamily) -> Result<(), StoreError>;
    /// Stores a rotated family, recording `spent` as used at the same time. `Conflict` when
    /// `spent` was already recorded: another request rotated with the same token first (a
    /// race or a stolen copy), and nothing is written.
    async fn rotate_refresh_family(
        &self,
        family: &RefreshFamily,
        spent: &RefreshDigest,
    ) -> Result<(), StoreError>;
    /// Revokes every sign-in (refresh family) of a user, as of `now`; returns how many ended.
    async fn revoke_sign_ins(
        &self,
        tenant: &TenantId,
        user: &UserId,
        now: Timestamp,
    ) -> Result<usize, StoreError>;
    /// Erases everything of the organisation: sessions, messages, deliveries, timers, users,
    /// sign-ins, codes, bots, integrations, keys, canned responses, knowledge records, voice
    /// agents, audit log, then the organisation itself; returns how many records went. Live
    /// session actors must be stopped or closed first by the caller.
    async fn erase_organisation(&self, tenant: &TenantId) -> Result<usize, StoreError>;
    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError>;
    /// A key by id, whichever tenant (the presented key names only itself).
    async fn get_api_key(&self, id: &ApiKeyId) -> Result<Option<ApiKey>, StoreError>;
    /// Replaces a stored key (to revoke it); `NotFound` when it does not exist in that tenant.
    async fn update_api_key(&self, key: &ApiKey) -> Result<(), StoreError>;
    /// A tenant's keys, newest first.
    async fn list_api_keys(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<ApiKey>, StoreError>;
}

/// The audit log, append-only.
#[async_trait]
pub trait AuditStore: Send + Sync + 'static {
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// A tenant's entries, newest first.
    async fn list_audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Paged<AuditEntry>, StoreError>;
}

/// An organisation's canned responses; a shortcut is unique per organisation.
#[async_trait]
pub trait CannedResponseStore: Send + Sync + 'static {
    /// Stores a new one; `Conflict` when its shortcut is taken in the organisation.
    async fn insert_canned_response(&self, canned: &CannedResponse) -> Result<(), StoreError>;
    /// Replaces a stored one; `NotFound` when it does not exist in that tenant, `Conflict` when
    /// the new shortcut is taken by another.
    async fn update_canned_response(&self, canned: &CannedResponse) -> Result<(), StoreError>;
    async fn get_canned_response(
        &self,
        tenant: &TenantId,
        id: &CannedResponseId,
    ) -> Result<Option<CannedResponse>, StoreError>;
    /// `NotFound` when it does not exist in that tenant.
    async fn delete_canned_response(
        &self,
        tenant: &TenantId,
        id: &CannedResponseId,
    ) -> Result<(), StoreError>;
    /// A tenant's canned responses in shortcut order.
    async fn list_canned_responses(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<CannedResponse>, StoreError>;
}

/// An organisation's voice agents.
#[async_trait]
pub trait VoiceAgentStore: Send + Sync + 'static {
    async fn insert_voice_agent(&self, agent: &VoiceAgent) -> Result<(), StoreError>;
    /// Replaces a stored one; `NotFound` when it does not exist in that tenant.
    async fn update_voice_agent(&self, agent: &VoiceAgent) -> Result<(), StoreError>;
    async fn get_voice_agent(
        &self,
        tenant: &TenantId,
        id: &VoiceAgentId,
    ) -> Result<Option<VoiceAgent>, StoreError>;
    /// `NotFound` when it does not exist in that tenant.
    async fn delete_voice_agent(
        &self,
        tenant: &TenantId,
        id: &VoiceAgentId,
    ) -> Result<(), StoreError>;
    /// A tenant's voice agents in name order (ignoring case).
    async fn list_voice_agents(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<VoiceAgent>, StoreError>;
    /// How many voice agents the tenant has, counting no further than `up_to`.
    async fn count_voice_agents(
        &self,
        tenant: &TenantId,
        up_to: usize,
    ) -> Result<usize, StoreError>;
}

/// Knowledge bases and the records of their documents (the bytes and indexes are blobs).
#[async_trait]
pub trait KnowledgeStore: Send + Sync + 'static {
    async fn insert_knowledge_base(&self, base: &KnowledgeBase) -> Result<(), StoreError>;
    /// Replaces a stored base; `NotFound` when it is gone.
    async fn update_knowledge_base(&self, base: &KnowledgeBase) -> Result<(), StoreError>;
    async fn get_knowledge_base(
        &self,
        tenant: &TenantId,
        id: &KnowledgeBaseId,
    ) -> Result<Option<KnowledgeBase>, StoreError>;
    /// The tenant's bases, newest first.
    async fn list_knowledge_bases(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<KnowledgeBase>, StoreError>;
    /// How many bases the tenant has, counting no further than `up_to`.
    async fn count_knowledge_bases(
        &self,
        tenant: &TenantId,
        up_to: usize,
    ) -> Result<usize, StoreError>;
    /// Removes a base and the records of all its documents in one write; returns how many
    /// document records went. `NotFound` when the base is not the tenant's.
    async fn delete_knowledge_base(
        &self,
        tenant: &TenantId,
        id: &KnowledgeBaseId,
    ) -> Result<usize, StoreError>;
    async fn insert_document(&self, document: &KnowledgeDocument) -> Result<(), StoreError>;
    /// Replaces a stored document record; `NotFound` when it was deleted meanwhile.
    async fn update_document(&self, document: &KnowledgeDocument) -> Result<(), StoreError>;
    async fn get_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<KnowledgeDocument>, StoreError>;
    /// The documents of one base, newest first.
    async fn list_documents(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
        page: &PageRequest,
    ) -> Result<Paged<KnowledgeDocument>, StoreError>;
    /// How many documents the tenant has across its bases, counting no further than `up_to`.
    async fn count_documents(&self, tenant: &TenantId, up_to: usize) -> Result<usize, StoreError>;
    /// `NotFound` when the document is not the tenant's.
    async fn delete_document(&self, tenant: &TenantId, id: &DocumentId) -> Result<(), StoreError>;
    /// Documents of every tenant whose ingestion has not reached a final stage, oldest first,
    /// at most `limit`: what a node resumes when it starts.
    async fn unfinished_documents(
        &self,
        limit: usize,
    ) -> Result<Vec<KnowledgeDocument>, StoreError>;
}

/// All the storage a node needs.
pub trait Storage:
    BotStore
    + SessionStore
    + TimerStore
    + OutboxStore
    + IntegrationStore
    + AccountStore
    + AuditStore
    + CannedResponseStore
    + KnowledgeStore
    + VoiceAgentStore
{
}
impl<
    T: BotStore
        + SessionStore
        + TimerStore
        + OutboxStore
        + IntegrationStore
        + AccountStore
        + AuditStore
        + CannedResponseStore
        + KnowledgeStore
        + VoiceAgentStore,
> Storage for T
{
}

/// An email to send: plain text, one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, Error)]
#[error("mail not sent: {0}")]
pub struct MailError(pub String);

/// Sends email (one-time codes, invitations).
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}

/// What a channel answered when it took an outbound message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryReceipt {
    pub delivery: Delivery,
    /// The channel's id of the sent message (a WhatsApp `wamid`, a Messenger or Instagram
    /// `mid`), which its status callbacks name; `None` when the channel has no such id.
    pub provider_message_id: Option<String>,
}

impl DeliveryReceipt {
    /// Handed to the channel, which named it `provider_message_id`.
    pub fn sent(provider_message_id: impl Into<String>) -> Self {
        Self {
            delivery: Delivery::Sent,
            provider_message_id: Some(provider_message_id.into()),
        }
    }
}

impl From<Delivery> for DeliveryReceipt {
    fn from(delivery: Delivery) -> Self {
        Self {
            delivery,
            provider_message_id: None,
        }
    }
}

#[derive(Debug, Error)]
pub enum DeliveryError {
    /// Worth trying again later (network, rate limit, provider 5xx). `retry_after` is how long
    /// the channel asked to wait (an HTTP `Retry-After`), when it said.
    #[error("delivery failed, will retry: {reason}")]
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Will never succeed (blocked contact, invalid recipient).
    #[error("delivery failed: {0}")]
    Permanent(String),
    /// Nothing was attempted: the channel is at its own rate for this sender. Send again after
    /// `retry_after`; it does not count as an attempt.
    #[error("delivery deferred for {} ms: the sender is at its rate", retry_after.as_millis())]
    Deferred { retry_after: Duration },
}

impl DeliveryError {
    /// A retryable failure with no wait asked for.
    pub fn retryable(reason: impl Into<String>) -> Self {
        Self::Retryable {
            reason: reason.into(),
            retry_after: None,
        }
    }
}

/// Hands outbound messages to the channel they belong to.
#[async_trait]
pub trait ChannelSender: Send + Sync + 'static {
    async fn deliver(&self, entry: &OutboxEntry) -> Result<DeliveryReceipt, DeliveryError>;
}

/// Live subscribers (widget sockets, consoles): told after a transition is committed. Must not
/// block.
pub trait SessionObserver: Send + Sync + 'static {
    fn message_added(&self, key: &SessionKey, message: &Message);
    fn notice(&self, session: &SessionState, notice: &SessionNotice);

    /// An answer being written for a channel that shows drafts; not stored, not committed.
    fn answer_drafted(&self, key: &SessionKey, draft: &AnswerDraft) {
        let _ = (key, draft);
    }
}
