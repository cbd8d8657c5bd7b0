//! A node's membership in the cluster: it heartbeats, takes the leases of the shards placement
//! gives it, consumes their queues into its [`ShardHost`], gives shards up when placement moves
//! them (or when it drains), and sends requests to whichever node owns a session.
//!
//! One background task (`rebalance.rs`) owns the leases and consumers and compares, every
//! `rebalance_interval` or when woken, the shards held with the shards placement wants here.

mod host;
mod rebalance;
mod status;

pub use host::{Release, ShardHost};
pub use status::{ClusterStatus, MemberStatus, SessionLocation, ShardStatus};

use crate::membership::MemberInfo;
use crate::replies::ReplyInbox;
use crate::shard_queues::{InboundEnvelope, ShardQueues};
use crate::steering::Steering;
use crate::{ClusterConfig, ClusterError, HeldShards, Membership, ShardId, ShardLeases};
use botwot_storage::redis_link;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::{Notify, RwLock, watch};
use tokio::task::JoinHandle;
use tracing::info;

/// The AMQP side: shard queues and this node's reply queue, replaced together on reconnect.
pub(crate) struct Transport {
    pub(crate) queues: Arc<ShardQueues>,
    pub(crate) replies: ReplyInbox,
}

impl Transport {
    async fn connect(config: &ClusterConfig, node_id: &str) -> Result<Self, ClusterError> {
        let queues = ShardQueues::connect(&config.amqp_url, config.queues()).await?;
        queues.declare_topology().await?;
        let replies = ReplyInbox::open(&queues, node_id).await?;
        Ok(Self {
            queues: Arc::new(queues),
            replies,
        })
    }

    fn is_healthy(&self) -> bool {
        self.queues.is_connected() && self.replies.is_open()
    }
}

pub(crate) struct Shared {
    pub(crate) node_id: String,
    pub(crate) config: ClusterConfig,
    pub(crate) membership: Membership,
    pub(crate) leases: ShardLeases,
    pub(crate) steering: Steering,
    pub(crate) held: HeldShards,
    pub(crate) transport: RwLock<Arc<Transport>>,
    /// Set when this node hands all its shards away (drain or shutdown).
    pub(crate) draining: AtomicBool,
    /// Rebalance now instead of at the next tick.
    pub(crate) wake: Notify,
    /// True once a draining node holds no shard.
    pub(crate) drained: watch::Sender<bool>,
}

/// This process as a cluster member. Cheap to share behind an `Arc`.
pub struct ClusterNode {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl ClusterNode {
    /// Connects to Redis and RabbitMQ, declares the shard queues, joins the membership and
    /// starts taking shards for `host`, recording them in `held` (which the host's session
    /// actors read their fences from). `address` is what the admin endpoints show for this node.
    pub async fn start<H: ShardHost>(
        config: ClusterConfig,
        node_id: String,
        address: String,
        held: HeldShards,
        host: Arc<H>,
    ) -> Result<Self, ClusterError> {
        config.validate()?;
        if held.shard_count() != config.shards {
            return Err(ClusterError::InvalidConfig(format!(
                "the held-shard table counts {} shards, the config {}",
                held.shard_count(),
                config.shards
            )));
        }
        let conn = redis_link::connect(&config.redis_url).await?;
        let membership = Membership::with_connection(conn.clone(), config.membership())?;
        let leases = ShardLeases::with_connection(conn.clone(), config.leases())?;
        let steering = Steering::with_connection(conn, config.key_prefix());
        let transport = Transport::connect(&config, &node_id).await?;
        let heartbeat = membership
            .join(MemberInfo::starting_now(&node_id, &address))
            .await?;
        let (drained, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            node_id,

            held,
            config,
            membership,
            leases,
            steering,
            transport: RwLock::new(Arc::new(transport)),
            draining: AtomicBool::new(false),
            wake: Notify::new(),
            drained,
        });
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(rebalance::run(
            Arc::clone(&shared),
            host,
            heartbeat,
            stop_rx,
        ));
        info!(node_id = %shared.node_id, shards = shared.config.shards, "joined the cluster");
        Ok(Self {
            shared,
            stop,
            task: std::sync::Mutex::new(Some(task)),
        })
    }

    pub fn node_id(&self) -> &str {
        &self.shared.node_id
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.shared.config
    }

    /// What keeps the node from taking requests now (empty when ready): draining, or the broker
    /// connection being down.
    pub fn problems(&self) -> Vec<&'static str> {
        let mut problems = Vec::new();
        if self.shared.draining.load(Ordering::Relaxed) {
            problems.push("cluster node draining");
        }
        // A transport being replaced counts as down.
        let healthy = self
            .shared
            .transport
            .try_read()
            .is_ok_and(|transport| transport.is_healthy());
        if !healthy {
            problems.push("cluster broker connection");
        }
        problems
    }

    /// Publishes an event to its session's shard queue and returns once the broker confirmed
    /// it (a webhook may then be acknowledged).
    pub async fn publish(&self, envelope: &InboundEnvelope) -> Result<ShardId, ClusterError> {
        self.transport().await.queues.publish(envelope).await
    }

    /// Publishes an event and waits for the owner's reply (see [`ReplyInbox::request`]).
    pub async fn request(&self, envelope: InboundEnvelope) -> Result<Vec<u8>, ClusterError> {
        let transport = self.transport().await;
        transport
            .replies
            .request(
                &transport.queues,
                envelope,
                self.shared.config.reply_timeout(),
            )
            .await
    }

    /// Marks `node_id` as draining, cluster-wide. When it is this node, it also starts handing
    /// its shards away at once.
    /// Another node must be a live member ([`ClusterError::UnknownMember`] otherwise): a drain
    /// mark stays in Redis until its node leaves, so a mistyped id would stay marked for good.
    pub async fn drain(&self, node_id: &str) -> Result<(), ClusterError> {
        let itself = node_id == self.shared.node_id;
        if !itself && !self.is_live_member(node_id).await? {
            return Err(ClusterError::UnknownMember(node_id.to_owned()));
        }
        self.shared.steering.drain(node_id).await?;
        if itself {
            self.shared.draining.store(true, Ordering::Relaxed);
            self.shared.wake.notify_one();
        }
        Ok(())
    }

    /// Whether a live member has this id (asks Redis only).
    pub async fn is_live_member(&self, node_id: &str) -> Result<bool, ClusterError> {
        let members = self.shared.membership.live_members().await?;
        Ok(members.iter().any(|member| member.node_id == node_id))
    }

    /// Pins `shard` to `node_id` (which must be a live member); the current owner hands it over.
    pub async fn move_shard(&self, shard: ShardId, node_id: &str) -> Result<(), ClusterError> {
        if shard.0 >= self.shared.config.shards {
            return Err(ClusterError::InvalidConfig(format!(
                "shard {} does not exist (there are {})",
                shard.0, self.shared.config.shards
            )));
        }
        if !self.is_live_member(node_id).await? {
            return Err(ClusterError::UnknownMember(node_id.to_owned()));
        }
        self.shared.steering.pin(shard, node_id).await?;
        self.shared.wake.notify_one();
        Ok(())
    }

    /// Forgets the pin of `shard` (placement decides again); `false` when it had none.
    pub async fn unpin_shard(&self, shard: ShardId) -> Result<bool, ClusterError> {
        let removed = self.shared.steering.unpin(shard).await?;
        self.shared.wake.notify_one();
        Ok(removed)
    }

    /// Waits until this node, draining, holds no shard.
    pub async fn drained(&self) {
        let mut drained = self.shared.drained.subscribe();
        let _ = drained.wait_for(|done| *done).await;
    }

    /// Hands every shard away (their actors passivated first), leaves the membership and stops.
    pub async fn shutdown(&self) {
        let _ = self.drain(&self.shared.node_id.clone()).await;
        let _ = self.stop.send(true);
        let task = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
        let _ = self.shared.steering.undrain(&self.shared.node_id).await;
        info!(node_id = %self.shared.node_id, "left the cluster");
    }

    async fn transport(&self) -> Arc<Transport> {
        Arc::clone(&*self.shared.transport.read().await)
    }
}
