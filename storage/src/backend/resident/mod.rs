//! The resident embedded backend: every document and index entry held in memory, made durable
//! by a log, no server. See `docs/adr/0024-resident-embedded-backend.md`.
//!
//! Writes go through a group-commit writer thread: it checks each group against the data in
//! memory, appends the writes of the accepted batches to the log as one record (synced with
//! `fdatasync`, the same log the inbound webhooks use, `botwot-inbound-log`), and only then
//! applies them in memory and answers; the next group is checked while one is being synced
//! (`pipeline.rs`). When the log has grown past a threshold, the writer writes a snapshot
//! of everything and the log deletes the records it covers. Opening reads the snapshot, then
//! replays the log records after it (a record torn by a crash at the end is cut off). Reads take
//! a shared lock on the data and never touch the disk.
//!
//! The price is memory: the whole store is resident (about the size of its documents and index
//! keys, plus the map's overhead), and opening takes as long as reading it back.

mod data;
mod format;
mod layout;
mod pipeline;
mod read;
mod snapshot;
mod writer;

#[cfg(test)]
mod tests;

use crate::backend::docs::LocalStore;
use crate::backend::docs::group::{GroupCommitStats, Writer};
use crate::backend::docs::prepare::Positions;
use crate::backend::{CollectionSpec, Hit, IndexQuery, Stored};
use crate::error::StorageError;
use botwot_inbound_log::{InboundLog, LogOptions};
use data::Data;
use format::{Replayer, schema_payload};
use futures::executor::block_on;
use layout::Layout;
use parking_lot::{Mutex, RwLock};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use tracing::info;
use writer::Committer;

/// The resident store's directory inside the data directory.
pub const DATA_SUBDIR: &str = "botwot.resident";

/// The log's directory inside the store's.
const LOG_SUBDIR: &str = "log";

/// How the resident store sizes its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResidentOptions {
    /// A snapshot is written once the log has grown by this many bytes since the last one (and
    /// by at least the size of that snapshot).
    pub compact_after_bytes: u64,
    /// The size of the log's segment files; segments wholly covered by a snapshot are deleted.
    pub segment_bytes: u64,
    /// The largest group of writes one record may hold; a group over it fails.
    pub max_record_bytes: u32,
}

impl Default for ResidentOptions {
    /// Snapshots every 64 MiB of log, 16 MiB segments, records up to 256 MiB.
    fn default() -> Self {
        Self {
            compact_after_bytes: 64 << 20,
            segment_bytes: 16 << 20,
            max_record_bytes: 256 << 20,
        }
    }
}

pub struct ResidentBackend {
    /// Declared first so it is dropped first: it stops once every queued batch is answered.
    writer: Writer,
    /// Only the writer thread locks it (and tests, while the writer is idle).
    #[cfg_attr(not(test), allow(dead_code))]
    committer: Arc<Mutex<Committer>>,
    data: Arc<RwLock<Data>>,
    layout: Arc<Layout>,
}

impl ResidentBackend {
    /// Opens (creating when needed) the store in `dir` with the trees of `schema`.
    pub fn open(
        dir: &Path,
        schema: &'static [&'static CollectionSpec],
    ) -> Result<Self, StorageError> {
        Self::open_with(dir, schema, ResidentOptions::default())
    }

    pub fn open_with(
        dir: &Path,
        schema: &'static [&'static CollectionSpec],
        options: ResidentOptions,
    ) -> Result<Self, StorageError> {
        let path = dir.join(DATA_SUBDIR);
        std::fs::create_dir_all(&path).map_err(|source| StorageError::DataDir {
            path: path.clone(),
            source,
        })?;
        let layout = Arc::new(Layout::new(schema));
        let mut data = Data::empty(&layout);
        let (log, replayed, below, snapshot_bytes) = {
            let mut replayer = Replayer::new(&layout, &mut data);
            let (below, snapshot_bytes) = snapshot::read(&path, &mut replayer)?.unwrap_or((0, 0));
            let log_options = LogOptions {
                segment_bytes: options.segment_bytes,
                max_record_bytes: options.max_record_bytes,
            };
            let (log, replayed) = InboundLog::open(&path.join(LOG_SUBDIR), log_options)?;
            let mut bytes = 0;
            for record in replayed.records.iter().filter(|r| r.sequence >= below) {
                replayer.apply(&record.payload).map_err(|reason| {
                    StorageError::Corrupt(format!(
                        "resident log record {} in {}: {reason}",
                        record.sequence,
                        path.display()
                    ))
                })?;
                bytes += record.payload.len() as u64;
            }
            (log, bytes, below, snapshot_bytes)
        };
        // The records this process appends are read with this schema.
        block_on(log.append(schema_payload(&layout)))?;
        let data = Arc::new(RwLock::new(data));
        let mut committer = Committer {
            dir: path.clone(),
            layout: layout.clone(),
            data: data.clone(),
            log,
            logged: replayed,
            compact_after_bytes: options.compact_after_bytes,
            snapshot_bytes: Arc::new(AtomicU64::new(snapshot_bytes)),
            snapshotting: None,
        };
        if replayed >= options.compact_after_bytes.max(snapshot_bytes) {
            let below = committer.log.next_sequence();
            committer.compact_now(below);
        }
        let committer = Arc::new(Mutex::new(committer));
        let writing = committer.clone();
        let writer = Writer::spawn_loop("botwot-resident-writer", move |receiver, counters| {
            pipeline::run(&writing, &receiver, counters);
        })?;
        info!(path = %path.display(), replayed_bytes = replayed, snapshot_below = below, "resident storage opened");
        Ok(Self {
            writer,
            committer,
            data,
            layout,
        })
    }

    /// How well writes have been grouped so far.
    pub fn group_commit_stats(&self) -> GroupCommitStats {
        self.writer.stats()
    }
}

impl LocalStore for ResidentBackend {
    fn writer(&self) -> &Writer {
        &self.writer
    }

    fn positions(&self) -> &dyn Positions {
        &*self.layout
    }

    fn get_now(
        &self,
        collection: &'static CollectionSpec,
        id: &str,
    ) -> Result<Option<Stored<Vec<u8>>>, StorageError> {
        let position = self.layout.position(collection)?;
        read::get(&self.data.read(), position, collection, id)
    }

    fn query_job(
        &self,
        query: IndexQuery,
    ) -> impl FnOnce() -> Result<Vec<Hit<Vec<u8>>>, StorageError> + Send + 'static {
        let (data, layout) = (self.data.clone(), self.layout.clone());
        move || {
            let position = layout.position(query.collection)?;
            read::query(&data.read(), position, &query)
        }
    }

    fn shard_epochs_now(&self) -> Result<BTreeMap<u32, u64>, StorageError> {
        Ok(self.data.read().fences.clone())
    }
}
