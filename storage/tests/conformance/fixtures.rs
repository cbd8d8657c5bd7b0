//! The backends the suite runs against. A fixture owns a store on fresh, empty data.

use anyhow::Context;
use async_trait::async_trait;
use botwot_engine::ports::Storage;
use botwot_storage::backend::DocumentBackend;
use botwot_storage::{
    EmbeddedBackend, LsmBackend, MongoBackend, ResidentBackend, StorageError, Store, connect_mongo,
    open_embedded, open_lsm, open_resident,
};
use std::path::Path;
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

/// A store on a fresh temporary data directory, opened with `open`.
pub struct DirFixture<B: DocumentBackend> {
    dir: TempDir,
    store: Option<Arc<Store<B>>>,
    open: Opener<B>,
    name: &'static str,
}

type Opener<B> = fn(&Path) -> Result<Arc<Store<B>>, StorageError>;

/// The redb backend.
pub type EmbeddedFixture = DirFixture<EmbeddedBackend>;
/// The fjall LSM backend.
pub type LsmFixture = DirFixture<LsmBackend>;
/// The resident backend: in memory, a log and snapshots on disk.
pub type ResidentFixture = DirFixture<ResidentBackend>;

impl<B: DocumentBackend> DirFixture<B> {
    fn open_new(open: Opener<B>, name: &'static str) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let store = open(dir.path())?;
        Ok(Self {
            dir,
            store: Some(store),
            open,
            name,
        })
    }
}

impl EmbeddedFixture {
    pub async fn new() -> anyhow::Result<Self> {
        Self::open_new(|dir| open_embedded(dir), "embedded")
    }
}

impl ResidentFixture {
    pub async fn new() -> anyhow::Result<Self> {
        Self::open_new(|dir| open_resident(dir), "resident")
    }
}

impl LsmFixture {
    pub async fn new() -> anyhow::Result<Self> {
        Self::open_new(|dir| open_lsm(dir), "lsm")
    }
}

#[async_trait]
impl<B: DocumentBackend> Fixture for DirFixture<B> {
    fn store(&self) -> Arc<dyn Storage> {
        match &self.store {
            Some(store) => store.clone(),
            None => unreachable!("the store is always open between calls"),
        }
    }

    async fn reopen(&mut self) -> anyhow::Result<()> {
        let store = self.store.take().context("store already closed")?;
        Arc::into_inner(store).context("a handle on the store is still alive")?;
        let store = (self.open)(self.dir.path())
            .with_context(|| format!("reopening the {} store", self.name))?;
        self.store = Some(store);
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

    /// The store itself, for what only the MongoDB store offers (crash simulation).
    pub fn mongo_store(&self) -> Arc<Store<MongoBackend>> {
        self.store.clone()
    }

    /// The fixture's database through a client of its own, to change what the store cannot.
    pub async fn raw_database(&self) -> anyhow::Result<mongodb::Database> {
        let client = mongodb::Client::with_uri_str(&self.uri).await?;
        Ok(client.database(&self.database))
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
