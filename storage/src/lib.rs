//! BotWot storage: where bots, sessions, transcripts, durable timers and the outbox are kept.
//!
//! The engine's storage ports ([`botwot_engine::ports::Storage`]) are implemented once, by
//! [`Store`], over a small document port ([`backend::DocumentBackend`]: atomic write batches on
//! collections of documents keyed by id, declared secondary indexes, index range queries). Four
//! backends implement that port: [`EmbeddedBackend`], a durable redb file with group commit for a
//! single node that needs no server, [`ResidentBackend`], the same for a single node with every
//! document held in memory and made durable by a log and snapshots (ADR 0024), [`LsmBackend`],
//! an experimental embedded alternative on a fjall LSM tree (ADR 0004), and [`MongoBackend`] for
//! many nodes sharing MongoDB. One conformance suite (`tests/conformance/`) runs against all
//! four. Pick a backend with [`StorageConfig`] and [`open_storage`], or directly with
//! [`open_embedded`], [`open_resident`], [`open_lsm`] and [`connect_mongo`]. The [`limits`] module holds the per-user, per-organisation and per-IP rate
//! limiters (GCRA, in process or shared through Redis) behind one [`limits::RateLimiter`] trait.
//! [`vectors`] holds the usearch vector index of each knowledge base, saved to bytes as a blob,
//! and [`knowledge_index`] the engine's knowledge index port over the blob store
//! ([`KnowledgeIndexes`]): each base's chunks, keyword index and vectors, loaded on first use
//! and saved as one blob per base. [`blobs`] implements the engine's blob store port twice:
//! [`LocalBlobStore`], files under a directory with atomic writes, and [`S3BlobStore`], objects
//! in an S3 bucket through the AWS SDK; pick one with [`BlobConfig`] and [`open_blob_store`].
//! [`coordination`] implements the engine's coordination port on Redis (cluster-wide locks and
//! version stamps), which the knowledge index and ingestion use when nodes share the stores.

#![forbid(unsafe_code)]

pub mod backend;
pub mod blobs;
mod config;
pub mod coordination;
mod error;
pub mod keys;
pub mod knowledge_index;
pub mod limits;
pub mod redis_link;
mod repo;
pub mod vectors;

pub use backend::embedded::{EmbeddedBackend, GroupCommitStats};
pub use backend::lsm::LsmBackend;
pub use backend::mongo::{MongoBackend, PausePoint, PausedWrite};
pub use backend::resident::{ResidentBackend, ResidentOptions};
pub use blobs::{BlobConfig, LocalBlobStore, S3BlobConfig, S3BlobStore, open_blob_store};
pub use config::{
    StorageConfig, connect_mongo, open_embedded, open_lsm, open_resident, open_storage,
};
pub use error::{Duplicate, Fenced, StorageError};
pub use knowledge_index::KnowledgeIndexes;
pub use repo::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Store, schema};
