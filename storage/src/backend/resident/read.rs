//! Reads from the data in memory: a document by id, and index range queries. The writer applies
//! a group only once it is durable, so a read sees acknowledged writes and nothing that could
//! still be lost.

use super::data::Data;
use crate::backend::docs::bounds::query_range;
use crate::backend::docs::record::stored;
use crate::backend::docs::scan::collect_hits;
use crate::backend::docs::trees::{DOCS, decode_doc, index_slot};
use crate::backend::{Hit, IndexQuery, Stored};
use crate::error::StorageError;

pub(super) fn get(
    data: &Data,
    collection: usize,
    spec: &crate::backend::CollectionSpec,
    id: &str,
) -> Result<Option<Stored<Vec<u8>>>, StorageError> {
    let Some(value) = data.tree(collection, DOCS)?.get(id.as_bytes()) else {
        return Ok(None);
    };
    let (header, body) = decode_doc(spec, value)?;
    stored(spec, header, body).map(Some)
}

pub(super) fn query(
    data: &Data,
    collection: usize,
    query: &IndexQuery,
) -> Result<Vec<Hit<Vec<u8>>>, StorageError> {
    let Some(range) = query_range(query)? else {
        return Ok(Vec::new());
    };
    let slot = index_slot(query.collection.index_position(query.index)?);
    let (index, docs) = (data.tree(collection, slot)?, data.tree(collection, DOCS)?);
    let entries = index.range(range).map(Ok);
    collect_hits(query, entries, |id| Ok(docs.get(id.as_bytes())))
}
