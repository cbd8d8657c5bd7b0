//! The backends the suite runs against. A fixture owns a store on fresh, empty data.

use anyhow::Context;
use async_trait::async_trait;
use botwot_engine::ports::Storage;
use botwot_storage::{EmbeddedBackend, MongoBackend, Store, connect_mongo, open_embedded};
use std::sync::Arc;
use tempfile::TempDir;

/// The MongoDB test server, unless `BOTWOT_TEST_MONGO_URI` names another.
const DEFAULT_MONGO_URI: &str = "mongodb://127.0.0.1:27018";

#[async_trait]
pub trait Fixture: Send + Sync {
    fn store(&self) -> Arc<dyn Storage>;
    /// Closes the store and opens it again on the same data. Every `store()` handle taken
    /// before must have been dropped.
    async fn reopen(&mut self) -> anyhow::Result<()>;
    /// Removes what the fixture created outside the process.
    async fn cleanup(self) -> anyhow::Result<()>;
}

pub struct EmbeddedFixture {
    dir: TempDir,
    store: Option<Arc<Store<EmbeddedBackend>>>,
}

impl EmbeddedFixture {
    pub async fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let store = open_embedded(dir.path())?;
        Ok(Self {
            dir,
            store: Some(store),
        })
    }
}

#[async_trait]
impl Fixture for EmbeddedFixture {
    fn store(&self) -> Arc<dyn Storage> {
        match &self.store {
            Some(store) => store.clone(),
            None => unreachable!("the store is always open between calls"),
        }
    }

    async fn reopen(&mut self) -> anyhow::Result<()> {
        let store = self.store.take().context("store already closed")?;
        Arc::into_inner(store).context("a handle on the store is still alive")?;
        self.store = Some(open_embedded(self.dir.path()).context("reopening the embedded store")?);
        Ok(())
    }

    async fn cleanup(self) -> anyhow::Result<()> {
        Ok(())
    }
}

pub struct MongoFixture {
    uri: String,
    database: String,
    store: Arc<Store<MongoBackend>>,
}

impl MongoFixture {
    /// A fresh database on the test server. Fails (never skips) when the server is not there:
    /// CI starts it with `deploy/test-services.sh`.
    pub async fn new() -> anyhow::Result<Self> {
        let uri =
            std::env::var("BOTWOT_TEST_MONGO_URI").unwrap_or_else(|_| DEFAULT_MONGO_URI.to_owned());
        let database = format!("botwot_test_{}", uuid::Uuid::new_v4().simple());
        let store = connect_mongo(&uri, &database).await.with_context(|| {
            format!(
                "the MongoDB test server at {uri} is not answering: start it with \
                 deploy/test-services.sh or point BOTWOT_TEST_MONGO_URI at one"
            )
        })?;
        Ok(Self {
            uri,
            database,
            store,
        })
    }
}

#[async_trait]
impl Fixture for MongoFixture {
    fn store(&self) -> Arc<dyn Storage> {
        self.store.clone()
    }

    async fn reopen(&mut self) -> anyhow::Result<()> {
        self.store = connect_mongo(&self.uri, &self.database).await?;
        Ok(())
    }

    async fn cleanup(self) -> anyhow::Result<()> {
        self.store.backend().drop_database().await?;
        Ok(())
    }
}
