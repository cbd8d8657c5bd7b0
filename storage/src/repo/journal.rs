//! Commit journals: session commits that survive a crash on a backend without atomic batches.
//!
//! On MongoDB a commit is many single-document writes, and a process killed in the middle
//! leaves it half written: an inbound message stored without the session record that answers
//! it, whose redelivery is then refused as a duplicate; a reply without its outbox entry. So a
//! commit's batch carries a journal ([`WriteBatch::journal`]): one document, under the session
//! key, holding the whole prepared commit. The backend puts it first (a single-document write is
//! atomic) and deletes it when the batch is written. The session record is the batch's last
//! write, so a stored session equal to the journal's says the batch was written whole.
//!
//! Recovery ([`Store::finish_journals`]) runs when a node takes sessions on (at start, or when
//! it adopts shards), before it loads their timers and unsent messages and before any of them
//! runs; nothing has acted on a half-written commit by then, because its writer arms timers
//! and sends only after the commit returns. A journal whose session is stored as the journal
//! has it is deleted; any other is written again, idempotently (missing messages inserted,
//! everything else put again), with the session last and the journal's deletion after it.
//! Putting the messages already stored again makes them this writer's: a stale writer of the
//! same commit, resumed later and refused, takes back only documents still carrying its own
//! token (see the MongoDB backend's `write.rs`). They are put again as stored, not as the
//! journal has them: a reply sent and recorded since keeps its delivery state, and its outbox
//! entry is not brought back to be sent twice. ADR 0002, "Commit journal".

use super::commit::AlreadyStored;
use super::schema::{COMMIT_JOURNALS, JOURNALS_BY_TENANT, MESSAGES, SESSIONS, TENANT};
use super::{Store, records};
use crate::backend::{Doc, DocumentBackend, Fields, IndexQuery, ShardFence, WriteBatch};
use crate::error::StorageError;
use botwot_engine::channel::Channel;
use botwot_engine::ids::{MessageId, TimerId};
use botwot_engine::message::{Delivery, Message};
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::SessionAccess;
use botwot_engine::timer::DurableTimer;
use botwot_engine::{SessionKey, SessionState};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

/// A session commit ready to write: what its batch is built from, and what its journal holds.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PreparedCommit {
    pub session: Option<SessionState>,
    /// Inbound messages with a provider id first; delivery updates of these messages are
    /// already folded in.
    pub messages: Vec<Message>,
    /// The channel of each message (same order), resolved for those with a provider id.
    pub channels: Vec<Option<Channel>>,
    /// Delivery updates of messages stored before this commit.
    pub delivery_updates: Vec<(MessageId, Delivery)>,
    pub timers_set: Vec<DurableTimer>,
    pub timers_cancelled: Vec<TimerId>,
    pub outbox: Vec<OutboxEntry>,
}

/// Journals finished at the same time.
const RECOVERED_AT_ONCE: usize = 16;

/// The id of a session key's journal: each part of the key prefixed by its length.
pub(super) fn journal_id(key: &SessionKey) -> String {
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

/// What recovery did with one journal.
enum Recovered {
    /// The commit had been written whole; only the journal was left.
    AlreadyWhole,
    /// The commit was written again.
    Finished,
    /// The commit must not be written; the reason is logged.
    Discarded(String),
}

impl<B: DocumentBackend> Store<B> {
    /// The journal of a commit that writes a session, on a backend without atomic batches.
    pub(super) fn journal_of(
        &self,
        commit: &PreparedCommit,
    ) -> Result<Option<Doc<B::Body>>, StorageError> {
        if B::ATOMIC_BATCHES {
            return Ok(None);
        }
        let Some(session) = &commit.session else {
            return Ok(None);
        };
        let mut fields = Fields::with_capacity(1);
        fields.set(TENANT, records::tenant(&session.key.tenant_id));
        Ok(Some(Doc {
            collection: &COMMIT_JOURNALS,
            id: journal_id(&session.key),
            fields,
            body: B::encode(commit)?,
        }))
    }

    /// Finishes the journaled commits of the sessions `access` gives this node, under the fence
    /// it gives; returns how many were written again. A journal that cannot be read is logged
    /// and left; a fenced rewrite means the shard has moved on, and is left to its new owner.
    pub(super) async fn finish_journals(
        &self,
        access: &dyn SessionAccess,
    ) -> Result<usize, StorageError> {
        if B::ATOMIC_BATCHES {
            return Ok(0);
        }
        let query = IndexQuery::new(&COMMIT_JOURNALS, &JOURNALS_BY_TENANT, Vec::new());
        let mut ours = Vec::new();
        for hit in self.backend.query(query).await? {
            let commit: PreparedCommit = match B::decode(hit.body) {
                Ok(commit) => commit,
                Err(error) => {
                    warn!(journal = %hit.id, %error, "a commit journal cannot be read; left as it is");
                    continue;
                }
            };
            let Some(session) = &commit.session else {
                continue;
            };
            if let Some(access) = access.access(&session.key) {
                let fence = access.fence.map(super::commit::shard_fence);
                ours.push((hit.id, commit, fence));
            }
        }
        // Journals of different sessions touch different documents: finished side by side, so
        // a node that takes many on is not held up by the database's latency once per journal.
        let recoveries: Vec<_> = ours
            .iter()
            .map(|(id, commit, fence)| self.recover_named(id, commit, *fence))
            .collect();
        let mut recovered = futures::stream::iter(recoveries).buffer_unordered(RECOVERED_AT_ONCE);
        let mut finished = 0;
        while let Some((id, outcome)) = recovered.next().await {
            match outcome {
                Ok(Recovered::AlreadyWhole) => {}
                Ok(Recovered::Finished) => {
                    info!(journal = %id, "finished a session commit cut short");
                    finished += 1;
                }
                Ok(Recovered::Discarded(reason)) => {
                    warn!(journal = %id, reason, "discarded a commit journal");
                }
                Err(StorageError::Fenced(fenced)) => {
                    warn!(journal = %id, %fenced, "commit journal left to the shard's new owner");
                }
                Err(error) => return Err(error),
            }
        }
        Ok(finished)
    }

    /// Finishes the journaled commit of `key`'s session, if one is left and `access` gives the
    /// session to this node; returns the outbox entries of the journaled commit (finished now,
    /// or found written whole), or `None` when there was none.
    pub(super) async fn finish_journal_of(
        &self,
        key: &SessionKey,
        access: &dyn SessionAccess,
    ) -> Result<Option<Vec<OutboxEntry>>, StorageError> {
        if B::ATOMIC_BATCHES {
            return Ok(None);
        }
        let Some(access) = access.access(key) else {
            return Ok(None);
        };
        let id = journal_id(key);
        let Some(stored) = self.backend.get(&COMMIT_JOURNALS, &id).await? else {
            return Ok(None);
        };
        let commit: PreparedCommit = B::decode(stored.body)?;
        let fence = access.fence.map(super::commit::shard_fence);
        match self.recover(&id, &commit, fence).await? {
            Recovered::Finished => {
                info!(journal = %id, "finished a session commit that failed part-way");
                Ok(Some(commit.outbox))
            }
            // Written whole, though its writer may have seen an error (an acknowledgement lost
            // with the connection).
            Recovered::AlreadyWhole => Ok(Some(commit.outbox)),
            Recovered::Discarded(reason) => {
                warn!(journal = %id, reason, "discarded a commit journal");
                Ok(None)
            }
        }
    }

    /// [`recover`](Self::recover), with the journal's id beside the outcome.
    async fn recover_named<'a>(
        &self,
        id: &'a str,
        commit: &PreparedCommit,
        fence: Option<ShardFence>,
    ) -> (&'a str, Result<Recovered, StorageError>) {
        (id, self.recover(id, commit, fence).await)
    }

    async fn recover(
        &self,
        id: &str,
        commit: &PreparedCommit,
        fence: Option<ShardFence>,
    ) -> Result<Recovered, StorageError> {
        let Some(session) = &commit.session else {
            return Ok(Recovered::Discarded("it writes no session".to_owned()));
        };
        let stored: Option<SessionState> = self
            .get_record(&SESSIONS, &session.key.tenant_id, session.id.as_str())
            .await?;
        if stored.as_ref() == Some(session) {
            self.delete_journal(id, fence).await?;
            return Ok(Recovered::AlreadyWhole);
        }
        let stored = self.already_stored(&commit.messages).await?;
        let mut batch = self.commit_batch(commit, fence, stored).await?;
        batch.delete(&COMMIT_JOURNALS, id);
        match self.backend.write(batch).await {
            Ok(()) => Ok(Recovered::Finished),
            // A provider id or sequence number held by another message: the commit was a
            // redelivery, refused before it was written.
            Err(StorageError::Duplicate(duplicate)) => {
                self.delete_journal(id, fence).await?;
                Ok(Recovered::Discarded(format!(
                    "a unique key is taken: {duplicate:?}"
                )))
            }
            Err(error) => Err(error),
        }
    }

    /// The journaled messages found stored, as they are now, and those of them whose send is
    /// recorded (past pending).
    async fn already_stored(
        &self,
        messages: &[Message],
    ) -> Result<AlreadyStored<B::Body>, StorageError> {
        let mut stored = AlreadyStored::none();
        for message in messages {
            let Some(found) = self.backend.get(&MESSAGES, message.id.as_str()).await? else {
                continue;
            };
            let as_stored: Message = B::decode(found.body)?;
            if as_stored.delivery != Delivery::Pending {
                stored.sent.insert(message.id.clone());
            }
            let doc = records::message_with_fields::<B>(&as_stored, found.fields)?;
            stored.messages.insert(message.id.clone(), doc);
        }
        Ok(stored)
    }

    async fn delete_journal(
        &self,
        id: &str,
        fence: Option<ShardFence>,
    ) -> Result<(), StorageError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.fence = fence;
        batch.delete(&COMMIT_JOURNALS, id);
        self.backend.write(batch).await
    }
}
