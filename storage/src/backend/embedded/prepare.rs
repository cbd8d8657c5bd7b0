//! Everything about a batch that can be worked out before the writer sees it: the collection's
//! tables, the field header and the index keys of each new version. This runs on the caller's
//! task, so the single writer thread only touches B-trees.

use super::record::{IndexEntry, encode_header, index_entries};
use super::tables::Layout;
use crate::backend::{WriteBatch, WriteOp};
use crate::error::StorageError;

#[derive(Debug)]
pub(super) struct PreparedOp {
    /// Position of the collection in the layout.
    pub collection: usize,
    pub id: String,
    /// The batch fails when a document with this id exists already.
    pub must_be_new: bool,
    /// `None`: remove the document.
    pub new: Option<NewVersion>,
}

#[derive(Debug)]
pub(super) struct NewVersion {
    pub header: Vec<u8>,
    pub body: Vec<u8>,
    /// One per index of the collection; `None` where the document lacks a field.
    pub entries: Vec<Option<IndexEntry>>,
}

pub(super) fn prepare(
    layout: &Layout,
    batch: WriteBatch<Vec<u8>>,
) -> Result<Vec<PreparedOp>, StorageError> {
    batch
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
        .collect()
}
