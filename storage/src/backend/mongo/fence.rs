//! Shard fences on MongoDB, without transactions (ADR 0006, "Fencing in the store, as built").
//!
//! The `shard_fences` collection keeps one document per shard, `{ _id: <shard>, epoch }`, the
//! highest epoch accepted. A fenced batch first claims its shard with one conditional upsert:
//! `{ _id: shard, epoch: { $lte: E } }` → `{ $set: { epoch: E } }`. When a greater epoch is
//! stored the filter matches nothing, the upsert's insert collides on `_id`, and the batch is
//! refused before anything of it is written.
//!
//! Every document a fenced batch writes carries the stamp `{ fenceShard, fenceEpoch }`, and its
//! puts replace only a document whose stamp is of another shard, missing, or not newer:
//! `{ _id, $or: [{ fenceShard: { $ne: S } }, { fenceEpoch: { $lte: E } }] }`, with upsert. A
//! writer that paused between its claim and its writes is so still refused for every document a
//! newer epoch has written since. A duplicate `_id` from either upsert can also be a concurrent
//! first insert of the same id; the stored epoch, read back, tells the two apart.

use super::MongoBackend;
use super::duplicate::{classify, is_duplicate_key};
use super::envelope::{ID, from_bson};
use crate::backend::{CollectionSpec, FieldValue, ShardFence};
use crate::error::{Duplicate, ID_INDEX, StorageError};
use futures::TryStreamExt;
use mongodb::Collection;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::FindOneOptions;
use std::collections::BTreeMap;

/// The collection of shard fences.
pub(super) const SHARD_FENCES: &str = "shard_fences";
const EPOCH: &str = "epoch";
/// The stamp a fenced batch leaves on the documents it writes.
const FENCE_SHARD: &str = "fenceShard";
const FENCE_EPOCH: &str = "fenceEpoch";

/// How often a conditional upsert is tried when a concurrent insert of the same id (not a newer
/// epoch) refused it.
const ATTEMPTS: usize = 3;

/// Raises the shard's epoch to the batch's, or refuses the batch when a newer one is stored.
pub(super) async fn claim_shard(
    backend: &MongoBackend,
    fence: ShardFence,
) -> Result<(), StorageError> {
    let (shard, epoch) = (shard_id(fence), stored_epoch(fence)?);
    let fences = &backend.shard_fences;
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let claimed = fences
            .update_one(
                doc! { ID: shard.clone(), EPOCH: { "$lte": epoch } },
                doc! { "$set": { EPOCH: epoch } },
            )
            .upsert(true)
            .await;
        match claimed {
            Ok(_) => return Ok(()),
            Err(error) if is_duplicate_key(&error) => {
                let held = fences.find_one(doc! { ID: shard.clone() }).await?;
                let held = held.as_ref().and_then(|found| epoch_in(found, EPOCH));
                fence.admits(held).map_err(StorageError::Fenced)?;
                last = Some(error);
            }
            Err(error) => return Err(error.into()),
        }
    }
    Err(last.map_or_else(
        || StorageError::Task("no attempt to claim the shard was made".to_owned()),
        StorageError::Mongo,
    ))
}

/// Every shard fence: shard → the highest epoch accepted.
pub(super) async fn shard_epochs(
    backend: &MongoBackend,
) -> Result<BTreeMap<u32, u64>, StorageError> {
    let mut cursor = backend.shard_fences.find(doc! {}).await?;
    let mut epochs = BTreeMap::new();
    while let Some(found) = cursor.try_next().await? {
        let shard = match found.get(ID).and_then(from_bson) {
            Some(FieldValue::I64(shard)) => u32::try_from(shard).ok(),
            _ => None,
        };
        let (Some(shard), Some(epoch)) = (shard, epoch_in(&found, EPOCH)) else {
            return Err(StorageError::Corrupt(format!(
                "a shard fence is not {{_id: shard, epoch}}: {found}"
            )));
        };
        epochs.insert(shard, epoch);
    }
    Ok(epochs)
}

/// Adds the batch's stamp to an envelope it writes.
pub(super) fn stamp(envelope: &mut Document, fence: ShardFence) -> Result<(), StorageError> {
    envelope.insert(FENCE_SHARD, shard_id(fence));
    envelope.insert(FENCE_EPOCH, stored_epoch(fence)?);
    Ok(())
}

/// Replaces (or inserts) the stamped envelope of `id`, unless a newer epoch of the same shard
/// wrote it: then `StorageError::Fenced`. Says whether the document was inserted.
pub(super) async fn put(
    handle: &Collection<Document>,
    collection: &'static CollectionSpec,
    id: &str,
    envelope: &Document,
    fence: ShardFence,
) -> Result<bool, StorageError> {
    let filter = doc! {
        ID: id,
        "$or": [
            { FENCE_SHARD: { "$ne": shard_id(fence) } },
            { FENCE_EPOCH: { "$lte": stored_epoch(fence)? } },
        ],
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let error = match handle
            .replace_one(filter.clone(), envelope)
            .upsert(true)
            .await
        {
            Ok(replaced) => return Ok(replaced.upserted_id.is_some()),
            Err(error) => classify(collection, id, error),
        };
        let StorageError::Duplicate(duplicate) = error else {
            return Err(error);
        };
        check_stamp(handle, id, fence).await?;
        if attempt >= ATTEMPTS || !may_be_a_racing_insert(&duplicate) {
            return Err(StorageError::Duplicate(duplicate));
        }
    }
}

/// `Err(Fenced)` when the stored document of `id` was written by a newer epoch of the shard.
pub(super) async fn check_stamp(
    handle: &Collection<Document>,
    id: &str,
    fence: ShardFence,
) -> Result<(), StorageError> {
    let only_stamp = FindOneOptions::builder()
        .projection(doc! { FENCE_SHARD: 1, FENCE_EPOCH: 1 })
        .build();
    let Some(stored) = handle
        .find_one(doc! { ID: id })
        .with_options(only_stamp)
        .await?
    else {
        return Ok(());
    };
    let shard = stored.get(FENCE_SHARD).and_then(from_bson);
    if shard != Some(FieldValue::I64(i64::from(fence.shard))) {
        return Ok(());
    }
    match epoch_in(&stored, FENCE_EPOCH) {
        Some(held) => fence
            .admits(Some(held))
            .map(drop)
            .map_err(StorageError::Fenced),
        None => Ok(()),
    }
}

/// A duplicate `_id` (or one the server did not name) may come from another upsert that
/// inserted the same id first; another unique key taken will not go away by trying again.
fn may_be_a_racing_insert(duplicate: &Duplicate) -> bool {
    duplicate
        .index
        .as_deref()
        .is_none_or(|index| index == ID_INDEX)
}

fn shard_id(fence: ShardFence) -> Bson {
    Bson::Int64(i64::from(fence.shard))
}

fn stored_epoch(fence: ShardFence) -> Result<i64, StorageError> {
    i64::try_from(fence.epoch).map_err(|_| {
        StorageError::Encode(format!(
            "epoch {} does not fit a mongodb 64-bit integer",
            fence.epoch
        ))
    })
}

fn epoch_in(document: &Document, field: &str) -> Option<u64> {
    match document.get(field).and_then(from_bson) {
        Some(FieldValue::I64(epoch)) => u64::try_from(epoch).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Fenced;

    #[test]
    fn a_stored_epoch_that_is_not_a_number_is_no_epoch() {
        assert_eq!(epoch_in(&doc! { EPOCH: 7_i64 }, EPOCH), Some(7));
        assert_eq!(epoch_in(&doc! { EPOCH: 7_i32 }, EPOCH), Some(7));
        assert_eq!(epoch_in(&doc! { EPOCH: "7" }, EPOCH), None);
        assert_eq!(epoch_in(&doc! { EPOCH: -1_i64 }, EPOCH), None);
        let fenced =
            ShardFence { shard: 1, epoch: 2 }.admits(epoch_in(&doc! { EPOCH: 3_i64 }, EPOCH));
        assert_eq!(
            fenced,
            Err(Fenced {
                shard: 1,
                held: 3,
                epoch: 2
            })
        );
    }
}
