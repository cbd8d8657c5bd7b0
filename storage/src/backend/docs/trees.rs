//! How the key-value backends (the LSM tree and the resident store) lay a collection out in
//! trees: slot [`DOCS`] maps each id to its stored document (the length of its field header, 4
//! bytes big-endian, the header, the body); the slot of the index at position `i` is
//! [`index_slot`]`(i)`. A unique index maps its encoded values to the id that holds them; an
//! ordered index keys on the encoded values followed by the id, with an empty value.

use crate::backend::CollectionSpec;
use crate::error::StorageError;

/// The slot of a collection's documents.
pub(crate) const DOCS: usize = 0;

/// The slot of the index at `position` among the indexes of its collection.
pub(crate) const fn index_slot(position: usize) -> usize {
    position + 1
}

/// The name a tree is known by on disk: `doc:<collection>`, `unique:<collection>:<index>` or
/// `ordered:<collection>:<index>`, so data written by one version of the schema is found by the
/// next whatever the order of its collections and indexes.
pub(crate) fn tree_names(spec: &CollectionSpec) -> Vec<String> {
    let mut names = vec![format!("doc:{}", spec.name)];
    names.extend(spec.indexes.iter().map(|index| {
        let kind = if index.unique { "unique" } else { "ordered" };
        format!("{kind}:{}:{}", spec.name, index.name)
    }));
    names
}

/// A stored document: the length of its field header, the header, the body.
pub(crate) fn encode_doc(header: &[u8], body: &[u8]) -> Result<Vec<u8>, StorageError> {
    let length = u32::try_from(header.len())
        .map_err(|_| StorageError::Encode("field header longer than 4 GiB".to_owned()))?;
    let mut value = Vec::with_capacity(4 + header.len() + body.len());
    value.extend_from_slice(&length.to_be_bytes());
    value.extend_from_slice(header);
    value.extend_from_slice(body);
    Ok(value)
}

/// The field header and the body of a stored document.
pub(crate) fn decode_doc<'v>(
    spec: &CollectionSpec,
    value: &'v [u8],
) -> Result<(&'v [u8], &'v [u8]), StorageError> {
    let corrupt = || StorageError::Corrupt(format!("a document of {} is truncated", spec.name));
    let (length, rest) = value.split_first_chunk::<4>().ok_or_else(corrupt)?;
    let length = usize::try_from(u32::from_be_bytes(*length)).map_err(|_| corrupt())?;
    if length > rest.len() {
        return Err(corrupt());
    }
    Ok(rest.split_at(length))
}
