//! The loop every worker of due records shares (posts to publish, orders to remind, leads to
//! follow up): read the records due now a batch at a time, attempt each, and go on while full
//! batches keep being taken; and a task that does so every sweep and whenever it is rung.
//! Each worker keeps its own leases and locks: an attempt says `false` when another process
//! had the record or it was no longer due.

use botwot_engine::ports::StoreError;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tracing::warn;

/// How a worker goes through its due records.
#[derive(Clone, Debug)]
pub struct Pace {
    /// How often it looks, besides being rung.
    pub sweep_ms: u64,
    /// Records taken up per read of the store.
    pub batch: usize,
    /// Rung when a record may have fallen due (made for now, answered, changed).
    pub bell: Arc<Notify>,
}

pub trait DueWork: Clone + Send + Sync + 'static {
    type Record: Send + Sync;

    /// What the logs call the worker.
    const NAME: &'static str;

    fn pace(&self) -> &Pace;

    /// At most `limit` records due now, earliest first.
    fn due(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Self::Record>, StoreError>> + Send;

    /// One attempt at `record`; `false` when another process had it or it was no longer due.
    fn attempt(
        &self,
        record: &Self::Record,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Attempts every record due now, a batch per read; how many attempts were made.
    fn run_due(&self) -> impl Future<Output = Result<usize, StoreError>> + Send {
        async move {
            let batch = self.pace().batch.max(1);
            let mut attempts = 0;
            loop {
                let due = self.due(batch).await?;
                let full = due.len() >= batch;
                let mut taken = 0;
                for record in &due {
                    if self.attempt(record).await? {
                        taken += 1;
                    }
                }
                attempts += taken;
                if !full || taken == 0 {
                    return Ok(attempts);
                }
            }
        }
    }

    /// Runs [`DueWork::run_due`] every sweep and whenever the bell rings, until the task is
    /// aborted.
    fn spawn(&self) -> JoinHandle<()> {
        let work = self.clone();
        let every = Duration::from_millis(self.pace().sweep_ms.max(10));
        tokio::spawn(async move {
            loop {
                if let Err(error) = work.run_due().await {
                    warn!(%error, worker = Self::NAME, "the store failed; trying again later");
                }
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    () = work.pace().bell.notified() => {}
                }
            }
        })
    }
}
