//! The publishing half of the fan-out: room emits queue here and one task publishes them on
//! Redis in the order they were made. A socket emit never waits on Redis: when the queue is
//! full, or a publish fails or times out, the message is dropped for the other nodes (it has
//! already reached this node's sockets), counted as lost, and logged once per outage.

use crate::realtime::FANOUT_LOST;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use std::time::Duration;
use tokio::sync::mpsc;

/// Emits waiting for Redis; past this many, new ones are lost for the other nodes.
const QUEUE: usize = 10_000;
/// How long one publish may take before it counts as failed.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(1);

/// Queues messages for the publisher task. Cheap to clone.
#[derive(Clone)]
pub struct Publisher {
    queue: mpsc::Sender<(String, Vec<u8>)>,
}

impl Publisher {
    /// Starts the publisher task on `conn` (which reconnects by itself).
    pub fn start(conn: ConnectionManager) -> Self {
        let (queue, pending) = mpsc::channel(QUEUE);
        tokio::spawn(publish_all(conn, pending));
        Self { queue }
    }

    /// Queues `payload` for the Redis channel `channel`; never waits.
    pub fn publish(&self, channel: String, payload: Vec<u8>) {
        if let Err(error) = self.queue.try_send((channel, payload)) {
            lost(1);
            tracing::warn!(%error, "realtime fan-out queue full; an emit reaches this node only");
        }
    }
}

fn lost(count: u64) {
    ::metrics::counter!(FANOUT_LOST).increment(count);
}

/// Publishes queued messages one at a time, so other nodes see them in this node's order.
async fn publish_all(conn: ConnectionManager, mut pending: mpsc::Receiver<(String, Vec<u8>)>) {
    let mut failing = false;
    while let Some((channel, payload)) = pending.recv().await {
        let mut conn = conn.clone();
        let published = tokio::time::timeout(
            PUBLISH_TIMEOUT,
            conn.publish::<_, _, i64>(&channel, payload),
        )
        .await;
        let error = match published {
            Ok(Ok(_)) => {
                if failing {
                    tracing::info!("realtime fan-out publishes again");
                    failing = false;
                }
                continue;
            }
            Ok(Err(error)) => error.to_string(),
            Err(_) => "timed out".to_owned(),
        };
        // Whatever queued meanwhile would wait on the same outage: drop it now rather than
        // deliver it late.
        let mut dropped: u64 = 1;
        while pending.try_recv().is_ok() {
            dropped += 1;
        }
        lost(dropped);
        if !failing {
            tracing::warn!(%error, dropped, "realtime fan-out cannot publish on redis; emits reach this node's sockets only");
            failing = true;
        }
    }
}
