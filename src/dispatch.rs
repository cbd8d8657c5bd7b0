//! How the HTTP layer of a node reaches its sessions, chosen once at start: a cluster member
//! sends each event to the node that holds its session's shard; a single node on embedded
//! storage acknowledges webhooks once they are in its inbound log and applies them behind it
//! (ADR 0019); a single node on MongoDB hands events straight to its session actors.

use crate::cluster;
use crate::config::Config;
use anyhow::{Context, Result};
use botwot_actors::{LoggedSessions, Node};
use botwot_cluster::{ClusterNode, HeldShards};
use botwot_http::sessions::SessionDispatcher;
use botwot_storage::StorageConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The node's way to its sessions.
pub struct Dispatch {
    /// This node as a cluster member, when it is one.
    pub cluster: Option<Arc<ClusterNode>>,
    pub sessions: Arc<dyn SessionDispatcher>,
    /// The inbound log, to be shut down after the HTTP surface stops.
    pub logged: Option<Arc<LoggedSessions>>,
}

/// Joins the cluster when `held` and `node_id` say this node is a member; otherwise opens the
/// inbound log when the node has one.
pub async fn session_dispatch(
    config: &Config,
    held: Option<HeldShards>,
    node_id: Option<String>,
    node: &Arc<Node>,
    address: SocketAddr,
) -> Result<Dispatch> {
    if let Some((held, node_id)) = held.zip(node_id) {
        let (cluster, sessions) =
            cluster::join(config, node_id, held, node.clone(), address).await?;
        return Ok(Dispatch {
            cluster: Some(cluster),
            sessions: Arc::new(sessions),
            logged: None,
        });
    }
    let Some(dir) = inbound_log_dir(config) else {
        return Ok(Dispatch {
            cluster: None,
            sessions: Arc::new(node.sessions()),
            logged: None,
        });
    };
    let logged = LoggedSessions::start(node.sessions(), &dir, &config.inbound_log)
        .await
        .with_context(|| format!("the inbound log in {} could not be opened", dir.display()))?;
    let logged = Arc::new(logged);
    Ok(Dispatch {
        cluster: None,
        sessions: logged.clone(),
        logged: Some(logged),
    })
}

/// Where the single node's inbound log lives, when it has one: beside the embedded store's
/// files. A node on MongoDB keeps acknowledging after the commit (its local disk may not
/// outlive it, ADR 0019).
fn inbound_log_dir(config: &Config) -> Option<PathBuf> {
    if !config.inbound_log.enabled {
        return None;
    }
    match &config.storage {
        StorageConfig::Embedded { data_dir }
        | StorageConfig::Resident { data_dir }
        | StorageConfig::Lsm { data_dir } => Some(data_dir.join("inbound-log")),
        StorageConfig::Mongo { .. } => None,
    }
}
