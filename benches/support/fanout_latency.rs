//! Session event → console fan-out latency, end to end through a real server: one widget
//! visitor sends paced messages (`clientMessageId` `fanout-<run>-<i>`), and every connected
//! console client timestamps the `message` event carrying that inbound message (found by its
//! `providerMessageId`, `<visitor>/fanout-<run>-<i>`, without parsing the JSON). A latency is the
//! time from the visitor queueing the message to a console reading its frame, for every
//! (message, console) pair of every message the server stored (acknowledged `ok`); a pair never
//! seen before the grace period ends is missing. Messages the server refused (it answers
//! `overloaded` when a visitor's queue of 16 is full) or never acknowledged are counted apart. The
//! same clients can be measured again (they are handed back), so a run with one console and a run
//! with many share a server.

#![allow(dead_code)]

use crate::socketio_client::{Packet, Received, SocketIoClient};
use futures::StreamExt;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Console connections opened at once.
const CONNECTING_AT_ONCE: usize = 64;

/// How a run sends.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub messages: usize,
    /// The pause between two of the visitor's messages.
    pub pace: Duration,
    /// How long consoles wait for the last deliveries after the last message was due.
    pub grace: Duration,
}

/// What one run measured; durations sorted.
pub struct Figures {
    pub consoles: usize,
    /// (message, console) pairs that should have been delivered: every stored message.
    pub expected: usize,
    /// One per delivered pair: visitor send → console receipt.
    pub latencies: Vec<Duration>,
    /// One per message: first console receipt → last console receipt.
    pub spreads: Vec<Duration>,
    /// One per acknowledged message: visitor send → the server's acknowledgement (stored).
    pub acks: Vec<Duration>,
    /// Messages the server refused or never acknowledged (not stored, so not expected).
    pub unacknowledged: usize,
    /// What the first refusal said.
    pub first_refusal: Option<String>,
}

impl Figures {
    pub fn missing(&self) -> usize {
        self.expected - self.latencies.len()
    }
}

/// Opens `count` console connections with the access token `token`.
pub async fn connect_consoles(
    server: SocketAddr,
    token: &str,
    count: usize,
) -> Vec<SocketIoClient> {
    let auth = json!({ "token": token });
    futures::stream::iter(0..count)
        .map(|_| SocketIoClient::connect(server, None, "/console", &auth))
        .buffer_unordered(CONNECTING_AT_ONCE)
        .map(|client| client.unwrap_or_else(|error| panic!("console connection: {error}")))
        .collect()
        .await
}

/// Sends `plan.messages` from a new visitor of the bot `widget_key` and measures their arrival
/// at every one of `consoles`, which are handed back afterwards. `run` tells runs apart.
pub async fn run(
    server: SocketAddr,
    widget_key: &str,
    run: &str,
    consoles: Vec<SocketIoClient>,
    plan: Plan,
) -> (Figures, Vec<SocketIoClient>) {
    let auth = json!({ "widgetKey": widget_key });
    let visitor = SocketIoClient::connect(server, None, "/widget", &auth)
        .await
        .unwrap_or_else(|error| panic!("visitor connection: {error}"));
    let deadline = Instant::now() + plan.pace * plan.messages as u32 + plan.grace;
    let marker: Arc<str> = Arc::from(format!("/fanout-{run}-"));
    let followers: Vec<_> = consoles
        .into_iter()
        .map(|console| tokio::spawn(follow(console, marker.clone(), plan.messages, deadline)))
        .collect();

    let visitor = send(visitor, run, plan, deadline).await;

    let mut latencies = Vec::with_capacity(followers.len() * plan.messages);
    let mut first_and_last: Vec<Option<(Instant, Instant)>> = vec![None; plan.messages];
    let mut consoles = Vec::with_capacity(followers.len());
    for follower in followers {
        let (console, seen) = follower.await.expect("console follower");
        for (i, at) in seen.into_iter().enumerate() {
            let (Some(at), Some(sent)) = (at, visitor.stored[i]) else {
                continue;
            };
            latencies.push(at.saturating_duration_since(sent));
            let span = first_and_last[i].get_or_insert((at, at));
            *span = (span.0.min(at), span.1.max(at));
        }
        consoles.push(console);
    }
    let mut spreads: Vec<Duration> = first_and_last
        .into_iter()
        .flatten()
        .map(|(first, last)| last - first)
        .collect();
    latencies.sort();
    spreads.sort();
    let stored = visitor.stored.iter().flatten().count();
    let figures = Figures {
        consoles: consoles.len(),
        expected: consoles.len() * stored,
        latencies,
        spreads,
        acks: visitor.acks,
        unacknowledged: plan.messages - stored,
        first_refusal: visitor.first_refusal,
    };
    (figures, consoles)
}

/// What the visitor's side saw.
struct Sent {
    /// When each message the server stored was sent; `None` for the others.
    stored: Vec<Option<Instant>>,
    /// Sorted: send → acknowledgement, of each stored message.
    acks: Vec<Duration>,
    first_refusal: Option<String>,
}

/// The visitor's side: one message every `plan.pace`, each asking for an acknowledgement,
/// until all are acknowledged or `deadline` passes.
async fn send(mut visitor: SocketIoClient, run: &str, plan: Plan, deadline: Instant) -> Sent {
    let mut sent: Vec<Option<Instant>> = vec![None; plan.messages];
    let mut stored = vec![None; plan.messages];
    let mut acks = Vec::with_capacity(plan.messages);
    let mut first_refusal = None;
    let mut answered = 0;
    let mut ticker = tokio::time::interval(plan.pace);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut next = 0;
    while answered < plan.messages {
        tokio::select! {
            _ = ticker.tick(), if next < plan.messages => {
                let message = json!({
                    "clientMessageId": format!("fanout-{run}-{next}"),
                    "text": format!("fan-out probe {next}"),
                });
                sent[next] = Some(Instant::now());
                visitor.emit_with_ack("message", &message);
                next += 1;
            }
            received = tokio::time::timeout_at(deadline.into(), visitor.next()) => {
                match received {
                    Ok(Some(Received { at, packet: Packet::Ack { id, data } })) => {
                        answered += 1;
                        let ack: Value = serde_json::from_str(&data).unwrap_or_default();
                        // Acknowledgement ids count from 1, in the order the messages were sent.
                        let index = usize::try_from(id).map_or(usize::MAX, |id| id.wrapping_sub(1));
                        match sent.get(index).copied().flatten() {
                            Some(sent_at) if ack["ok"] == true => {
                                stored[index] = Some(sent_at);
                                acks.push(at.saturating_duration_since(sent_at));
                            }
                            _ => {
                                first_refusal.get_or_insert_with(|| ack["error"].to_string());
                            }
                        }
                    }
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
        }
    }
    acks.sort();
    Sent {
        stored,
        acks,
        first_refusal,
    }
}

/// One console's side: when it read each message of this run, until it has them all or
/// `deadline` passes.
async fn follow(
    mut console: SocketIoClient,
    marker: Arc<str>,
    messages: usize,
    deadline: Instant,
) -> (SocketIoClient, Vec<Option<Instant>>) {
    let mut seen = vec![None; messages];
    let mut left = messages;
    while left > 0 {
        match tokio::time::timeout_at(deadline.into(), console.next()).await {
            Ok(Some(Received {
                at,
                packet: Packet::Event { name, data },
            })) if name == "message" => {
                if let Some(i) = probe_index(&data, &marker)
                    && i < messages
                    && seen[i].is_none()
                {
                    seen[i] = Some(at);
                    left -= 1;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    (console, seen)
}

/// `i` of the `…<marker><i>"` a probe's provider message id ends with.
fn probe_index(data: &str, marker: &str) -> Option<usize> {
    let start = data.find(marker)? + marker.len();
    let digits = &data[start..];
    let end = digits.find('"')?;
    digits[..end].parse().ok()
}
