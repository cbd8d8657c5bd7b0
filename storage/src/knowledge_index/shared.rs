//! The knowledge index's side of [`Coordination`]: one cluster-wide lock per base, held by
//! whoever changes it, and one stamp per base, renewed after every save, that tells each node
//! whether the base it keeps in memory is still the saved one.
//!
//! A change waits for the lock (other nodes' changes of one base are short: one encode and one
//! save) and fails as unavailable after [`LOCK_WAIT`]. A search that cannot read the stamp (the
//! coordination store down) answers from the base in memory rather than failing; changes need
//! the store and fail until it is back.

use super::cache::{BaseKey, CachedBase};
use botwot_engine::coordination::{Coordination, CoordinationError, HeldLock};
use botwot_engine::knowledge::KnowledgeIndexError;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::warn;

/// How long a change waits for another node's change of the same base.
pub(super) const LOCK_WAIT: Duration = Duration::from_secs(60);

/// How often a waiting change asks for the lock again.
const LOCK_RETRY: Duration = Duration::from_millis(50);

pub(super) struct SharedBases {
    coordination: Arc<dyn Coordination>,
}

/// The stamp a search compares its base in memory with.
pub(super) enum ReadStamp {
    Known(Option<String>),
    /// The coordination store did not answer: any base in memory will do.
    Unknown,
}

impl ReadStamp {
    pub(super) fn admits(&self, cached: &CachedBase) -> bool {
        match self {
            ReadStamp::Known(stamp) => cached.is_current(stamp),
            ReadStamp::Unknown => true,
        }
    }

    /// The stamp to keep with a base loaded now (an unknown one makes the next search that
    /// reads a stamp load it again).
    pub(super) fn into_label(self) -> Option<String> {
        match self {
            ReadStamp::Known(stamp) => stamp,
            ReadStamp::Unknown => None,
        }
    }
}

/// The name of a base's lock and stamp.
fn name_of((tenant, kb): &BaseKey) -> String {
    format!("knowledge-base:{tenant}:{kb}")
}

fn unavailable(error: CoordinationError) -> KnowledgeIndexError {
    KnowledgeIndexError::Unavailable(error.to_string())
}

impl SharedBases {
    pub(super) fn new(coordination: Arc<dyn Coordination>) -> Self {
        Self { coordination }
    }

    /// The base's lock, waiting up to [`LOCK_WAIT`] for another holder to let it go.
    pub(super) async fn lock(
        &self,
        key: &BaseKey,
    ) -> Result<Box<dyn HeldLock>, KnowledgeIndexError> {
        let name = name_of(key);
        let started = Instant::now();
        loop {
            if let Some(lock) = self
                .coordination
                .try_lock(&name)
                .await
                .map_err(unavailable)?
            {
                return Ok(lock);
            }
            if started.elapsed() >= LOCK_WAIT {
                return Err(KnowledgeIndexError::Unavailable(format!(
                    "another node has been changing this knowledge base for over {} s; try again",
                    LOCK_WAIT.as_secs()
                )));
            }
            tokio::time::sleep(LOCK_RETRY).await;
        }
    }

    /// The base's stamp, for a change (which needs it).
    pub(super) async fn stamp(&self, key: &BaseKey) -> Result<Option<String>, KnowledgeIndexError> {
        self.coordination
            .stamp(&name_of(key))
            .await
            .map_err(unavailable)
    }

    /// The base's stamp, for a search (which can do without it).
    pub(super) async fn stamp_for_reading(&self, key: &BaseKey) -> ReadStamp {
        match self.coordination.stamp(&name_of(key)).await {
            Ok(stamp) => ReadStamp::Known(stamp),
            Err(error) => {
                warn!(%error, "knowledge base stamp unreadable; searching the copy in memory");
                ReadStamp::Unknown
            }
        }
    }

    /// Records that the base was saved anew.
    pub(super) async fn new_stamp(
        &self,
        key: &BaseKey,
    ) -> Result<Option<String>, KnowledgeIndexError> {
        self.coordination
            .new_stamp(&name_of(key))
            .await
            .map_err(unavailable)
    }
}

/// Refuses to save once the base's lock is lost: another node may be changing it now.
pub(super) fn still_held(lock: &dyn HeldLock) -> Result<(), KnowledgeIndexError> {
    if lock.is_held() {
        Ok(())
    } else {
        Err(KnowledgeIndexError::Unavailable(
            "this node lost the knowledge base's lock before saving it; try again".into(),
        ))
    }
}
