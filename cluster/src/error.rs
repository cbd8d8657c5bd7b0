//! Errors of the cluster building blocks, each with a stable code for logs, metrics and the admin
//! endpoints of the wiring step. The `Display` text is a lowercase sentence for logs.

use crate::ShardId;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ClusterError {
    /// The configuration cannot work (a heartbeat slower than its TTL, an empty node id...).
    #[error("invalid cluster config: {0}")]
    InvalidConfig(String),
    /// Redis could not be reached or refused a command.
    #[error("redis unavailable: {0}")]
    Redis(String),
    /// RabbitMQ could not be reached or refused a command.
    #[error("broker unavailable: {0}")]
    Broker(String),
    /// A record in Redis or a message in a queue is not what this version writes.
    #[error("malformed record: {0}")]
    Malformed(String),
    /// The broker did not take responsibility for a published message (nacked, or returned as
    /// unroutable because the shard's queue is missing). The publisher must not acknowledge the
    /// webhook.
    #[error("publish of message {message_id} not confirmed: {reason}")]
    NotConfirmed { message_id: String, reason: String },
    /// The lease of a shard is no longer held with this epoch: it expired or another node took
    /// it. The holder must stop running the shard.
    #[error("lease of shard {shard} lost at epoch {epoch}")]
    LeaseLost { shard: ShardId, epoch: u64 },
    /// No live member has this id.
    #[error("no live cluster member {0}")]
    UnknownMember(String),
    /// The owner of the event's session did not answer in time. The event is stored in its
    /// shard queue and will be applied; its outcome is unknown to the caller.
    #[error("no reply to message {message_id} in time")]
    NoReply { message_id: String },
    /// A writer presented an epoch that is no longer the live lease's epoch.
    #[error("stale epoch {presented} for shard {shard} (latest issued {latest})")]
    StaleEpoch {
        shard: ShardId,
        presented: u64,
        latest: u64,
    },
}

impl ClusterError {
    /// A stable code, not changed across releases.
    pub fn code(&self) -> &'static str {
        match self {
            ClusterError::InvalidConfig(_) => "cluster.invalid_config",
            ClusterError::Redis(_) => "cluster.redis_unavailable",
            ClusterError::Broker(_) => "cluster.broker_unavailable",
            ClusterError::Malformed(_) => "cluster.malformed",
            ClusterError::NotConfirmed { .. } => "cluster.not_confirmed",
            ClusterError::LeaseLost { .. } => "cluster.lease_lost",
            ClusterError::StaleEpoch { .. } => "cluster.stale_epoch",
            ClusterError::NoReply { .. } => "cluster.no_reply",
            ClusterError::UnknownMember(_) => "cluster.unknown_member",
        }
    }
}

impl From<redis::RedisError> for ClusterError {
    fn from(e: redis::RedisError) -> Self {
        ClusterError::Redis(e.to_string())
    }
}

impl From<lapin::Error> for ClusterError {
    fn from(e: lapin::Error) -> Self {
        ClusterError::Broker(e.to_string())
    }
}
