//! Reads from a fjall snapshot: a document by id, and index range queries. The writer applies a
//! group to the memtables only after it is durable, so a read sees acknowledged writes and
//! nothing that could still be lost.

use super::layout::{Layout, decode_doc};
use crate::backend::docs::bounds::query_range;
use crate::backend::docs::record::{decode_header, id_of_entry, stored};
use crate::backend::{CollectionSpec, Hit, IndexQuery, Order, Stored};
use crate::error::StorageError;
use crate::keys;
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
    let spec = query.collection;
    let field_count = query.index.fields.len();
    let unique = query.index.unique;
    let trees = layout.collection(spec)?;
    let Some(range) = query_range(query)? else {
        return Ok(Vec::new());
    };
    let (index, docs) = (trees.index(query.index)?, trees.docs()?);
    // One snapshot for the index and the documents, so every entry finds its document.
    let snapshot = db.snapshot();
    let mut entries = snapshot.range(index, range);
    let mut hits = Vec::new();
    while hits.len() < query.limit {
        let entry = match query.order {
            Order::Ascending => entries.next(),
            Order::Descending => entries.next_back(),
        };
        let Some(entry) = entry else {
            break;
        };
        let (key, value) = entry.into_inner()?;
        let (id, position) = match unique {
            true => {
                let id = String::from_utf8(value.to_vec()).map_err(|_| {
                    StorageError::Corrupt(format!("a {} id is not UTF-8", spec.name))
                })?;
                let mut position = key.to_vec();
                keys::encode_str(&mut position, &id);
                (id, position)
            }
            false => (id_of_entry(spec, &key, field_count)?, key.to_vec()),
        };
        let Some(found) = snapshot.get(docs, id.as_bytes())? else {
            return Err(StorageError::Corrupt(format!(
                "index {} of {} points at missing document {id}",
                query.index.name, spec.name
            )));
        };
        let (header, body) = decode_doc(spec, &found)?;
        if query.filters.is_empty() || decode_header(spec, header)?.matches(&query.filters) {
            hits.push(Hit {
                id,
                body: body.to_vec(),
                position,
            });
        }
    }
    Ok(hits)
}
