//! Posts on Facebook pages and Instagram accounts go out here (PRD §3.7.2). A node's
//! [`PostPublisher`] looks for due posts every `sweep_ms` and whenever it is woken (a post made
//! for now), so a post appears within seconds of its time rather than at the PRD's next
//! five-minute cron tick, and after a restart every overdue post is still found in the store.
//!
//! An attempt is recorded before the network is asked: under the post's named lock (across the
//! cluster's nodes) the post moves to `publishing` with a lease and is stored; the network is
//! called outside the lock; its answer is stored under the lock again. So two nodes never
//! publish the same post at once, an API change cannot slip in while an attempt is under way,
//! and an attempt whose process died is taken up again once its lease runs out. The one window
//! left is the network's: a process that dies after Meta accepted a post and before its id is
//! stored publishes it again when the lease runs out (the Graph API has no idempotency key).

use crate::due_work::{DueWork, Pace};
use crate::named_locks::NamedLocks;
use botwot_engine::ids::PostId;
use botwot_engine::ports::{SocialPublisher, Storage, StoreError};
use botwot_engine::social::{AttemptOutcome, PostStatus, SocialPost};
use botwot_engine::time::Clock;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tracing::{info, warn};

/// How a node publishes posts (the `[social]` section).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostPublisherConfig {
    /// How often the node looks for due posts, besides being woken.
    pub sweep_ms: u64,
    /// How long an attempt may take before another process takes the post up again.
    pub lease_ms: u64,
    /// Posts taken up per read of the store.
    pub batch: usize,
}

impl Default for PostPublisherConfig {
    fn default() -> Self {
        Self {
            sweep_ms: 5_000,
            lease_ms: 600_000,
            batch: 20,
        }
    }
}

/// What the publisher needs.
pub struct PostPublisherDeps {
    pub store: Arc<dyn Storage>,
    pub publisher: Arc<dyn SocialPublisher>,
    pub locks: NamedLocks,
    pub clock: Arc<dyn Clock>,
}

/// A node's post publisher.
#[derive(Clone)]
pub struct PostPublisher {
    deps: Arc<PostPublisherDeps>,
    config: PostPublisherConfig,
    pace: Pace,
}

/// The name of a post's lock, held by every change of it.
pub fn post_lock_name(post: &PostId) -> String {
    format!("post:{post}")
}

impl PostPublisher {
    pub fn new(deps: PostPublisherDeps, config: PostPublisherConfig) -> Self {
        Self {
            deps: Arc::new(deps),
            pace: Pace {
                sweep_ms: config.sweep_ms,
                batch: config.batch,
                bell: Arc::new(Notify::new()),
            },
            config,
        }
    }

    /// Looks for due posts now (a post was made for now).
    pub fn wake(&self) {
        self.pace.bell.notify_one();
    }
}

impl DueWork for PostPublisher {
    type Record = SocialPost;
    const NAME: &'static str = "post publisher";

    fn pace(&self) -> &Pace {
        &self.pace
    }

    async fn due(&self, limit: usize) -> Result<Vec<SocialPost>, StoreError> {
        self.deps
            .store
            .due_posts(self.deps.clock.now(), limit)
            .await
    }

    /// One attempt at `post`; `false` when another process had it or it was no longer due.
    async fn attempt(&self, seen: &SocialPost) -> Result<bool, StoreError> {
        let Some(post) = self.begin(seen).await? else {
            return Ok(false);
        };
        let outcome = self.deps.publisher.publish(&post).await;
        let label = match &outcome {
            AttemptOutcome::Published { .. } => "published",
            AttemptOutcome::Retry { .. } => "retry",
            AttemptOutcome::Refused { .. } => "refused",
        };
        ::metrics::counter!("botwot_social_post_attempts_total", "outcome" => label).increment(1);
        self.finish(&post.id, &post, outcome).await?;
        Ok(true)
    }
}

impl PostPublisher {
    /// Records the attempt under the post's lock; the post as stored, or `None` when it was not
    /// due any more (cancelled, moved, or taken by another process).
    async fn begin(&self, seen: &SocialPost) -> Result<Option<SocialPost>, StoreError> {
        let Ok(_lock) = self.deps.locks.hold(&post_lock_name(&seen.id)).await else {
            return Ok(None);
        };
        let Some(mut post) = self.deps.store.get_post(&seen.tenant_id, &seen.id).await? else {
            return Ok(None);
        };
        let lease = Duration::from_millis(self.config.lease_ms);
        if post.begin_attempt(self.deps.clock.now(), lease).is_err() {
            return Ok(None);
        }
        self.deps.store.save_post(&post).await?;
        Ok(Some(post))
    }

    async fn finish(
        &self,
        id: &PostId,
        attempted: &SocialPost,
        outcome: AttemptOutcome,
    ) -> Result<(), StoreError> {
        let _lock = self
            .deps
            .locks
            .hold(&post_lock_name(id))
            .await
            .map_err(|error| StoreError::Unavailable(error.to_string()))?;
        let Some(mut post) = self.deps.store.get_post(&attempted.tenant_id, id).await? else {
            return Ok(());
        };
        if post.status != PostStatus::Publishing || post.attempts != attempted.attempts {
            warn!(post = %id, "a post's attempt outlived its lease; its answer is dropped");
            return Ok(());
        }
        post.finish_attempt(outcome, self.deps.clock.now());
        self.deps.store.save_post(&post).await?;
        match post.status {
            PostStatus::Published => {
                info!(post = %id, network = post.network.as_str(), "post published")
            }
            PostStatus::Failed => {
                warn!(post = %id, reason = post.last_error.as_deref().unwrap_or(""), "post failed")
            }
            _ => {
                info!(post = %id, attempts = post.attempts, "post attempt failed; trying again later")
            }
        }
        Ok(())
    }
}
