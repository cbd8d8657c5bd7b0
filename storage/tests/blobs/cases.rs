//! The cases both blob stores must pass.

use crate::fixtures::Fixture;
use anyhow::ensure;
use botwot_engine::blobs::BlobError;
use futures::future::try_join_all;

/// `len` deterministic bytes that differ with `seed` (xorshift64), so truncation, reordering or
/// a mix of two writes shows.
pub fn sample_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

pub async fn round_trip_including_a_large_blob(fixture: &impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    store.put("kb/t1/k1/docs/d1", b"hello".to_vec()).await?;
    ensure!(store.get("kb/t1/k1/docs/d1").await?.as_deref() == Some(&b"hello"[..]));

    let large = sample_bytes(5 * 1024 * 1024, 1);
    store.put("kb/t1/k1/index", large.clone()).await?;
    ensure!(store.get("kb/t1/k1/index").await? == Some(large));

    store.put("kb/t1/k1/empty", Vec::new()).await?;
    ensure!(store.get("kb/t1/k1/empty").await? == Some(Vec::new()));
    Ok(())
}

pub async fn a_put_replaces_what_was_there(fixture: &impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    store.put("media/a", sample_bytes(4096, 1)).await?;
    store.put("media/a", b"short".to_vec()).await?;
    ensure!(store.get("media/a").await?.as_deref() == Some(&b"short"[..]));
    ensure!(store.list("media/").await? == ["media/a"]);
    Ok(())
}

pub async fn a_missing_key_reads_as_none(fixture: &impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    ensure!(store.get("never/written").await?.is_none());
    store.put("kb/a/b", b"x".to_vec()).await?;
    // Neither a parent "directory" nor a longer sibling is a blob.
    ensure!(store.get("kb/a").await?.is_none());
    ensure!(store.get("kb/a/bc").await?.is_none());
    // `exists` answers the same without reading.
    ensure!(store.exists("kb/a/b").await?);
    ensure!(!store.exists("never/written").await?);
    ensure!(!store.exists("kb/a").await?);
    ensure!(!store.exists("kb/a/bc").await?);
    Ok(())
}

pub async fn deleting_is_idempotent(fixture: &impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    store.put("recordings/r1", b"x".to_vec()).await?;
    store.delete("recordings/r1").await?;
    ensure!(store.get("recordings/r1").await?.is_none());
    store.delete("recordings/r1").await?;
    store.delete("recordings/never-written").await?;
    ensure!(store.list("recordings/").await?.is_empty());
    Ok(())
}

pub async fn listing_returns_keys_with_the_prefix_in_lexical_order(
    fixture: &impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    for key in [
        "kb/a/2",
        "other",
        "kb/ab/1",
        "kb/a/sub/x",
        "kb/b",
        "kb/a/1",
        "kb/a/10",
    ] {
        store.put(key, key.as_bytes().to_vec()).await?;
    }
    ensure!(store.list("kb/a/").await? == ["kb/a/1", "kb/a/10", "kb/a/2", "kb/a/sub/x"]);
    // A prefix is a prefix of the key's text, not of its path: `kb/a` also matches `kb/ab/1`.
    ensure!(store.list("kb/a").await? == ["kb/a/1", "kb/a/10", "kb/a/2", "kb/a/sub/x", "kb/ab/1"]);
    ensure!(store.list("kb/a/sub").await? == ["kb/a/sub/x"]);
    ensure!(
        store.list("").await?
            == [
                "kb/a/1",
                "kb/a/10",
                "kb/a/2",
                "kb/a/sub/x",
                "kb/ab/1",
                "kb/b",
                "other"
            ]
    );
    ensure!(store.list("kb/none/").await?.is_empty());
    ensure!(store.list("nothing").await?.is_empty());
    Ok(())
}

pub async fn deleting_a_prefix_removes_only_its_keys(fixture: &impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    for key in ["kb/a/1", "kb/a/2", "kb/a/sub/x", "kb/ab/1", "kb/b"] {
        store.put(key, b"x".to_vec()).await?;
    }
    ensure!(store.delete_prefix("kb/a/").await? == 3);
    ensure!(store.list("").await? == ["kb/ab/1", "kb/b"]);
    ensure!(store.get("kb/ab/1").await?.is_some());
    ensure!(store.delete_prefix("kb/a/").await? == 0);
    ensure!(store.delete_prefix("").await? == 2);
    ensure!(store.list("").await?.is_empty());
    Ok(())
}

pub async fn invalid_keys_are_refused(fixture: &impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    for bad in [
        "",
        "/abs",
        "a//b",
        "a/../b",
        "..",
        "../escape",
        "a/./b",
        "a\\b",
        "a\nb",
        "a/",
    ] {
        ensure!(refused(store.put(bad, b"x".to_vec()).await), "put {bad:?}");
        ensure!(refused(store.get(bad).await), "get {bad:?}");
        ensure!(refused(store.delete(bad).await), "delete {bad:?}");
    }
    let too_long = "k".repeat(1025);
    ensure!(
        refused(store.put(&too_long, b"x".to_vec()).await),
        "a 1025-byte key"
    );
    for bad in ["/", "../", "a//", "/a"] {
        ensure!(refused(store.list(bad).await), "list {bad:?}");
        ensure!(
            refused(store.delete_prefix(bad).await),
            "delete_prefix {bad:?}"
        );
    }
    ensure!(
        store.list("").await?.is_empty(),
        "a refused put wrote something"
    );
    Ok(())
}

fn refused<T>(outcome: Result<T, BlobError>) -> bool {
    matches!(outcome, Err(BlobError::InvalidKey(_)))
}

pub async fn concurrent_puts_to_different_keys_all_land(
    fixture: &impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let keys: Vec<String> = (0..32).map(|i| format!("kb/t1/k1/docs/d{i:02}")).collect();
    let puts = keys.iter().enumerate().map(|(i, key)| {
        let store = store.clone();
        let key = key.clone();
        tokio::spawn(async move { store.put(&key, sample_bytes(64 * 1024, i as u64)).await })
    });
    for outcome in try_join_all(puts).await? {
        outcome?;
    }
    ensure!(store.list("kb/t1/k1/docs/").await? == keys);
    for (i, key) in keys.iter().enumerate() {
        ensure!(
            store.get(key).await? == Some(sample_bytes(64 * 1024, i as u64)),
            "{key}"
        );
    }
    Ok(())
}

pub async fn a_second_instance_sees_the_first_ones_blobs(
    fixture: &impl Fixture,
) -> anyhow::Result<()> {
    let first = fixture.store();
    first.put("kb/t1/k1/index", b"saved".to_vec()).await?;
    first.put("kb/t1/k1/docs/d1", b"doc".to_vec()).await?;
    let second = fixture.reopen().await?;
    ensure!(second.get("kb/t1/k1/index").await?.as_deref() == Some(&b"saved"[..]));
    ensure!(second.list("kb/t1/").await? == ["kb/t1/k1/docs/d1", "kb/t1/k1/index"]);
    second.delete("kb/t1/k1/index").await?;
    ensure!(first.get("kb/t1/k1/index").await?.is_none());
    Ok(())
}
