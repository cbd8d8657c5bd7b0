//! Write batches on MongoDB, without multi-document transactions.
//!
//! A fenced batch first claims its shard (`fence.rs`) and checks the stamp of its last put's
//! document; a newer epoch refuses it before anything is written. A batch with a journal puts it
//! next (see [`WriteBatch::journal`]). Inserts follow, in the order given, so a duplicate (a
//! redelivered inbound message) is found before anything else of the batch is written. Puts and
//! deletes come last; the puts of a fenced batch replace only documents no newer epoch has
//! written.
//!
//! Every document a batch writes carries the batch's own token. When an insert fails, or a put
//! is refused by a newer epoch, the batch takes back what it created (best effort): it deletes
//! each document it inserted, or put where there was none, that still carries its token. A
//! document the shard's new owner has written since carries the owner's token, and stays. The
//! journal is deleted when every operation is written, and when the batch was refused (an
//! insert as a duplicate: a redelivery; a put by a newer epoch: the session has moved on, and
//! the journal would bring the refused state back); any other failure leaves the batch partly
//! applied and its journal for recovery. ADR 0002 and ADR 0006 explain the consequences.

use super::MongoBackend;
use super::duplicate::classify;
use super::envelope::{ID, wrap};
use super::fence;
use super::pause::{Pause, PausePoint};
use crate::backend::{CollectionSpec, Doc, ShardFence, WriteBatch, WriteOp};
use crate::error::StorageError;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc};
use tracing::warn;

/// The token of the batch that last wrote a document (and of a journal's writer).
const WRITE_TOKEN: &str = "writeToken";

pub(super) async fn write(
    backend: &MongoBackend,
    batch: WriteBatch<Document>,
) -> Result<(), StorageError> {
    let WriteBatch {
        fence,
        ops,
        journal,
    } = batch;
    let mut pause = backend.pause.take();
    if let Some(fence) = fence {
        fence::claim_shard(backend, fence).await?;
        guard_last_put(backend, &ops, fence).await?;
    }
    Pause::at(&mut pause, PausePoint::AfterClaim).await;
    let mut writer = BatchWriter::new(backend, fence);
    let journal = match journal {
        Some(doc) => Some(writer.put_journal(doc).await?),
        None => None,
    };
    let written = writer.apply(ops, &mut pause).await;
    let refused = match &written {
        Ok(()) => false,
        Err(error) => matches!(error, StorageError::Duplicate(_) | StorageError::Fenced(_)),
    };
    if refused || written.as_ref().is_err_and(|_| writer.inserting) {
        writer.take_back_created().await;
    }
    let nothing_stays = written.is_ok() || refused;
    if let Some(journal) = journal.filter(|_| nothing_stays) {
        writer.delete_journal(journal).await;
    }
    written
}

/// Refuses a fenced batch before it writes anything when a newer epoch has written the
/// document of its last put: a session commit puts its session last (its commit point), and a
/// newer owner of the shard writes that document with every commit of the session, so a writer
/// that lost the shard is stopped before its timers, outbox entries and deletes.
async fn guard_last_put(
    backend: &MongoBackend,
    ops: &[WriteOp<Document>],
    fence: ShardFence,
) -> Result<(), StorageError> {
    let last_put = ops.iter().rev().find_map(|op| match op {
        WriteOp::Put(doc) => Some(doc),
        _ => None,
    });
    match last_put {
        Some(doc) => fence::check_stamp(backend.collection(doc.collection)?, &doc.id, fence).await,
        None => Ok(()),
    }
}

/// A journal put by a batch.
struct Journal {
    collection: &'static CollectionSpec,
    id: String,
}

/// One batch's writes, stamped with its token, and the documents it created.
struct BatchWriter<'a> {
    backend: &'a MongoBackend,
    fence: Option<ShardFence>,
    token: ObjectId,
    /// Documents this batch inserted, or put where there was none.
    created: Vec<(&'static CollectionSpec, String)>,
    /// Whether the inserts are still being written (a failure then is an insert's).
    inserting: bool,
}

impl<'a> BatchWriter<'a> {
    fn new(backend: &'a MongoBackend, fence: Option<ShardFence>) -> Self {
        Self {
            backend,
            fence,
            token: ObjectId::new(),
            created: Vec::new(),
            inserting: true,
        }
    }

    /// Puts the journal (conditional on its stamp when the batch is fenced).
    async fn put_journal(&self, doc: Doc<Document>) -> Result<Journal, StorageError> {
        let journal = Journal {
            collection: doc.collection,
            id: doc.id.clone(),
        };
        // Not among what a refused batch takes back: deleted on its own, by its token.
        self.replace(doc).await?;
        Ok(journal)
    }

    /// Writes the operations: inserts first, then puts and deletes in order.
    async fn apply(
        &mut self,
        ops: Vec<WriteOp<Document>>,
        pause: &mut Option<Pause>,
    ) -> Result<(), StorageError> {
        let (inserts, others): (Vec<_>, Vec<_>) = ops
            .into_iter()
            .partition(|op| matches!(op, WriteOp::Insert(_)));
        for op in inserts {
            if let WriteOp::Insert(doc) = op {
                self.insert(doc).await?;
                Pause::at(pause, PausePoint::AfterInserts(self.created.len())).await;
            }
        }
        self.inserting = false;
        for op in others {
            match op {
                WriteOp::Put(doc) => self.put(doc).await?,
                WriteOp::Delete { collection, id } => {
                    self.backend
                        .collection(collection)?
                        .delete_one(doc! { ID: id })
                        .await?;
                }
                WriteOp::Insert(_) => {}
            }
        }
        Ok(())
    }

    async fn insert(&mut self, doc: Doc<Document>) -> Result<(), StorageError> {
        let (collection, id) = (doc.collection, doc.id.clone());
        let envelope = self.envelope_of(doc)?;
        self.backend
            .collection(collection)?
            .insert_one(envelope)
            .await
            .map_err(|error| classify(collection, &id, error))?;
        self.created.push((collection, id));
        Ok(())
    }

    /// Puts the document, remembering it when there was none.
    async fn put(&mut self, doc: Doc<Document>) -> Result<(), StorageError> {
        let (collection, id) = (doc.collection, doc.id.clone());
        if self.replace(doc).await? {
            self.created.push((collection, id));
        }
        Ok(())
    }

    /// Replaces the document, or inserts it (then says so); conditional on its stamp when the
    /// batch is fenced.
    async fn replace(&self, doc: Doc<Document>) -> Result<bool, StorageError> {
        let (collection, id) = (doc.collection, doc.id.clone());
        let handle = self.backend.collection(collection)?;
        let envelope = self.envelope_of(doc)?;
        match self.fence {
            Some(fence) => fence::put(handle, collection, &id, &envelope, fence).await,
            None => handle
                .replace_one(doc! { ID: &id }, envelope)
                .upsert(true)
                .await
                .map(|replaced| replaced.upserted_id.is_some())
                .map_err(|error| classify(collection, &id, error)),
        }
    }

    /// The stored form of a document: stamped with the batch's token, and with its shard and
    /// epoch when the batch is fenced.
    fn envelope_of(&self, doc: Doc<Document>) -> Result<Document, StorageError> {
        let mut envelope = wrap(&doc.id, &doc.fields, doc.body)?;
        if let Some(fence) = self.fence {
            fence::stamp(&mut envelope, fence)?;
        }
        envelope.insert(WRITE_TOKEN, self.token);
        Ok(envelope)
    }

    /// Deletes, newest first, what the batch created and nobody has written since.
    async fn take_back_created(&mut self) {
        for (collection, id) in std::mem::take(&mut self.created).into_iter().rev() {
            if let Err(error) = self.delete_own(collection, &id).await {
                warn!(collection = collection.name, id = %id, error = %error, "taking back a write of a refused batch failed");
            }
        }
    }

    /// Deletes the journal unless another writer has replaced it since; best effort (one left
    /// behind is found complete by recovery and deleted then).
    async fn delete_journal(&self, journal: Journal) {
        if let Err(error) = self.delete_own(journal.collection, &journal.id).await {
            warn!(collection = journal.collection.name, id = %journal.id, error = %error, "deleting a batch's journal failed");
        }
    }

    /// Deletes the document if it still carries this batch's token.
    async fn delete_own(
        &self,
        collection: &'static CollectionSpec,
        id: &str,
    ) -> Result<(), StorageError> {
        self.backend
            .collection(collection)?
            .delete_one(doc! { ID: id, WRITE_TOKEN: self.token })
            .await?;
        Ok(())
    }
}
