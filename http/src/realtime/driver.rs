//! The pub/sub driver under the Socket.IO adapter: nothing at all on a lone node, the
//! cluster's Redis once [`FanoutDriver::connect`] switched it on. The adapter names its
//! channels (`socket.io-request#/widget#`, ...); on Redis they live under the cluster's prefix
//! (`<prefix>realtime:socket.io-request#/widget#`), so clusters sharing a Redis stay apart.

use crate::realtime::RealtimeError;
use crate::realtime::publisher::Publisher;
use crate::realtime::subscriber::Subscriber;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use socketioxide_redis::drivers::{ChanItem, Driver, MessageStream};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Carries the adapter's messages between nodes. Cheap to clone; clones share the link.
#[derive(Clone, Default)]
pub struct FanoutDriver {
    link: Arc<OnceLock<Link>>,
}

struct Link {
    /// Every Redis channel is `<prefix>realtime:<adapter channel>`.
    prefix: String,
    publisher: Publisher,
    subscriber: Subscriber,
    /// For `PUBSUB NUMSUB`.
    conn: ConnectionManager,
}

impl Link {
    fn channel(&self, name: &str) -> String {
        format!("{}realtime:{name}", self.prefix)
    }
}

impl FanoutDriver {
    /// Switches the fan-out on: publishes through `redis_url`, under `prefix` (for example
    /// `botwot:`), and opens the node's subscriber connection. Call it before any namespace
    /// is opened; namespaces opened earlier stay local. Fails when Redis cannot be reached
    /// now; after that, outages are ridden out (see the module docs).
    pub async fn connect(&self, redis_url: &str, prefix: &str) -> Result<(), RealtimeError> {
        if self.link.get().is_some() {
            return Err(RealtimeError::AlreadyConnected);
        }
        let client = redis::Client::open(redis_url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(2);
        let conn = tokio::time::timeout(
            CONNECT_TIMEOUT,
            ConnectionManager::new_with_config(client.clone(), config),
        )
        .await
        .map_err(|_| RealtimeError::Timeout)??;
        let pubsub = tokio::time::timeout(CONNECT_TIMEOUT, client.get_async_pubsub())
            .await
            .map_err(|_| RealtimeError::Timeout)??;
        let link = Link {
            prefix: prefix.to_owned(),
            publisher: Publisher::start(conn.clone()),
            subscriber: Subscriber::start(client, pubsub),
            conn,
        };
        self.link
            .set(link)
            .map_err(|_| RealtimeError::AlreadyConnected)
    }
}

impl Driver for FanoutDriver {
    type Error = RealtimeError;

    /// Queues the message for Redis and returns at once, so the adapter goes on to emit to
    /// this node's sockets whatever Redis does.
    async fn publish(&self, chan: String, val: Vec<u8>) -> Result<(), Self::Error> {
        if let Some(link) = self.link.get() {
            link.publisher.publish(link.channel(&chan), val);
        }
        Ok(())
    }

    async fn subscribe(
        &self,
        chan: String,
        size: usize,
    ) -> Result<MessageStream<ChanItem>, Self::Error> {
        let Some(link) = self.link.get() else {
            return Ok(MessageStream::new_empty());
        };
        let (sender, receiver) = mpsc::channel(size);
        link.subscriber
            .subscribe(link.channel(&chan), chan, sender)
            .await;
        Ok(MessageStream::new(receiver))
    }

    async fn unsubscribe(&self, chan: String) -> Result<(), Self::Error> {
        if let Some(link) = self.link.get() {
            link.subscriber.unsubscribe(link.channel(&chan));
        }
        Ok(())
    }

    /// How many nodes listen on `chan` (this one included).
    async fn num_serv(&self, chan: &str) -> Result<u16, Self::Error> {
        let Some(link) = self.link.get() else {
            return Ok(1);
        };
        let mut conn = link.conn.clone();
        let (_, count): (String, u16) = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(link.channel(chan))
            .query_async(&mut conn)
            .await?;
        Ok(count)
    }
}
