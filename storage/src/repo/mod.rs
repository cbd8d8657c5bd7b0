//! Typed repositories, written once over [`DocumentBackend`]: [`Store`] implements every
//! storage port of the engine on whichever backend it is given.

mod accounts;
mod audit;
mod billing;
mod bots;
mod campaign_runs;
mod campaigns;
mod canned;
mod commit;
mod early_deliveries;
mod erasure;
mod insights;
mod integrations;
mod journal;
mod knowledge;
mod leads;
mod one_record;
mod outbox;
mod paging;
mod records;
pub mod schema;
mod sessions;
mod shards;
mod shops;
mod social_posts;
mod timers;
mod voice;
mod voice_agents;
mod widget_usage;

pub use paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use crate::backend::{CollectionSpec, DocumentBackend, FieldValue, Fields, IndexQuery, IndexSpec};
use crate::error::StorageError;
use botwot_engine::ids::TenantId;
use futures::StreamExt;
use serde::de::DeserializeOwned;

/// How many queries of one [`Store::find_all`] run at the same time.
const QUERIES_AT_ONCE: usize = 8;

/// The engine's storage (bots, sessions and transcripts, timers, outbox) on one backend.
pub struct Store<B> {
    backend: B,
}

impl<B: DocumentBackend> Store<B> {
    pub fn new(backend: B) -> Self {
        Self { backend }
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The record of that id, if it exists and belongs to `tenant`.
    async fn get_record<T: DeserializeOwned>(
        &self,
        collection: &'static CollectionSpec,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<T>, StorageError> {
        let found = self.get_in_tenant(collection, tenant, id).await?;
        Ok(found.map(|(_, record)| record))
    }

    /// The record of that id, if it exists and belongs to `tenant`, with its stored fields.
    async fn get_in_tenant<T: DeserializeOwned>(
        &self,
        collection: &'static CollectionSpec,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<(Fields, T)>, StorageError> {
        let Some(stored) = self.backend.get(collection, id).await? else {
            return Ok(None);
        };
        if stored.fields.get(schema::TENANT) != Some(&records::tenant(tenant)) {
            return Ok(None);
        }
        Ok(Some((stored.fields, B::decode(stored.body)?)))
    }

    /// The record of that id in a collection whose ids are global (no tenant to check).
    async fn get_by_id<T: DeserializeOwned>(
        &self,
        collection: &'static CollectionSpec,
        id: &str,
    ) -> Result<Option<T>, StorageError> {
        let stored = self.backend.get(collection, id).await?;
        stored.map(|found| B::decode(found.body)).transpose()
    }

    /// The record whose index values start with `prefix` (for unique indexes: the one record).
    async fn find_first<T: DeserializeOwned>(
        &self,
        collection: &'static CollectionSpec,
        index: &'static IndexSpec,
        prefix: Vec<FieldValue>,
    ) -> Result<Option<T>, StorageError> {
        let mut query = IndexQuery::new(collection, index, prefix);
        query.limit = 1;
        Ok(self.find(query).await?.pop())
    }

    /// Every record `query` finds, decoded.
    async fn find<T: DeserializeOwned>(&self, query: IndexQuery) -> Result<Vec<T>, StorageError> {
        self.backend
            .query(query)
            .await?
            .into_iter()
            .map(|hit| B::decode(hit.body))
            .collect()
    }

    /// The hits of each query in turn. The queries run side by side (a few at a time), so a
    /// node adopting many shards waits for the database's latency a few times, not once per
    /// shard.
    async fn find_all<T: DeserializeOwned>(
        &self,
        queries: Vec<IndexQuery>,
    ) -> Result<Vec<T>, StorageError> {
        let mut answers = futures::stream::iter(queries)
            .map(|query| self.find::<T>(query))
            .buffered(QUERIES_AT_ONCE);
        let mut found = Vec::new();
        while let Some(hits) = answers.next().await {
            found.extend(hits?);
        }
        Ok(found)
    }
}
