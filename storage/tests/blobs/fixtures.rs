//! A fresh, empty store of each kind, and a second instance of it over the same data.

use anyhow::Context;
use async_trait::async_trait;
use botwot_engine::blobs::BlobStore;
use botwot_storage::{LocalBlobStore, S3BlobConfig, S3BlobStore};
use std::sync::Arc;
use tempfile::TempDir;

/// The S3 test server, unless `BOTWOT_TEST_S3_ENDPOINT` names another.
const DEFAULT_S3_ENDPOINT: &str = "http://127.0.0.1:9000";

#[async_trait]
pub trait Fixture: Send + Sync {
    fn store(&self) -> Arc<dyn BlobStore>;
    /// Another store opened on the same data, as after a restart.
    async fn reopen(&self) -> anyhow::Result<Arc<dyn BlobStore>>;
    async fn cleanup(self) -> anyhow::Result<()>;
}

pub struct LocalFixture {
    pub dir: TempDir,
    store: Arc<LocalBlobStore>,
}

impl LocalFixture {
    pub async fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let store = Arc::new(LocalBlobStore::open(dir.path().join("blobs")).await?);
        Ok(Self { dir, store })
    }

    pub fn local_store(&self) -> &LocalBlobStore {
        &self.store
    }
}

#[async_trait]
impl Fixture for LocalFixture {
    fn store(&self) -> Arc<dyn BlobStore> {
        self.store.clone()
    }

    async fn reopen(&self) -> anyhow::Result<Arc<dyn BlobStore>> {
        Ok(Arc::new(LocalBlobStore::open(self.store.root()).await?))
    }

    async fn cleanup(self) -> anyhow::Result<()> {
        Ok(self.dir.close()?)
    }
}

pub struct S3Fixture {
    pub config: S3BlobConfig,
    store: Arc<S3BlobStore>,
}

impl S3Fixture {
    pub async fn new() -> anyhow::Result<Self> {
        Self::with_key_prefix(None).await
    }

    /// A fresh bucket, its keys kept under `key_prefix`.
    pub async fn with_key_prefix(key_prefix: Option<&str>) -> anyhow::Result<Self> {
        let config = test_bucket_config(
            &format!("botwot-test-{}", uuid::Uuid::new_v4().simple()),
            key_prefix,
        );
        let store = Arc::new(connect(&config).await?);
        Ok(Self { config, store })
    }
}

/// A configuration for `bucket` on the S3 test server, created on connect.
pub fn test_bucket_config(bucket: &str, key_prefix: Option<&str>) -> S3BlobConfig {
    S3BlobConfig {
        bucket: bucket.to_owned(),
        region: "us-east-1".to_owned(),
        endpoint: Some(
            std::env::var("BOTWOT_TEST_S3_ENDPOINT")
                .unwrap_or_else(|_| DEFAULT_S3_ENDPOINT.to_owned()),
        ),
        access_key_id: Some("test".to_owned()),
        secret_access_key: Some("test".to_owned()),
        key_prefix: key_prefix.map(str::to_owned),
        create_bucket_if_missing: true,
    }
}

pub async fn connect(config: &S3BlobConfig) -> anyhow::Result<S3BlobStore> {
    S3BlobStore::connect(config).await.with_context(|| {
        format!(
            "the S3 test server at {} is not answering: start it with deploy/test-services.sh \
             or point BOTWOT_TEST_S3_ENDPOINT at one",
            config
                .endpoint
                .as_deref()
                .unwrap_or("the AWS default endpoint")
        )
    })
}

#[async_trait]
impl Fixture for S3Fixture {
    fn store(&self) -> Arc<dyn BlobStore> {
        self.store.clone()
    }

    async fn reopen(&self) -> anyhow::Result<Arc<dyn BlobStore>> {
        Ok(Arc::new(connect(&self.config).await?))
    }

    /// Empties the bucket so the test server does not keep the test's blobs in memory.
    async fn cleanup(self) -> anyhow::Result<()> {
        self.store.delete_prefix("").await?;
        Ok(())
    }
}
