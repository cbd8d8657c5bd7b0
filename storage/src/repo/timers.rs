//! Durable timers: written by session commits, read back once at start.

use super::Store;
use super::schema::{TIMERS, TIMERS_BY_DUE};
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
}
