//! The embedded backend: one redb file in a data directory, no server.
//!
//! Writes go through a single writer thread with group commit (see `writer.rs`); every acknowledged
//! batch was committed with redb's durable (fsync) commit. Reads open their own redb snapshot
//! and never wait for the writer. See `docs/adr/0001-embedded-storage.md`.

mod apply;
mod read;
mod tables;
mod writer;

#[cfg(test)]
mod tests;

pub use crate::backend::docs::group::GroupCommitStats;

use crate::backend::docs::LocalStore;
use crate::backend::docs::group::Writer;
use crate::backend::docs::prepare::Positions;
use crate::backend::{CollectionSpec, Hit, IndexQuery, Stored};
use crate::error::StorageError;
use redb::Database;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tables::Layout;
use tracing::info;

/// The redb file inside the data directory.
pub const DATA_FILE: &str = "botwot.redb";

pub struct EmbeddedBackend {
    db: Arc<Database>,
    layout: Arc<Layout>,
    /// Dropping it stops the writer once every queued batch is answered.
    writer: Writer,
    path: PathBuf,
}

impl EmbeddedBackend {
    /// Opens (creating when needed) the database in `dir` with the tables of `schema`.
    pub fn open(
        dir: &Path,
        schema: &'static [&'static CollectionSpec],
    ) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(|source| StorageError::DataDir {
            path: dir.to_owned(),
            source,
        })?;
        let path = dir.join(DATA_FILE);
        let db = Arc::new(Database::create(&path)?);
        let layout = Arc::new(Layout::new(schema));
        let txn = db.begin_write()?;
        drop(layout.open_all(&txn)?);
        drop(txn.open_table(tables::SHARD_FENCES)?);
        txn.commit()?;
        let writer = writer::spawn(db.clone(), layout.clone())?;
        info!(path = %path.display(), "embedded storage opened");
        Ok(Self {
            db,
            layout,
            writer,
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

impl LocalStore for EmbeddedBackend {
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
        read::get(&self.db, &self.layout, collection, id)
    }

    fn query_job(
        &self,
        query: IndexQuery,
    ) -> impl FnOnce() -> Result<Vec<Hit<Vec<u8>>>, StorageError> + Send + 'static {
        let (db, layout) = (self.db.clone(), self.layout.clone());
        move || read::query(&db, &layout, &query)
    }

    fn shard_epochs_now(&self) -> Result<BTreeMap<u32, u64>, StorageError> {
        read::shard_epochs(&self.db)
    }
}
