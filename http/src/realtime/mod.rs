//! Realtime across nodes. Widget and console sockets stay on the node they reached, while the
//! session they follow runs on whichever node owns its shard; every room emit must therefore
//! reach the room's sockets on every node.
//!
//! The Socket.IO server runs socketioxide's remote adapter from `socketioxide-redis`
//! ([`NodeAdapter`]) over our own pub/sub driver ([`FanoutDriver`]): alone, the driver carries
//! nothing and every emit stays on this node as before; switched to Redis
//! ([`FanoutDriver::connect`]) it publishes each room emit on the cluster's Redis and a
//! dedicated subscriber connection ([`subscriber`]) hands other nodes' emits to the local
//! sockets. The adapter emits to local sockets itself and ignores its own messages coming back,
//! so nothing is emitted twice. Publishing never delays or fails a local emit: messages queue
//! for one publisher task ([`publisher`]), and what Redis does not take is logged and counted
//! (`botwot_realtime_fanout_lost_total`). Which agents are at a console anywhere is kept in
//! Redis too ([`presence`]). ADR 0012 says why. Typing signals, which are never stored, are
//! passed on at a bounded rate ([`typing_gate`]).

pub mod driver;
pub mod presence;
pub mod publisher;
pub mod subscriber;
pub mod typing_gate;

pub use driver::FanoutDriver;
pub use presence::SharedPresence;

use socketioxide::SocketIo;
use socketioxide::adapter::Emitter;
use socketioxide::extract::SocketRef;
use socketioxide::layer::SocketIoLayer;
use socketioxide_redis::{CustomRedisAdapter, RedisAdapterConfig, RedisAdapterCtr};

/// The Socket.IO adapter of every namespace: local rooms, and the fan-out of [`FanoutDriver`].
pub type NodeAdapter = CustomRedisAdapter<Emitter, FanoutDriver>;
/// The node's Socket.IO server.
pub type RealtimeIo = SocketIo<NodeAdapter>;
/// A socket of the node's Socket.IO server, as handlers receive it.
pub type RealtimeSocket = SocketRef<NodeAdapter>;
/// The Socket.IO endpoint, as a tower layer in front of the routes.
pub type RealtimeLayer = SocketIoLayer<NodeAdapter>;

/// Emits other nodes lost because Redis did not take them (publish failed, or the queue was
/// full), or that arrived faster than a namespace could take them.
pub const FANOUT_LOST: &str = "botwot_realtime_fanout_lost_total";
/// Times the realtime subscriber connected to Redis again after losing it.
pub const SUBSCRIBER_RECONNECTS: &str = "botwot_realtime_subscriber_reconnects_total";
/// Presence reads and writes that Redis did not answer (reads fall back to this node's roster).
pub const PRESENCE_UNAVAILABLE: &str = "botwot_presence_unavailable_total";

/// The failures of setting up cross-node realtime.
#[derive(Debug, thiserror::Error)]
pub enum RealtimeError {
    #[error("realtime redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("realtime redis did not answer in time")]
    Timeout,
    #[error("cross-node realtime is already switched on")]
    AlreadyConnected,
}

/// The Socket.IO server and its layer, with payloads up to `max_payload` bytes. Its driver
/// carries nothing until [`FanoutDriver::connect`] is called on the returned `driver`.
pub fn socket_io(max_payload: usize, driver: FanoutDriver) -> (RealtimeLayer, RealtimeIo) {
    let adapter = RedisAdapterCtr::new_with_driver(driver, RedisAdapterConfig::default());
    SocketIo::builder()
        .max_payload(u64::try_from(max_payload).unwrap_or(u64::MAX))
        .ws_max_message_size(max_payload)
        .with_adapter::<NodeAdapter>(adapter)
        .build_layer()
}
