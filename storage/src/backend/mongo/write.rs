//! Write batches on MongoDB, without multi-document transactions.
//!
//! Inserts go first, in the order given, so a duplicate (a redelivered inbound message) is found
//! before anything else of the batch is written. If an insert fails after earlier inserts of
//! the same batch succeeded, those are deleted again (best effort). Puts and deletes follow; a
//! failure there leaves the batch partly applied. ADR 0002 explains the consequences.

use super::MongoBackend;
use super::envelope::{ID, wrap};
use crate::backend::{CollectionSpec, Doc, WriteBatch, WriteOp};
use crate::error::{Duplicate, ID_INDEX, StorageError};
use mongodb::bson::{Document, doc};
use mongodb::error::{ErrorKind, WriteFailure};
use tracing::warn;

const DUPLICATE_KEY: i32 = 11000;

pub(super) async fn write(
    backend: &MongoBackend,
    batch: WriteBatch<Document>,
) -> Result<(), StorageError> {
    let (inserts, others): (Vec<_>, Vec<_>) = batch
        .ops
        .into_iter()
        .partition(|op| matches!(op, WriteOp::Insert(_)));
    let mut inserted: Vec<(&'static CollectionSpec, String)> = Vec::with_capacity(inserts.len());
    for op in inserts {
        let WriteOp::Insert(doc) = op else { continue };
        let (collection, id) = (doc.collection, doc.id.clone());
        let outcome = match envelope_of(doc) {
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
                let (collection, id) = (doc.collection, doc.id.clone());
                backend
                    .collection(collection)?
                    .replace_one(doc! { ID: &id }, envelope_of(doc)?)
                    .upsert(true)
                    .await
                    .map_err(|error| classify(collection, &id, error))?;
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

fn envelope_of(doc: Doc<Document>) -> Result<Document, StorageError> {
    wrap(&doc.id, &doc.fields, doc.body)
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

/// A duplicate key error becomes [`StorageError::Duplicate`]; anything else stays a driver error.
fn classify(collection: &CollectionSpec, id: &str, error: mongodb::error::Error) -> StorageError {
    let message = match error.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(failure)) if failure.code == DUPLICATE_KEY => {
            failure.message.clone()
        }
        ErrorKind::Command(failure) if failure.code == DUPLICATE_KEY => failure.message.clone(),
        _ => return StorageError::Mongo(error),
    };
    StorageError::Duplicate(Duplicate {
        collection: collection.name,
        index: index_named_in(&message),
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
