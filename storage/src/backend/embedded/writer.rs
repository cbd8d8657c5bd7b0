//! The redb side of group commit (see `backend/docs/group.rs`): every batch of a group is applied
//! in one redb transaction, committed durably (one fsync for the whole group). A fenced batch is
//! checked against the shard's epoch in the same transaction before its operations run, and
//! raises it once they were accepted, so the check is exact.

use super::apply::apply_batch;
use super::tables::{Layout, SHARD_FENCES, WriteTables};
use crate::backend::docs::group::{GroupOutcome, Refusal, Writer};
use crate::backend::docs::prepare::PreparedBatch;
use crate::error::StorageError;
use redb::{Database, Durability, ReadableTable, Table};
use std::sync::Arc;

pub(super) fn spawn(db: Arc<Database>, layout: Arc<Layout>) -> Result<Writer, StorageError> {
    Writer::spawn("botwot-embedded-writer", move |batches| {
        commit_group(&db, &layout, batches)
    })
}

/// Applies every batch in one durable transaction; one outcome per batch, in order.
pub(super) fn commit_group(
    db: &Database,
    layout: &Layout,
    batches: &[&PreparedBatch],
) -> GroupOutcome {
    let mut txn = db.begin_write()?;
    txn.set_durability(Durability::Immediate);
    let outcomes = {
        let mut tables = layout.open_all(&txn)?;
        let mut fences = txn.open_table(SHARD_FENCES)?;
        batches
            .iter()
            .map(|batch| apply_fenced(&mut tables, &mut fences, batch))
            .collect::<Result<Vec<_>, _>>()?
    };
    txn.commit()?;
    Ok(outcomes)
}

/// Checks the batch's fence, applies its operations and records a new epoch of its shard;
/// `Ok(Err(refusal))` when it was refused and left no trace.
fn apply_fenced(
    tables: &mut [WriteTables<'_>],
    fences: &mut Table<'_, u32, u64>,
    batch: &PreparedBatch,
) -> Result<Result<(), Refusal>, StorageError> {
    let mut raise = None;
    if let Some(fence) = batch.fence {
        let held = fences.get(fence.shard)?.map(|epoch| epoch.value());
        match fence.admits(held) {
            Ok(true) => raise = Some(fence),
            Ok(false) => {}
            Err(fenced) => return Ok(Err(Refusal::Fenced(fenced))),
        }
    }
    if let Err(duplicate) = apply_batch(tables, &batch.ops)? {
        return Ok(Err(Refusal::Duplicate(duplicate)));
    }
    if let Some(fence) = raise {
        fences.insert(fence.shard, fence.epoch)?;
    }
    Ok(Ok(()))
}
