//! The LSM side of group commit (see `backend/docs/group.rs`). Each batch of a group is checked
//! against what is stored, overlaid with what the accepted batches before it in the group (and
//! the operations before it in the batch) will write; a batch that takes a unique key is refused
//! alone and leaves nothing staged. The writes of every accepted batch then go into one fjall
//! batch, which fjall appends to its journal, syncs (`PersistMode::SyncAll`, once for the whole
//! group) and only then applies to the memtables: readers never see a write before it is
//! durable, and every batch is applied entirely or not at all. A fenced batch is checked first
//! against its shard's epoch (stored, or raised by an accepted batch before it in the group) and
//! the epoch it raises goes into the same fjall batch, so the check is exact.

use super::layout::{
    CollectionTrees, DOCS, Layout, decode_doc, encode_doc, held_epoch, index_slot,
};
use crate::backend::docs::group::{GroupOutcome, Refusal};
use crate::backend::docs::prepare::{PreparedBatch, PreparedOp};
use crate::backend::docs::record::{IndexEntry, decode_header, entry_at, index_entries};
use crate::error::{Duplicate, ID_INDEX, StorageError};
use fjall::{Database, PersistMode};
use std::collections::HashMap;

/// A key of one keyspace: collection position, keyspace slot, key.
type TreeKey = (usize, usize, Vec<u8>);

/// Writes waiting to be committed: a value, or `None` for a removal.
type Staged = HashMap<TreeKey, Option<Vec<u8>>>;

/// Checks and stages every batch of a group, then commits the accepted ones durably as one
/// fjall batch; one outcome per batch, in order.
pub(super) fn commit_group(
    db: &Database,
    layout: &Layout,
    batches: &[&PreparedBatch],
) -> GroupOutcome {
    let mut group = Group {
        layout,
        accepted: Staged::new(),
        pending: Staged::new(),
        fences: HashMap::new(),
    };
    let outcomes = batches
        .iter()
        .map(|batch| group.stage_batch(batch))
        .collect::<Result<Vec<_>, _>>()?;
    let mut writes = db.batch().durability(Some(PersistMode::SyncAll));
    for ((collection, slot, key), value) in group.accepted {
        let tree = layout.at(collection)?.tree(slot)?;
        match value {
            Some(value) => writes.insert(tree, key, value),
            None => writes.remove(tree, key),
        }
    }
    for (shard, epoch) in group.fences {
        writes.insert(&layout.fences, shard.to_be_bytes(), epoch.to_be_bytes());
    }
    writes.commit()?;
    Ok(outcomes)
}

struct Group<'l> {
    layout: &'l Layout,
    /// The writes of the batches accepted so far.
    accepted: Staged,
    /// The writes of the batch being checked.
    pending: Staged,
    /// The shard epochs raised by the batches accepted so far.
    fences: HashMap<u32, u64>,
}

impl Group<'_> {
    /// Stages a batch; `Ok(Err(refusal))` when it was refused and staged nothing.
    fn stage_batch(&mut self, batch: &PreparedBatch) -> Result<Result<(), Refusal>, StorageError> {
        let mut raise = None;
        if let Some(fence) = batch.fence {
            let held = match self.fences.get(&fence.shard) {
                Some(epoch) => Some(*epoch),
                None => held_epoch(&self.layout.fences, fence.shard)?,
            };
            match fence.admits(held) {
                Ok(true) => raise = Some(fence),
                Ok(false) => {}
                Err(fenced) => return Ok(Err(Refusal::Fenced(fenced))),
            }
        }
        for op in &batch.ops {
            if let Err(duplicate) = self.stage_op(op)? {
                self.pending.clear();
                return Ok(Err(Refusal::Duplicate(duplicate)));
            }
        }
        self.accepted.extend(self.pending.drain());
        if let Some(fence) = raise {
            self.fences.insert(fence.shard, fence.epoch);
        }
        Ok(Ok(()))
    }

    /// The value a key will hold once the staged writes are committed.
    fn read(&self, trees: &CollectionTrees, key: TreeKey) -> Result<Option<Vec<u8>>, StorageError> {
        if let Some(staged) = self.pending.get(&key).or_else(|| self.accepted.get(&key)) {
            return Ok(staged.clone());
        }
        let (_, slot, key) = key;
        Ok(trees.tree(slot)?.get(key)?.map(|value| value.to_vec()))
    }

    fn stage(&mut self, collection: usize, slot: usize, key: &[u8], value: Option<Vec<u8>>) {
        self.pending.insert((collection, slot, key.to_vec()), value);
    }

    fn stage_op(&mut self, op: &PreparedOp) -> Result<Result<(), Duplicate>, StorageError> {
        let trees = self.layout.at(op.collection)?;
        let spec = trees.spec;
        let refuse = |index: &str| Duplicate {
            collection: spec.name,
            index: Some(index.to_owned()),
            id: op.id.clone(),
        };
        let old = self.read(trees, (op.collection, DOCS, op.id.as_bytes().to_vec()))?;
        let old_header = match &old {
            Some(value) => Some(decode_doc(spec, value)?.0),
            None => None,
        };
        if op.must_be_new && old.is_some() {
            return Ok(Err(refuse(ID_INDEX)));
        }
        let new_header = op.new.as_ref().map(|new| new.header.as_slice());
        if old_header == new_header && old.is_none() {
            return Ok(Ok(()));
        }
        if old_header != new_header {
            let old_entries = match old_header {
                Some(header) => index_entries(spec, &decode_header(spec, header)?, &op.id),
                None => Vec::new(),
            };
            let new_entries = op.new.as_ref().map_or(&[][..], |new| &new.entries[..]);
            if let Some(taken) = self.taken_unique(trees, op, &old_entries, new_entries)? {
                return Ok(Err(refuse(taken)));
            }
            self.move_entries(trees, op, &old_entries, new_entries);
        }
        let value = match &op.new {
            Some(new) => Some(encode_doc(&new.header, &new.body)?),
            None => None,
        };
        self.stage(op.collection, DOCS, op.id.as_bytes(), value);
        Ok(Ok(()))
    }

    /// The first unique index (in schema order) whose new key another document holds.
    fn taken_unique(
        &self,
        trees: &CollectionTrees,
        op: &PreparedOp,
        old: &[Option<IndexEntry>],
        new: &[Option<IndexEntry>],
    ) -> Result<Option<&'static str>, StorageError> {
        for (position, index) in trees.spec.indexes.iter().enumerate() {
            let Some(new) = entry_at(new, position).filter(|_| index.unique) else {
                continue;
            };
            if entry_at(old, position) == Some(new) {
                continue;
            }
            let key = (op.collection, index_slot(position), new.values().to_vec());
            if let Some(holder) = self.read(trees, key)?
                && holder != op.id.as_bytes()
            {
                return Ok(Some(index.name));
            }
        }
        Ok(None)
    }

    /// Stages the removal of the old index entries that changed and the new ones.
    fn move_entries(
        &mut self,
        trees: &CollectionTrees,
        op: &PreparedOp,
        old: &[Option<IndexEntry>],
        new: &[Option<IndexEntry>],
    ) {
        for (position, index) in trees.spec.indexes.iter().enumerate() {
            let (old, new) = (entry_at(old, position), entry_at(new, position));
            if old == new {
                continue;
            }
            let slot = index_slot(position);
            // A unique index maps the values to the id; an ordered one keys on the whole entry.
            let value = if index.unique {
                op.id.as_bytes().to_vec()
            } else {
                Vec::new()
            };
            if let Some(old) = old {
                self.stage(op.collection, slot, old.key_in(index), None);
            }
            if let Some(new) = new {
                self.stage(op.collection, slot, new.key_in(index), Some(value));
            }
        }
    }
}
