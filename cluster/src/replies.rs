//! Requests that wait for the owning node's answer: the caller publishes an event to its shard's
//! queue with `reply_to` naming its own reply queue, and the owner, once it has applied the
//! event, publishes the outcome there with the event's message id as correlation id.
//!
//! Each node has one exclusive, auto-deleted reply queue (`<prefix>.replies.<node_id>`), so
//! replies need no cleanup when a node dies: the broker drops the queue, and an owner's reply to
//! it is simply not routed. The event itself is durable in its shard queue either way; a caller
//! whose wait times out does not know the outcome, which the HTTP layer reports as 503.

use crate::ClusterError;
use crate::shard_queues::{InboundEnvelope, ShardQueues};
use futures::StreamExt;
use lapin::options::{BasicConsumeOptions, BasicPublishOptions, QueueDeclareOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tracing::{debug, warn};

type Waiting = Arc<Mutex<HashMap<String, oneshot::Sender<Vec<u8>>>>>;

/// This node's reply queue and the requests waiting on it.
pub struct ReplyInbox {
    queue: String,
    waiting: Waiting,
    _channel: Channel,
    task: JoinHandle<()>,
}

impl ReplyInbox {
    /// Declares this node's reply queue and starts reading it.
    pub async fn open(queues: &ShardQueues, node_id: &str) -> Result<Self, ClusterError> {
        let queue = format!("{}.replies.{node_id}", queues.config().prefix);
        let channel = queues.connection().create_channel().await?;
        channel
            .queue_declare(
                queue.as_str().into(),
                QueueDeclareOptions {
                    exclusive: true,
                    auto_delete: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        let mut consumer = channel
            .basic_consume(
                queue.as_str().into(),
                "".into(),
                BasicConsumeOptions {
                    no_ack: true,
                    ..BasicConsumeOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        let waiting: Waiting = Arc::default();
        let inbox = Arc::clone(&waiting);
        let task = tokio::spawn(async move {
            while let Some(delivery) = consumer.next().await {
                let Ok(delivery) = delivery else { break };
                let Some(correlation) = delivery.properties.correlation_id().as_ref() else {
                    continue;
                };
                let waiter = inbox
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(correlation.as_str());
                match waiter {
                    Some(waiter) => {
                        let _ = waiter.send(delivery.data);
                    }
                    None => debug!(correlation = %correlation, "reply nobody waits for"),
                }
            }
            warn!("the reply queue closed");
        });
        Ok(Self {
            queue,
            waiting,
            _channel: channel,
            task,
        })
    }

    /// Whether replies can still arrive (the queue's consumer runs).
    pub fn is_open(&self) -> bool {
        !self.task.is_finished()
    }

    /// Publishes `envelope` (its `reply_to` set to this inbox) and waits up to `timeout` for the
    /// owner's reply. [`ClusterError::NoReply`] after the timeout: the event is stored in its
    /// shard queue and will be applied, but its outcome is unknown to this caller.
    pub async fn request(
        &self,
        queues: &ShardQueues,
        mut envelope: InboundEnvelope,
        timeout: Duration,
    ) -> Result<Vec<u8>, ClusterError> {
        envelope.reply_to = Some(self.queue.clone());
        let id = envelope.message_id.clone();
        let (tx, rx) = oneshot::channel();
        self.lock().insert(id.clone(), tx);
        let published = queues.publish(&envelope).await;
        if let Err(error) = published {
            self.lock().remove(&id);
            return Err(error);
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(_)) | Err(_) => {
                self.lock().remove(&id);
                Err(ClusterError::NoReply { message_id: id })
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, oneshot::Sender<Vec<u8>>>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for ReplyInbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ShardQueues {
    /// Sends `body` to the reply queue `reply_to` for the request `correlation_id`. Not
    /// confirmed and not mandatory: a caller that went away loses nothing it could use.
    pub async fn reply(
        &self,
        reply_to: &str,
        correlation_id: &str,
        body: &[u8],
    ) -> Result<(), ClusterError> {
        let properties = BasicProperties::default()
            .with_correlation_id(correlation_id.into())
            .with_content_type("application/json".into());
        self.publisher()
            .basic_publish(
                ShortString::from(""),
                reply_to.into(),
                BasicPublishOptions::default(),
                body,
                properties,
            )
            .await?;
        Ok(())
    }
}
