//! The dead-letter queue: events that failed `max_deliveries` times or could not be parsed.
//! Operators list them, replay them to their shard's queue or discard them.
//!
//! AMQP has no peek, so each operation takes up to `limit` messages with `basic.get` on a
//! channel of its own, then acks the ones it replayed or discarded and hands the rest back
//! (nack with requeue). A message is acked only after its replay was confirmed by the broker, so
//! a crash in between leaves it in the dead-letter queue (and maybe also replayed: consumers drop
//! duplicates by message id).

use super::{InboundEnvelope, SHARD_HEADER, ShardQueues, amqp_u64, header};
use crate::{ClusterError, ShardId, shard_of};
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicGetOptions, BasicNackOptions};
use lapin::types::{AMQPValue, FieldTable};
use serde::Serialize;
use tracing::{info, warn};

/// One dead-lettered message as an operator sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    pub message_id: String,
    /// The shard queue it was dead-lettered from, when known.
    pub shard: Option<ShardId>,
    /// Why the broker dead-lettered it (`delivery_limit`, `rejected`, ...).
    pub reason: Option<String>,
    /// The envelope, when the payload parses as one.
    pub envelope: Option<InboundEnvelope>,
    /// The payload as text (lossy), for messages that do not parse.
    pub payload: String,
}

/// What to do with a dead letter taken from the queue.
#[derive(Clone, Copy)]
enum Verdict {
    Keep,
    Replay,
    Discard,
}

impl ShardQueues {
    /// Up to `limit` dead letters, oldest first, left in the queue.
    pub async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, ClusterError> {
        let mut listed = Vec::new();
        self.sweep_dead_letters(limit, |letter| {
            listed.push(letter.clone());
            Verdict::Keep
        })
        .await?;
        Ok(listed)
    }

    /// Puts the dead letter `message_id` back on its shard's queue. Returns whether it was found
    /// among the first `limit` dead letters (and replayed).
    pub async fn replay_dead_letter(
        &self,
        message_id: &str,
        limit: usize,
    ) -> Result<bool, ClusterError> {
        self.settle_one(message_id, limit, Verdict::Replay).await
    }

    /// Puts up to `limit` dead letters back on their shard queues; returns how many.
    pub async fn replay_all_dead_letters(&self, limit: usize) -> Result<usize, ClusterError> {
        self.sweep_dead_letters(limit, |_| Verdict::Replay).await
    }

    /// Drops the dead letter `message_id` for good. Returns whether it was found.
    pub async fn discard_dead_letter(
        &self,
        message_id: &str,
        limit: usize,
    ) -> Result<bool, ClusterError> {
        self.settle_one(message_id, limit, Verdict::Discard).await
    }

    /// Settles the dead letter `message_id` with `verdict`, keeping every other one; returns
    /// whether it was found among the first `limit`.
    async fn settle_one(
        &self,
        message_id: &str,
        limit: usize,
        verdict: Verdict,
    ) -> Result<bool, ClusterError> {
        let done = self
            .sweep_dead_letters(limit, |letter| {
                if letter.message_id == message_id {
                    verdict
                } else {
                    Verdict::Keep
                }
            })
            .await?;
        Ok(done > 0)
    }

    /// Takes up to `limit` dead letters, applies `decide` to each and settles them; returns how
    /// many were replayed or discarded.
    async fn sweep_dead_letters(
        &self,
        limit: usize,
        mut decide: impl FnMut(&DeadLetter) -> Verdict,
    ) -> Result<usize, ClusterError> {
        let channel = self.connection().create_channel().await?;
        let queue = self.config().dead_letter_queue();
        let mut taken: Vec<Delivery> = Vec::new();
        while taken.len() < limit {
            match channel
                .basic_get(queue.as_str().into(), BasicGetOptions::default())
                .await?
            {
                Some(message) => taken.push(message.delivery),
                None => break,
            }
        }
        let mut done = 0;
        for delivery in &taken {
            let letter = self.describe(delivery);
            let settled = match decide(&letter) {
                Verdict::Keep => requeue(delivery).await,
                Verdict::Discard => {
                    info!(message_id = %letter.message_id, "dead letter discarded");
                    done += 1;
                    delivery.ack(BasicAckOptions::default()).await
                }
                Verdict::Replay => match letter.shard {
                    Some(shard) => {
                        self.publish_raw(
                            shard,
                            &letter.message_id,
                            &delivery.data,
                            replay_headers(delivery),
                        )
                        .await?;
                        info!(message_id = %letter.message_id, shard = shard.0, "dead letter replayed");
                        done += 1;
                        delivery.ack(BasicAckOptions::default()).await
                    }
                    None => {
                        warn!(message_id = %letter.message_id, "dead letter has no shard, kept");
                        requeue(delivery).await
                    }
                },
            };
            settled?;
        }
        let _ = channel.close(200, "dead letters swept".into()).await;
        Ok(done)
    }

    fn describe(&self, delivery: &Delivery) -> DeadLetter {
        let envelope = InboundEnvelope::from_json(&delivery.data).ok();
        let message_id = delivery
            .properties
            .message_id()
            .as_ref()
            .map(|id| id.to_string())
            .or_else(|| envelope.as_ref().map(|e| e.message_id.clone()))
            .unwrap_or_default();
        let shard = header(&delivery.properties, SHARD_HEADER)
            .and_then(amqp_u64)
            .and_then(|s| u32::try_from(s).ok())
            .map(ShardId)
            .or_else(|| {
                envelope
                    .as_ref()
                    .map(|e| shard_of(&e.key, self.config().shard_count))
            });
        let reason = header(&delivery.properties, "x-first-death-reason").and_then(|v| match v {
            AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
            AMQPValue::ShortString(s) => Some(s.to_string()),
            _ => None,
        });
        DeadLetter {
            message_id,
            shard,
            reason,
            envelope,
            payload: String::from_utf8_lossy(&delivery.data).into_owned(),
        }
    }
}

/// Headers for a replayed message: the original ones without the broker's dead-letter history,
/// so the replay starts with a fresh delivery count.
fn replay_headers(delivery: &Delivery) -> FieldTable {
    let mut headers = FieldTable::default();
    if let Some(original) = delivery.properties.headers() {
        for (name, value) in original.inner() {
            if !name.as_str().starts_with("x-") {
                headers.insert(name.clone(), value.clone());
            }
        }
    }
    headers
}

async fn requeue(delivery: &Delivery) -> Result<bool, lapin::Error> {
    delivery
        .nack(BasicNackOptions {
            requeue: true,
            ..BasicNackOptions::default()
        })
        .await
}
