//! A small Socket.IO v5 client (Engine.IO v4, WebSocket transport only) for load benchmarks:
//! many long-lived connections in one process, each kept alive in the background.
//!
//! [`SocketIoClient::connect`] opens `GET /socket.io/?EIO=4&transport=websocket` from a chosen
//! source address (so more than one ephemeral port range is available), reads the open packet
//! `0{...}`, joins one namespace with `40<ns>,<auth>` and waits for `40<ns>,{"sid":...}` (or the
//! refusal `44<ns>,{"message":...}`). It then hands the connection to a task that answers every
//! ping `2` with `3`, writes what [`SocketIoClient::emit_with_ack`] queues, and timestamps every
//! event `42<ns>,[name,data]` and acknowledgement `43<ns>,<id>[data]` the moment its frame is
//! read, so a slow consumer does not inflate a measured latency. Binary packets are not
//! supported; event names are taken verbatim (no JSON escapes), which holds for every event
//! BotWot sends. The byte-exact test client of the API tests (`http/tests/api/support/socket.rs`)
//! reads only while its caller waits and gives up after 5 s of silence, so it cannot hold idle
//! connections.

#![allow(dead_code)]

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// How long the handshake may take before the connection is given up.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);
/// Per-connection WebSocket buffers: small, since a load client holds thousands of connections.
const BUFFER_BYTES: usize = 4 * 1024;

/// What the server sent in the namespace, with the instant its frame was read.
#[derive(Debug)]
pub struct Received {
    pub at: Instant,
    pub packet: Packet,
}

#[derive(Debug)]
pub enum Packet {
    /// An event; `data` is its argument as raw JSON (`null` when there is none).
    Event { name: String, data: String },
    /// The acknowledgement of an event sent with [`SocketIoClient::emit_with_ack`].
    Ack { id: u64, data: String },
}

/// Whether the connection is still up, and how many pings it answered.
#[derive(Debug, Default)]
pub struct Liveness {
    open: AtomicBool,
    pongs: AtomicU64,
}

impl Liveness {
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Relaxed)
    }

    pub fn pings_answered(&self) -> u64 {
        self.pongs.load(Ordering::Relaxed)
    }
}

/// One connection in one namespace. Dropping it closes the connection.
pub struct SocketIoClient {
    namespace: String,
    /// The socket id the namespace gave.
    pub sid: String,
    /// The server's ping interval, from the open packet.
    pub ping_interval: Duration,
    pub liveness: Arc<Liveness>,
    outgoing: mpsc::UnboundedSender<String>,
    incoming: mpsc::UnboundedReceiver<Received>,
    next_ack: u64,
    task: JoinHandle<()>,
}

impl SocketIoClient {
    /// Connects to `server` from `source` (any free port of it; `None`: the system's choice) and
    /// joins `namespace` with `auth`. `Err` carries the refusal or what went wrong.
    pub async fn connect(
        server: SocketAddr,
        source: Option<IpAddr>,
        namespace: &str,
        auth: &Value,
    ) -> Result<Self, String> {
        tokio::time::timeout(
            HANDSHAKE_TIMEOUT,
            handshake(server, source, namespace, auth),
        )
        .await
        .map_err(|_| format!("no answer within {HANDSHAKE_TIMEOUT:?}"))?
    }

    /// Sends `event` with `data` and asks for an acknowledgement; returns its id.
    pub fn emit_with_ack(&mut self, event: &str, data: &Value) -> u64 {
        let id = self.next_ack;
        self.next_ack += 1;
        let args = Value::from(vec![event.into(), data.clone()]);
        let _ = self
            .outgoing
            .send(format!("42{},{id}{args}", self.namespace));
        id
    }

    /// The next event or acknowledgement; `None` once the connection is closed and all it
    /// received has been read.
    pub async fn next(&mut self) -> Option<Received> {
        self.incoming.recv().await
    }

    /// Stops keeping what arrives (for connections that are only held open); pings are still
    /// answered.
    pub fn ignore_incoming(&mut self) {
        self.incoming.close();
        while self.incoming.try_recv().is_ok() {}
    }
}

impl Drop for SocketIoClient {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Ws = WebSocketStream<TcpStream>;

async fn handshake(
    server: SocketAddr,
    source: Option<IpAddr>,
    namespace: &str,
    auth: &Value,
) -> Result<SocketIoClient, String> {
    let socket = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
    if let Some(source) = source {
        socket
            .bind(SocketAddr::new(source, 0))
            .map_err(|e| format!("bind {source}: {e}"))?;
    }
    let stream = socket
        .connect(server)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let url = format!("ws://{server}/socket.io/?EIO=4&transport=websocket");
    let config = WebSocketConfig::default()
        .read_buffer_size(BUFFER_BYTES)
        .write_buffer_size(BUFFER_BYTES);
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config))
        .await
        .map_err(|e| format!("websocket: {e}"))?;

    let open = next_text(&mut ws).await?;
    let open: Value = open
        .strip_prefix('0')
        .and_then(|json| serde_json::from_str(json).ok())
        .ok_or_else(|| format!("expected the open packet, got {open}"))?;
    let ping_interval = Duration::from_millis(open["pingInterval"].as_u64().unwrap_or(25_000));

    send(&mut ws, format!("40{namespace},{auth}")).await?;
    let connected = format!("40{namespace},");
    let refused = format!("44{namespace},");
    let sid = loop {
        let text = next_text(&mut ws).await?;
        if text == "2" {
            send(&mut ws, "3".to_owned()).await?;
        } else if let Some(reply) = text.strip_prefix(&connected) {
            let reply: Value = serde_json::from_str(reply).map_err(|e| format!("{e}: {text}"))?;
            break reply["sid"].as_str().unwrap_or_default().to_owned();
        } else if let Some(error) = text.strip_prefix(&refused) {
            return Err(format!("refused: {error}"));
        } else {
            return Err(format!("unexpected reply to connect: {text}"));
        }
    };

    let liveness = Arc::new(Liveness::default());
    liveness.open.store(true, Ordering::Relaxed);
    let (outgoing, to_send) = mpsc::unbounded_channel();
    let (received, incoming) = mpsc::unbounded_channel();
    let task = tokio::spawn(pump(
        ws,
        namespace.to_owned(),
        to_send,
        received,
        liveness.clone(),
    ));
    Ok(SocketIoClient {
        namespace: namespace.to_owned(),
        sid,
        ping_interval,
        liveness,
        outgoing,
        incoming,
        next_ack: 1,
        task,
    })
}

/// The connection's life after the handshake: pings answered, queued packets written, events
/// and acknowledgements timestamped and passed on, until either side closes.
async fn pump(
    mut ws: Ws,
    namespace: String,
    mut to_send: mpsc::UnboundedReceiver<String>,
    received: mpsc::UnboundedSender<Received>,
    liveness: Arc<Liveness>,
) {
    let event = format!("42{namespace},");
    let ack = format!("43{namespace},");
    let left = format!("41{namespace},");
    loop {
        tokio::select! {
            frame = ws.next() => {
                let text = match frame {
                    Some(Ok(Frame::Text(text))) => text,
                    Some(Ok(Frame::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                let at = Instant::now();
                if text.as_str() == "2" {
                    if send(&mut ws, "3".to_owned()).await.is_err() {
                        break;
                    }
                    liveness.pongs.fetch_add(1, Ordering::Relaxed);
                } else if let Some(args) = text.strip_prefix(event.as_str()) {
                    if let Some(packet) = parse_event(args) {
                        let _ = received.send(Received { at, packet });
                    }
                } else if let Some(args) = text.strip_prefix(ack.as_str()) {
                    if let Some(packet) = parse_ack(args) {
                        let _ = received.send(Received { at, packet });
                    }
                } else if text.as_str() == left || text.as_str() == "1" {
                    break;
                }
            }
            Some(packet) = to_send.recv() => {
                if send(&mut ws, packet).await.is_err() {
                    break;
                }
            }
        }
    }
    liveness.open.store(false, Ordering::Relaxed);
}

/// `["name",data]`, optionally after an acknowledgement id the server asks for (not answered).
fn parse_event(args: &str) -> Option<Packet> {
    let args = args.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = args.strip_prefix("[\"")?;
    let end = rest.find('"')?;
    let after = rest[end + 1..].strip_suffix(']')?;
    Some(Packet::Event {
        name: rest[..end].to_owned(),
        data: after.strip_prefix(',').unwrap_or("null").to_owned(),
    })
}

/// `<id>[data]`.
fn parse_ack(args: &str) -> Option<Packet> {
    let split = args.find('[')?;
    let data = args[split..].strip_prefix('[')?.strip_suffix(']')?;
    Some(Packet::Ack {
        id: args[..split].parse().ok()?,
        data: if data.is_empty() { "null" } else { data }.to_owned(),
    })
}

async fn send(ws: &mut Ws, text: String) -> Result<(), String> {
    ws.send(Frame::text(text))
        .await
        .map_err(|e| format!("send: {e}"))
}

async fn next_text(ws: &mut Ws) -> Result<String, String> {
    loop {
        match ws.next().await {
            Some(Ok(Frame::Text(text))) => return Ok(text.to_string()),
            Some(Ok(Frame::Close(_))) | None => return Err("closed by the server".to_owned()),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(format!("read: {e}")),
        }
    }
}
