//! Reading what a cluster node adopts with its shards: the timers and outbox entries written
//! under a shard's fence carry the shard's number, and an index led by it finds one shard's
//! records without reading the others'.

use crate::backend::{CollectionSpec, FieldValue, IndexQuery, IndexSpec};

/// One query per shard of `shards` on `index` (led by the shard field), at most `limit` hits
/// each, in the index's order.
pub(super) fn of_shards(
    collection: &'static CollectionSpec,
    index: &'static IndexSpec,
    shards: &[u32],
    limit: usize,
) -> Vec<IndexQuery> {
    shards
        .iter()
        .map(|shard| {
            let mut query =
                IndexQuery::new(collection, index, vec![FieldValue::U64(u64::from(*shard))]);
            query.limit = limit;
            query
        })
        .collect()
}
