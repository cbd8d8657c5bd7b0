//! Reads from a fjall snapshot: a document by id, and index range queries. The writer applies a
//! group to the memtables only after it is durable, so a read sees acknowledged writes and
//! nothing that could still be lost.

use super::layout::Layout;
use crate::backend::docs::bounds::query_range;
use crate::backend::docs::record::stored;
use crate::backend::docs::scan::collect_hits;
use crate::backend::docs::trees::decode_doc;
use crate::backend::{CollectionSpec, Hit, IndexQuery, Stored};
use crate::error::StorageError;
use fjall::{Database, Readable};

pub(super) fn get(
    layout: &Layout,
    collection: &'static CollectionSpec,
    id: &str,
) -> Result<Option<Stored<Vec<u8>>>, StorageError> {
    let Some(value) = layout.collection(collection)?.docs()?.get(id.as_bytes())? else {
        return Ok(None);
    };
    let (header, body) = decode_doc(collection, &value)?;
    stored(collection, header, body).map(Some)
}

pub(super) fn query(
    db: &Database,
    layout: &Layout,
    query: &IndexQuery,
) -> Result<Vec<Hit<Vec<u8>>>, StorageError> {
    let trees = layout.collection(query.collection)?;
    let Some(range) = query_range(query)? else {
        return Ok(Vec::new());
    };
    let (index, docs) = (trees.index(query.index)?, trees.docs()?);
    // One snapshot for the index and the documents, so every entry finds its document.
    let snapshot = db.snapshot();
    let entries = snapshot
        .range(index, range)
        .map(|entry| entry.into_inner().map_err(StorageError::from));
    collect_hits(query, entries, |id| Ok(snapshot.get(docs, id.as_bytes())?))
}
