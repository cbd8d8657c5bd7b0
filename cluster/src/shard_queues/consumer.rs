//! Consuming one shard's queue: hand each envelope to a handler, ack after it returned `Ok`,
//! keep it and try again while the handler says what it needs is unavailable, requeue after a
//! failure (the broker dead-letters at the delivery limit), dead-letter at once what cannot be
//! parsed.
//!
//! Keeping an event in hand through an outage matters because the broker counts every return
//! (a requeue, a consumer that stopped) against the delivery limit: an outage of storage longer
//! than the limit times the retry pause would otherwise send every queued event to the
//! dead-letter queue, where only an operator's replay brings it back. Held, it costs nothing
//! and keeps its place in the shard's order.

use super::{InboundEnvelope, ShardQueues, amqp_u64, header};
use crate::{ClusterError, ShardId};
use futures::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicQosOptions, BasicRejectOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Consumer};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

/// What a handler returns: `Ok` once the event is durably applied (then the message is acked).
pub type HandlerResult = Result<(), HandlerFailure>;

/// Why a handler did not apply an event.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandlerFailure {
    /// Something the event needs is unavailable for now (storage down, the node overloaded, the
    /// shard moving away): the consumer keeps the message and tries again after a growing pause,
    /// without spending one of its deliveries, until it succeeds or the consumer is stopped.
    #[error("unavailable for now: {0}")]
    Unavailable(String),
    /// Handling this event failed: it goes back to the queue and counts against the delivery
    /// limit, so an event that always fails ends in the dead-letter queue.
    #[error("{0}")]
    Failed(String),
}

/// The longest pause between two tries of an event kept through an outage.
const MAX_UNAVAILABLE_PAUSE: Duration = Duration::from_secs(5);

/// One delivery handed to a handler.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardDelivery {
    pub shard: ShardId,
    pub envelope: InboundEnvelope,
    /// 1 on the first delivery, then one more per failed or interrupted delivery (tries of an
    /// event kept in hand while something was unavailable share one delivery).
    pub attempt: u32,
}

impl ShardQueues {
    /// Starts consuming `shard`'s queue on a channel of its own. With single-active-consumer,
    /// only the first consumer registered on the queue receives messages; the others wait and
    /// one of them takes over when it goes away. Messages are handled one at a time, in order.
    pub async fn consume<H, F>(
        &self,
        shard: ShardId,
        handler: H,
    ) -> Result<ShardConsumer, ClusterError>
    where
        H: Fn(ShardDelivery) -> F + Send + Sync + 'static,
        F: Future<Output = HandlerResult> + Send + 'static,
    {
        let channel = self.connection().create_channel().await?;
        channel
            .basic_qos(self.config().prefetch, BasicQosOptions::default())
            .await?;
        let consumer = channel
            .basic_consume(
                self.config().queue_name(shard).into(),
                "".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        let tag = consumer.tag().to_string();
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(consume_loop(
            shard,
            consumer,
            Arc::new(handler),
            self.config().retry_delay,
            stop_rx,
        ));
        debug!(shard = shard.0, tag = %tag, "consumer registered");
        Ok(ShardConsumer {
            shard,
            channel,
            tag,
            stop: stop_tx,
            task: Some(task),
        })
    }
}

async fn consume_loop<H, F>(
    shard: ShardId,
    mut consumer: Consumer,
    handler: Arc<H>,
    retry_delay: Duration,
    mut stop: watch::Receiver<bool>,
) where
    H: Fn(ShardDelivery) -> F + Send + Sync + 'static,
    F: Future<Output = HandlerResult> + Send + 'static,
{
    loop {
        let next = tokio::select! {
            next = consumer.next() => next,
            _ = stop.changed() => return,
        };
        match next {
            Some(Ok(delivery)) => {
                handle_delivery(shard, delivery, handler.as_ref(), retry_delay, &mut stop).await;
                if *stop.borrow() {
                    return;
                }
            }
            Some(Err(e)) => {
                warn!(shard = shard.0, error = %e, "consumer failed");
                return;
            }
            None => {
                info!(shard = shard.0, "consumer cancelled");
                return;
            }
        }
    }
}

async fn handle_delivery<H, F>(
    shard: ShardId,
    delivery: Delivery,
    handler: &H,
    retry_delay: Duration,
    stop: &mut watch::Receiver<bool>,
) where
    H: Fn(ShardDelivery) -> F,
    F: Future<Output = HandlerResult>,
{
    let attempt = header(&delivery.properties, "x-delivery-count")
        .and_then(amqp_u64)
        .map_or(1, |count| {
            u32::try_from(count).unwrap_or(u32::MAX).saturating_add(1)
        });
    let envelope = match InboundEnvelope::from_json(&delivery.data) {
        Ok(envelope) => envelope,
        Err(e) => {
            warn!(shard = shard.0, error = %e, "malformed envelope dead-lettered");
            settle(shard, reject(&delivery, false).await);
            return;
        }
    };
    let message_id = envelope.message_id.clone();
    let mut pause = retry_delay;
    loop {
        let outcome = handler(ShardDelivery {
            shard,
            envelope: envelope.clone(),
            attempt,
        })
        .await;
        match outcome {
            Ok(()) => {
                let acked = delivery.ack(BasicAckOptions::default()).await;
                return settle(shard, acked.map_err(ClusterError::from));
            }
            Err(HandlerFailure::Unavailable(why)) => {
                if pause == retry_delay {
                    warn!(shard = shard.0, message_id = %message_id, attempt, %why, "event kept until it can be applied");
                } else {
                    debug!(shard = shard.0, message_id = %message_id, %why, "event still kept");
                }
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    // Unsettled, the message goes back to the queue when the channel closes.
                    _ = stop.changed() => return,
                }
                pause = (pause * 2).min(MAX_UNAVAILABLE_PAUSE);
            }
            Err(HandlerFailure::Failed(why)) => {
                warn!(shard = shard.0, message_id = %message_id, attempt, error = %why, "handler failed, message requeued");
                tokio::time::sleep(retry_delay).await;
                return settle(shard, reject(&delivery, true).await);
            }
        }
    }
}

/// Hands a message back as failed: requeued (counted against the delivery limit) or, without
/// `requeue`, dead-lettered at once. `basic.reject` rather than `basic.nack`: RabbitMQ 4.3 and
/// later count only a reject as a failed delivery (a nack there means "not processed" and would
/// let a poison event loop forever); earlier versions count both.
async fn reject(delivery: &Delivery, requeue: bool) -> Result<bool, ClusterError> {
    Ok(delivery.reject(BasicRejectOptions { requeue }).await?)
}

/// Logs an ack or reject that could not be sent: the broker will redeliver the message once the
/// channel is gone, so nothing is lost, but the handler may see it again.
fn settle(shard: ShardId, outcome: Result<bool, ClusterError>) {
    if let Err(e) = outcome {
        warn!(shard = shard.0, error = %e, "ack not sent, message will be redelivered");
    }
}

/// A running consumer of one shard. [`ShardConsumer::stop`] cancels it cleanly (unacked messages
/// go back to the queue for the next consumer); dropping it aborts its task.
pub struct ShardConsumer {
    shard: ShardId,
    channel: Channel,
    tag: String,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl ShardConsumer {
    pub fn shard(&self) -> ShardId {
        self.shard
    }

    /// Whether the consuming task ended (cancelled by the broker, channel or connection closed).
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Cancels the consumer, lets the message in hand finish, and closes its channel (unacked
    /// prefetched messages go back to the queue).
    pub async fn stop(mut self) -> Result<(), ClusterError> {
        let cancelled = self
            .channel
            .basic_cancel(self.tag.as_str().into(), BasicCancelOptions::default())
            .await;
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        let _ = self.channel.close(200, "consumer stopped".into()).await;
        cancelled.map_err(ClusterError::from)
    }
}

impl Drop for ShardConsumer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
