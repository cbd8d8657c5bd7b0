//! Checking a group of batches against what is committed, for the key-value backends (the LSM
//! tree and the resident store). Each batch is checked against the committed data overlaid
//! with what the accepted batches before it in the group (and the operations before it in the
//! batch) will write; a batch that takes a unique key, or whose fence is stale, is refused
//! alone and leaves nothing staged. What comes out is the writes of every accepted batch and
//! the shard epochs they raise, for the backend to make durable and apply as one.

use super::group::Refusal;
use super::prepare::{PreparedBatch, PreparedOp};
use super::record::{IndexEntry, decode_header, entry_at, index_entries};
use super::trees::{DOCS, decode_doc, encode_doc, index_slot};
use crate::backend::CollectionSpec;
use crate::error::{Duplicate, ID_INDEX, StorageError};
use std::borrow::Cow;
use std::collections::HashMap;

/// A key of one tree: collection position, tree slot, key.
pub(crate) type TreeKey = (usize, usize, Vec<u8>);

/// Writes waiting to be committed: a value, or `None` for a removal. Hashed with foldhash: the
/// writer thread looks every key up here first, and SipHash showed in its profile.
pub(crate) type Staged = HashMap<TreeKey, Option<Vec<u8>>, foldhash::fast::RandomState>;

/// What staging reads of the committed data.
pub(crate) trait Committed {
    /// The collection at `position` in the backend's layout.
    fn spec(&self, collection: usize) -> Result<&'static CollectionSpec, StorageError>;
    /// The committed value of `key` in the tree at `slot` of the collection.
    fn value(
        &self,
        collection: usize,
        slot: usize,
        key: &[u8],
    ) -> Result<Option<Cow<'_, [u8]>>, StorageError>;
    /// The highest epoch accepted for `shard`, if a fenced batch of it was ever committed.
    fn held_epoch(&self, shard: u32) -> Result<Option<u64>, StorageError>;
}

/// A checked group: what its accepted batches write, and the outcome of each batch in order.
#[derive(Debug, Default)]
pub(crate) struct StagedGroup {
    pub writes: Staged,
    /// The shard epochs raised by the accepted batches.
    pub fences: HashMap<u32, u64>,
    pub outcomes: Vec<Result<(), Refusal>>,
}

/// Checks and stages every batch of a group against `committed`.
pub(crate) fn stage_group(
    committed: &impl Committed,
    batches: &[&PreparedBatch],
) -> Result<StagedGroup, StorageError> {
    // A document and the index entries it moves: sized up front, the map is not rebuilt
    // again and again as the group's writes are added.
    let ops: usize = batches.iter().map(|batch| batch.ops.len()).sum();
    let mut group = Group {
        committed,
        accepted: Staged::with_capacity_and_hasher(ops * 3, Default::default()),
        pending: Staged::default(),
        fences: HashMap::new(),
    };
    let outcomes = batches
        .iter()
        .map(|batch| group.stage_batch(batch))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StagedGroup {
        writes: group.accepted,
        fences: group.fences,
        outcomes,
    })
}

struct Group<'c, C> {
    committed: &'c C,
    /// The writes of the batches accepted so far.
    accepted: Staged,
    /// The writes of the batch being checked.
    pending: Staged,
    /// The shard epochs raised by the batches accepted so far.
    fences: HashMap<u32, u64>,
}

impl<'c, C: Committed> Group<'c, C> {
    /// Stages a batch; `Ok(Err(refusal))` when it was refused and staged nothing.
    fn stage_batch(&mut self, batch: &PreparedBatch) -> Result<Result<(), Refusal>, StorageError> {
        let mut raise = None;
        if let Some(fence) = batch.fence {
            let held = match self.fences.get(&fence.shard) {
                Some(epoch) => Some(*epoch),
                None => self.committed.held_epoch(fence.shard)?,
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
    fn read(&self, key: TreeKey) -> Result<Option<Cow<'c, [u8]>>, StorageError> {
        if let Some(staged) = self.pending.get(&key).or_else(|| self.accepted.get(&key)) {
            return Ok(staged.clone().map(Cow::Owned));
        }
        let (collection, slot, key) = key;
        self.committed.value(collection, slot, &key)
    }

    fn stage(&mut self, collection: usize, slot: usize, key: &[u8], value: Option<Vec<u8>>) {
        self.pending.insert((collection, slot, key.to_vec()), value);
    }

    fn stage_op(&mut self, op: &PreparedOp) -> Result<Result<(), Duplicate>, StorageError> {
        let spec = self.committed.spec(op.collection)?;
        let refuse = |index: &str| Duplicate {
            collection: spec.name,
            index: Some(index.to_owned()),
            id: op.id.clone(),
        };
        let old = self.read((op.collection, DOCS, op.id.as_bytes().to_vec()))?;
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
            if let Some(taken) = self.taken_unique(spec, op, &old_entries, new_entries)? {
                return Ok(Err(refuse(taken)));
            }
            self.move_entries(spec, op, &old_entries, new_entries);
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
        spec: &CollectionSpec,
        op: &PreparedOp,
        old: &[Option<IndexEntry>],
        new: &[Option<IndexEntry>],
    ) -> Result<Option<&'static str>, StorageError> {
        for (position, index) in spec.indexes.iter().enumerate() {
            let Some(new) = entry_at(new, position).filter(|_| index.unique) else {
                continue;
            };
            if entry_at(old, position) == Some(new) {
                continue;
            }
            let key = (op.collection, index_slot(position), new.values().to_vec());
            if let Some(holder) = self.read(key)?
                && *holder != *op.id.as_bytes()
            {
                return Ok(Some(index.name));
            }
        }
        Ok(None)
    }

    /// Stages the removal of the old index entries that changed and the new ones.
    fn move_entries(
        &mut self,
        spec: &CollectionSpec,
        op: &PreparedOp,
        old: &[Option<IndexEntry>],
        new: &[Option<IndexEntry>],
    ) {
        for (position, index) in spec.indexes.iter().enumerate() {
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
