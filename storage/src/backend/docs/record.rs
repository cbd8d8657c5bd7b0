//! How a document's fields are kept beside its body, and the index keys they produce.
//!
//! The field header is the encoded tuple `name, value, name, value, ...`, so an update can find
//! the index entries of the version it replaces without parsing the JSON body.

use crate::backend::{CollectionSpec, FieldValue, Fields, IndexSpec, Stored, position_of};
use crate::error::StorageError;
use crate::keys;

pub(crate) fn encode_header(fields: &Fields) -> Vec<u8> {
    let mut header = Vec::with_capacity(64);
    for (name, value) in fields.iter() {
        keys::encode_str(&mut header, name);
        keys::encode_value(&mut header, value);
    }
    header
}

/// A stored document read back: its field header decoded, its body.
pub(crate) fn stored(
    spec: &CollectionSpec,
    header: &[u8],
    body: &[u8],
) -> Result<Stored<Vec<u8>>, StorageError> {
    Ok(Stored {
        fields: decode_header(spec, header)?,
        body: body.to_vec(),
    })
}

/// Reads a field header back; fields the collection no longer declares are dropped.
pub(crate) fn decode_header(spec: &CollectionSpec, header: &[u8]) -> Result<Fields, StorageError> {
    let values = keys::decode_tuple(header).map_err(|error| corrupt(spec, &error))?;
    let mut fields = Fields::with_capacity(values.len() / 2);
    let mut values = values.into_iter();
    while let (Some(name), Some(value)) = (values.next(), values.next()) {
        let FieldValue::Str(name) = name else {
            return Err(StorageError::Corrupt(format!(
                "field header of {} has a non-text name",
                spec.name
            )));
        };
        if let Some(name) = spec.field(&name) {
            fields.set(name, value);
        }
    }
    Ok(fields)
}

/// The entry of a document in one index: the encoded index values followed by the id (the key
/// of an ordered index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IndexEntry {
    pub key: Vec<u8>,
    /// Length of the index values part of `key`.
    pub values_len: usize,
}

impl IndexEntry {
    /// The encoded index values alone: the key of a unique index.
    pub fn values(&self) -> &[u8] {
        &self.key[..self.values_len]
    }

    /// The key of this entry in `index`: the values alone when it is unique, else the values
    /// and the id.
    pub fn key_in(&self, index: &IndexSpec) -> &[u8] {
        if index.unique {
            self.values()
        } else {
            &self.key
        }
    }
}

/// The entry at `position`; an empty list stands for a version without entries.
pub(crate) fn entry_at(entries: &[Option<IndexEntry>], position: usize) -> Option<&IndexEntry> {
    entries.get(position).and_then(Option::as_ref)
}

/// The entry of the document in each index of its collection; `None` where it lacks a field.
pub(crate) fn index_entries(
    spec: &CollectionSpec,
    fields: &Fields,
    id: &str,
) -> Vec<Option<IndexEntry>> {
    spec.indexes
        .iter()
        .map(|index| {
            let values = fields.index_values(index)?;
            let key = position_of(&values, id);
            let values_len = key.len() - keys::encoded_str_len(id);
            Some(IndexEntry { key, values_len })
        })
        .collect()
}

/// The part of `key` that holds its first `field_count` values.
pub(crate) fn values_part<'k>(
    spec: &CollectionSpec,
    key: &'k [u8],
    field_count: usize,
) -> Result<&'k [u8], StorageError> {
    let mut offset = 0;
    for _ in 0..field_count {
        offset = keys::decode_value(key, offset)
            .map_err(|error| corrupt(spec, &error))?
            .1;
    }
    Ok(&key[..offset])
}

/// The document id at the end of an ordered index key with `field_count` values before it.
pub(crate) fn id_of_entry(
    spec: &CollectionSpec,
    key: &[u8],
    field_count: usize,
) -> Result<String, StorageError> {
    let offset = values_part(spec, key, field_count)?.len();
    match keys::decode_value(key, offset).map_err(|error| corrupt(spec, &error))? {
        (FieldValue::Str(id), end) if end == key.len() => Ok(id),
        _ => Err(StorageError::Corrupt(format!(
            "index entry of {} does not end with an id",
            spec.name
        ))),
    }
}

fn corrupt(spec: &CollectionSpec, error: &keys::MalformedKey) -> StorageError {
    StorageError::Corrupt(format!("{} in collection {}", error, spec.name))
}
