//! The MongoDB backend: production storage shared by every node.
//!
//! Each collection of the schema is a MongoDB collection whose documents are envelopes
//! (`{ _id, <fields>, doc }`, see `envelope.rs`); each declared index is created at connect,
//! unique where declared. Queries become `find` with a filter, a sort and a limit. Writes use
//! no multi-document transaction; see `write.rs` and `docs/adr/0002-mongodb-backend.md`. The
//! highest epoch accepted per shard is kept in `shard_fences` (see `fence.rs`).

mod duplicate;
mod envelope;
mod fence;
mod indexes;
mod pause;
mod query;
mod write;

pub use pause::{PausePoint, PausedWrite};

use crate::backend::{CollectionSpec, DocumentBackend, Hit, IndexQuery, Stored, WriteBatch};
use crate::error::StorageError;
use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{Document, doc};
use mongodb::options::{Acknowledgment, ClientOptions, DatabaseOptions, WriteConcern};
use mongodb::{Client, Collection, Database};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::time::Duration;
use tracing::info;

/// How long connect waits for a server when the URI does not say.
const DEFAULT_SERVER_SELECTION_TIMEOUT: Duration = Duration::from_secs(5);

pub struct MongoBackend {
    database: Database,
    collections: Vec<(&'static str, Collection<Document>)>,
    shard_fences: Collection<Document>,
    /// A test's pause for the next batch (see `pause.rs`).
    pause: pause::PauseSlot,
}

impl MongoBackend {
    /// Connects, checks the server answers, and creates the indexes of `schema`.
    /// Writes wait for a majority and the journal.
    pub async fn connect(
        uri: &str,
        database: &str,
        schema: &'static [&'static CollectionSpec],
    ) -> Result<Self, StorageError> {
        let unreachable = |source| StorageError::Connect {
            uri: uri.to_owned(),
            source,
        };
        let mut options = ClientOptions::parse(uri).await.map_err(unreachable)?;
        options
            .server_selection_timeout
            .get_or_insert(DEFAULT_SERVER_SELECTION_TIMEOUT);
        options.app_name.get_or_insert_with(|| "botwot".to_owned());
        let client = Client::with_options(options).map_err(unreachable)?;
        let durable = WriteConcern::builder()
            .w(Acknowledgment::Majority)
            .journal(true)
            .build();
        let database = client.database_with_options(
            database,
            DatabaseOptions::builder().write_concern(durable).build(),
        );
        database
            .run_command(doc! { "ping": 1 })
            .await
            .map_err(unreachable)?;
        let mut collections = Vec::with_capacity(schema.len());
        for spec in schema {
            let collection = database.collection::<Document>(spec.name);
            let models = indexes::models(spec);
            if !models.is_empty() {
                collection.create_indexes(models).await?;
            }
            collections.push((spec.name, collection));
        }
        let shard_fences = database.collection::<Document>(fence::SHARD_FENCES);
        info!(database = database.name(), "mongodb storage connected");
        Ok(Self {
            database,
            collections,
            shard_fences,
            pause: pause::PauseSlot::default(),
        })
    }

    /// Removes the whole database (tests clean up with it).
    pub async fn drop_database(&self) -> Result<(), StorageError> {
        Ok(self.database.drop().await?)
    }

    /// Stops the next batch written at `point` until the returned handle resumes it. For
    /// tests of writers that lose their shard part-way (see `pause.rs`).
    #[doc(hidden)]
    pub fn pause_next_write(&self, point: PausePoint) -> PausedWrite {
        self.pause.arm(point)
    }

    fn collection(
        &self,
        spec: &'static CollectionSpec,
    ) -> Result<&Collection<Document>, StorageError> {
        self.collections
            .iter()
            .find(|(name, _)| *name == spec.name)
            .map(|(_, collection)| collection)
            .ok_or(StorageError::UnknownCollection(spec.name))
    }
}

#[async_trait]
impl DocumentBackend for MongoBackend {
    type Body = Document;

    /// No multi-document transactions: a batch is single-document writes (`write.rs`).
    const ATOMIC_BATCHES: bool = false;

    fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Document, StorageError> {
        mongodb::bson::to_document(value).map_err(|error| StorageError::Encode(error.to_string()))
    }

    fn decode<T: DeserializeOwned>(body: Document) -> Result<T, StorageError> {
        mongodb::bson::from_document(body).map_err(|error| StorageError::Corrupt(error.to_string()))
    }

    async fn write(&self, batch: WriteBatch<Document>) -> Result<(), StorageError> {
        write::write(self, batch).await
    }

    async fn get(
        &self,
        collection: &'static CollectionSpec,
        id: &str,
    ) -> Result<Option<Stored<Document>>, StorageError> {
        let Some(found) = self
            .collection(collection)?
            .find_one(doc! { envelope::ID: id })
            .await?
        else {
            return Ok(None);
        };
        let (_, fields, body) = envelope::unwrap(collection, found)?;
        Ok(Some(Stored { fields, body }))
    }

    async fn query(&self, query: IndexQuery) -> Result<Vec<Hit<Document>>, StorageError> {
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        let mut find = self
            .collection(query.collection)?
            .find(query::filter(&query)?)
            .sort(query::sort(&query));
        if let Ok(limit) = i64::try_from(query.limit) {
            find = find.limit(limit);
        }
        let mut cursor = find.await?;
        let mut hits = Vec::new();
        while let Some(found) = cursor.try_next().await? {
            let (id, fields, body) = envelope::unwrap(query.collection, found)?;
            let position = envelope::position(query.index, &id, &fields).ok_or_else(|| {
                StorageError::Corrupt(format!(
                    "{} document {id} lacks a field of index {}",
                    query.collection.name, query.index.name
                ))
            })?;
            hits.push(Hit { id, body, position });
        }
        Ok(hits)
    }

    async fn shard_epochs(&self) -> Result<BTreeMap<u32, u64>, StorageError> {
        fence::shard_epochs(self).await
    }
}
