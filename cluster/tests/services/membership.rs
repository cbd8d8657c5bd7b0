//! Membership: heartbeats with a TTL, listing, expiry of a silent member, clean leave.

use crate::support::{RedisCleanup, eventually, membership, unique_prefix};
use botwot_cluster::MemberInfo;
use std::time::Duration;

fn member(id: &str) -> MemberInfo {
    MemberInfo::starting_now(id, format!("127.0.0.1:80{}", id.len()))
}

#[tokio::test]
async fn joined_members_are_listed_with_their_records() {
    let prefix = unique_prefix("members");
    let _cleanup = RedisCleanup::new(&prefix);
    let cluster = membership(&prefix, 2000, 200).await;
    let a = cluster.join(member("node-a")).await.unwrap();
    let b = cluster.join(member("node-b")).await.unwrap();
    let live = cluster.live_members().await.unwrap();
    let ids: Vec<&str> = live.iter().map(|m| m.node_id.as_str()).collect();
    assert_eq!(ids, ["node-a", "node-b"]);
    assert_eq!(live[0].address, "127.0.0.1:806");
    assert!(live[0].started_at > 0);

    a.set_load(42);
    eventually(
        "the new load is heartbeated",
        Duration::from_secs(10),
        || async { cluster.live_members().await.unwrap()[0].load == 42 },
    )
    .await;
    assert_eq!(a.consecutive_failures(), 0);
    a.leave().await.unwrap();
    b.leave().await.unwrap();
}

#[tokio::test]
async fn heartbeats_keep_a_member_alive_past_its_ttl() {
    let prefix = unique_prefix("members");
    let _cleanup = RedisCleanup::new(&prefix);
    let cluster = membership(&prefix, 1500, 150).await;
    let a = cluster.join(member("node-a")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let live = cluster.live_members().await.unwrap();
    assert_eq!(live.len(), 1, "a heartbeating member must stay listed");
    a.leave().await.unwrap();
}

#[tokio::test]
async fn a_member_that_stops_heartbeating_drops_out_after_the_ttl() {
    let prefix = unique_prefix("members");
    let _cleanup = RedisCleanup::new(&prefix);
    let cluster = membership(&prefix, 600, 100).await;
    let silent = cluster.join(member("node-silent")).await.unwrap();
    let alive = cluster.join(member("node-alive")).await.unwrap();
    silent.stop().await; // no leave: as if it crashed
    eventually(
        "the silent member expires",
        Duration::from_secs(10),
        || async {
            let live = cluster.live_members().await.unwrap();
            live.len() == 1 && live[0].node_id == "node-alive"
        },
    )
    .await;
    alive.leave().await.unwrap();
}

#[tokio::test]
async fn a_clean_leave_removes_the_member_at_once() {
    let prefix = unique_prefix("members");
    let _cleanup = RedisCleanup::new(&prefix);
    let cluster = membership(&prefix, 2000, 500).await;
    let a = cluster.join(member("node-a")).await.unwrap();
    let b = cluster.join(member("node-b")).await.unwrap();
    a.leave().await.unwrap();
    let live = cluster.live_members().await.unwrap();
    assert_eq!(
        live.iter().map(|m| m.node_id.as_str()).collect::<Vec<_>>(),
        ["node-b"]
    );
    b.leave().await.unwrap();
    assert!(cluster.live_members().await.unwrap().is_empty());
}

#[tokio::test]
async fn two_nodes_see_the_same_members() {
    let prefix = unique_prefix("members");
    let _cleanup = RedisCleanup::new(&prefix);
    let first = membership(&prefix, 2000, 200).await;
    let second = membership(&prefix, 2000, 200).await;
    let a = first.join(member("node-a")).await.unwrap();
    let b = second.join(member("node-b")).await.unwrap();
    assert_eq!(
        first.live_members().await.unwrap(),
        second.live_members().await.unwrap()
    );
    a.leave().await.unwrap();
    b.leave().await.unwrap();
}
