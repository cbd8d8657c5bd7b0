//! A cluster node adopting shards arms the timers of those shards' sessions (read by shard,
//! as written under the shards' fences), and not those of shards it did not adopt; no actor of
//! those sessions starts until the adoption's recovery is done.

use super::{DraftObserver, RecordingSender, TornWrites, inbound};
use botwot_actors::{Envelope, Node, NodeConfig, NodeDeps, Outcome};
use botwot_adapters::brain::ProfileBrain;
use botwot_cluster::{HeldShards, ShardId};
use botwot_engine::bot::{BotProfile, BotSettings};
use botwot_engine::ports::{BotStore, Fence, SessionCommit, SessionStore};
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

#[tokio::test]
async fn a_message_for_a_session_of_a_shard_being_adopted_waits_until_recovery_is_done() {
    let dir = tempfile::tempdir().expect("tempdir");
    let torn = Arc::new(TornWrites::new(
        botwot_storage::open_embedded(dir.path()).expect("store"),
    ));
    let bot = BotProfile::create(
        TenantId::from("org_a"),
        BotSettings::named("Ava"),
        Timestamp(0),
    );
    torn.insert_bot(&bot).await.expect("bot stored");
    let key = SessionKey::new(
        bot.tenant_id.clone(),
        Channel::Web,
        bot.id.as_str(),
        "visitor",
    );
    let shard = HeldShards::new(4).shard_of(&key);
    let node = Arc::new(
        Node::start(
            NodeConfig::default(),
            NodeDeps {
                storage: torn.clone(),
                brain: Arc::new(ProfileBrain),
                sender: Arc::new(RecordingSender::default()),
                observer: Arc::new(DraftObserver::default()),
                clock: Arc::new(ManualClock::starting_at(Timestamp(1_700_000_000_000))),
                fences: Some(HeldShards::holding(4, &[(shard, 1)])),
            },
        )
        .await
        .expect("node starts"),
    );

    let recovery = torn.hold_shard_reads().await;
    let adopting = tokio::spawn({
        let node = node.clone();
        async move { node.adopt_shards(&[shard]).await }
    });
    for _ in 0..500 {
        if torn.shard_reads_waiting() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        torn.shard_reads_waiting(),
        1,
        "recovery reads the shard's timers"
    );
    let sessions = node.sessions();
    let sent = tokio::spawn(async move {
        let envelope = Envelope {
            key,
            bot_id: bot.id.clone(),
            event: inbound("hello", "m-1"),
        };
        sessions.dispatch(envelope).await
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let sessions = node.snapshot().sessions;
    assert_eq!(
        (sessions.live, sessions.transitioning, sessions.in_flight),
        (0, 0, 1),
        "the message is held, no actor started while recovery runs"
    );
    assert!(!sent.is_finished());

    drop(recovery);
    adopting.await.expect("task").expect("adopted");
    let outcome = sent.await.expect("task");
    assert!(
        matches!(outcome, Ok(Outcome::Applied { .. })),
        "applied once recovery was done: {outcome:?}"
    );
    node.shutdown().await;
}
