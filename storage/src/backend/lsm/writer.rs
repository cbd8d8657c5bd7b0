//! The LSM side of group commit (see `backend/docs/group.rs`): the group is checked and staged
//! against fjall's committed data (`backend/docs/stage.rs`), and the writes of every accepted
//! batch, with the shard epochs they raise, go into one fjall batch, which fjall appends to its
//! journal, syncs (`PersistMode::SyncAll`, once for the whole group) and only then applies to
//! the memtables: readers never see a write before it is durable, and every batch is applied
//! entirely or not at all.

use super::layout::{Layout, held_epoch};
use crate::backend::CollectionSpec;
use crate::backend::docs::group::GroupOutcome;
use crate::backend::docs::prepare::PreparedBatch;
use crate::backend::docs::stage::{Committed, stage_group};
use crate::error::StorageError;
use fjall::{Database, PersistMode};
use std::borrow::Cow;

/// Checks and stages every batch of a group, then commits the accepted ones durably as one
/// fjall batch; one outcome per batch, in order.
pub(super) fn commit_group(
    db: &Database,
    layout: &Layout,
    batches: &[&PreparedBatch],
) -> GroupOutcome {
    let group = stage_group(layout, batches)?;
    let mut writes = db.batch().durability(Some(PersistMode::SyncAll));
    for ((collection, slot, key), value) in group.writes {
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
    Ok(group.outcomes)
}

impl Committed for Layout {
    fn spec(&self, collection: usize) -> Result<&'static CollectionSpec, StorageError> {
        Ok(self.at(collection)?.spec)
    }

    fn value(
        &self,
        collection: usize,
        slot: usize,
        key: &[u8],
    ) -> Result<Option<Cow<'_, [u8]>>, StorageError> {
        let tree = self.at(collection)?.tree(slot)?;
        Ok(tree.get(key)?.map(|value| Cow::Owned(value.to_vec())))
    }

    fn held_epoch(&self, shard: u32) -> Result<Option<u64>, StorageError> {
        held_epoch(&self.fences, shard)
    }
}
