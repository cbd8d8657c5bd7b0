//! The hits of an index query from the entries of its key range (`bounds.rs`), for the
//! key-value backends (the LSM tree and the resident store), which keep indexes and documents
//! as the trees of `trees.rs`.

use super::record::{decode_header, id_of_entry};
use super::trees::decode_doc;
use crate::backend::{Hit, IndexQuery, Order};
use crate::error::StorageError;
use crate::keys;

/// Reads `entries` (the index entries of the query's range, ascending) from the end the query
/// asks for, finds each entry's document with `document`, and keeps those the query's filters
/// accept, up to its limit.
pub(crate) fn collect_hits<K, V, D>(
    query: &IndexQuery,
    mut entries: impl DoubleEndedIterator<Item = Result<(K, V), StorageError>>,
    document: impl Fn(&str) -> Result<Option<D>, StorageError>,
) -> Result<Vec<Hit<Vec<u8>>>, StorageError>
where
    K: AsRef<[u8]>,
    V: AsRef<[u8]>,
    D: AsRef<[u8]>,
{
    let spec = query.collection;
    let field_count = query.index.fields.len();
    let mut hits = Vec::new();
    while hits.len() < query.limit {
        let entry = match query.order {
            Order::Ascending => entries.next(),
            Order::Descending => entries.next_back(),
        };
        let Some(entry) = entry else {
            break;
        };
        let (key, value) = entry?;
        let (key, value) = (key.as_ref(), value.as_ref());
        let (id, position) = match query.index.unique {
            true => {
                let id = String::from_utf8(value.to_vec()).map_err(|_| {
                    StorageError::Corrupt(format!("a {} id is not UTF-8", spec.name))
                })?;
                let mut position = key.to_vec();
                keys::encode_str(&mut position, &id);
                (id, position)
            }
            false => (id_of_entry(spec, key, field_count)?, key.to_vec()),
        };
        let Some(found) = document(&id)? else {
            return Err(StorageError::Corrupt(format!(
                "index {} of {} points at missing document {id}",
                query.index.name, spec.name
            )));
        };
        let (header, body) = decode_doc(spec, found.as_ref())?;
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
