//! One session transition as one write batch.
//!
//! Inbound messages with a provider id are inserted first: a redelivery is refused by the unique
//! provider-id index before anything else of the commit is written (on the embedded backend the
//! whole batch is refused in any case). A commit's shard fence becomes the batch's fence, which
//! every backend checks before anything else: a stale writer's commit is reported as fenced,
//! even when it also holds a redelivered message. The session record is the batch's last write.
//! On a backend without atomic batches (MongoDB) the batch carries a journal, the whole prepared
//! commit, which recovery finishes when the batch was cut short (`journal.rs`).

use super::journal::PreparedCommit;
use super::schema::{MESSAGES, MESSAGES_BY_PROVIDER_ID, SESSIONS, TIMERS};
use super::{Store, records};
use crate::backend::{Doc, DocumentBackend, ShardFence, WriteBatch};
use crate::error::{Duplicate, ID_INDEX, StorageError};
use botwot_engine::SessionState;
use botwot_engine::channel::Channel;
use botwot_engine::ids::{MessageId, TenantId};
use botwot_engine::message::{Direction, Message};
use botwot_engine::ports::{CommitOutcome, DeliveryReceipt, Fence, SessionCommit, StoreError};
use std::collections::{HashMap, HashSet};
use tracing::debug;

impl<B: DocumentBackend> Store<B> {
    pub(super) async fn write_commit(
        &self,
        commit: SessionCommit,
    ) -> Result<CommitOutcome, StoreError> {
        let fence = commit.fence.map(shard_fence);
        let prepared = self.prepare_commit(commit).await?;
        let mut batch = self
            .commit_batch(&prepared, fence, AlreadyStored::none())
            .await?;
        batch.journal = self.journal_of(&prepared)?;
        match self.backend.write(batch).await {
            Ok(()) => Ok(CommitOutcome::Committed),
            Err(StorageError::Duplicate(duplicate)) => {
                match redelivered(&prepared.messages, &duplicate) {
                    Some(provider_message_id) => {
                        debug!(provider_message_id, "inbound message already stored");
                        Ok(CommitOutcome::DuplicateInbound {
                            provider_message_id,
                        })
                    }
                    None => Err(StorageError::Duplicate(duplicate).into()),
                }
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Writes the journal of `commit` and then only the first `applied` operations of its
    /// batch, as a process killed in the middle of [`write_commit`](Self::write_commit) would
    /// on a backend without atomic batches. The operations are in this order: the messages
    /// (inbound ones with a provider id first), the delivery updates of stored messages, the
    /// timers set, the timers cancelled, the outbox entries, the session. For crash tests only.
    #[doc(hidden)]
    pub async fn commit_interrupted(
        &self,
        commit: SessionCommit,
        applied: usize,
    ) -> Result<(), StoreError> {
        let fence = commit.fence.map(shard_fence);
        let prepared = self.prepare_commit(commit).await?;
        let mut batch = self
            .commit_batch(&prepared, fence, AlreadyStored::none())
            .await?;
        if let Some(journal) = self.journal_of(&prepared)? {
            let mut first = WriteBatch::with_capacity(1);
            first.fence = fence;
            first.put(journal);
            self.backend.write(first).await?;
        }
        batch.ops.truncate(applied);
        Ok(self.backend.write(batch).await?)
    }

    /// The commit with its delivery updates folded into its own messages, the channel of each
    /// inbound message with a provider id resolved, and those messages first.
    async fn prepare_commit(&self, commit: SessionCommit) -> Result<PreparedCommit, StoreError> {
        let SessionCommit {
            fence: _,
            session,
            mut messages,
            delivery_updates,
            timers_set,
            timers_cancelled,
            outbox,
        } = commit;
        let mut stored_updates = Vec::new();
        for (id, delivery) in delivery_updates {
            match messages.iter_mut().find(|message| message.id == id) {
                Some(message) if message.delivery.may_become(&delivery) => {
                    message.delivery = delivery;
                }
                Some(_) => {}
                None => stored_updates.push((id, delivery)),
            }
        }
        // Stable: messages keep their order otherwise.
        messages.sort_by_key(|message| records::deduplication_id(message).is_none());
        let mut channels = Vec::with_capacity(messages.len());
        for message in &messages {
            channels.push(match records::deduplication_id(message) {
                Some(_) => Some(self.channel_of(message, session.as_ref()).await?),
                None => None,
            });
        }
        Ok(PreparedCommit {
            session,
            messages,
            channels,
            delivery_updates: stored_updates,
            timers_set,
            timers_cancelled,
            outbox,
        })
    }

    /// The write batch of a prepared commit: its messages (inserted, but put again as stored
    /// where recovery found them written), the delivery updates of stored messages, the timers,
    /// the outbox entries (but those whose send is recorded already) and, last, the session.
    pub(super) async fn commit_batch(
        &self,
        commit: &PreparedCommit,
        fence: Option<ShardFence>,
        mut stored: AlreadyStored<B::Body>,
    ) -> Result<WriteBatch<B::Body>, StorageError> {
        let mut batch = WriteBatch::with_capacity(
            commit.messages.len()
                + commit.delivery_updates.len()
                + commit.timers_set.len()
                + commit.timers_cancelled.len()
                + commit.outbox.len()
                + 1,
        );
        batch.fence = fence;
        for (message, channel) in commit.messages.iter().zip(&commit.channels) {
            match stored.messages.remove(&message.id) {
                Some(as_stored) => batch.put(as_stored),
                None => batch.insert(records::message::<B>(message, *channel)?),
            }
        }
        let tenant = commit
            .session
            .as_ref()
            .map(|session| &session.key.tenant_id);
        for (id, delivery) in &commit.delivery_updates {
            let receipt = DeliveryReceipt::from(delivery.clone());
            if let Some(updated) = self.with_delivery(tenant, id, receipt, None).await? {
                batch.put(updated);
            }
        }
        for timer in &commit.timers_set {
            batch.put(records::timer::<B>(timer)?);
        }
        for id in &commit.timers_cancelled {
            batch.delete(&TIMERS, id.as_str());
        }
        for entry in &commit.outbox {
            if !stored.sent.contains(&entry.message.id) {
                batch.put(records::outbox::<B>(entry)?);
            }
        }
        // Last: a stored session equal to the commit's says the whole batch is written.
        if let Some(session) = &commit.session {
            batch.put(records::session::<B>(session)?);
        }
        Ok(batch)
    }

    /// The channel of a message's session: the committed session's, else the stored one's.
    async fn channel_of(
        &self,
        message: &Message,
        session: Option<&SessionState>,
    ) -> Result<Channel, StoreError> {
        if let Some(session) = session.filter(|session| session.id == message.session_id) {
            return Ok(session.key.channel);
        }
        let session = message.session_id.as_str();
        let stored: Option<SessionState> = self
            .get_record(&SESSIONS, &message.tenant_id, session)
            .await?;
        stored
            .map(|session| session.key.channel)
            .ok_or(StoreError::NotFound)
    }

    /// The stored message with a new delivery state (and the provider id its `channel` gave it,
    /// when the receipt has one), ready to put back; `None` when there is no such message (in
    /// `tenant`, when one is given) or nothing changes. Delivery never goes backwards (see
    /// [`Delivery::may_become`](botwot_engine::message::Delivery::may_become)).
    pub(super) async fn with_delivery(
        &self,
        tenant: Option<&TenantId>,
        id: &MessageId,
        receipt: DeliveryReceipt,
        channel: Option<Channel>,
    ) -> Result<Option<crate::backend::Doc<B::Body>>, StorageError> {
        let Some(stored) = self.backend.get(&MESSAGES, id.as_str()).await? else {
            debug!(message_id = %id, "delivery update for an unknown message");
            return Ok(None);
        };
        let mut message: Message = B::decode(stored.body)?;
        if tenant.is_some_and(|tenant| *tenant != message.tenant_id) {
            return Ok(None);
        }
        let mut fields = stored.fields;
        let mut changed = false;
        if message.delivery.may_become(&receipt.delivery) {
            message.delivery = receipt.delivery;
            changed = true;
        } else {
            debug!(message_id = %id, "delivery update older than the stored state; ignored");
        }
        if let (Some(provider_id), Some(channel), Direction::Outbound) =
            (receipt.provider_message_id, channel, message.direction)
        {
            records::set_outbound_provider_id(&mut fields, channel, &provider_id);
            message.provider_message_id = Some(provider_id);
            changed = true;
        }
        if !changed {
            return Ok(None);
        }
        records::message_with_fields::<B>(&message, fields).map(Some)
    }
}

/// What recovery found written of a journaled commit's messages: it puts them again as they
/// are stored now, since their delivery may have moved on (a reply sent and recorded since
/// must not go back to pending), and leaves out the outbox entry of a message whose send is
/// recorded (it would be sent a second time).
pub(super) struct AlreadyStored<Body> {
    pub messages: HashMap<MessageId, Doc<Body>>,
    pub sent: HashSet<MessageId>,
}

impl<Body> AlreadyStored<Body> {
    /// A commit written the first time: nothing of it is stored yet.
    pub fn none() -> Self {
        Self {
            messages: HashMap::new(),
            sent: HashSet::new(),
        }
    }
}

pub(super) fn shard_fence(fence: Fence) -> ShardFence {
    ShardFence {
        shard: fence.shard,
        epoch: fence.epoch,
    }
}

/// The provider id of the inbound message a duplicate refused, when it was a redelivery
/// (not another unique key such as a sequence number taken twice).
fn redelivered(messages: &[Message], duplicate: &Duplicate) -> Option<String> {
    if duplicate.collection != MESSAGES.name {
        return None;
    }
    let by_provider_id = match duplicate.index.as_deref() {
        Some(index) => index == MESSAGES_BY_PROVIDER_ID.name || index == ID_INDEX,
        None => true,
    };
    let message = messages
        .iter()
        .find(|message| message.id.as_str() == duplicate.id)?;
    by_provider_id
        .then(|| records::deduplication_id(message).map(str::to_owned))
        .flatten()
}
