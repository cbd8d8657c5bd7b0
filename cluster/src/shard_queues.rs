//! Inbound events routed by shard through RabbitMQ: one durable quorum queue per shard, consumed
//! with single-active-consumer, so exactly one consumer in the cluster processes a shard at a
//! time and another takes over when it disconnects.
//!
//! Topology under the configured prefix (default `botwot`):
//! - `<prefix>.shard.<n>` for each shard: quorum, `x-single-active-consumer`, a delivery limit
//!   and dead-lettering (at-least-once) to `<prefix>.dlx`;
//! - `<prefix>.dlx`, a fanout exchange, bound to `<prefix>.dlq`, a quorum queue for poison
//!   events, inspected and replayed by [`ShardQueues::dead_letters`] and friends.
//!
//! Publishing ([`ShardQueues::publish`]) waits for the broker's publisher confirm, so a webhook
//! may be acknowledged once it returns. Consuming ([`ShardQueues::consume`]) acks only after the
//! handler returned `Ok`; a failed handler's message is requeued, and the broker dead-letters it
//! once it has been delivered `max_deliveries` times, while one the handler could not apply for
//! want of something unavailable is kept and tried again.

mod consumer;
mod dead_letters;
mod envelope;

pub use consumer::{HandlerFailure, HandlerResult, ShardConsumer, ShardDelivery};
pub use dead_letters::DeadLetter;
pub use envelope::InboundEnvelope;

use crate::{ClusterError, DEFAULT_SHARD_COUNT, ShardId, shard_of};
use lapin::options::{
    BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions, ExchangeDeleteOptions,
    QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tracing::debug;

/// The AMQP header naming the shard a message was published for (kept through dead-lettering,
/// so a replay goes back to the right queue).
pub const SHARD_HEADER: &str = "botwot-shard";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ShardQueueConfig {
    /// Prefix of every queue and exchange name.
    pub prefix: String,
    /// How many shards (and so queues) there are; the same on every node.
    pub shard_count: u32,
    /// How many times a message is delivered before the broker dead-letters it. A delivery that
    /// ends because the consumer's connection dropped counts too.
    pub max_deliveries: u32,
    /// Messages the broker hands a consumer before it acks the first. 1 keeps per-shard order
    /// even across failures; above 1 order holds only while handlers succeed.
    pub prefetch: u16,
    /// Pause before a failed message is handed back, so a failing dependency is not hammered;
    /// also the first pause before an event kept through an outage is tried again (doubling
    /// from there, up to 5 s).
    #[serde(with = "crate::duration_ms")]
    pub retry_delay: Duration,
}

impl Default for ShardQueueConfig {
    fn default() -> Self {
        Self {
            prefix: "botwot".into(),
            shard_count: DEFAULT_SHARD_COUNT,
            max_deliveries: 5,
            prefetch: 1,
            retry_delay: Duration::from_millis(500),
        }
    }
}

impl ShardQueueConfig {
    pub fn validate(&self) -> Result<(), ClusterError> {
        if self.shard_count == 0 {
            return Err(ClusterError::InvalidConfig("shard count is zero".into()));
        }
        if self.max_deliveries == 0 {
            return Err(ClusterError::InvalidConfig("max deliveries is zero".into()));
        }
        if self.prefetch == 0 {
            return Err(ClusterError::InvalidConfig("prefetch is zero".into()));
        }
        Ok(())
    }

    pub fn queue_name(&self, shard: ShardId) -> String {
        format!("{}.shard.{}", self.prefix, shard.0)
    }

    pub fn dead_letter_exchange(&self) -> String {
        format!("{}.dlx", self.prefix)
    }

    pub fn dead_letter_queue(&self) -> String {
        format!("{}.dlq", self.prefix)
    }

    /// The arguments of every shard queue. RabbitMQ counts `x-delivery-limit` as failed
    /// deliveries allowed after the first, so `max_deliveries` deliveries in all.
    fn shard_queue_arguments(&self) -> FieldTable {
        let mut args = FieldTable::default();
        args.insert("x-queue-type".into(), long_string("quorum"));
        args.insert("x-single-active-consumer".into(), AMQPValue::Boolean(true));
        args.insert(
            "x-dead-letter-exchange".into(),
            long_string(&self.dead_letter_exchange()),
        );
        args.insert(
            "x-dead-letter-strategy".into(),
            long_string("at-least-once"),
        );
        args.insert("x-overflow".into(), long_string("reject-publish"));
        args.insert(
            "x-delivery-limit".into(),
            AMQPValue::LongLongInt(i64::from(self.max_deliveries) - 1),
        );
        args
    }
}

fn long_string(text: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(text.as_bytes().to_vec()))
}

/// Depth of one queue, for admin endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueDepth {
    /// Messages ready for delivery (not counting those delivered and not yet acked).
    pub ready: u32,
    pub consumers: u32,
}

/// One AMQP connection with a confirming publish channel; consumers open their own channels.
pub struct ShardQueues {
    connection: Connection,
    publisher: Channel,
    config: ShardQueueConfig,
}

impl ShardQueues {
    /// Connects to `url` (`amqp://user:pass@host:port/vhost`, `?heartbeat=<s>` sets how soon
    /// the broker notices a dead or paused node) and enables publisher confirms. The connection
    /// is not recovered automatically: when it drops, consumers end
    /// ([`ShardConsumer::is_finished`]) and publishes fail, and the owner reconnects.
    pub async fn connect(url: &str, config: ShardQueueConfig) -> Result<Self, ClusterError> {
        config.validate()?;
        let connection = Connection::connect(url, ConnectionProperties::default()).await?;
        let publisher = connection.create_channel().await?;
        publisher
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(Self {
            connection,
            publisher,
            config,
        })
    }

    pub fn config(&self) -> &ShardQueueConfig {
        &self.config
    }

    /// Declares the dead-letter exchange and queue and every shard queue (idempotent; a queue
    /// that exists with other arguments is an error from the broker).
    pub async fn declare_topology(&self) -> Result<(), ClusterError> {
        let channel = self.connection.create_channel().await?;
        let durable = QueueDeclareOptions {
            durable: true,
            ..QueueDeclareOptions::default()
        };
        let mut quorum = FieldTable::default();
        quorum.insert("x-queue-type".into(), long_string("quorum"));
        channel
            .exchange_declare(
                self.config.dead_letter_exchange().into(),
                ExchangeKind::Fanout,
                ExchangeDeclareOptions {
                    durable: true,
                    ..ExchangeDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        channel
            .queue_declare(self.config.dead_letter_queue().into(), durable, quorum)
            .await?;
        channel
            .queue_bind(
                self.config.dead_letter_queue().into(),
                self.config.dead_letter_exchange().into(),
                ShortString::from(""),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        let args = self.config.shard_queue_arguments();
        for shard in 0..self.config.shard_count {
            channel
                .queue_declare(
                    self.config.queue_name(ShardId(shard)).into(),
                    durable,
                    args.clone(),
                )
                .await?;
        }
        let _ = channel.close(200, "topology declared".into()).await;
        debug!(prefix = %self.config.prefix, shards = self.config.shard_count, "topology declared");
        Ok(())
    }

    /// Deletes every queue and exchange of the topology with their messages (tests, teardown).
    pub async fn delete_topology(&self) -> Result<(), ClusterError> {
        let channel = self.connection.create_channel().await?;
        for shard in 0..self.config.shard_count {
            channel
                .queue_delete(
                    self.config.queue_name(ShardId(shard)).into(),
                    QueueDeleteOptions::default(),
                )
                .await?;
        }
        channel
            .queue_delete(
                self.config.dead_letter_queue().into(),
                QueueDeleteOptions::default(),
            )
            .await?;
        channel
            .exchange_delete(
                self.config.dead_letter_exchange().into(),
                ExchangeDeleteOptions::default(),
            )
            .await?;
        let _ = channel.close(200, "topology deleted".into()).await;
        Ok(())
    }

    /// The shard of `envelope`'s session.
    pub fn shard_of(&self, envelope: &InboundEnvelope) -> ShardId {
        shard_of(&envelope.key, self.config.shard_count)
    }

    /// Publishes `envelope` to its shard's queue and returns once the broker confirmed it
    /// (stored on the quorum's majority). Fails with [`ClusterError::NotConfirmed`] when the
    /// broker nacks it or cannot route it (the shard's queue does not exist).
    pub async fn publish(&self, envelope: &InboundEnvelope) -> Result<ShardId, ClusterError> {
        let shard = self.shard_of(envelope);
        let payload = envelope
            .to_json()
            .map_err(|e| ClusterError::Malformed(format!("envelope: {e}")))?;
        self.publish_raw(shard, &envelope.message_id, &payload, FieldTable::default())
            .await?;
        Ok(shard)
    }

    /// Publishes bytes to `shard`'s queue with confirm; `extra_headers` are added to the shard
    /// header. Used by [`Self::publish`] and by dead-letter replay.
    async fn publish_raw(
        &self,
        shard: ShardId,
        message_id: &str,
        payload: &[u8],
        mut headers: FieldTable,
    ) -> Result<(), ClusterError> {
        headers.insert(
            SHARD_HEADER.into(),
            AMQPValue::LongLongInt(i64::from(shard.0)),
        );
        let properties = BasicProperties::default()
            .with_message_id(message_id.into())
            .with_content_type("application/json".into())
            .with_delivery_mode(2)
            .with_headers(headers);
        let not_confirmed = |reason: String| ClusterError::NotConfirmed {
            message_id: message_id.to_owned(),
            reason,
        };
        let confirm = self
            .publisher
            .basic_publish(
                ShortString::from(""),
                self.config.queue_name(shard).into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                payload,
                properties,
            )
            .await?
            .await?;
        if confirm.is_nack() {
            return Err(not_confirmed("nacked by the broker".into()));
        }
        if let Some(returned) = confirm.take_message() {
            return Err(not_confirmed(format!(
                "returned: {} {}",
                returned.reply_code, returned.reply_text
            )));
        }
        Ok(())
    }

    /// Ready messages and consumers of `shard`'s queue.
    pub async fn depth(&self, shard: ShardId) -> Result<QueueDepth, ClusterError> {
        self.depth_of(&self.config.queue_name(shard)).await
    }

    /// Ready messages and consumers of the dead-letter queue.
    pub async fn dead_letter_depth(&self) -> Result<QueueDepth, ClusterError> {
        self.depth_of(&self.config.dead_letter_queue()).await
    }

    async fn depth_of(&self, queue: &str) -> Result<QueueDepth, ClusterError> {
        // A passive declare on a missing queue closes the channel, so use a throwaway one.
        let channel = self.connection.create_channel().await?;
        let declared = channel
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await;
        let _ = channel.close(200, "depth read".into()).await;
        let declared = declared?;
        Ok(QueueDepth {
            ready: declared.message_count(),
            consumers: declared.consumer_count(),
        })
    }

    /// Closes the connection: consumers stop and the broker hands their unacked messages to the
    /// next consumer of each shard.
    pub async fn close(&self) -> Result<(), ClusterError> {
        self.connection.close(200, "closing".into()).await?;
        Ok(())
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.connection
    }

    pub(crate) fn publisher(&self) -> &Channel {
        &self.publisher
    }

    /// Whether the AMQP connection is still open.
    pub fn is_connected(&self) -> bool {
        self.connection.status().connected()
    }
}

/// An AMQP table value as an unsigned integer, whatever integer type the broker chose.
pub(crate) fn amqp_u64(value: &AMQPValue) -> Option<u64> {
    match value {
        AMQPValue::ShortShortUInt(v) => Some(u64::from(*v)),
        AMQPValue::ShortUInt(v) => Some(u64::from(*v)),
        AMQPValue::LongUInt(v) => Some(u64::from(*v)),
        AMQPValue::ShortShortInt(v) => u64::try_from(*v).ok(),
        AMQPValue::ShortInt(v) => u64::try_from(*v).ok(),
        AMQPValue::LongInt(v) => u64::try_from(*v).ok(),
        AMQPValue::LongLongInt(v) => u64::try_from(*v).ok(),
        AMQPValue::Timestamp(v) => Some(*v),
        _ => None,
    }
}

/// A header of `properties`, if present.
pub(crate) fn header<'a>(properties: &'a BasicProperties, name: &str) -> Option<&'a AMQPValue> {
    properties
        .headers()
        .as_ref()
        .and_then(|h| h.inner().get(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_prefix() {
        let config = ShardQueueConfig {
            prefix: "t1".into(),
            ..ShardQueueConfig::default()
        };
        assert_eq!(config.queue_name(ShardId(12)), "t1.shard.12");
        assert_eq!(config.dead_letter_exchange(), "t1.dlx");
        assert_eq!(config.dead_letter_queue(), "t1.dlq");
    }

    #[test]
    fn shard_queues_are_quorum_with_a_single_active_consumer() {
        let args = ShardQueueConfig {
            max_deliveries: 3,
            ..ShardQueueConfig::default()
        }
        .shard_queue_arguments();
        let args = args.inner();
        assert_eq!(args.get("x-queue-type"), Some(&long_string("quorum")));
        assert_eq!(
            args.get("x-single-active-consumer"),
            Some(&AMQPValue::Boolean(true))
        );
        assert_eq!(args.get("x-delivery-limit").and_then(amqp_u64), Some(2));
    }

    #[test]
    fn zero_shards_or_deliveries_are_refused() {
        for config in [
            ShardQueueConfig {
                shard_count: 0,
                ..ShardQueueConfig::default()
            },
            ShardQueueConfig {
                max_deliveries: 0,
                ..ShardQueueConfig::default()
            },
        ] {
            assert_eq!(
                config.validate().map_err(|e| e.code()),
                Err("cluster.invalid_config")
            );
        }
    }
}
