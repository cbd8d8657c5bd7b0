//! Reads from a redb snapshot: a document by id, and index range queries.

use super::tables::{Layout, ReadIndex, SHARD_FENCES};
use crate::backend::docs::bounds::query_range;
use crate::backend::docs::record::{decode_header, id_of_entry, stored};
use crate::backend::{CollectionSpec, Hit, IndexQuery, Order, Stored};
use crate::error::StorageError;
use crate::keys;
use redb::{Database, Range, ReadableTable, Value};
use std::collections::BTreeMap;
use std::ops::Bound;

pub(super) fn get(
    db: &Database,
    layout: &Layout,
    collection: &'static CollectionSpec,
    id: &str,
) -> Result<Option<Stored<Vec<u8>>>, StorageError> {
    let txn = db.begin_read()?;
    let docs = layout.collection(collection)?.read_docs(&txn)?;
    let Some(found) = docs.get(id.as_bytes())? else {
        return Ok(None);
    };
    let (header, body) = found.value();
    stored(collection, header, body).map(Some)
}

pub(super) fn query(
    db: &Database,
    layout: &Layout,
    query: &IndexQuery,
) -> Result<Vec<Hit<Vec<u8>>>, StorageError> {
    let spec = query.collection;
    let field_count = query.index.fields.len();
    let txn = db.begin_read()?;
    let tables = layout.collection(spec)?;
    let index = tables.read_index(&txn, query.index)?;
    let Some(range) = query_range(query)? else {
        return Ok(Vec::new());
    };
    let docs = tables.read_docs(&txn)?;
    let mut hits = Vec::new();
    let mut visit = |key: &[u8], id: String, position: Option<Vec<u8>>| {
        let Some(found) = docs.get(id.as_bytes())? else {
            return Err(StorageError::Corrupt(format!(
                "index {} of {} points at missing document {id}",
                query.index.name, spec.name
            )));
        };
        let (header, body) = found.value();
        if query.filters.is_empty() || decode_header(spec, header)?.matches(&query.filters) {
            let position = position.unwrap_or_else(|| key.to_vec());
            hits.push(Hit {
                body: body.to_vec(),
                position,
                id,
            });
        }
        Ok(hits.len() < query.limit)
    };
    let bounds = (as_slice(&range.0), as_slice(&range.1));
    match index {
        ReadIndex::Unique(table) => scan(table.range::<&[u8]>(bounds)?, query.order, |key, id| {
            let id = String::from_utf8(id.to_vec())
                .map_err(|_| StorageError::Corrupt(format!("a {} id is not UTF-8", spec.name)))?;
            let mut position = key.to_vec();
            keys::encode_str(&mut position, &id);
            visit(key, id, Some(position))
        }),
        ReadIndex::Ordered(table) => scan(table.range::<&[u8]>(bounds)?, query.order, |key, ()| {
            visit(key, id_of_entry(spec, key, field_count)?, None)
        }),
    }?;
    Ok(hits)
}

/// Visits index entries in `order` until `visit` answers `false`.
fn scan<V: Value + 'static>(
    mut entries: Range<'static, &'static [u8], V>,
    order: Order,
    mut visit: impl FnMut(&[u8], V::SelfType<'_>) -> Result<bool, StorageError>,
) -> Result<(), StorageError> {
    loop {
        let entry = match order {
            Order::Ascending => entries.next(),
            Order::Descending => entries.next_back(),
        };
        let Some(entry) = entry else {
            return Ok(());
        };
        let (key, value) = entry?;
        if !visit(key.value(), value.value())? {
            return Ok(());
        }
    }
}

fn as_slice(bound: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    bound.as_ref().map(Vec::as_slice)
}

/// Every shard fence: shard → the highest epoch accepted.
pub(super) fn shard_epochs(db: &Database) -> Result<BTreeMap<u32, u64>, StorageError> {
    let txn = db.begin_read()?;
    let fences = txn.open_table(SHARD_FENCES)?;
    let mut epochs = BTreeMap::new();
    for entry in fences.iter()? {
        let (shard, epoch) = entry?;
        epochs.insert(shard.value(), epoch.value());
    }
    Ok(epochs)
}
