//! Reads from a redb snapshot: a document by id, and index range queries.

use super::record::{decode_header, id_of_entry, values_part};
use super::tables::{Layout, ReadIndex};
use crate::backend::{CollectionSpec, FieldValue, Hit, IndexQuery, Order, Stored};
use crate::error::StorageError;
use crate::keys;
use redb::{Database, Range, Value};
use std::ops::Bound;

pub(super) fn get(
    db: &Database,
    layout: &Layout,
    collection: &'static CollectionSpec,
    id: &str,
) -> Result<Option<Stored<Vec<u8>>>, StorageError> {
    let txn = db.begin_read()?;
    let docs = layout.collection(collection)?.read_docs(&txn)?;
    let Some(found) = docs.get(id)? else {
        return Ok(None);
    };
    let (header, body) = found.value();
    Ok(Some(Stored {
        fields: decode_header(collection, header)?,
        body: body.to_vec(),
    }))
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
    // A unique index is keyed on the values alone: resume after the values of the position.
    let after = match (&index, &query.after) {
        (ReadIndex::Unique(_), Some(after)) => Some(values_part(spec, after, field_count)?),
        (_, after) => after.as_deref(),
    };
    let Some(range) = key_bounds(query, after) else {
        return Ok(Vec::new());
    };
    let docs = tables.read_docs(&txn)?;
    let mut hits = Vec::new();
    let mut visit = |key: &[u8], id: String, position: Option<Vec<u8>>| {
        let Some(found) = docs.get(id.as_str())? else {
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
            let id = id.to_owned();
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

/// The first and last index keys a query may read.
type KeyRange = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// The key range a query reads, or `None` when it is empty.
fn key_bounds(query: &IndexQuery, after: Option<&[u8]>) -> Option<KeyRange> {
    if query.limit == 0 {
        return None;
    }
    let mut prefix = Vec::with_capacity(64);
    keys::encode_tuple(&mut prefix, &query.prefix);
    let with = |value: &FieldValue, past_it: bool| {
        let mut key = prefix.clone();
        keys::encode_value(&mut key, value);
        if past_it {
            key.push(keys::PREFIX_END);
        }
        key
    };
    let mut lower = match &query.lower {
        Bound::Included(value) => Bound::Included(with(value, false)),
        Bound::Excluded(value) => Bound::Included(with(value, true)),
        Bound::Unbounded => Bound::Included(prefix.clone()),
    };
    let mut upper = match &query.upper {
        Bound::Included(value) => Bound::Excluded(with(value, true)),
        Bound::Excluded(value) => Bound::Excluded(with(value, false)),
        Bound::Unbounded => {
            let mut end = prefix.clone();
            end.push(keys::PREFIX_END);
            Bound::Excluded(end)
        }
    };
    if let Some(after) = after {
        match query.order {
            Order::Ascending if Some(after) >= bound_key(&lower) => {
                lower = Bound::Excluded(after.to_vec());
            }
            Order::Descending if Some(after) < bound_key(&upper) => {
                upper = Bound::Excluded(after.to_vec());
            }
            _ => {}
        }
    }
    let (start, end) = (bound_key(&lower)?, bound_key(&upper)?);
    (start < end).then_some((lower, upper))
}

fn bound_key(bound: &Bound<Vec<u8>>) -> Option<&[u8]> {
    match bound {
        Bound::Included(key) | Bound::Excluded(key) => Some(key),
        Bound::Unbounded => None,
    }
}
