//! The fjall keyspaces of a schema, one per tree of `backend/docs/trees.rs` (a collection's
//! documents, then each of its indexes), named as that file names them. One more keyspace keeps
//! the highest epoch accepted per shard (the fences of write batches): the shard number (4
//! bytes, big-endian) → the epoch (8 bytes, big-endian).

use crate::backend::docs::prepare::Positions;
use crate::backend::docs::trees::{DOCS, index_slot, tree_names};
use crate::backend::{CollectionSpec, IndexSpec};
use crate::error::StorageError;
use fjall::{Database, Keyspace, KeyspaceCreateOptions};
use std::collections::BTreeMap;

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
                let trees = tree_names(spec)
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
