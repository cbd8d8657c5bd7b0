//! Memory per live session actor and per passivated open session, over 100k sessions.
//!
//! A counting global allocator measures heap bytes held (exact, unlike RSS, which an allocator
//! keeps after frees); RSS is printed beside it. Each session is opened (the contact joined, so
//! both inactivity timers are armed and stored). Compared in the same run against a bare ractor
//! actor holding nothing. Run: `cargo bench --bench session_memory` (`SESSIONS` overrides 100k).

mod support;

use botwot_actors::NodeConfig;
use botwot_engine::ports::Storage;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;
use support::{bench_bot, env_or, open_sessions, runtime, start_node, system_clock};

/// Counts bytes currently allocated, then defers to the system allocator.
struct Counting;

static HELD: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every method forwards to `System` with the caller's own arguments, and only adds
// bookkeeping on an atomic counter; the allocator contract is `System`'s.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn held() -> isize {
    HELD.load(Ordering::Relaxed)
}

fn rss_bytes() -> isize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: isize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

struct Idle;

impl Actor for Idle {
    type Msg = ();
    type State = ();
    type Arguments = ();
    async fn pre_start(&self, _myself: ActorRef<()>, _args: ()) -> Result<(), ActorProcessingErr> {
        Ok(())
    }
}

fn main() {
    let sessions = env_or("SESSIONS", 100_000);
    runtime().block_on(async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let store: Arc<dyn Storage> = botwot_storage::open_embedded(dir.path()).expect("store");
        let bot = bench_bot(3_600);
        store.insert_bot(&bot).await.expect("bot");
        let config = NodeConfig { passivate_after_secs: 3_600, ..NodeConfig::default() };
        let node = start_node(store.clone(), system_clock(), config).await;
        // Warm up allocator arenas and lazily built structures with one session.
        let handle = node.sessions();
        open_sessions(&handle, &bot, 0..1).await;
        settle(&node).await;
        let (heap_before, rss_before) = (held(), rss_bytes());

        open_sessions(&handle, &bot, 1..sessions + 1).await;
        settle(&node).await;
        let live = node.snapshot().sessions.live;
        let (heap_live, rss_live) = (held(), rss_bytes());

        let passivated = node.passivate_idle_now();
        while node.snapshot().sessions.live > 0 || node.snapshot().sessions.transitioning > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // RSS is not measured here: the allocator keeps freed pages, so it cannot shrink.
        let heap_passive = held();

        let per = |bytes: isize| bytes as f64 / sessions as f64;
        println!("{sessions} sessions opened, {live} live actors, {passivated} passivated, {} timers armed", node.snapshot().timers_armed);
        println!(
            "live session actor:        {:>8.0} B heap per session ({:.0} B RSS growth per session)",
            per(heap_live - heap_before),
            per(rss_live - rss_before)
        );
        println!(
            "passivated open session:   {:>8.0} B heap per session (its two armed timers)",
            per(heap_passive - heap_before)
        );

        let heap_start = held();
        let mut idle = Vec::with_capacity(sessions);
        for _ in 0..sessions {
            idle.push(Actor::spawn(None, Idle, ()).await.expect("spawn").0);
        }
        println!("floor: bare ractor actor:  {:>8.0} B heap per actor", per(held() - heap_start));
        for actor in idle {
            actor.stop(None);
        }
        node.shutdown().await;
    });
}

async fn settle(node: &botwot_actors::Node) {
    while node.snapshot().sessions.in_flight > 0 || node.snapshot().outbox_waiting > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
