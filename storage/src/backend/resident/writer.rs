//! The resident side of group commit (see `backend/docs/group.rs`). The group is checked and
//! staged against the data in memory (`backend/docs/stage.rs`); the writes of its accepted
//! batches become one record appended to the log, which syncs it; only then are they applied
//! in memory, so readers never see a write that could still be lost. Once the log has grown
//! past the compaction threshold the writer writes a snapshot and lets the log delete what it
//! covers.

use super::data::{Data, View};
use super::format::{WritesPayload, schema_payload};
use super::layout::{Layout, Target};
use super::snapshot;
use crate::backend::docs::group::GroupOutcome;
use crate::backend::docs::prepare::PreparedBatch;
use crate::backend::docs::stage::{StagedGroup, stage_group};
use botwot_inbound_log::InboundLog;
use futures::executor::block_on;
use parking_lot::RwLock;
use std::path::PathBuf;
use std::sync::Arc;
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
    pub snapshot_bytes: u64,
}

impl Committer {
    /// Checks the group, makes the writes of its accepted batches durable, then applies them.
    pub fn commit_group(&mut self, batches: &[&PreparedBatch]) -> GroupOutcome {
        let (mut group, payload) = {
            let data = self.data.read();
            let view = View {
                layout: &self.layout,
                data: &data,
            };
            let group = stage_group(&view, batches)?;
            let payload = payload_of(&self.layout, &group).into_bytes();
            (group, payload)
        };
        let outcomes = std::mem::take(&mut group.outcomes);
        if group.writes.is_empty() && group.fences.is_empty() {
            return Ok(outcomes);
        }
        let logged = payload.len() as u64;
        let sequence = block_on(self.log.append(payload))?;
        self.data.write().apply(group)?;
        self.logged += logged;
        if self.logged >= self.compact_after_bytes.max(self.snapshot_bytes) {
            self.compact(sequence + 1);
        }
        Ok(outcomes)
    }

    /// Writes a snapshot covering the log below `below` and lets the log delete it. A failure
    /// leaves the log as it is (nothing is lost) and is tried again after as much more growth.
    pub fn compact(&mut self, below: u64) {
        let started = Instant::now();
        let written = {
            let data = self.data.read();
            snapshot::write(&self.dir, &self.layout, &data, below).map(|()| data.bytes())
        };
        let outcome = written.and_then(|bytes| {
            // The records after the snapshot are read with this schema.
            block_on(self.log.append(schema_payload(&self.layout)))?;
            self.log.checkpoint(below)?;
            Ok(bytes)
        });
        match outcome {
            Ok(bytes) => {
                info!(
                    log_bytes = self.logged,
                    snapshot_bytes = bytes,
                    millis = started.elapsed().as_millis() as u64,
                    "resident store compacted its log into a snapshot"
                );
                self.logged = 0;
                self.snapshot_bytes = bytes as u64;
            }
            Err(error) => {
                warn!(%error, "resident store snapshot failed; the log keeps everything");
                self.logged = 0;
            }
        }
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
