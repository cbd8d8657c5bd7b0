//! What the embedded backends (redb, the resident store and the LSM tree) share: the field header
//! stored beside each body and the index keys it produces (`record`), batches prepared on the
//! caller's task (`prepare`), the key range of an index query (`bounds`), group commit through
//! one writer thread (`group`), JSON bodies and the document port on top of them
//! ([`LocalStore`]). The two key-value backends (resident and LSM) also share how a collection
//! is laid out in trees (`trees`), how a group is checked against what is committed (`stage`)
//! and how an index query's entries become hits (`scan`).

pub(crate) mod bounds;
pub(crate) mod group;
pub(crate) mod prepare;
pub(crate) mod record;
pub(crate) mod scan;
pub(crate) mod stage;
#[cfg(test)]
pub(crate) mod tests;
pub(crate) mod trees;

use crate::backend::{CollectionSpec, DocumentBackend, Hit, IndexQuery, Stored, WriteBatch};
use crate::error::StorageError;
use async_trait::async_trait;
use group::Writer;
use prepare::{Positions, prepare};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// An embedded backend: JSON bodies, writes through its group-commit [`Writer`], reads of its
/// own. Each one gets the document port from the impl below.
pub(crate) trait LocalStore: Send + Sync + 'static {
    fn writer(&self) -> &Writer;
    fn positions(&self) -> &dyn Positions;
    fn get_now(
        &self,
        collection: &'static CollectionSpec,
        id: &str,
    ) -> Result<Option<Stored<Vec<u8>>>, StorageError>;
    /// The query, ready to run on a blocking thread.
    fn query_job(
        &self,
        query: IndexQuery,
    ) -> impl FnOnce() -> Result<Vec<Hit<Vec<u8>>>, StorageError> + Send + 'static;
    /// The shard fences as stored now (a small table: read inline).
    fn shard_epochs_now(&self) -> Result<BTreeMap<u32, u64>, StorageError>;
}

#[async_trait]
impl<S: LocalStore> DocumentBackend for S {
    type Body = Vec<u8>;

    /// redb writes a batch in one transaction, fjall as one atomic batch.
    const ATOMIC_BATCHES: bool = true;

    fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, StorageError> {
        encode_json(value)
    }

    fn decode<T: DeserializeOwned>(body: Vec<u8>) -> Result<T, StorageError> {
        decode_json(&body)
    }

    async fn write(&self, batch: WriteBatch<Vec<u8>>) -> Result<(), StorageError> {
        if batch.ops.is_empty() && batch.fence.is_none() {
            return Ok(());
        }
        let batch = prepare(self.positions(), batch)?;
        self.writer().submit(batch).await
    }

    async fn get(
        &self,
        collection: &'static CollectionSpec,
        id: &str,
    ) -> Result<Option<Stored<Vec<u8>>>, StorageError> {
        // A point read from the cache: cheaper inline than on a blocking thread.
        self.get_now(collection, id)
    }

    async fn query(&self, query: IndexQuery) -> Result<Vec<Hit<Vec<u8>>>, StorageError> {
        // A scan may visit many entries when post-filters are selective: keep it off the
        // async workers.
        tokio::task::spawn_blocking(self.query_job(query))
            .await
            .map_err(|error| StorageError::Task(error.to_string()))?
    }

    async fn shard_epochs(&self) -> Result<BTreeMap<u32, u64>, StorageError> {
        self.shard_epochs_now()
    }
}

/// A document body as the embedded backends store it: JSON bytes.
fn encode_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, StorageError> {
    serde_json::to_vec(value).map_err(|error| StorageError::Encode(error.to_string()))
}

fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, StorageError> {
    serde_json::from_slice(body).map_err(|error| StorageError::Corrupt(error.to_string()))
}
