//! The resident side of group commit (see `backend/docs/group.rs`). A group is checked and
//! staged against the data in memory (`backend/docs/stage.rs`); the writes of its accepted
//! batches become one record queued to the log, which syncs it; only once it is synced are they
//! applied in memory, so readers never see a write that could still be lost. Once the log has
//! grown past the compaction threshold a thread of its own writes a snapshot (`snapshot.rs`,
//! read a chunk at a time while the writer goes on) and lets the log delete what it covers. `pipeline.rs` runs these steps so that the next group is checked while the
//! previous one is being synced.

use super::data::{Data, View};
use super::format::{WritesPayload, schema_payload};
use super::layout::{Layout, Target};
use super::snapshot;
use crate::backend::docs::prepare::PreparedBatch;
use crate::backend::docs::stage::{StagedGroup, stage_group};
use crate::error::StorageError;
use botwot_inbound_log::{InboundLog, Queued};
use futures::executor::block_on;
use parking_lot::RwLock;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Instant;
use tracing::{info, warn};

/// Owns the log and is the only one to change the data.
pub(super) struct Committer {
    pub dir: PathBuf,
    pub layout: Arc<Layout>,
    pub data: Arc<RwLock<Data>>,
    pub log: InboundLog,
    /// Payload bytes in the log since the last snapshot.
    pub logged: u64,
    /// The least log growth that triggers a snapshot.
    pub compact_after_bytes: u64,
    /// The data's size at the last snapshot: the log must also outgrow it (rewriting a large
    /// store for a little log would cost more than it saves).
    pub snapshot_bytes: Arc<AtomicU64>,
    /// The snapshot being written behind the writer, if one is.
    pub snapshotting: Option<JoinHandle<()>>,
}

/// A checked group on its way to the log.
pub(super) struct Queueing {
    pub group: StagedGroup,
    /// `None` when the group writes nothing (every batch refused, or none changes anything).
    pub queued: Option<(Queued, u64)>,
}

impl Committer {
    /// Checks a group against the data under `syncing` (the group queued before it, not
    /// applied yet) and queues its writes to the log.
    pub fn queue(
        &self,
        batches: &[&PreparedBatch],
        syncing: Option<&StagedGroup>,
    ) -> Result<Queueing, StorageError> {
        let group = {
            let data = self.data.read();
            let view = View {
                layout: &self.layout,
                data: &data,
                syncing,
            };
            stage_group(&view, batches)?
        };
        if group.writes.is_empty() && group.fences.is_empty() {
            return Ok(Queueing {
                group,
                queued: None,
            });
        }
        let payload = payload_of(&self.layout, &group).into_bytes();
        let logged = payload.len() as u64;
        let queued = self.log.enqueue(payload)?;
        Ok(Queueing {
            group,
            queued: Some((queued, logged)),
        })
    }

    /// Applies a group once its record (`logged` bytes, at `sequence`) is synced, and compacts
    /// the log when it has grown enough.
    pub fn settle(
        &mut self,
        group: StagedGroup,
        sequence: u64,
        logged: u64,
    ) -> Result<(), StorageError> {
        self.data.write().apply(group)?;
        self.logged += logged;
        let threshold = self
            .compact_after_bytes
            .max(self.snapshot_bytes.load(Ordering::Relaxed));
        if self.logged >= threshold {
            self.compact_behind(sequence + 1);
        }
        Ok(())
    }

    /// Checks, queues, waits for and applies one group (what the pipeline does in steps).
    #[cfg(test)]
    pub fn commit_group(
        &mut self,
        batches: &[&PreparedBatch],
    ) -> crate::backend::docs::group::GroupOutcome {
        let Queueing { mut group, queued } = self.queue(batches, None)?;
        let outcomes = std::mem::take(&mut group.outcomes);
        if let Some((queued, logged)) = queued {
            let sequence = block_on(queued.synced())?;
            self.settle(group, sequence, logged)?;
        }
        Ok(outcomes)
    }

    /// Compacts the log below `below` now, on this thread (at open).
    pub fn compact_now(&mut self, below: u64) {
        self.logged = 0;
        compact(
            &self.dir,
            &self.layout,
            &self.log,
            &self.data,
            below,
            &self.snapshot_bytes,
        );
    }

    /// Copies the data and compacts the log below `below` from the copy on a thread of its own;
    /// nothing when the previous snapshot is still being written (the next group tries again).
    fn compact_behind(&mut self, below: u64) {
        if self
            .snapshotting
            .as_ref()
            .is_some_and(|snapshot| !snapshot.is_finished())
        {
            return;
        }
        if let Some(finished) = self.snapshotting.take() {
            let _ = finished.join();
        }
        self.logged = 0;
        let (dir, layout, log) = (self.dir.clone(), self.layout.clone(), self.log.clone());
        let (data, sizes) = (self.data.clone(), self.snapshot_bytes.clone());
        let spawned = std::thread::Builder::new()
            .name("botwot-resident-snapshot".to_owned())
            .spawn(move || compact(&dir, &layout, &log, &data, below, &sizes));
        match spawned {
            Ok(thread) => self.snapshotting = Some(thread),
            Err(error) => {
                warn!(%error, "resident store snapshot thread not started; the log keeps everything")
            }
        }
    }
}

impl Drop for Committer {
    /// Waits for a snapshot being written, so the next store opened on the directory finds
    /// it finished.
    fn drop(&mut self) {
        if let Some(snapshot) = self.snapshotting.take() {
            let _ = snapshot.join();
        }
    }
}

/// Writes the data as the snapshot to be replayed from log record `below` on and lets the log
/// delete what comes before. A failure leaves the log as it is (nothing is lost); the next
/// growth tries again.
fn compact(
    dir: &Path,
    layout: &Layout,
    log: &InboundLog,
    data: &RwLock<Data>,
    below: u64,
    snapshot_bytes: &AtomicU64,
) {
    let started = Instant::now();
    let outcome = snapshot::write(dir, layout, data, below).and_then(|()| {
        // The records after the snapshot are read with this schema.
        block_on(log.append(schema_payload(layout)))?;
        log.checkpoint(below)?;
        Ok(data.read().bytes())
    });
    match outcome {
        Ok(bytes) => {
            info!(
                snapshot_bytes = bytes,
                millis = started.elapsed().as_millis() as u64,
                "resident store compacted its log into a snapshot"
            );
            snapshot_bytes.store(bytes as u64, Ordering::Relaxed);
        }
        Err(error) => warn!(%error, "resident store snapshot failed; the log keeps everything"),
    }
}

/// The log payload of what a checked group writes.
fn payload_of(layout: &Layout, group: &StagedGroup) -> WritesPayload {
    let size: usize = group
        .writes
        .iter()
        .map(|((_, _, key), value)| 12 + key.len() + value.as_ref().map_or(0, Vec::len))
        .sum();
    let mut payload = WritesPayload::with_capacity(size + 16 * group.fences.len());
    for ((collection, slot, key), value) in &group.writes {
        let tree = layout.number(Target::Tree {
            collection: *collection,
            slot: *slot,
        });
        payload.write(tree, key, value.as_deref());
    }
    let fences = layout.number(Target::Fences);
    for (shard, epoch) in &group.fences {
        payload.fence(fences, *shard, *epoch);
    }
    payload
}
