//! Console fan-out latency with 1,000 console clients, and idle widget connections per node.
//!
//! Two parts, each against its own real `botwot serve` on the embedded store (started as the
//! end-to-end tests start it, rate limits off), with clients over real WebSockets from this
//! process (`benches/support/socketio_client.rs`):
//! - Fan-out: the owner's access token opens `CONSOLES` `/console` connections; one widget
//!   visitor of the owner's bot sends `MESSAGES` messages, one every `PACE_MS`; for every
//!   (stored message, console) pair the time from the visitor's send to the console reading the
//!   `message` event is measured (p50/p90/p99/max) and pairs never delivered are counted.
//!   Comparison in the same run, same server: the same with one console client (the floor: the
//!   commit and one socket), after a short discarded warm-up. Target: p99 ≤ 50 ms with 1,000
//!   consoles. The CPU seconds the server and this process spent in each run are printed beside
//!   it: both share the machine's cores.
//! - Idle connections: `IDLE_CONNECTIONS` `/widget` visitors (default: this process's limit of
//!   open files less 1,000), held while they answer the server's pings for two ping intervals;
//!   printed: how many are still open, the server's resident memory before and after and per
//!   connection, and that memory extrapolated to the 50,000 target. They are visitors of the
//!   demo bot on `/`, whose organisation has no plan: an organisation on the Base plan may start
//!   only 1,000 sessions a month, and each widget connection starts one. The target cannot be
//!   reached on a machine whose hard limit of open files per process is below it (20,000 where
//!   this was written): the bench says so rather than pretend.
//!
//! Run: `cargo bench --profile dev --bench console_fanout` (`--profile dev` reuses the test
//! build). Both the server and these clients are then unoptimised and the fan-out queues on two
//! cores: a release run (`cargo bench --bench console_fanout`) measured a p99 of 22 ms with 1,000
//! consoles where the dev runs measured 0.4–1.1 s; the memory per connection is the same in both
//! (docs/benchmarks.md). `PARTS=fanout` or `PARTS=idle` runs one part; `HOLD_SECS` sets the idle
//! hold.

mod support;

#[path = "../tests/support/mod.rs"]
mod e2e;
#[path = "support/fanout_latency.rs"]
mod fanout_latency;
#[path = "support/idle_connections.rs"]
mod idle_connections;
#[path = "support/process_memory.rs"]
mod process_memory;
#[path = "support/socketio_client.rs"]
mod socketio_client;

use fanout_latency::{Figures, Plan};
use socketio_client::SocketIoClient;
use std::net::SocketAddr;
use std::time::Duration;
use support::{env_or, ms, percentile, runtime};

/// The target number of idle widget connections per node.
const IDLE_TARGET: usize = 50_000;
/// The target p99 of console fan-out with 1,000 consoles, in milliseconds.
const FANOUT_P99_TARGET_MS: f64 = 50.0;
/// Open files kept free for the server's own files and this process's own sockets.
const FILES_KEPT_FREE: u64 = 1_000;

fn main() {
    let parts = std::env::var("PARTS").unwrap_or_else(|_| "fanout,idle".to_owned());
    let limits = process_memory::open_files_limit();
    println!(
        "machine: {} cores; open files per process: soft {}, hard {}; load average {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        limits.map_or("?".to_owned(), |l| l.0.to_string()),
        limits.map_or("?".to_owned(), |l| l.1.to_string()),
        load_average(),
    );
    runtime().block_on(async {
        if parts.contains("fanout") {
            fanout().await;
        }
        if parts.contains("idle") {
            idle(limits).await;
        }
    });
    println!("load average at the end: {}", load_average());
}

fn load_average() -> String {
    process_memory::load_average().map_or("?".to_owned(), |load| format!("{load:.2}"))
}

/// A server on the embedded store in `dir`, its pid and its address.
async fn start_server(dir: &std::path::Path) -> (e2e::Server, u32, SocketAddr) {
    let server = e2e::Server::start(dir, &[]).await;
    let pid = process_memory::child_named("botwot").expect("the server's pid");
    let addr = server
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("server address");
    (server, pid, addr)
}

/// A fan-out run and the CPU seconds the server (`pid`) and this process spent in it.
struct Measured {
    figures: Figures,
    server_cpu: f64,
    bench_cpu: f64,
}

async fn measure(
    (addr, pid, key): (SocketAddr, u32, &str),
    run: &str,
    consoles: Vec<SocketIoClient>,
    plan: Plan,
) -> (Measured, Vec<SocketIoClient>) {
    let cpu = || {
        (
            process_memory::cpu_seconds(pid).unwrap_or(0.0),
            process_memory::cpu_seconds(std::process::id()).unwrap_or(0.0),
        )
    };
    let before = cpu();
    let (figures, consoles) = fanout_latency::run(addr, key, run, consoles, plan).await;
    let after = cpu();
    let measured = Measured {
        figures,
        server_cpu: after.0 - before.0,
        bench_cpu: after.1 - before.1,
    };
    (measured, consoles)
}

async fn fanout() {
    let consoles = env_or("CONSOLES", 1_000);
    let plan = Plan {
        messages: env_or("MESSAGES", 200),
        pace: Duration::from_millis(env_or("PACE_MS", 50) as u64),
        grace: Duration::from_secs(10),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, pid, addr) = start_server(dir.path()).await;
    let bot = server.create_bot(e2e::bot_settings("Fanout", 3_600)).await;
    let key = bot["widgetKey"].as_str().expect("widget key");
    let token = server.token();
    let target = (addr, pid, key);

    let clients = fanout_latency::connect_consoles(addr, &token, 1).await;
    let warm_up = Plan {
        messages: 20,
        ..plan
    };
    let (_, clients) = measure(target, "warmup", clients, warm_up).await;
    let (floor, mut clients) = measure(target, "floor", clients, plan).await;
    clients.extend(fanout_latency::connect_consoles(addr, &token, consoles - 1).await);
    let (many, _clients) = measure(target, "many", clients, plan).await;

    println!(
        "\nconsole_fanout: visitor message → console `message` event, {} messages one every {} ms \
         (comparison: the same with 1 console client)",
        plan.messages,
        plan.pace.as_millis()
    );
    println!(
        "{:>8} {:>10} {:>7} {:>7} {:>7} {:>7} {:>7} {:>14} {:>13} {:>8} {:>15}",
        "consoles",
        "deliveries",
        "missing",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "spread p50/max",
        "ack p50/p99",
        "refused",
        "CPU s srv/bench"
    );
    for Measured {
        figures,
        server_cpu,
        bench_cpu,
    } in [&floor, &many]
    {
        let at = |p| ms(percentile(&figures.latencies, p));
        let pair = |samples: &[Duration], a, b| {
            format!(
                "{:.1}/{:.1}",
                ms(percentile(samples, a)),
                ms(percentile(samples, b))
            )
        };
        println!(
            "{:>8} {:>10} {:>7} {:>7.1} {:>7.1} {:>7.1} {:>7.1} {:>14} {:>13} {:>8} {:>15}",
            figures.consoles,
            figures.latencies.len(),
            figures.missing(),
            at(50.0),
            at(90.0),
            at(99.0),
            at(100.0),
            pair(&figures.spreads, 50.0, 100.0),
            pair(&figures.acks, 50.0, 99.0),
            figures.unacknowledged,
            format!("{server_cpu:.1}/{bench_cpu:.1}"),
        );
        if let Some(refusal) = &figures.first_refusal {
            println!("  first refusal: {refusal}");
        }
    }
    println!(
        "(spread: first to last console receipt of one message; ack: the visitor's own \
         acknowledgement; refused: messages not stored, so not counted as deliveries)"
    );
    let figures = &many.figures;
    let p99 = ms(percentile(&figures.latencies, 99.0));
    let met = figures.consoles >= 1_000
        && p99 <= FANOUT_P99_TARGET_MS
        && figures.missing() == 0
        && figures.unacknowledged == 0;
    println!(
        "target: p99 ≤ {FANOUT_P99_TARGET_MS} ms with 1,000 consoles, nothing missing or refused: {}",
        if met { "met" } else { "NOT met" }
    );
}

/// The widget key of the demo bot the page at `/` shows.
async fn demo_widget_key(server: &e2e::Server) -> String {
    let (status, _, page) = server.get_bytes("/").await;
    assert_eq!(status, 200, "the demo page");
    let page = String::from_utf8_lossy(&page);
    let marker = "data-widget-key=\"";
    let start = page.find(marker).expect("the demo bot's widget key") + marker.len();
    let key = &page[start..];
    key[..key.find('"').expect("a quoted key")].to_owned()
}

/// `limits`: this process's soft and hard limits of open files (the server inherits them).
async fn idle(limits: Option<(u64, u64)>) {
    let by_limit = limits.map(|(soft, _)| soft.saturating_sub(FILES_KEPT_FREE) as usize);
    let connections = env_or("IDLE_CONNECTIONS", by_limit.unwrap_or(15_000));
    let hold = std::env::var("HOLD_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .map(Duration::from_secs);
    let plan = idle_connections::Plan {
        connections,
        per_source_address: 5_000,
        at_once: 128,
        hold,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, pid, addr) = start_server(dir.path()).await;
    let key = demo_widget_key(&server).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!(
        "\nidle /widget connections: opening {connections} (server pid {pid}, {} files open before)",
        process_memory::open_files(pid).unwrap_or(0)
    );
    let figures = idle_connections::run(addr, &key, pid, plan).await;
    drop(server);

    let mb = |bytes: u64| bytes as f64 / 1e6;
    let per_connection = figures.bytes_per_connection();
    println!(
        "\nidle /widget connections on one server: asked {}, connected {} in {:.1} s, failed {}{}",
        figures.asked,
        figures.connected,
        figures.connecting_took.as_secs_f64(),
        figures.failed,
        figures
            .first_error
            .as_ref()
            .map_or(String::new(), |e| format!(" (first: {e})"))
    );
    println!(
        "  still open after a {:.0} s hold: {} (each answered at least {} pings since it \
         connected); server files open: {}",
        figures.held_for.as_secs_f64(),
        figures.open_at_end,
        figures.fewest_pings_answered,
        figures
            .server_open_files
            .map_or("?".to_owned(), |n| n.to_string())
    );
    println!(
        "  server RSS: {:.1} MB before, {:.1} MB connected, {:.1} MB after the hold → {} B per \
         connection (its socket, session actor and stored greeting)",
        mb(figures.rss_before),
        mb(figures.rss_connected),
        mb(figures.rss_after_hold),
        per_connection
    );
    println!(
        "  extrapolated to {IDLE_TARGET}: {:.0} MB resident (comparison: the same server before \
         any connection, {:.1} MB)",
        mb(figures.rss_before + per_connection * IDLE_TARGET as u64),
        mb(figures.rss_before)
    );
    match limits {
        _ if figures.open_at_end >= IDLE_TARGET => {
            println!("target: ≥ {IDLE_TARGET} idle widget connections: met");
        }
        Some((_, hard)) if hard < IDLE_TARGET as u64 + FILES_KEPT_FREE => println!(
            "target: ≥ {IDLE_TARGET} idle widget connections: NOT reachable here — one process \
             may open at most {hard} files (hard limit), so one server process cannot hold \
             {IDLE_TARGET} sockets on this machine; {} were held",
            figures.open_at_end
        ),
        _ => println!(
            "target: ≥ {IDLE_TARGET} idle widget connections: NOT met ({} held)",
            figures.open_at_end
        ),
    }
}
