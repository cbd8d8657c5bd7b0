//! The building blocks of a BotWot cluster: how sessions are placed on nodes and how events
//! reach the node that owns them, on top of Redis and RabbitMQ rather than a home-made protocol.
//!
//! - [`shard_of`]: the fixed shard a session key belongs to;
//! - [`membership`]: nodes announce themselves with heartbeat keys that expire in Redis;
//! - [`placement`]: live members divide the shards by rendezvous hashing ([`ShardMap`]);
//! - [`lease`]: a fenced lease per shard in Redis, whose epoch writes carry ([`FencingToken`]),
//!   and [`KeptLease`], which renews one in the background and says when it is lost;
//! - [`shard_queues`]: one RabbitMQ quorum queue per shard with a single active consumer,
//!   publisher confirms, acks after handling and a dead-letter queue with replay;
//! - [`SessionRegistry`]: the contract that finds (or starts) the actor owning a key.
//!
//! - [`ClusterNode`]: a process as a member, taking and giving up shards for its [`ShardHost`]
//!   (the actor system), sending requests to the owner of a session and answering the admin
//!   endpoints; [`HeldShards`] gives the session actors their fences; [`Steering`] keeps the
//!   operators' drains and pinned shards.
//!
//! A single node runs every shard through its local registry (in `botwot-actors`) and uses none
//! of this (see ADR 0006 and its wiring addendum).

#![forbid(unsafe_code)]

mod config;
mod duration_ms;
mod error;
mod held_shards;
pub mod lease;
mod lease_keeper;
pub mod membership;
mod node;
pub mod placement;
mod registry;
mod replies;
mod shard;
pub mod shard_queues;
mod steering;

pub use config::ClusterConfig;
pub use error::ClusterError;
pub use held_shards::HeldShards;
pub use lease::{FencingToken, LeaseConfig, LeaseGrant, LeaseHolder, ShardLease, ShardLeases};
pub use lease_keeper::{KeptLease, LeaseEnd};
pub use membership::{Heartbeat, MemberInfo, Membership, MembershipConfig};
pub use node::{
    ClusterNode, ClusterStatus, MemberStatus, Release, SessionLocation, ShardHost, ShardStatus,
};
pub use placement::{ShardMap, ShardMove, owner_of, rendezvous_weight};
pub use registry::{RegistryStats, RouteError, SessionRegistry};
pub use replies::ReplyInbox;
pub use shard::{DEFAULT_SHARD_COUNT, ShardId, shard_of};
pub use shard_queues::{
    DeadLetter, HandlerFailure, HandlerResult, InboundEnvelope, QueueDepth, ShardConsumer,
    ShardDelivery, ShardQueueConfig, ShardQueues,
};
pub use steering::{Steering, SteeringView};
