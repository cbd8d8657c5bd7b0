//! An experimental second embedded backend: a fjall LSM tree in a data directory, no server.
//!
//! The layout mirrors the redb backend (one keyspace per collection's documents and one per
//! index, see `layout.rs`) and so does group commit: one writer thread checks every waiting
//! batch and commits the accepted ones as one fjall batch synced to the journal
//! (`PersistMode::SyncAll`) before answering (see `writer.rs`). A write is then a journal append
//! and a few memtable inserts instead of copy-on-writing every B-tree page it touches. Reads go
//! straight to fjall. See `docs/adr/0004-lsm-embedded-backend.md`.

mod layout;
mod read;
mod writer;

#[cfg(test)]
mod tests;

use crate::backend::docs::LocalStore;
use crate::backend::docs::group::{GroupCommitStats, Writer};
use crate::backend::docs::prepare::Positions;
use crate::backend::{CollectionSpec, Hit, IndexQuery, Stored};
use crate::error::StorageError;
use fjall::Database;
use layout::Layout;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracing::info;

/// The fjall database directory inside the data directory.
pub const DATA_SUBDIR: &str = "botwot.lsm";

pub struct LsmBackend {
    /// Declared first so it is dropped first: it stops once every queued batch is answered.
    writer: Writer,
    db: Database,
    layout: Arc<Layout>,
    path: PathBuf,
}

impl LsmBackend {
    /// Opens (creating when needed) the database in `dir` with the keyspaces of `schema`.
    pub fn open(
        dir: &Path,
        schema: &'static [&'static CollectionSpec],
    ) -> Result<Self, StorageError> {
        let path = dir.join(DATA_SUBDIR);
        std::fs::create_dir_all(&path).map_err(|source| StorageError::DataDir {
            path: path.clone(),
            source,
        })?;
        let db = Database::builder(&path).open()?;
        let layout = Arc::new(Layout::open(&db, schema)?);
        let (writer_db, writer_layout) = (db.clone(), layout.clone());
        let writer = Writer::spawn("botwot-lsm-writer", move |batches| {
            writer::commit_group(&writer_db, &writer_layout, batches)
        })?;
        info!(path = %path.display(), "lsm storage opened");
        Ok(Self {
            writer,
            db,
            layout,
            path,
        })
    }

    /// How well writes have been grouped so far.
    pub fn group_commit_stats(&self) -> GroupCommitStats {
        self.writer.stats()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl LocalStore for LsmBackend {
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
        read::get(&self.layout, collection, id)
    }

    fn query_job(
        &self,
        query: IndexQuery,
    ) -> impl FnOnce() -> Result<Vec<Hit<Vec<u8>>>, StorageError> + Send + 'static {
        let (db, layout) = (self.db.clone(), self.layout.clone());
        move || read::query(&db, &layout, &query)
    }

    fn shard_epochs_now(&self) -> Result<BTreeMap<u32, u64>, StorageError> {
        layout::shard_epochs(&self.layout.fences)
    }
}
