//! The index key range an [`IndexQuery`] reads, shared by the backends that keep their indexes
//! as ordered keys (see [`crate::keys`]): equality on the prefix, bounds on the next field, and
//! the position to resume after.

use super::record::values_part;
use crate::backend::{FieldValue, IndexQuery, Order};
use crate::error::StorageError;
use crate::keys;
use std::ops::Bound;

/// The first and last index keys a query may read.
pub(crate) type KeyRange = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// The index key range a query reads, or `None` when it is empty. A unique index is keyed on the
/// values alone, so it resumes after the values of the position.
pub(crate) fn query_range(query: &IndexQuery) -> Result<Option<KeyRange>, StorageError> {
    let after = match (query.index.unique, &query.after) {
        (true, Some(after)) => Some(values_part(
            query.collection,
            after,
            query.index.fields.len(),
        )?),
        (_, after) => after.as_deref(),
    };
    Ok(key_bounds(query, after))
}

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
