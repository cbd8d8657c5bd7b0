//! Everything the resident store holds, in memory: per collection its trees (documents, then
//! indexes, see `backend/docs/trees.rs`) as ordered maps of bytes, and the shard fences.

use super::layout::{Layout, Target};
use crate::backend::CollectionSpec;
use crate::backend::docs::stage::{Committed, StagedGroup};
use crate::error::StorageError;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One tree: an ordered map of keys to values.
pub(super) type Tree = BTreeMap<Vec<u8>, Vec<u8>>;

pub(super) struct Data {
    /// Per collection, in schema order: its trees by slot.
    pub trees: Vec<Vec<Tree>>,
    /// Shard → the highest epoch accepted.
    pub fences: BTreeMap<u32, u64>,
}

impl Data {
    pub fn empty(layout: &Layout) -> Self {
        Self {
            trees: layout
                .schema
                .iter()
                .map(|spec| vec![Tree::new(); spec.indexes.len() + 1])
                .collect(),
            fences: BTreeMap::new(),
        }
    }

    pub fn tree(&self, collection: usize, slot: usize) -> Result<&Tree, StorageError> {
        self.trees
            .get(collection)
            .and_then(|trees| trees.get(slot))
            .ok_or_else(|| {
                StorageError::Corrupt(format!("no tree {slot} of collection {collection}"))
            })
    }

    fn tree_mut(&mut self, collection: usize, slot: usize) -> Result<&mut Tree, StorageError> {
        self.trees
            .get_mut(collection)
            .and_then(|trees| trees.get_mut(slot))
            .ok_or_else(|| {
                StorageError::Corrupt(format!("no tree {slot} of collection {collection}"))
            })
    }

    /// Gives `key` of `target` a value, or removes it; a fence that is not 4 + 8 bytes is
    /// refused.
    pub fn set(&mut self, target: Target, key: &[u8], value: Option<&[u8]>) -> Result<(), String> {
        match target {
            Target::Tree { collection, slot } => {
                let tree = self
                    .tree_mut(collection, slot)
                    .map_err(|error| error.to_string())?;
                match value {
                    Some(value) => tree.insert(key.to_vec(), value.to_vec()),
                    None => tree.remove(key),
                };
            }
            Target::Fences => {
                let shard = <[u8; 4]>::try_from(key)
                    .map(u32::from_be_bytes)
                    .map_err(|_| "a shard fence key is not 4 bytes".to_owned())?;
                match value {
                    Some(value) => {
                        let epoch = <[u8; 8]>::try_from(value)
                            .map(u64::from_be_bytes)
                            .map_err(|_| format!("the fence of shard {shard} is not 8 bytes"))?;
                        self.fences.insert(shard, epoch);
                    }
                    None => {
                        self.fences.remove(&shard);
                    }
                }
            }
        }
        Ok(())
    }

    /// Applies what a checked group writes (already durable).
    pub fn apply(&mut self, group: StagedGroup) -> Result<(), StorageError> {
        for ((collection, slot, key), value) in group.writes {
            let tree = self.tree_mut(collection, slot)?;
            match value {
                Some(value) => tree.insert(key, value),
                None => tree.remove(&key),
            };
        }
        self.fences.extend(group.fences);
        Ok(())
    }

    /// Bytes of keys and values held (what a snapshot of it writes, about).
    pub fn bytes(&self) -> usize {
        self.trees
            .iter()
            .flatten()
            .flat_map(|tree| tree.iter())
            .map(|(key, value)| key.len() + value.len() + 12)
            .sum()
    }
}

/// The committed data as group staging reads it: the data in memory, under what a group queued
/// to the log but not applied yet will write.
pub(super) struct View<'a> {
    pub layout: &'a Layout,
    pub data: &'a Data,
    pub syncing: Option<&'a StagedGroup>,
}

impl Committed for View<'_> {
    fn spec(&self, collection: usize) -> Result<&'static CollectionSpec, StorageError> {
        self.layout
            .schema
            .get(collection)
            .copied()
            .ok_or_else(|| StorageError::Corrupt(format!("no collection at position {collection}")))
    }

    fn value(
        &self,
        collection: usize,
        slot: usize,
        key: &[u8],
    ) -> Result<Option<Cow<'_, [u8]>>, StorageError> {
        if let Some(written) = self
            .syncing
            .and_then(|group| group.writes.get(&(collection, slot, key.to_vec())))
        {
            return Ok(written.as_deref().map(Cow::Borrowed));
        }
        Ok(self
            .data
            .tree(collection, slot)?
            .get(key)
            .map(|value| Cow::Borrowed(value.as_slice())))
    }

    fn held_epoch(&self, shard: u32) -> Result<Option<u64>, StorageError> {
        let syncing = self.syncing.and_then(|group| group.fences.get(&shard));
        Ok(syncing.or_else(|| self.data.fences.get(&shard)).copied())
    }
}
