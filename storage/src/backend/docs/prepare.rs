//! Everything about a batch that can be worked out before the writer sees it: the collection's
//! place in the backend's layout, the field header and the index keys of each new version. This
//! runs on the caller's task, so the single writer thread only touches stored data.

use super::record::{IndexEntry, encode_header, index_entries};
use crate::backend::{CollectionSpec, ShardFence, WriteBatch, WriteOp};
use crate::error::StorageError;

/// A backend's layout, which keeps the collections of its schema in schema order.
pub(crate) trait Positions {
    fn schema(&self) -> &'static [&'static CollectionSpec];

    /// Where the collection stands in the schema (and in the backend's layout).
    fn position(&self, spec: &'static CollectionSpec) -> Result<usize, StorageError> {
        self.schema()
            .iter()
            .position(|candidate| candidate.name == spec.name)
            .ok_or(StorageError::UnknownCollection(spec.name))
    }
}

#[derive(Debug)]
pub(crate) struct PreparedOp {
    /// Position of the collection in the layout.
    pub collection: usize,
    pub id: String,
    /// The batch fails when a document with this id exists already.
    pub must_be_new: bool,
    /// `None`: remove the document.
    pub new: Option<NewVersion>,
}

#[derive(Debug)]
pub(crate) struct NewVersion {
    pub header: Vec<u8>,
    pub body: Vec<u8>,
    /// One per index of the collection; `None` where the document lacks a field.
    pub entries: Vec<Option<IndexEntry>>,
}

/// A batch ready for the writer: its fence, checked before its operations, and the operations.
#[derive(Debug)]
pub(crate) struct PreparedBatch {
    pub fence: Option<ShardFence>,
    pub ops: Vec<PreparedOp>,
}

pub(crate) fn prepare(
    layout: &(impl Positions + ?Sized),
    batch: WriteBatch<Vec<u8>>,
) -> Result<PreparedBatch, StorageError> {
    let ops = batch
        .ops
        .into_iter()
        .map(|op| {
            let (doc, must_be_new) = match op {
                WriteOp::Insert(doc) => (doc, true),
                WriteOp::Put(doc) => (doc, false),
                WriteOp::Delete { collection, id } => {
                    return Ok(PreparedOp {
                        collection: layout.position(collection)?,
                        id,
                        must_be_new: false,
                        new: None,
                    });
                }
            };
            let new = NewVersion {
                header: encode_header(&doc.fields),
                entries: index_entries(doc.collection, &doc.fields, &doc.id),
                body: doc.body,
            };
            Ok(PreparedOp {
                collection: layout.position(doc.collection)?,
                id: doc.id,
                must_be_new,
                new: Some(new),
            })
        })
        .collect::<Result<_, StorageError>>()?;
    Ok(PreparedBatch {
        fence: batch.fence,
        ops,
    })
}
