//! Errors of the storage crate and how they become the engine's [`StoreError`].

use botwot_engine::ports::StoreError;
use std::path::PathBuf;
use thiserror::Error;

/// The index name a duplicate id is reported under.
pub const ID_INDEX: &str = "_id";

/// A write that would take a unique key another document holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub collection: &'static str,
    /// The unique index that refused the write (`"_id"` for the document id), when known.
    pub index: Option<String>,
    /// The id of the document that was being written.
    pub id: String,
}

/// A batch refused by its shard fence: a writer with a newer epoch of the shard has written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("shard {shard} is held by epoch {held}, this writer has epoch {epoch}")]
pub struct Fenced {
    pub shard: u32,
    /// The highest epoch the store has accepted for the shard.
    pub held: u64,
    /// The epoch of the refused batch.
    pub epoch: u64,
}

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("embedded database error: {0}")]
    Embedded(Box<redb::Error>),
    #[error("lsm database error: {0}")]
    Lsm(Box<fjall::Error>),
    #[error("resident store log: {0}")]
    ResidentLog(#[from] botwot_inbound_log::LogError),
    #[error("resident store snapshot {path}: {source}")]
    Snapshot {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A group commit failed as a whole; every batch in it was refused.
    #[error("embedded commit failed: {0}")]
    GroupCommit(String),
    #[error("the embedded writer has stopped")]
    WriterStopped,
    #[error("cannot reach mongodb at {uri}: {source}")]
    Connect {
        uri: String,
        source: mongodb::error::Error,
    },
    #[error("mongodb error: {0}")]
    Mongo(#[from] mongodb::error::Error),
    #[error("document cannot be encoded: {0}")]
    Encode(String),
    #[error("stored document is corrupt: {0}")]
    Corrupt(String),
    #[error("invalid page cursor")]
    InvalidCursor,
    #[error("duplicate key in {} (index {}) writing {}", .0.collection, .0.index.as_deref().unwrap_or("unknown"), .0.id)]
    Duplicate(Duplicate),
    #[error(transparent)]
    Fenced(Fenced),
    #[error("collection {0} is not in the schema this backend was opened with")]
    UnknownCollection(&'static str),
    #[error("index {index} of {collection} is not in the schema this backend was opened with")]
    UnknownIndex {
        collection: &'static str,
        index: &'static str,
    },
    #[error("storage task failed: {0}")]
    Task(String),
    #[error("cannot start the embedded writer: {0}")]
    WriterStart(std::io::Error),
}

macro_rules! from_redb_error {
    ($($kind:ty),* $(,)?) => {
        $(impl From<$kind> for StorageError {
            fn from(error: $kind) -> Self {
                StorageError::Embedded(Box::new(error.into()))
            }
        })*
    };
}

from_redb_error!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
);

impl From<fjall::Error> for StorageError {
    fn from(error: fjall::Error) -> Self {
        StorageError::Lsm(Box::new(error))
    }
}

impl From<StorageError> for StoreError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Duplicate(_) => StoreError::Conflict(error.to_string()),
            StorageError::Fenced(fenced) => StoreError::Fenced(fenced.to_string()),
            StorageError::InvalidCursor => StoreError::InvalidInput(error.to_string()),
            StorageError::Encode(_) | StorageError::Corrupt(_) => {
                StoreError::Corrupt(error.to_string())
            }
            _ => StoreError::Unavailable(error.to_string()),
        }
    }
}
