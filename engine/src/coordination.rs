//! Coordination between the nodes that share one set of stores: named exclusive locks that stay
//! held while their holder lives, and version stamps that tell a node whether what it keeps in
//! memory is still what the others last saved.
//!
//! The knowledge index uses both (one writer of a base at a time across the cluster, and a
//! stamp per base so a node's cached copy is reloaded once another node changed it), and
//! ingestion locks each document so exactly one node ingests it. A single node uses
//! [`SingleNode`]: every lock is granted (the process's own locks already serialise its work)
//! and no stamp is ever recorded, so caches are always current. A cluster uses the Redis
//! implementation in the storage crate.

use async_trait::async_trait;
use thiserror::Error;

#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("the cluster's coordination store is unavailable: {0}")]
pub struct CoordinationError(pub String);

/// A lock this node holds. Dropping it releases it (in the background); a holder that cannot
/// keep it alive any more (the coordination store unreachable past the lock's time to live)
/// sees [`HeldLock::is_held`] turn false and must stop before its next durable write.
#[async_trait]
pub trait HeldLock: Send + Sync {
    /// Whether the lock is still this node's as far as it knows.
    fn is_held(&self) -> bool;

    /// Releases the lock now, waiting for the store to confirm it.
    async fn release(self: Box<Self>);
}

/// Locks and version stamps shared by the nodes of a cluster; see the module documentation.
#[async_trait]
pub trait Coordination: Send + Sync + 'static {
    /// Takes the lock `name` if nobody holds it; `None` when another holder has it.
    async fn try_lock(&self, name: &str) -> Result<Option<Box<dyn HeldLock>>, CoordinationError>;

    /// The stamp last recorded for `name`; `None` when none was (or the store forgot it).
    async fn stamp(&self, name: &str) -> Result<Option<String>, CoordinationError>;

    /// Records a new stamp for `name` and returns it. Call it after the durable write the stamp
    /// stands for, holding `name`'s lock.
    async fn new_stamp(&self, name: &str) -> Result<Option<String>, CoordinationError>;
}

/// The coordination of a node that shares its stores with nobody.
#[derive(Clone, Copy, Debug, Default)]
pub struct SingleNode;

struct AlwaysHeld;

#[async_trait]
impl HeldLock for AlwaysHeld {
    fn is_held(&self) -> bool {
        true
    }

    async fn release(self: Box<Self>) {}
}

#[async_trait]
impl Coordination for SingleNode {
    async fn try_lock(&self, _: &str) -> Result<Option<Box<dyn HeldLock>>, CoordinationError> {
        Ok(Some(Box::new(AlwaysHeld)))
    }

    async fn stamp(&self, _: &str) -> Result<Option<String>, CoordinationError> {
        Ok(None)
    }

    async fn new_stamp(&self, _: &str) -> Result<Option<String>, CoordinationError> {
        Ok(None)
    }
}
