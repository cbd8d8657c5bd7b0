//! How many idle `/widget` connections one server process holds, and what they cost it in
//! resident memory. Each connection is a real visitor: it presents the bot's widget key, so the
//! server opens a session for it (greeting stored) and keeps its socket and its message queue.
//! Connections are opened a few at a time, spread over several loopback source addresses
//! (127.0.0.2, 127.0.0.3, ...) so the ephemeral port range of one address is never the limit,
//! then held while every one of them answers the server's pings; the count at the end is of
//! connections still open.

#![allow(dead_code)]

use crate::process_memory::{open_files, resident_bytes};
use crate::socketio_client::SocketIoClient;
use futures::StreamExt;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

/// How the connections are opened and held.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub connections: usize,
    /// Connections opened from one loopback address before moving to the next.
    pub per_source_address: usize,
    /// Handshakes in flight at once.
    pub at_once: usize,
    /// How long all are held; `None`: two of the server's ping intervals and five seconds.
    pub hold: Option<Duration>,
}

pub struct Figures {
    pub asked: usize,
    pub connected: usize,
    pub failed: usize,
    pub first_error: Option<String>,
    pub connecting_took: Duration,
    pub held_for: Duration,
    /// Still open at the end of the hold.
    pub open_at_end: usize,
    /// The fewest pings any connection still open answered during the hold.
    pub fewest_pings_answered: u64,
    pub rss_before: u64,
    pub rss_connected: u64,
    pub rss_after_hold: u64,
    /// The server's open files at the end of the hold.
    pub server_open_files: Option<usize>,
}

impl Figures {
    /// Resident memory the server grew by, per connection still open.
    pub fn bytes_per_connection(&self) -> u64 {
        self.rss_after_hold.saturating_sub(self.rss_before) / self.open_at_end.max(1) as u64
    }
}

/// Opens `plan.connections` visitors of `widget_key` on `server` (process `server_pid`), holds
/// them, and counts what is left.
pub async fn run(server: SocketAddr, widget_key: &str, server_pid: u32, plan: Plan) -> Figures {
    let rss = || resident_bytes(server_pid).expect("the server's VmRSS");
    let rss_before = rss();
    let auth = json!({ "widgetKey": widget_key });
    let started = Instant::now();
    let outcomes: Vec<Result<SocketIoClient, String>> = futures::stream::iter(0..plan.connections)
        .map(|n| {
            let source = source_address(n, plan.per_source_address);
            let auth = &auth;
            async move {
                let outcome = SocketIoClient::connect(server, Some(source), "/widget", auth).await;
                if (n + 1) % 5_000 == 0 {
                    println!("  {} connections asked", n + 1);
                }
                outcome
            }
        })
        .buffer_unordered(plan.at_once)
        .collect()
        .await;
    let connecting_took = started.elapsed();
    let mut clients = Vec::with_capacity(outcomes.len());
    let mut first_error = None;
    for outcome in outcomes {
        match outcome {
            Ok(mut client) => {
                client.ignore_incoming();
                clients.push(client);
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    let rss_connected = rss();
    let ping_interval = clients
        .first()
        .map_or(Duration::from_secs(25), |client| client.ping_interval);
    let hold = plan
        .hold
        .unwrap_or(ping_interval * 2 + Duration::from_secs(5));
    println!(
        "  {} connected in {:.1} s; holding them {:.0} s (server ping interval {:.0} s)",
        clients.len(),
        connecting_took.as_secs_f64(),
        hold.as_secs_f64(),
        ping_interval.as_secs_f64()
    );
    let held = Instant::now();
    while held.elapsed() < hold {
        tokio::time::sleep(Duration::from_secs(10).min(hold.saturating_sub(held.elapsed()))).await;
        let open = clients.iter().filter(|c| c.liveness.is_open()).count();
        println!("  {:>3.0} s: {open} open", held.elapsed().as_secs_f64());
    }
    let open: Vec<_> = clients.iter().filter(|c| c.liveness.is_open()).collect();
    let figures = Figures {
        asked: plan.connections,
        connected: clients.len(),
        failed: plan.connections - clients.len(),
        first_error,
        connecting_took,
        held_for: held.elapsed(),
        open_at_end: open.len(),
        fewest_pings_answered: open
            .iter()
            .map(|c| c.liveness.pings_answered())
            .min()
            .unwrap_or(0),
        rss_before,
        rss_connected,
        rss_after_hold: rss(),
        server_open_files: open_files(server_pid),
    };
    drop(clients);
    figures
}

/// 127.0.0.2 for the first `per_address` connections, then 127.0.0.3, ...
fn source_address(n: usize, per_address: usize) -> IpAddr {
    let host = 2 + n / per_address.max(1);
    let host = u8::try_from(host).expect("fewer than 254 source addresses");
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, host))
}
