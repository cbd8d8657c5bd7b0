//! Durable timers: written by session commits, read back once at start (a single node) or by
//! shard when a cluster node adopts shards.

use super::Store;
use super::schema::{TIMERS, TIMERS_BY_DUE, TIMERS_BY_SHARD};
use super::shards::of_shards;
use crate::backend::{DocumentBackend, IndexQuery};
use async_trait::async_trait;
use botwot_engine::ports::{StoreError, TimerStore};
use botwot_engine::timer::DurableTimer;

#[async_trait]
impl<B: DocumentBackend> TimerStore for Store<B> {
    async fn all_timers(&self) -> Result<Vec<DurableTimer>, StoreError> {
        let query = IndexQuery::new(&TIMERS, &TIMERS_BY_DUE, Vec::new());
        Ok(self.find(query).await?)
    }

    async fn timers_of_shards(&self, shards: &[u32]) -> Result<Vec<DurableTimer>, StoreError> {
        let queries = of_shards(&TIMERS, &TIMERS_BY_SHARD, shards, usize::MAX);
        Ok(self.find_all(queries).await?)
    }
}
