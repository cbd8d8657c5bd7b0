//! What only the S3 store has: a key prefix inside the bucket, deletes in batches, and buckets
//! made on connect.

use crate::fixtures::{Fixture, S3Fixture, connect, test_bucket_config};
use anyhow::ensure;
use botwot_engine::blobs::BlobStore;
use botwot_storage::blobs::BlobConfig;
use futures::{StreamExt, TryStreamExt, stream};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_live_under_the_key_prefix() -> anyhow::Result<()> {
    let prefixed = S3Fixture::with_key_prefix(Some("botwot")).await?;
    let mut whole_bucket_config = prefixed.config.clone();
    whole_bucket_config.key_prefix = None;
    let whole_bucket = connect(&whole_bucket_config).await?;

    prefixed.store().put("kb/doc", b"x".to_vec()).await?;
    whole_bucket.put("outside", b"y".to_vec()).await?;
    ensure!(prefixed.store().list("").await? == ["kb/doc"]);
    ensure!(whole_bucket.list("").await? == ["botwot/kb/doc", "outside"]);
    ensure!(whole_bucket.get("botwot/kb/doc").await?.as_deref() == Some(&b"x"[..]));
    ensure!(prefixed.store().delete_prefix("").await? == 1);
    ensure!(whole_bucket.list("").await? == ["outside"]);
    whole_bucket.delete_prefix("").await?;
    prefixed.cleanup().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_more_than_one_batch_of_keys() -> anyhow::Result<()> {
    let fixture = S3Fixture::new().await?;
    let store = fixture.store();
    let keys: Vec<String> = (0..1005).map(|i| format!("kb/t1/chunks/{i:04}")).collect();
    stream::iter(&keys)
        .map(|key| store.put(key, Vec::new()))
        .buffer_unordered(16)
        .try_collect::<()>()
        .await?;
    store.put("kb/t2/kept", b"x".to_vec()).await?;
    ensure!(store.list("kb/t1/").await? == keys, "listing across pages");
    ensure!(store.delete_prefix("kb/t1/").await? == 1005);
    ensure!(store.list("").await? == ["kb/t2/kept"]);
    fixture.cleanup().await
}

#[tokio::test]
async fn the_configured_store_creates_its_bucket_once() -> anyhow::Result<()> {
    let bucket = format!("botwot-test-{}", uuid::Uuid::new_v4().simple());
    let config = BlobConfig::S3(test_bucket_config(&bucket, None));
    let store = botwot_storage::open_blob_store(&config).await?;
    store.put("a", b"x".to_vec()).await?;
    // Connecting again finds the bucket there and keeps what it holds.
    let again = botwot_storage::open_blob_store(&config).await?;
    ensure!(again.get("a").await?.as_deref() == Some(&b"x"[..]));
    again.delete_prefix("").await?;
    Ok(())
}

#[tokio::test]
async fn a_missing_bucket_is_reported_when_not_created() -> anyhow::Result<()> {
    let bucket = format!("botwot-test-{}", uuid::Uuid::new_v4().simple());
    let mut config = test_bucket_config(&bucket, None);
    config.create_bucket_if_missing = false;
    let store = connect(&config).await?;
    let error = store.put("a", b"x".to_vec()).await.err();
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    ensure!(
        message.contains("PutObject") && message.contains(&bucket),
        "{message}"
    );
    Ok(())
}
