//! The redb side of group commit (see `backend/docs/group.rs`): every batch of a group is applied
//! in one redb transaction, committed durably (one fsync for the whole group).

use super::apply::apply_batch;
use super::tables::Layout;
use crate::backend::docs::group::{GroupOutcome, Writer};
use crate::backend::docs::prepare::PreparedOp;
use crate::error::StorageError;
use redb::{Database, Durability};
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
    batches: &[&[PreparedOp]],
) -> GroupOutcome {
    let mut txn = db.begin_write()?;
    txn.set_durability(Durability::Immediate);
    let outcomes = {
        let mut tables = layout.open_all(&txn)?;
        batches
            .iter()
            .map(|batch| apply_batch(&mut tables, batch))
            .collect::<Result<Vec<_>, _>>()?
    };
    txn.commit()?;
    Ok(outcomes)
}
