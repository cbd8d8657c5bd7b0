//! A cluster node adopting shards arms the timers of those shards' sessions (read by shard,
//! as written under the shards' fences), and not those of shards it did not adopt.

use super::{DraftObserver, RecordingSender};
use botwot_actors::{Node, NodeConfig, NodeDeps};
use botwot_adapters::brain::ProfileBrain;
use botwot_cluster::{HeldShards, ShardId};
use botwot_engine::ports::{Fence, SessionCommit, SessionStore};
use botwot_engine::session::SessionKey;
use botwot_engine::time::{ManualClock, Timestamp};
use botwot_engine::timer::{DurableTimer, TimerKind};
use botwot_engine::{Channel, SessionId, TenantId};
use std::sync::Arc;

/// A timer of `contact`'s session as a cluster node commits it: under its shard's fence.
fn fenced_timer(held: &HeldShards, contact: &str) -> SessionCommit {
    let key = SessionKey::new(TenantId::from("org_a"), Channel::Web, "bot_a", contact);
    let shard = held.shard_of(&key).0;
    let due = Timestamp(1_900_000_000_000);
    let timer = DurableTimer::new(key, SessionId::generate(), TimerKind::AutoClose, due);
    SessionCommit {
        fence: Some(Fence { shard, epoch: 1 }),
        timers_set: vec![DurableTimer {
            shard: Some(shard),
            ..timer
        }],
        ..SessionCommit::default()
    }
}

#[tokio::test]
async fn adopting_shards_arms_the_timers_of_those_shards_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = botwot_storage::open_embedded(dir.path()).expect("store");
    let held = HeldShards::new(4);
    // Contacts until two shards have sessions with timers.
    let commits: Vec<SessionCommit> = (0..16)
        .map(|n| fenced_timer(&held, &format!("visitor-{n}")))
        .collect();
    for commit in &commits {
        store.commit(commit.clone()).await.expect("committed");
    }
    let shard_of = |commit: &SessionCommit| commit.fence.map(|fence| fence.shard);
    let adopted = shard_of(&commits[0]).expect("fenced");
    let in_adopted = commits
        .iter()
        .filter(|commit| shard_of(commit) == Some(adopted))
        .count();
    assert!(
        in_adopted < commits.len(),
        "the sessions span more than one shard"
    );

    let node = Node::start(
        NodeConfig::default(),
        NodeDeps {
            storage: store,
            brain: Arc::new(ProfileBrain),
            sender: Arc::new(RecordingSender::default()),
            observer: Arc::new(DraftObserver::default()),
            clock: Arc::new(ManualClock::starting_at(Timestamp(1_700_000_000_000))),
            fences: Some(held),
        },
    )
    .await
    .expect("node starts");
    assert_eq!(
        node.snapshot().timers_armed,
        0,
        "a cluster node loads nothing at start"
    );
    node.adopt_shards(&[ShardId(adopted)])
        .await
        .expect("adopted");
    // The timer service arms what it is handed on its own task: wait for it, boundedly.
    for _ in 0..500 {
        if node.snapshot().timers_armed >= in_adopted {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(node.snapshot().timers_armed, in_adopted);
    // Nothing of the other shards comes later.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(node.snapshot().timers_armed, in_adopted);
    node.shutdown().await;
}
