//! The node as a cluster member: [`ClusterHost`] lets the cluster hand this node's actor system
//! the shards it holds and the events of their sessions; [`ClusteredSessions`] sends an event
//! to whichever node runs its session (this one included) through the session's shard queue.

mod host;
mod sessions;

pub use host::ClusterHost;
pub use sessions::ClusteredSessions;

/// The kind of shard-queue envelope that carries a session [`crate::Envelope`].
const SESSION_EVENT: &str = "session_event";
