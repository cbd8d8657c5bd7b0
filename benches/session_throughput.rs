//! Messages through session actors with an embedded durable store (redb; the resident store with
//! `BACKEND=resident`; fjall with `BACKEND=lsm`).
//!
//! N concurrent sessions each send M messages one after another (each waits for its durable
//! acknowledgement, as a webhook would); every message is also answered by the bot, so each
//! acknowledged inbound message means two stored messages and two commits. Beside it, in the
//! same run: the bare floor of the pieces — a ractor actor answering calls, and the store taking
//! one-message commits from as many concurrent writers. Run:
//! `cargo bench --bench session_throughput` (`SESSIONS` and `MESSAGES` override the sizes;
//! `BACKEND=resident` measures the resident store, `BACKEND=lsm` the experimental fjall backend,
//! instead of redb).

mod support;

use botwot_actors::{Envelope, NodeConfig, Outcome};
use botwot_engine::message::{Author, Delivery, Direction};
use botwot_engine::ports::{SessionCommit, Storage};
use botwot_engine::session::{SessionEvent, SessionKey, SessionRules, SessionState};
use botwot_engine::{Channel, Message, MessageBody, MessageId};
use botwot_storage::{EmbeddedBackend, GroupCommitStats, LsmBackend, ResidentBackend, Store};
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{bench_bot, env_or, ms, percentile, runtime, start_node, system_clock};

/// The allocator the `botwot` binary runs with (ADR 0020).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let sessions = env_or("SESSIONS", 1_000);
    let messages = env_or("MESSAGES", 50);
    runtime().block_on(async {
        println!(
            "machine: {} cores; {sessions} sessions x {messages} messages",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        );
        session_actors(sessions, messages).await;
        bare_store(sessions, messages).await;
        bare_actor(sessions, messages).await;
    });
}

/// The store under test, chosen by `BACKEND` (`embedded`, the default, `resident` or `lsm`).
enum Backend {
    Embedded(Arc<Store<EmbeddedBackend>>),
    Resident(Arc<Store<ResidentBackend>>),
    Lsm(Arc<Store<LsmBackend>>),
}

impl Backend {
    fn open(dir: &Path) -> Self {
        match std::env::var("BACKEND").as_deref() {
            Ok("lsm") => Backend::Lsm(botwot_storage::open_lsm(dir).expect("store")),
            Ok("resident") => Backend::Resident(botwot_storage::open_resident(dir).expect("store")),
            Ok("embedded") | Err(_) => {
                Backend::Embedded(botwot_storage::open_embedded(dir).expect("store"))
            }
            Ok(other) => panic!("BACKEND={other}: expected embedded, resident or lsm"),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Backend::Embedded(_) => "embedded",
            Backend::Resident(_) => "resident",
            Backend::Lsm(_) => "lsm",
        }
    }

    fn storage(&self) -> Arc<dyn Storage> {
        match self {
            Backend::Embedded(store) => store.clone(),
            Backend::Resident(store) => store.clone(),
            Backend::Lsm(store) => store.clone(),
        }
    }

    fn group_commit_stats(&self) -> GroupCommitStats {
        match self {
            Backend::Embedded(store) => store.backend().group_commit_stats(),
            Backend::Resident(store) => store.backend().group_commit_stats(),
            Backend::Lsm(store) => store.backend().group_commit_stats(),
        }
    }
}

async fn session_actors(sessions: usize, messages: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = Backend::open(dir.path());
    let store = backend.storage();
    let bot = bench_bot(3_600);
    store.insert_bot(&bot).await.expect("bot");
    let node = start_node(store.clone(), system_clock(), NodeConfig::default()).await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..sessions)
        .map(|s| {
            let sessions_handle = node.sessions();
            let key = SessionKey::new(
                bot.tenant_id.clone(),
                Channel::Web,
                bot.id.as_str(),
                format!("visitor-{s}"),
            );
            let bot_id = bot.id.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(messages);
                for m in 0..messages {
                    let envelope = Envelope {
                        key: key.clone(),
                        bot_id: bot_id.clone(),
                        event: SessionEvent::Inbound {
                            provider_message_id: Some(format!("{s}-{m}")),
                            body: MessageBody::text("Where is my order?"),
                        },
                    };
                    let sent = Instant::now();
                    let outcome = sessions_handle.dispatch(envelope).await;
                    assert!(
                        matches!(outcome, Ok(Outcome::Applied { .. })),
                        "{outcome:?}"
                    );
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(sessions * messages);
    for task in tasks {
        latencies.extend(task.await.expect("session task"));
    }
    let acknowledged = started.elapsed();
    // Wait for the bot's replies to be stored too.
    let total = (sessions * messages) as u64;
    let replies_done = loop {
        let snapshot = node.snapshot();
        if snapshot.sessions.in_flight == 0 && snapshot.outbox_waiting == 0 {
            break started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    latencies.sort();
    println!(
        "session actors + {} store: {:>9.0} inbound acknowledged/s ({} in {:.2} s), p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        backend.name(),
        total as f64 / acknowledged.as_secs_f64(),
        total,
        acknowledged.as_secs_f64(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(percentile(&latencies, 100.0)),
    );
    println!(
        "  with the bot's replies stored and delivered: {:>9.0} stored messages/s ({:.2} s)",
        (2 * total) as f64 / replies_done.as_secs_f64(),
        replies_done.as_secs_f64()
    );
    let groups = backend.group_commit_stats();
    println!(
        "  {} group commits of {:.1} write batches on average, writer busy {:.2} s ({:.1} µs a batch)",
        groups.groups,
        groups.batches as f64 / groups.groups.max(1) as f64,
        groups.busy.as_secs_f64(),
        groups.busy.as_secs_f64() * 1e6 / groups.batches.max(1) as f64
    );
    node.shutdown().await;
}

/// The storage floor: one-message commits from as many concurrent writers, no actors.
async fn bare_store(sessions: usize, messages: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = Backend::open(dir.path());
    let store = backend.storage();
    let bot = bench_bot(3_600);
    let started = Instant::now();
    let tasks: Vec<_> = (0..sessions)
        .map(|s| {
            let store = store.clone();
            let key = SessionKey::new(
                bot.tenant_id.clone(),
                Channel::Web,
                bot.id.as_str(),
                format!("visitor-{s}"),
            );
            let mut state = SessionState::new(
                key,
                bot.id.clone(),
                SessionRules::from_bot(&bot, Channel::Web),
                botwot_engine::Timestamp(0),
            );
            tokio::spawn(async move {
                for m in 0..messages {
                    state.last_seq += 1;
                    let message = Message {
                        id: MessageId::generate(),
                        tenant_id: state.key.tenant_id.clone(),
                        session_id: state.id.clone(),
                        seq: state.last_seq,
                        direction: Direction::Inbound,
                        author: Author::Contact,
                        body: MessageBody::text("Where is my order?"),
                        provider_message_id: Some(format!("{s}-{m}")),
                        created_at: botwot_engine::Timestamp(0),
                        delivery: Delivery::Received,
                    };
                    let commit = SessionCommit {
                        session: Some(state.clone()),
                        messages: vec![message],
                        ..SessionCommit::default()
                    };
                    store.commit(commit).await.expect("commit");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("writer");
    }
    let elapsed = started.elapsed();
    println!(
        "floor: {} store alone, session + message per commit: {:>9.0} commits/s",
        backend.name(),
        (sessions * messages) as f64 / elapsed.as_secs_f64()
    );
}

struct Echo;

impl Actor for Echo {
    type Msg = RpcReplyPort<u64>;
    type State = u64;
    type Arguments = ();

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        _args: (),
    ) -> Result<u64, ActorProcessingErr> {
        Ok(0)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        reply: RpcReplyPort<u64>,
        count: &mut u64,
    ) -> Result<(), ActorProcessingErr> {
        *count += 1;
        let _ = reply.send(*count);
        Ok(())
    }
}

/// The actor floor: the same number of ractor actors answering calls, nothing stored.
async fn bare_actor(sessions: usize, messages: usize) {
    let mut actors = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        actors.push(Actor::spawn(None, Echo, ()).await.expect("spawn").0);
    }
    let started = Instant::now();
    let tasks: Vec<_> = actors
        .iter()
        .cloned()
        .map(|actor| {
            tokio::spawn(async move {
                for _ in 0..messages {
                    actor.call(|reply| reply, None).await.expect("call");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("caller");
    }
    let elapsed = started.elapsed();
    println!(
        "floor: bare ractor actors, call and reply:           {:>9.0} calls/s",
        (sessions * messages) as f64 / elapsed.as_secs_f64()
    );
    for actor in actors {
        actor.stop(None);
    }
}
