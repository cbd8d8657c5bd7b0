//! What only the local store promises: a put is never partially visible, on disk or in listings.

use crate::cases::sample_bytes;
use crate::fixtures::{Fixture, LocalFixture};
use anyhow::ensure;
use botwot_engine::blobs::BlobError;
use botwot_storage::blobs::{BlobConfig, PARTIAL_SUFFIX};
use std::path::Path;
use std::sync::Arc;

const BLOB_LEN: usize = 1024 * 1024;
const REWRITES: u64 = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_racing_a_rewrite_see_one_whole_blob() -> anyhow::Result<()> {
    let fixture = LocalFixture::new().await?;
    let store = fixture.store();
    let versions: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..=REWRITES)
            .map(|seed| sample_bytes(BLOB_LEN, seed))
            .collect(),
    );
    store.put("kb/t1/k1/index", versions[0].clone()).await?;
    let writer = {
        let (store, versions) = (store.clone(), versions.clone());
        tokio::spawn(async move {
            for version in &versions[1..] {
                store.put("kb/t1/k1/index", version.clone()).await?;
            }
            Ok::<_, BlobError>(())
        })
    };
    let mut reads = 0;
    while !writer.is_finished() {
        reads += 1;
        ensure!(
            store.list("").await? == ["kb/t1/k1/index"],
            "a partial file was listed"
        );
        let read = store.get("kb/t1/k1/index").await?;
        ensure!(
            read.is_some_and(|bytes| versions.contains(&bytes)),
            "a torn read"
        );
    }
    writer.await??;
    ensure!(reads > 0, "the writer finished before any read raced it");
    ensure!(store.get("kb/t1/k1/index").await? == versions.last().cloned());
    ensure!(
        files_under(fixture.local_store().root())? == ["kb/t1/k1/index"],
        "leftovers"
    );
    fixture.cleanup().await
}

#[tokio::test]
async fn stray_partial_files_are_not_blobs() -> anyhow::Result<()> {
    let fixture = LocalFixture::new().await?;
    let store = fixture.store();
    store.put("kb/doc", b"x".to_vec()).await?;
    // As a crash in the middle of a put would leave it.
    let stray = (fixture.local_store().root()).join(format!("kb/doc.1-1{PARTIAL_SUFFIX}"));
    std::fs::write(&stray, b"half")?;
    ensure!(store.list("").await? == ["kb/doc"]);
    ensure!(store.delete_prefix("kb/").await? == 1);
    let refused = store
        .put(&format!("kb/doc{PARTIAL_SUFFIX}"), b"x".to_vec())
        .await;
    ensure!(
        matches!(refused, Err(BlobError::InvalidKey(_))),
        "{refused:?}"
    );
    fixture.cleanup().await
}

#[tokio::test]
async fn the_configured_local_store_keeps_files_in_its_dir() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = BlobConfig::Local {
        dir: dir.path().join("nested/blobs"),
    };
    let store = botwot_storage::open_blob_store(&config).await?;
    store.put("kb/t1/doc", b"x".to_vec()).await?;
    ensure!(std::fs::read(dir.path().join("nested/blobs/kb/t1/doc"))? == b"x");
    Ok(())
}

/// Every file under `root`, as `/`-separated relative paths, sorted.
fn files_under(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)?
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push(relative);
            }
        }
    }
    files.sort();
    Ok(files)
}
