//! The embedded backend: one redb file in a data directory, no server.
//!
//! Writes go through a single writer thread with group commit (see `writer.rs`); every acknowledged
//! batch was committed with redb's durable (fsync) commit. Reads open their own redb snapshot
//! and never wait for the writer. See `docs/adr/0001-embedded-storage.md`.

mod apply;
mod prepare;
mod read;
mod record;
mod tables;
mod writer;

#[cfg(test)]
mod tests;

pub use writer::GroupCommitStats;

use crate::backend::{CollectionSpec, DocumentBackend, Hit, IndexQuery, Stored, WriteBatch};
use crate::error::StorageError;
use async_trait::async_trait;
use redb::Database;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tables::Layout;
use tokio::sync::oneshot;
use tracing::{info, warn};
use writer::{Counters, Request, Writer};

/// The redb file inside the data directory.
pub const DATA_FILE: &str = "botwot.redb";

pub struct EmbeddedBackend {
    db: Arc<Database>,
    layout: Arc<Layout>,
    counters: Arc<Counters>,
    /// Taken on drop, to stop the writer and wait for it.
    writer: Option<Writer>,
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
        txn.commit()?;
        let counters = Arc::new(Counters::default());
        let writer = writer::spawn(db.clone(), layout.clone(), counters.clone())?;
        info!(path = %path.display(), "embedded storage opened");
        Ok(Self {
            db,
            layout,
            counters,
            writer: Some(writer),
            path,
        })
    }

    /// How well writes have been grouped so far.
    pub fn group_commit_stats(&self) -> GroupCommitStats {
        self.counters.snapshot()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for EmbeddedBackend {
    fn drop(&mut self) {
        if let Some(Writer { sender, thread }) = self.writer.take() {
            drop(sender);
            if thread.join().is_err() {
                warn!(path = %self.path.display(), "embedded writer panicked");
            }
        }
    }
}

#[async_trait]
impl DocumentBackend for EmbeddedBackend {
    type Body = Vec<u8>;

    fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, StorageError> {
        serde_json::to_vec(value).map_err(|error| StorageError::Encode(error.to_string()))
    }

    fn decode<T: DeserializeOwned>(body: Vec<u8>) -> Result<T, StorageError> {
        serde_json::from_slice(&body).map_err(|error| StorageError::Corrupt(error.to_string()))
    }

    async fn write(&self, batch: WriteBatch<Vec<u8>>) -> Result<(), StorageError> {
        if batch.ops.is_empty() {
            return Ok(());
        }
        let writer = self.writer.as_ref().ok_or(StorageError::WriterStopped)?;
        let batch = prepare::prepare(&self.layout, batch)?;
        let (reply, answer) = oneshot::channel();
        writer
            .sender
            .send(Request { batch, reply })
            .map_err(|_| StorageError::WriterStopped)?;
        answer.await.map_err(|_| StorageError::WriterStopped)?
    }

    async fn get(
        &self,
        collection: &'static CollectionSpec,
        id: &str,
    ) -> Result<Option<Stored<Vec<u8>>>, StorageError> {
        // A point read from the page cache: cheaper inline than on a blocking thread.
        read::get(&self.db, &self.layout, collection, id)
    }

    async fn query(&self, query: IndexQuery) -> Result<Vec<Hit<Vec<u8>>>, StorageError> {
        // A scan may visit many entries when post-filters are selective: keep it off the
        // async workers.
        let (db, layout) = (self.db.clone(), self.layout.clone());
        tokio::task::spawn_blocking(move || read::query(&db, &layout, &query))
            .await
            .map_err(|error| StorageError::Task(error.to_string()))?
    }
}
