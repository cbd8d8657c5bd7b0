//! Index queries as MongoDB `find` commands: a filter, a sort and a limit.

use super::envelope::{ID, to_bson};
use crate::backend::{FieldValue, IndexQuery, Order};
use crate::error::StorageError;
use crate::keys;
use mongodb::bson::{Bson, Document, doc};
use std::ops::Bound;

/// Sort on every field of the index, then the id, all in the query's direction: the order of
/// the embedded backend's index keys.
pub(super) fn sort(query: &IndexQuery) -> Document {
    let direction = match query.order {
        Order::Ascending => 1,
        Order::Descending => -1,
    };
    let mut sort = Document::new();
    for field in query.index.fields {
        sort.insert(*field, direction);
    }
    sort.insert(ID, direction);
    sort
}

pub(super) fn filter(query: &IndexQuery) -> Result<Document, StorageError> {
    let fields = query.index.fields;
    if query.prefix.len() > fields.len() {
        return Err(invalid(
            query,
            "has more prefix values than the index has fields",
        ));
    }
    let mut filter = Document::new();
    for (field, value) in fields.iter().zip(&query.prefix) {
        filter.insert(*field, to_bson(value)?);
    }
    let rest = &fields[query.prefix.len()..];
    match rest.split_first() {
        Some((range_field, others)) => {
            filter.insert(*range_field, range_condition(&query.lower, &query.upper)?);
            // A document is in an index only when it has all of the index's fields.
            for field in others {
                filter.insert(*field, doc! { "$exists": true });
            }
        }
        None if bounded(query) => return Err(invalid(query, "has a range but no field left")),
        None => {}
    }
    let mut clauses = Vec::new();
    for (field, value) in &query.filters {
        if filter.contains_key(*field) {
            clauses.push(Bson::Document(doc! { *field: to_bson(value)? }));
        } else {
            filter.insert(*field, to_bson(value)?);
        }
    }
    if let Some(after) = &query.after {
        clauses.push(Bson::Document(after_condition(query, after)?));
    }
    if !clauses.is_empty() {
        filter.insert("$and", clauses);
    }
    Ok(filter)
}

fn bounded(query: &IndexQuery) -> bool {
    !matches!(
        (&query.lower, &query.upper),
        (Bound::Unbounded, Bound::Unbounded)
    )
}

fn range_condition(
    lower: &Bound<FieldValue>,
    upper: &Bound<FieldValue>,
) -> Result<Document, StorageError> {
    let mut condition = Document::new();
    match lower {
        Bound::Included(value) => condition.insert("$gte", to_bson(value)?),
        Bound::Excluded(value) => condition.insert("$gt", to_bson(value)?),
        Bound::Unbounded => None,
    };
    match upper {
        Bound::Included(value) => condition.insert("$lte", to_bson(value)?),
        Bound::Excluded(value) => condition.insert("$lt", to_bson(value)?),
        Bound::Unbounded => None,
    };
    if condition.is_empty() {
        condition.insert("$exists", true);
    }
    Ok(condition)
}

/// Entries strictly after `after` in the query's direction: the lexicographic comparison of
/// (fields after the prefix..., id), spelled out as `$or` of "equal so far, then beyond".
fn after_condition(query: &IndexQuery, after: &[u8]) -> Result<Document, StorageError> {
    let fields = query.index.fields;
    let values = keys::decode_tuple(after).map_err(|_| StorageError::InvalidCursor)?;
    if values.len() != fields.len() + 1 {
        return Err(StorageError::InvalidCursor);
    }
    let beyond = match query.order {
        Order::Ascending => "$gt",
        Order::Descending => "$lt",
    };
    let names = fields.iter().copied().chain([ID]);
    let compared: Vec<(&str, Bson)> = names
        .zip(&values)
        .skip(query.prefix.len())
        .map(|(name, value)| Ok((name, to_bson(value)?)))
        .collect::<Result<_, StorageError>>()?;
    let alternatives: Vec<Bson> = (0..compared.len())
        .map(|position| {
            let mut clause = Document::new();
            for (name, value) in &compared[..position] {
                clause.insert(*name, value.clone());
            }
            let (name, value) = &compared[position];
            clause.insert(*name, doc! { beyond: value.clone() });
            Bson::Document(clause)
        })
        .collect();
    Ok(doc! { "$or": alternatives })
}

fn invalid(query: &IndexQuery, what: &str) -> StorageError {
    StorageError::Encode(format!(
        "query on index {} of {} {what}",
        query.index.name, query.collection.name
    ))
}
