//! Nodes of a cluster sharing one blob store through Redis (`BOTWOT_TEST_REDIS_URL`, default
//! `redis://127.0.0.1:6379`): the coordination's locks and stamps, and two indexes over the same
//! bases that neither lose each other's changes nor answer from a stale copy.

use super::*;
use botwot_storage::coordination::RedisCoordination;
use std::time::{Duration, Instant};

fn redis_url() -> String {
    std::env::var("BOTWOT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A fresh cluster: its own key prefix, so tests sharing one server never meet.
fn cluster_prefix() -> String {
    format!("botwot-test:{}:", uuid::Uuid::new_v4())
}

async fn node_of(prefix: &str) -> RedisCoordination {
    let url = redis_url();
    let connect = RedisCoordination::connect(&url, prefix);
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(coordination)) => coordination,
        Ok(Err(e)) => panic!("cannot reach Redis at {url} (set BOTWOT_TEST_REDIS_URL): {e}"),
        Err(_) => panic!("timed out connecting to Redis at {url} (set BOTWOT_TEST_REDIS_URL)"),
    }
}

/// Two indexes over one blob store, each with its own connection to the cluster's Redis.
async fn two_nodes() -> (Arc<Fixture>, Arc<Fixture>) {
    let prefix = cluster_prefix();
    let blobs = Arc::new(MemoryBlobs::default());
    let first = Fixture::sharing(blobs.clone(), Arc::new(node_of(&prefix).await));
    let second = Fixture::sharing(blobs, Arc::new(node_of(&prefix).await));
    (Arc::new(first), Arc::new(second))
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_lock_is_one_holders_until_released_or_dropped() {
    let prefix = cluster_prefix();
    let (first, second) = (node_of(&prefix).await, node_of(&prefix).await);
    let held = first.try_lock("base").await.unwrap().expect("a free lock");
    assert!(held.is_held());
    assert!(second.try_lock("base").await.unwrap().is_none());
    assert!(
        second.try_lock("other").await.unwrap().is_some(),
        "locks of other names are apart"
    );
    held.release().await;
    let held = second.try_lock("base").await.unwrap().expect("released");
    drop(held);
    eventually("a dropped lock is released", async || {
        first.try_lock("base").await.unwrap().is_some()
    })
    .await;
}

#[tokio::test]
async fn a_kept_lock_outlives_its_time_to_live_and_a_lost_one_says_so() {
    let prefix = cluster_prefix();
    let ttl = Duration::from_millis(300);
    let first = node_of(&prefix).await.with_lock_ttl(ttl);
    let second = node_of(&prefix).await.with_lock_ttl(ttl);
    let held = first.try_lock("base").await.unwrap().expect("a free lock");
    tokio::time::sleep(ttl * 3).await;
    assert!(held.is_held(), "renewed while its holder lives");
    assert!(second.try_lock("base").await.unwrap().is_none());

    // Another holder in its place (as after a pause longer than the time to live).
    let mut redis = redis::Client::open(redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let () = redis::cmd("SET")
        .arg(format!("{prefix}lock:base"))
        .arg("someone-else")
        .query_async(&mut redis)
        .await
        .unwrap();
    eventually("the holder learns it lost the lock", async || {
        !held.is_held()
    })
    .await;
    held.release().await;
    let holder: String = redis::cmd("GET")
        .arg(format!("{prefix}lock:base"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(
        holder, "someone-else",
        "releasing a lost lock leaves the new holder's"
    );
}

#[tokio::test]
async fn every_stamp_is_new_and_read_back_by_every_node() {
    let prefix = cluster_prefix();
    let (first, second) = (node_of(&prefix).await, node_of(&prefix).await);
    assert_eq!(second.stamp("base").await.unwrap(), None);
    let one = first.new_stamp("base").await.unwrap();
    assert!(one.is_some());
    assert_eq!(second.stamp("base").await.unwrap(), one);
    let two = second.new_stamp("base").await.unwrap();
    assert_ne!(one, two);
    assert_eq!(first.stamp("base").await.unwrap(), two);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_writing_one_base_lose_no_document() {
    let (first, second) = two_nodes().await;
    let writers: Vec<_> = (0..16)
        .map(|number| {
            let node = Arc::clone(if number % 2 == 0 { &first } else { &second });
            tokio::spawn(async move {
                let text = format!("Gadget{number} is sold in the store.");
                node.add("kb_help", &format!("doc_{number}"), &[text.as_str()])
                    .await;
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer finished");
    }
    let restarted = first.restarted();
    for number in 0..16 {
        let question = format!("gadget{number}");
        for node in [first.as_ref(), second.as_ref(), &restarted] {
            let found = node
                .ask(&["kb_help"], &question, RetrievalMode::KeywordOnly)
                .await;
            assert_eq!(found, vec![format!("Gadget{number} is sold in the store.")]);
        }
    }
}

#[tokio::test]
async fn a_node_answers_from_what_another_node_changed() {
    let (first, second) = two_nodes().await;
    first.add("kb_help", "faq", FAQ).await;
    let asked = first
        .ask(&["kb_help"], "shop", RetrievalMode::KeywordOnly)
        .await;
    assert_eq!(asked.first().map(String::as_str), Some(FAQ[2]));

    second
        .add(
            "kb_help",
            "faq",
            &["The shop opens at ten on Sundays only."],
        )
        .await;
    let asked = first
        .ask(&["kb_help"], "shop", RetrievalMode::KeywordOnly)
        .await;
    assert_eq!(
        asked,
        vec!["The shop opens at ten on Sundays only.".to_owned()]
    );

    let removed = second
        .index
        .remove_document(
            &TenantId::from(TENANT),
            &KnowledgeBaseId::from("kb_help"),
            &DocumentId::from("faq"),
        )
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(
        first
            .ask(&["kb_help"], "shop", RetrievalMode::KeywordOnly)
            .await
            .is_empty()
    );

    first.add("kb_help", "faq", FAQ).await;
    second
        .index
        .drop_base(&TenantId::from(TENANT), &KnowledgeBaseId::from("kb_help"))
        .await
        .unwrap();
    assert!(
        first
            .ask(&["kb_help"], "refund", RetrievalMode::KeywordOnly)
            .await
            .is_empty(),
        "a base dropped on one node is gone on the other"
    );
}
