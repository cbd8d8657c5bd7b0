//! Write batches on MongoDB, without multi-document transactions.
//!
//! A fenced batch first claims its shard (`fence.rs`); a newer epoch refuses it before anything
//! is written. Inserts go next, in the order given, so a duplicate (a redelivered inbound
//! message) is found before anything else of the batch is written. If an insert fails after
//! earlier inserts of the same batch succeeded, those are deleted again (best effort). Puts and
//! deletes follow; the puts of a fenced batch replace only documents no newer epoch has
//! written, and when one is refused the batch's inserts are deleted again. Any other failure
//! there leaves the batch partly applied. ADR 0002 and ADR 0006 explain the consequences.

use super::MongoBackend;
use super::envelope::{ID, wrap};
use super::fence;
use crate::backend::{CollectionSpec, Doc, ShardFence, WriteBatch, WriteOp};
use crate::error::{Duplicate, ID_INDEX, StorageError};
use mongodb::bson::{Document, doc};
use mongodb::error::{ErrorKind, WriteFailure};
use tracing::warn;

const DUPLICATE_KEY: i32 = 11000;

pub(super) async fn write(
    backend: &MongoBackend,
    batch: WriteBatch<Document>,
) -> Result<(), StorageError> {
    let fence = batch.fence;
    if let Some(fence) = fence {
        fence::claim_shard(backend, fence).await?;
    }
    let (inserts, others): (Vec<_>, Vec<_>) = batch
        .ops
        .into_iter()
        .partition(|op| matches!(op, WriteOp::Insert(_)));
    let mut inserted: Vec<(&'static CollectionSpec, String)> = Vec::with_capacity(inserts.len());
    for op in inserts {
        let WriteOp::Insert(doc) = op else { continue };
        let (collection, id) = (doc.collection, doc.id.clone());
        let outcome = match envelope_of(doc, fence) {
            Ok(envelope) => backend
                .collection(collection)?
                .insert_one(envelope)
                .await
                .map_err(|error| classify(collection, &id, error)),
            Err(error) => Err(error),
        };
        if let Err(error) = outcome {
            undo_inserts(backend, &inserted).await;
            return Err(error);
        }
        inserted.push((collection, id));
    }
    for op in others {
        match op {
            WriteOp::Put(doc) => {
                if let Err(error) = put(backend, doc, fence).await {
                    if matches!(error, StorageError::Fenced(_)) {
                        undo_inserts(backend, &inserted).await;
                    }
                    return Err(error);
                }
            }
            WriteOp::Delete { collection, id } => {
                backend
                    .collection(collection)?
                    .delete_one(doc! { ID: id })
                    .await?;
            }
            WriteOp::Insert(_) => {}
        }
    }
    Ok(())
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
