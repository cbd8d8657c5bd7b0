//! The receiving half of the fan-out: one dedicated Redis pub/sub connection per node,
//! subscribed to the channels of every open namespace. When the connection drops (or stops
//! answering pings) it is opened again with exponential backoff and every channel is
//! subscribed again; what other nodes published meanwhile is not replayed (pub/sub keeps
//! nothing), which is the price of a socket connected to a node cut off from Redis.

use crate::realtime::{FANOUT_LOST, SUBSCRIBER_RECONNECTS};
use futures::StreamExt;
use redis::aio::{PubSub, PubSubSink};
use socketioxide_redis::drivers::ChanItem;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How often an idle connection is checked with a ping, and how long the answer may take.
const PING_EVERY: Duration = Duration::from_secs(5);
const PING_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a new subscription waits to be confirmed before the namespace opens anyway (it is
/// then subscribed when the connection is back).
const SUBSCRIBE_WAIT: Duration = Duration::from_secs(5);

/// Where the messages of each subscribed channel go, by Redis channel name.
#[derive(Clone, Default)]
struct Routes(Arc<Mutex<HashMap<String, Route>>>);

struct Route {
    /// The channel's name as the adapter knows it (without our prefix).
    name: String,
    sender: mpsc::Sender<ChanItem>,
}

impl Routes {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Route>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn channels(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn deliver(&self, message: &redis::Msg) {
        let routes = self.lock();
        let Some(route) = routes.get(message.get_channel_name()) else {
            return;
        };
        let item = (route.name.clone(), message.get_payload_bytes().to_vec());
        if let Err(error) = route.sender.try_send(item) {
            ::metrics::counter!(FANOUT_LOST).increment(1);
            tracing::warn!(channel = %route.name, %error, "realtime message from another node dropped");
        }
    }
}

enum Command {
    Subscribe(String, oneshot::Sender<()>),
    Unsubscribe(String),
}

/// Subscribes and unsubscribes channels on the node's subscriber connection. Cheap to clone.
#[derive(Clone)]
pub struct Subscriber {
    routes: Routes,
    commands: mpsc::UnboundedSender<Command>,
}

impl Subscriber {
    /// Starts the subscriber task on the open connection `first`; `client` opens the next
    /// ones.
    pub fn start(client: redis::Client, first: PubSub) -> Self {
        let routes = Routes::default();
        let (commands, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(client, first, routes.clone(), receiver));
        Self { routes, commands }
    }

    /// Sends what arrives on the Redis channel `channel` to `sender`, tagged `name`; returns
    /// once Redis confirmed the subscription, or after `SUBSCRIBE_WAIT` while Redis is away.
    pub async fn subscribe(&self, channel: String, name: String, sender: mpsc::Sender<ChanItem>) {
        self.routes
            .lock()
            .insert(channel.clone(), Route { name, sender });
        let (done, confirmed) = oneshot::channel();
        if self
            .commands
            .send(Command::Subscribe(channel, done))
            .is_ok()
        {
            let _ = tokio::time::timeout(SUBSCRIBE_WAIT, confirmed).await;
        }
    }

    pub fn unsubscribe(&self, channel: String) {
        self.routes.lock().remove(&channel);
        let _ = self.commands.send(Command::Unsubscribe(channel));
    }
}

/// Keeps a subscriber connection open for as long as the node runs.
async fn run(
    client: redis::Client,
    first: PubSub,
    routes: Routes,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let mut connection = Some(first);
    let mut backoff = FIRST_BACKOFF;
    let mut reconnecting = false;
    loop {
        let pubsub = match connection.take() {
            Some(pubsub) => Some(pubsub),
            None => match tokio::time::timeout(CONNECT_TIMEOUT, client.get_async_pubsub()).await {
                Ok(Ok(pubsub)) => Some(pubsub),
                Ok(Err(error)) => {
                    tracing::debug!(%error, "realtime subscriber cannot reach redis yet");
                    None
                }
                Err(_) => None,
            },
        };
        if let Some(pubsub) = pubsub {
            let (mut sink, mut stream) = pubsub.split();
            let channels = routes.channels();
            let subscribed = channels.is_empty() || sink.subscribe(&channels).await.is_ok();
            if subscribed {
                if reconnecting {
                    ::metrics::counter!(SUBSCRIBER_RECONNECTS).increment(1);
                    tracing::info!(
                        channels = channels.len(),
                        "realtime subscriber is back on redis"
                    );
                }
                backoff = FIRST_BACKOFF;
                if !serve(&mut sink, &mut stream, &routes, &mut commands).await {
                    return;
                }
                tracing::warn!(
                    "realtime subscriber lost redis; other nodes' emits do not reach this node's sockets until it reconnects"
                );
            }
        }
        reconnecting = true;
        if !wait(backoff, &mut commands).await {
            return;
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Routes messages and carries out commands until the connection fails (`true`) or the
/// node's channels are all gone (`false`).
async fn serve(
    sink: &mut PubSubSink,
    stream: &mut (impl futures::Stream<Item = redis::Msg> + Unpin),
    routes: &Routes,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> bool {
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.reset();
    loop {
        tokio::select! {
            message = stream.next() => match message {
                Some(message) => routes.deliver(&message),
                None => return true,
            },
            command = commands.recv() => match command {
                Some(Command::Subscribe(channel, done)) => {
                    let subscribed = sink.subscribe(&channel).await;
                    let _ = done.send(());
                    if subscribed.is_err() {
                        return true;
                    }
                }
                Some(Command::Unsubscribe(channel)) => {
                    if sink.unsubscribe(&channel).await.is_err() {
                        return true;
                    }
                }
                None => return false,
            },
            _ = ping.tick() => {
                let pong = tokio::time::timeout(PING_TIMEOUT, sink.ping::<redis::Value>()).await;
                if !matches!(pong, Ok(Ok(_))) {
                    return true;
                }
            }
        }
    }
}

/// Sleeps `backoff`, confirming subscriptions meanwhile (they are subscribed on reconnecting);
/// `false` when the node's channels are all gone.
async fn wait(backoff: Duration, commands: &mut mpsc::UnboundedReceiver<Command>) -> bool {
    let sleep = tokio::time::sleep(backoff);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            () = &mut sleep => return true,
            command = commands.recv() => match command {
                Some(Command::Subscribe(_, done)) => {
                    let _ = done.send(());
                }
                Some(Command::Unsubscribe(_)) => {}
                None => return false,
            },
        }
    }
}
