//! Just enough of a Socket.IO v4 client (Engine.IO 4 over WebSocket) to test the widget and
//! console namespaces byte for byte, including payloads no well-behaved client would send.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const WIDGET: &str = "/widget";
const WAIT: Duration = Duration::from_secs(5);

/// What the server sent in the namespace.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    Event { name: String, data: Value },
    Ack { id: u64, data: Value },
}

pub struct TestSocket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_ack: u64,
    namespace: &'static str,
}

impl TestSocket {
    /// Opens the widget namespace with `auth`; `Err` carries the `connect_error` message.
    pub async fn connect(
        addr: SocketAddr,
        auth: Value,
        origin: Option<&str>,
    ) -> Result<Self, String> {
        Self::connect_to(addr, WIDGET, auth, origin).await
    }

    /// Opens `namespace` with `auth`; `Err` carries the `connect_error` message.
    pub async fn connect_to(
        addr: SocketAddr,
        namespace: &'static str,
        auth: Value,
        origin: Option<&str>,
    ) -> Result<Self, String> {
        let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
        let mut request = url.into_client_request().expect("request");
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().expect("origin"));
        }
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("websocket");
        let mut socket = Self {
            ws,
            next_ack: 1,
            namespace,
        };
        let open = socket.frame().await;
        assert!(open.starts_with('0'), "engine.io open packet, got {open}");
        socket.send(format!("40{namespace},{auth}")).await;
        let mut reply = socket.frame().await;
        while reply == "2" {
            socket.send("3".to_owned()).await;
            reply = socket.frame().await;
        }
        let prefix = format!("{namespace},");
        if let Some(connected) = reply
            .strip_prefix("40")
            .and_then(|r| r.strip_prefix(&prefix))
        {
            assert!(connected.contains("sid"), "{reply}");
            Ok(socket)
        } else if let Some(refused) = reply
            .strip_prefix("44")
            .and_then(|r| r.strip_prefix(&prefix))
        {
            let error: Value = serde_json::from_str(refused).expect("connect_error json");
            Err(error["message"].as_str().unwrap_or_default().to_owned())
        } else {
            panic!("unexpected reply to connect: {reply}");
        }
    }

    /// Sends an event whose arguments are the raw JSON array `args` (no acknowledgement asked).
    pub async fn emit_raw(&mut self, args: &str) {
        self.send(format!("42{},{args}", self.namespace)).await;
    }

    /// Sends `event` with `data` and asks for an acknowledgement; returns its id.
    pub async fn emit_with_ack(&mut self, event: &str, data: Value) -> u64 {
        let id = self.next_ack;
        self.next_ack += 1;
        self.send(format!("42{},{id}{}", self.namespace, json!([event, data])))
            .await;
        id
    }

    /// The next event or acknowledgement (answering pings on the way).
    pub async fn next(&mut self) -> Received {
        loop {
            let frame = self.frame().await;
            if frame == "2" {
                self.send("3".to_owned()).await;
                continue;
            }
            if let Some(event) = frame.strip_prefix(&format!("42{},", self.namespace)) {
                let args: Value = serde_json::from_str(event).expect("event json");
                let name = args[0].as_str().expect("event name").to_owned();
                return Received::Event {
                    name,
                    data: args[1].clone(),
                };
            }
            if let Some(ack) = frame.strip_prefix(&format!("43{},", self.namespace)) {
                let split = ack.find('[').expect("ack args");
                let id = ack[..split].parse().expect("ack id");
                let args: Value = serde_json::from_str(&ack[split..]).expect("ack json");
                return Received::Ack {
                    id,
                    data: args[0].clone(),
                };
            }
            panic!("unexpected frame {frame}");
        }
    }

    /// Skips ahead to the next event called `name`.
    pub async fn event(&mut self, name: &str) -> Value {
        loop {
            if let Received::Event { name: got, data } = self.next().await
                && got == name
            {
                return data;
            }
        }
    }

    /// Skips ahead to the acknowledgement `id`.
    pub async fn ack(&mut self, id: u64) -> Value {
        loop {
            if let Received::Ack { id: got, data } = self.next().await
                && got == id
            {
                return data;
            }
        }
    }

    /// Leaves the namespace, as `socket.disconnect()` of a client does.
    pub async fn disconnect(mut self) {
        let packet = format!("41{},", self.namespace);
        self.send(packet).await;
    }

    /// Sends `event` with `data`, asking no acknowledgement.
    pub async fn emit(&mut self, event: &str, data: Value) {
        self.emit_raw(&json!([event, data]).to_string()).await;
    }

    /// Skips ahead to the next event called `name` whose data satisfies `wanted`.
    pub async fn event_where(&mut self, name: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let data = self.event(name).await;
            if wanted(&data) {
                return data;
            }
        }
    }

    /// Everything received until the line has been quiet for `quiet`.
    pub async fn drain(&mut self, quiet: Duration) -> Vec<Received> {
        let mut received = Vec::new();
        while let Ok(item) = tokio::time::timeout(quiet, self.next()).await {
            received.push(item);
        }
        received
    }

    async fn send(&mut self, text: String) {
        self.ws.send(Frame::text(text)).await.expect("send");
    }

    async fn frame(&mut self) -> String {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("the server answers in time")
                .expect("the connection is open")
                .expect("a frame");
            if let Frame::Text(text) = frame {
                return text.to_string();
            }
        }
    }
}
