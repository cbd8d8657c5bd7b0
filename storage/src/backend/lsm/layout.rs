//! The fjall keyspaces of a schema, like the redb tables: one keyspace per collection for its
//! documents (id → field header and body) and one per index. A unique index maps its encoded
//! values to the id that holds them; an ordered index keys on the encoded values followed by the
//! id, with an empty value. One more keyspace keeps the highest epoch accepted per shard (the
//! fences of write batches): the shard number (4 bytes, big-endian) → the epoch (8 bytes,
//! big-endian).

use crate::backend::docs::prepare::Positions;
use crate::backend::{CollectionSpec, IndexSpec};
use crate::error::StorageError;
use fjall::{Database, Keyspace, KeyspaceCreateOptions};
use std::collections::BTreeMap;

/// Where a keyspace stands among those of its collection: the documents, then each index.
pub(super) const DOCS: usize = 0;

/// The slot of the index at `position` among the indexes of its collection.
pub(super) const fn index_slot(position: usize) -> usize {
    position + 1
}

/// The keyspace of the shard fences.
const SHARD_FENCES: &str = "shard_fences";

/// The open keyspaces of every collection of a schema, in schema order, and of the shard fences.
pub(super) struct Layout {
    schema: &'static [&'static CollectionSpec],
    collections: Vec<CollectionTrees>,
    pub fences: Keyspace,
}

/// The keyspaces of one collection: documents first, then one per index in schema order.
pub(super) struct CollectionTrees {
    pub spec: &'static CollectionSpec,
    trees: Vec<Keyspace>,
}

impl Layout {
    /// Opens (creating when missing) the keyspaces of every collection of `schema`.
    pub fn open(
        db: &Database,
        schema: &'static [&'static CollectionSpec],
    ) -> Result<Self, StorageError> {
        let collections = schema
            .iter()
            .map(|spec| {
                let mut names = vec![format!("doc:{}", spec.name)];
                names.extend(spec.indexes.iter().map(|index| {
                    let kind = if index.unique { "unique" } else { "ordered" };
                    format!("{kind}:{}:{}", spec.name, index.name)
                }));
                let trees = names
                    .iter()
                    .map(|name| db.keyspace(name, KeyspaceCreateOptions::default))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(CollectionTrees { spec, trees })
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        let fences = db.keyspace(SHARD_FENCES, KeyspaceCreateOptions::default)?;
        Ok(Self {
            schema,
            collections,
            fences,
        })
    }

    pub fn at(&self, position: usize) -> Result<&CollectionTrees, StorageError> {
        self.collections
            .get(position)
            .ok_or_else(|| StorageError::Corrupt(format!("no collection at position {position}")))
    }

    pub fn collection(
        &self,
        spec: &'static CollectionSpec,
    ) -> Result<&CollectionTrees, StorageError> {
        self.at(self.position(spec)?)
    }
}

impl Positions for Layout {
    fn schema(&self) -> &'static [&'static CollectionSpec] {
        self.schema
    }
}

impl CollectionTrees {
    /// The keyspace at `slot` ([`DOCS`] or an [`index_slot`]).
    pub fn tree(&self, slot: usize) -> Result<&Keyspace, StorageError> {
        self.trees.get(slot).ok_or_else(|| {
            StorageError::Corrupt(format!("{} has no keyspace {slot}", self.spec.name))
        })
    }

    pub fn docs(&self) -> Result<&Keyspace, StorageError> {
        self.tree(DOCS)
    }

    pub fn index(&self, index: &IndexSpec) -> Result<&Keyspace, StorageError> {
        self.tree(index_slot(self.spec.index_position(index)?))
    }
}

/// A stored document: the length of its field header (4 bytes, big-endian), the header, the body.
pub(super) fn encode_doc(header: &[u8], body: &[u8]) -> Result<Vec<u8>, StorageError> {
    let length = u32::try_from(header.len())
        .map_err(|_| StorageError::Encode("field header longer than 4 GiB".to_owned()))?;
    let mut value = Vec::with_capacity(4 + header.len() + body.len());
    value.extend_from_slice(&length.to_be_bytes());
    value.extend_from_slice(header);
    value.extend_from_slice(body);
    Ok(value)
}

/// The field header and the body of a stored document.
pub(super) fn decode_doc<'v>(
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

/// The highest epoch accepted for `shard`, if a fenced batch of it was ever written.
pub(super) fn held_epoch(fences: &Keyspace, shard: u32) -> Result<Option<u64>, StorageError> {
    let Some(value) = fences.get(shard.to_be_bytes())? else {
        return Ok(None);
    };
    Ok(Some(epoch_of(shard, &value)?))
}

/// Every shard fence: shard → the highest epoch accepted.
pub(super) fn shard_epochs(fences: &Keyspace) -> Result<BTreeMap<u32, u64>, StorageError> {
    let mut epochs = BTreeMap::new();
    for entry in fences.iter() {
        let (key, value) = entry.into_inner()?;
        let shard = <[u8; 4]>::try_from(&key[..])
            .map(u32::from_be_bytes)
            .map_err(|_| StorageError::Corrupt("a shard fence key is not 4 bytes".to_owned()))?;
        epochs.insert(shard, epoch_of(shard, &value)?);
    }
    Ok(epochs)
}

fn epoch_of(shard: u32, value: &[u8]) -> Result<u64, StorageError> {
    <[u8; 8]>::try_from(value)
        .map(u64::from_be_bytes)
        .map_err(|_| StorageError::Corrupt(format!("the fence of shard {shard} is not 8 bytes")))
}
