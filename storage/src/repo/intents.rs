//! Commit intents: session commits that survive a crash on a backend without atomic batches.
//!
//! On MongoDB a commit is many single-document writes; a process killed in the middle leaves it
//! half applied (an inbound message stored without its session record, a reply without its
//! outbox entry), and the redelivered event is then refused as a duplicate. So, when
//! [`DocumentBackend::ATOMIC_BATCHES`] is false, `write_commit` first puts one document into
//! `commit_intents` (a single-document write is atomic) holding the whole prepared transition,
//! under the session key, with the commit's fence (a fenced commit writes no intent); then it
//! writes the batch as before and deletes the intent. `load_session` finishes an intent left
//! behind before it reads the session: see [`Store::finish_intent`]. ADR 0002, "Commit
//! intents".

use super::schema::{COMMIT_INTENTS, MESSAGES, OUTBOX, SESSIONS, TENANT, TIMERS};
use super::{Store, records};
use crate::backend::{DocumentBackend, Fields, ShardFence, WriteBatch};
use crate::error::StorageError;
use botwot_engine::channel::Channel;
use botwot_engine::ids::{MessageId, TimerId};
use botwot_engine::message::{Delivery, Message};
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::DeliveryReceipt;
use botwot_engine::timer::DurableTimer;
use botwot_engine::{SessionKey, SessionState};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

/// A prepared session commit: what its write batch is built from, and what its intent holds.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct CommitIntent {
    pub session: Option<SessionState>,
    /// Inbound messages with a provider id first; delivery updates of these messages are
    /// already folded in.
    pub messages: Vec<Message>,
    /// The channel of each message (same order), kept for those with a provider id.
    pub channels: Vec<Option<Channel>>,
    /// Delivery updates of messages stored before this commit.
    pub delivery_updates: Vec<(MessageId, Delivery)>,
    pub timers_set: Vec<DurableTimer>,
    pub timers_cancelled: Vec<TimerId>,
    pub outbox: Vec<OutboxEntry>,
}

/// The id of a session's intent: its key, each part prefixed by its length (unambiguous).
pub(super) fn intent_id(key: &SessionKey) -> String {
    [
        key.tenant_id.as_str(),
        key.channel.as_str(),
        key.channel_account.as_str(),
        key.contact.as_str(),
    ]
    .iter()
    .map(|part| format!("{}:{part}", part.len()))
    .collect::<Vec<_>>()
    .join("|")
}

/// What replaying an intent came to.
enum Replay {
    Finished,
    /// The intent must not be applied; the reason is logged.
    Discarded(&'static str),
}

impl<B: DocumentBackend> Store<B> {
    /// Puts the intent of a commit that has a session, on a backend without atomic batches;
    /// returns its id. The put carries the commit's fence: a fenced commit leaves no intent.
    pub(super) async fn write_intent(
        &self,
        intent: &CommitIntent,
        fence: Option<ShardFence>,
    ) -> Result<Option<String>, StorageError> {
        if B::ATOMIC_BATCHES {
            return Ok(None);
        }
        let Some(session) = &intent.session else {
            return Ok(None);
        };
        let id = intent_id(&session.key);
        let mut fields = Fields::with_capacity(1);
        fields.set(TENANT, records::tenant(&session.key.tenant_id));
        let mut batch = WriteBatch::with_capacity(1);
        batch.fence = fence;
        batch.put(crate::backend::Doc {
            collection: &COMMIT_INTENTS,
            id: id.clone(),
            fields,
            body: B::encode(intent)?,
        });
        self.backend.write(batch).await?;
        Ok(Some(id))
    }

    /// Deletes an intent, best effort: one left behind is finished again, harmlessly, on the
    /// next load of its session.
    pub(super) async fn delete_intent(&self, id: &str) {
        let mut batch = WriteBatch::with_capacity(1);
        batch.delete(&COMMIT_INTENTS, id);
        if let Err(error) = self.backend.write(batch).await {
            warn!(intent = id, error = %error, "deleting a commit intent failed");
        }
    }

    /// Finishes the commit intent of `key`, if one was left behind by a commit cut short, then
    /// deletes it. Every part is re-applied idempotently: messages already stored (by id) are
    /// kept as they are (they may have been delivered since), missing ones are inserted; the
    /// session, timers and outbox entries are put again, except an outbox entry whose message is
    /// no longer in the state the entry was made for (it was delivered since) or that is still
    /// there. The intent is discarded without applying it when the stored session has moved
    /// past it, or when one of its messages is refused as a duplicate (its provider id or
    /// sequence number held by another message: the commit was a redelivery that never got
    /// applied). Unfenced: only the session's owner loads it.
    pub(super) async fn finish_intent(&self, key: &SessionKey) -> Result<(), StorageError> {
        if B::ATOMIC_BATCHES {
            return Ok(());
        }
        let id = intent_id(key);
        let Some(stored) = self.backend.get(&COMMIT_INTENTS, &id).await? else {
            return Ok(());
        };
        let intent: CommitIntent = B::decode(stored.body)?;
        match self.replay(&intent).await {
            Ok(Replay::Finished) => {
                info!(intent = %id, "finished a session commit cut short");
            }
            Ok(Replay::Discarded(reason)) => {
                warn!(intent = %id, reason, "discarded a commit intent");
            }
            Err(StorageError::Duplicate(duplicate)) => {
                warn!(intent = %id, ?duplicate, "discarded a commit intent refused as a duplicate");
            }
            Err(error) => return Err(error),
        }
        self.delete_intent(&id).await;
        Ok(())
    }

    async fn replay(&self, intent: &CommitIntent) -> Result<Replay, StorageError> {
        if let Some(session) = &intent.session {
            let stored: Option<SessionState> = self
                .get_record(&SESSIONS, &session.key.tenant_id, session.id.as_str())
                .await?;
            if stored.is_some_and(|stored| stored.last_seq > session.last_seq) {
                return Ok(Replay::Discarded("the session has moved past it"));
            }
        }
        let mut batch = WriteBatch::with_capacity(
            intent.messages.len()
                + 1
                + intent.delivery_updates.len()
                + intent.timers_set.len()
                + intent.timers_cancelled.len()
                + intent.outbox.len(),
        );
        // The delivery state each message of the intent has in the store (or will have once
        // inserted).
        let mut deliveries: Vec<(&MessageId, Delivery)> = Vec::with_capacity(intent.messages.len());
        for (message, channel) in intent.messages.iter().zip(&intent.channels) {
            match self.backend.get(&MESSAGES, message.id.as_str()).await? {
                Some(stored) => {
                    let stored: Message = B::decode(stored.body)?;
                    deliveries.push((&message.id, stored.delivery));
                }
                None => {
                    batch.insert(records::message::<B>(message, *channel)?);
                    deliveries.push((&message.id, message.delivery.clone()));
                }
            }
        }
        if let Some(session) = &intent.session {
            batch.put(records::session::<B>(session)?);
        }
        let tenant = intent
            .session
            .as_ref()
            .map(|session| &session.key.tenant_id);
        for (id, delivery) in &intent.delivery_updates {
            let receipt = DeliveryReceipt::from(delivery.clone());
            if let Some(updated) = self.with_delivery(tenant, id, receipt, None).await? {
                batch.put(updated);
            }
        }
        for timer in &intent.timers_set {
            batch.put(records::timer::<B>(timer)?);
        }
        for id in &intent.timers_cancelled {
            batch.delete(&TIMERS, id.as_str());
        }
        for entry in &intent.outbox {
            let message = &entry.message;
            let current = match deliveries.iter().find(|(id, _)| **id == message.id) {
                Some((_, delivery)) => Some(delivery.clone()),
                None => self
                    .backend
                    .get(&MESSAGES, message.id.as_str())
                    .await?
                    .map(|stored| B::decode::<Message>(stored.body))
                    .transpose()?
                    .map(|stored| stored.delivery),
            };
            if current.as_ref() != Some(&message.delivery) {
                continue;
            }
            if self.backend.get(&OUTBOX, entry.id()).await?.is_some() {
                continue;
            }
            batch.put(records::outbox::<B>(entry)?);
        }
        self.backend.write(batch).await?;
        Ok(Replay::Finished)
    }
}
