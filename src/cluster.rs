//! `botwot serve --cluster`: the node joins the cluster configured in `[cluster]`, runs only the
//! sessions of the shards it holds, and sends every session event through the shard queues.

use crate::config::Config;
use anyhow::{Context, Result, bail};
use botwot_actors::{ClusterHost, ClusteredSessions, Node};
use botwot_cluster::{ClusterNode, HeldShards};
use botwot_engine::coordination::{Coordination, SingleNode};
use botwot_storage::StorageConfig;
use botwot_storage::coordination::RedisCoordination;
use std::net::SocketAddr;
use std::sync::Arc;

/// The shard table a cluster node's actors read their fences from; `None` on a single node.
/// Refuses a cluster on storage other nodes cannot share.
pub fn held_shards(config: &Config) -> Result<Option<HeldShards>> {
    if !config.cluster.enabled {
        return Ok(None);
    }
    if !matches!(config.storage, StorageConfig::Mongo { .. }) {
        bail!(
            "a cluster node needs storage the nodes share: set storage.backend = \"mongo\" (the embedded stores are for a single node)"
        );
    }
    config
        .cluster
        .validate()
        .context("the [cluster] section is not usable")?;
    Ok(Some(HeldShards::new(config.cluster.shards)))
}

/// What the node coordinates its knowledge index and ingestion with: the cluster's Redis, or
/// nothing on a single node.
pub async fn coordination(config: &Config) -> Result<Arc<dyn Coordination>> {
    if !config.cluster.enabled {
        return Ok(Arc::new(SingleNode));
    }
    let coordination =
        RedisCoordination::connect(&config.cluster.redis_url, config.cluster.key_prefix())
            .await
            .context(
                "the cluster's Redis could not be reached for the knowledge and campaign locks",
            )?;
    Ok(Arc::new(coordination))
}

/// Joins the cluster as member `node_id`, with `node` as the host of the shards this process
/// will hold.
pub async fn join(
    config: &Config,
    node_id: String,
    held: HeldShards,
    node: Arc<Node>,
    listening: SocketAddr,
) -> Result<(Arc<ClusterNode>, ClusteredSessions)> {
    let address = if config.cluster.advertise_address.is_empty() {
        listening.to_string()
    } else {
        config.cluster.advertise_address.clone()
    };
    let host = Arc::new(ClusterHost::new(node.clone()));
    let cluster = ClusterNode::start(config.cluster.clone(), node_id, address, held, host)
        .await
        .context("the node could not join the cluster (Redis and RabbitMQ reachable?)")?;
    let cluster = Arc::new(cluster);
    let sessions = ClusteredSessions::new(cluster.clone(), node.sessions());
    Ok((cluster, sessions))
}

/// Resolves when an operator drained this node and it has handed every shard away; never on a
/// node outside a cluster.
pub async fn drained_by_operator(cluster: Option<Arc<ClusterNode>>) {
    match cluster {
        Some(cluster) => cluster.drained().await,
        None => std::future::pending().await,
    }
}
