//! Write batches on MongoDB, without multi-document transactions.
//!
//! A fenced batch first claims its shard (`fence.rs`) and checks the stamp of its last put's
//! document; a newer epoch refuses it before anything is written. A batch with a journal puts it
//! next (see [`WriteBatch::journal`]). Inserts follow, in the order given, so a duplicate (a
//! redelivered inbound message) is found before anything else of the batch is written. If an
//! insert fails after earlier inserts of the same batch succeeded, those are deleted again (best
//! effort). Puts and deletes come last; the puts of a fenced batch replace only documents no
//! newer epoch has written, and when one is refused the batch's inserts are deleted again. The
//! journal is deleted when every operation is written, or when an insert was refused as a
//! duplicate (nothing of the batch stays); any other failure leaves the batch partly applied
//! and its journal for recovery. ADR 0002 and ADR 0006 explain the consequences.

use super::MongoBackend;
use super::envelope::{ID, wrap};
use super::fence;
use crate::backend::{CollectionSpec, Doc, ShardFence, WriteBatch, WriteOp};
use crate::error::{Duplicate, ID_INDEX, StorageError};
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc};
use mongodb::error::{ErrorKind, WriteFailure};
use tracing::warn;

const DUPLICATE_KEY: i32 = 11000;
/// A journal's own token: only the writer that put it deletes it.
const JOURNAL_TOKEN: &str = "journalToken";

pub(super) async fn write(
    backend: &MongoBackend,
    batch: WriteBatch<Document>,
) -> Result<(), StorageError> {
    let WriteBatch {
        fence,
        ops,
        journal,
    } = batch;
    if let Some(fence) = fence {
        fence::claim_shard(backend, fence).await?;
        guard_last_put(backend, &ops, fence).await?;
    }
    let journal = match journal {
        Some(doc) => Some(Journal::put(backend, doc, fence).await?),
        None => None,
    };
    let written = apply(backend, ops, fence).await;
    let nothing_stays = match &written {
        Ok(()) => true,
        Err((error, inserts_only)) => *inserts_only && matches!(error, StorageError::Duplicate(_)),
    };
    if let Some(journal) = journal.filter(|_| nothing_stays) {
        journal.delete(backend).await;
    }
    written.map_err(|(error, _)| error)
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

/// Writes the operations: inserts first, then puts and deletes in order. An error comes with
/// whether it was an insert's (then the batch's inserts were deleted again and nothing else
/// was written).
async fn apply(
    backend: &MongoBackend,
    ops: Vec<WriteOp<Document>>,
    fence: Option<ShardFence>,
) -> Result<(), (StorageError, bool)> {
    let (inserts, others): (Vec<_>, Vec<_>) = ops
        .into_iter()
        .partition(|op| matches!(op, WriteOp::Insert(_)));
    let mut inserted: Vec<(&'static CollectionSpec, String)> = Vec::with_capacity(inserts.len());
    for op in inserts {
        let WriteOp::Insert(doc) = op else { continue };
        let (collection, id) = (doc.collection, doc.id.clone());
        let outcome = match envelope_of(doc, fence) {
            Ok(envelope) => match backend.collection(collection) {
                Ok(handle) => handle
                    .insert_one(envelope)
                    .await
                    .map(drop)
                    .map_err(|error| classify(collection, &id, error)),
                Err(error) => Err(error),
            },
            Err(error) => Err(error),
        };
        if let Err(error) = outcome {
            undo_inserts(backend, &inserted).await;
            return Err((error, true));
        }
        inserted.push((collection, id));
    }
    for op in others {
        let outcome = match op {
            WriteOp::Put(doc) => put(backend, doc, fence).await,
            WriteOp::Delete { collection, id } => match backend.collection(collection) {
                Ok(handle) => handle
                    .delete_one(doc! { ID: id })
                    .await
                    .map(drop)
                    .map_err(StorageError::from),
                Err(error) => Err(error),
            },
            WriteOp::Insert(_) => Ok(()),
        };
        if let Err(error) = outcome {
            if matches!(error, StorageError::Fenced(_)) {
                undo_inserts(backend, &inserted).await;
            }
            return Err((error, false));
        }
    }
    Ok(())
}

/// A journal put by this writer.
struct Journal {
    collection: &'static CollectionSpec,
    id: String,
    token: ObjectId,
}

impl Journal {
    /// Puts the journal, stamped with a token of its own (and the fence, when there is one).
    async fn put(
        backend: &MongoBackend,
        doc: Doc<Document>,
        fence: Option<ShardFence>,
    ) -> Result<Self, StorageError> {
        let (collection, id, token) = (doc.collection, doc.id.clone(), ObjectId::new());
        let handle = backend.collection(collection)?;
        let mut envelope = envelope_of(doc, fence)?;
        envelope.insert(JOURNAL_TOKEN, token);
        match fence {
            Some(fence) => fence::put(handle, collection, &id, &envelope, fence).await?,
            None => handle
                .replace_one(doc! { ID: &id }, envelope)
                .upsert(true)
                .await
                .map(drop)
                .map_err(|error| classify(collection, &id, error))?,
        }
        Ok(Self {
            collection,
            id,
            token,
        })
    }

    /// Deletes the journal unless another writer has replaced it since; best effort (one left
    /// behind is found complete by recovery and deleted then).
    async fn delete(self, backend: &MongoBackend) {
        let deleted = match backend.collection(self.collection) {
            Ok(handle) => handle
                .delete_one(doc! { ID: &self.id, JOURNAL_TOKEN: self.token })
                .await
                .map(drop)
                .map_err(StorageError::from),
            Err(error) => Err(error),
        };
        if let Err(error) = deleted {
            warn!(collection = self.collection.name, id = %self.id, error = %error, "deleting a batch's journal failed");
        }
    }
}

/// Replaces the document, or inserts it; conditional on its stamp when the batch is fenced.
async fn put(
    backend: &MongoBackend,
    doc: Doc<Document>,
    fence: Option<ShardFence>,
) -> Result<(), StorageError> {
    let (collection, id) = (doc.collection, doc.id.clone());
    let handle = backend.collection(collection)?;
    let envelope = envelope_of(doc, fence)?;
    match fence {
        Some(fence) => fence::put(handle, collection, &id, &envelope, fence).await,
        None => handle
            .replace_one(doc! { ID: &id }, envelope)
            .upsert(true)
            .await
            .map(drop)
            .map_err(|error| classify(collection, &id, error)),
    }
}

/// The stored form of a document; a fenced batch stamps its shard and epoch on it.
fn envelope_of(doc: Doc<Document>, fence: Option<ShardFence>) -> Result<Document, StorageError> {
    let mut envelope = wrap(&doc.id, &doc.fields, doc.body)?;
    if let Some(fence) = fence {
        fence::stamp(&mut envelope, fence)?;
    }
    Ok(envelope)
}

async fn undo_inserts(backend: &MongoBackend, inserted: &[(&'static CollectionSpec, String)]) {
    for (collection, id) in inserted.iter().rev() {
        let deleted = match backend.collection(collection) {
            Ok(handle) => handle
                .delete_one(doc! { ID: id })
                .await
                .map_err(StorageError::from),
            Err(error) => Err(error),
        };
        if let Err(error) = deleted {
            warn!(collection = collection.name, id = %id, error = %error, "undoing an insert of a refused batch failed");
        }
    }
}

/// The server's message when `error` is a duplicate key error.
fn duplicate_key_message(error: &mongodb::error::Error) -> Option<&str> {
    match error.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(failure)) if failure.code == DUPLICATE_KEY => {
            Some(&failure.message)
        }
        ErrorKind::Command(failure) if failure.code == DUPLICATE_KEY => Some(&failure.message),
        _ => None,
    }
}

pub(super) fn is_duplicate_key(error: &mongodb::error::Error) -> bool {
    duplicate_key_message(error).is_some()
}

/// A duplicate key error becomes [`StorageError::Duplicate`]; anything else stays a driver error.
pub(super) fn classify(
    collection: &CollectionSpec,
    id: &str,
    error: mongodb::error::Error,
) -> StorageError {
    let Some(message) = duplicate_key_message(&error) else {
        return StorageError::Mongo(error);
    };
    StorageError::Duplicate(Duplicate {
        collection: collection.name,
        index: index_named_in(message),
        id: id.to_owned(),
    })
}

/// The index named in a duplicate key message (`... index: name dup key: ...`).
fn index_named_in(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("index: ")?;
    let name = rest.split_whitespace().next()?;
    Some(if name == "_id_" { ID_INDEX } else { name }.to_owned())
}

#[cfg(test)]
mod tests {
    use super::index_named_in;

    #[test]
    fn the_index_is_read_from_the_server_message() {
        let message = "E11000 duplicate key error collection: db.messages index: provider dup key: { tenant: \"t\" }";
        assert_eq!(index_named_in(message).as_deref(), Some("provider"));
        let message =
            "E11000 duplicate key error collection: db.t index: _id_ dup key: { _id: \"1\" }";
        assert_eq!(index_named_in(message).as_deref(), Some("_id"));
        assert_eq!(index_named_in("something else"), None);
    }
}
