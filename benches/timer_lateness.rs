//! Durable timers: how late 100k auto-close timers fire, and how fast a restarted node catches
//! up with 100k overdue ones (each fired once).
//!
//! Lateness is compared in the same run with the floor of 100k plain tokio timers
//! (`sleep_until`, one task each) due at the same instants. Run:
//! `cargo bench --bench timer_lateness` (`TIMERS` overrides 100k).

mod support;

use botwot_actors::{NodeConfig, NodeDeps, SystemClock, TimerService};
use botwot_adapters::brain::ProfileBrain;
use botwot_engine::message::Message;
use botwot_engine::ports::{SessionObserver, Storage};
use botwot_engine::session::{SessionKey, SessionNotice, SessionState, SessionStatus};
use botwot_engine::time::{Clock, ManualClock};
use botwot_engine::timer::{DurableTimer, TimerKind};
use botwot_engine::{Channel, SessionId, TenantId, Timestamp};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{AcceptingSender, bench_bot, env_or, ms, open_sessions, percentile, runtime};

fn main() {
    let timers = env_or("TIMERS", 100_000);
    runtime().block_on(async move {
        lateness(timers).await;
        tokio_floor(timers).await;
        catch_up(timers).await;
    });
}

fn due_instants(count: usize, clock: &SystemClock) -> Vec<Timestamp> {
    let start = clock.now().plus(Duration::from_millis(500));
    (0..count)
        .map(|i| start.plus(Duration::from_micros((i as u64 * 3_000_000) / count as u64)))
        .collect()
}

fn report(label: &str, mut lateness: Vec<Duration>) {
    lateness.sort();
    println!(
        "{label}: {} fired, lateness p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lateness.len(),
        ms(percentile(&lateness, 50.0)),
        ms(percentile(&lateness, 99.0)),
        ms(percentile(&lateness, 100.0))
    );
}

async fn lateness(count: usize) {
    let clock = SystemClock;
    let (service, mut fired) = TimerService::start(Arc::new(clock));
    let key = SessionKey::new(TenantId::from("org_bench"), Channel::Web, "bot", "visitor");
    for (i, due) in due_instants(count, &clock).into_iter().enumerate() {
        service.arm(DurableTimer::new(
            key.clone(),
            SessionId::new(format!("ses_{i}")),
            TimerKind::AutoClose,
            due,
        ));
    }
    let mut lateness = Vec::with_capacity(count);
    while lateness.len() < count {
        let timer = fired.recv().await.expect("timer");
        lateness.push(clock.now().since(timer.due_at));
    }
    report("node timer service (one task, 100k armed)", lateness);
}

async fn tokio_floor(count: usize) {
    let clock = SystemClock;
    let origin = (clock.now(), tokio::time::Instant::now());
    let tasks: Vec<_> = due_instants(count, &clock)
        .into_iter()
        .map(|due| {
            let deadline = origin.1 + due.since(origin.0);
            tokio::spawn(async move {
                tokio::time::sleep_until(deadline).await;
                SystemClock.now().since(due)
            })
        })
        .collect();
    let mut lateness = Vec::with_capacity(count);
    for task in tasks {
        lateness.push(task.await.expect("timer task"));
    }
    report("floor: plain tokio timers (one task each)", lateness);
}

/// Counts how often each session was closed.
#[derive(Default)]
struct CloseCounter(Mutex<HashMap<SessionId, u32>>);

impl SessionObserver for CloseCounter {
    fn message_added(&self, _key: &SessionKey, _message: &Message) {}
    fn notice(&self, session: &SessionState, notice: &SessionNotice) {
        if *notice
            == (SessionNotice::StatusChanged {
                status: SessionStatus::Closed,
            })
        {
            *self.0.lock().entry(session.id.clone()).or_default() += 1;
        }
    }
}

async fn catch_up(count: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store: Arc<dyn Storage> = botwot_storage::open_embedded(dir.path()).expect("store");
    let bot = bench_bot(60);
    store.insert_bot(&bot).await.expect("bot");
    let clock = Arc::new(ManualClock::starting_at(Timestamp(1_700_000_000_000)));
    let counter = Arc::new(CloseCounter::default());
    let deps = |observer: Arc<CloseCounter>| NodeDeps {
        storage: store.clone(),
        brain: Arc::new(ProfileBrain),
        sender: Arc::new(AcceptingSender),
        observer,
        clock: clock.clone(),
        fences: None,
    };
    let first = botwot_actors::Node::start(NodeConfig::default(), deps(counter.clone()))
        .await
        .expect("node");
    let opened = Instant::now();
    open_sessions(&first.sessions(), &bot, 0..count).await;
    println!(
        "opened {count} sessions with pending auto-close timers in {:.1} s",
        opened.elapsed().as_secs_f64()
    );
    first.shutdown().await;

    clock.advance(Duration::from_secs(600)); // down past every deadline
    let restarted_at = Instant::now();
    let second = botwot_actors::Node::start(NodeConfig::default(), deps(counter.clone()))
        .await
        .expect("node");
    let reloaded = restarted_at.elapsed();
    while counter.0.lock().len() < count {
        if restarted_at.elapsed() > Duration::from_secs(600) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let caught_up = restarted_at.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let counts = counter.0.lock();
    let twice = counts.values().filter(|n| **n > 1).count();
    println!(
        "restart catch-up: {} of {count} overdue sessions closed in {:.1} s (timers reloaded in {:.1} s), {twice} closed twice, {} timers left",
        counts.len(),
        caught_up.as_secs_f64(),
        reloaded.as_secs_f64(),
        second.snapshot().timers_armed
    );
}
