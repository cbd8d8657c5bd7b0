//! A post's lifecycle. A post is `scheduled` and due at its time; the publisher takes it up
//! (`publishing`, with a lease: an attempt whose process died is taken up again once the lease
//! ran out) and reports the network's answer: `published` with the network's id, a pause and
//! another attempt when the network may accept it later (at most [`MAX_ATTEMPTS`]), or
//! `failed` with the network's reason. Only a scheduled post is cancelled or moved.

use super::content::{PostContent, PostNetwork};
use crate::ids::{PostId, TenantId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;

/// Attempts at publishing a post before it is failed.
pub const MAX_ATTEMPTS: u32 = 5;
/// The pause after the 1st, 2nd, 3rd, 4th failed attempt the network may accept later.
const RETRY_PAUSES: [Duration; 4] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(60 * 60),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostStatus {
    Scheduled,
    Publishing,
    Published,
    Failed,
    Cancelled,
}

impl PostStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Scheduled => "scheduled",
            PostStatus::Publishing => "publishing",
            PostStatus::Published => "published",
            PostStatus::Failed => "failed",
            PostStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [
            PostStatus::Scheduled,
            PostStatus::Publishing,
            PostStatus::Published,
            PostStatus::Failed,
            PostStatus::Cancelled,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
    }
}

/// What the network answered to one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    Published {
        provider_post_id: String,
    },
    /// The network may accept it later (an outage, a rate limit, a video still processing).
    Retry {
        reason: String,
    },
    /// The network refused it for good (bad media, a revoked permission).
    Refused {
        reason: String,
    },
}

/// Why a change of a post was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PostRefusal {
    #[error("the post is {}; only a scheduled post can be changed", .0.as_str())]
    NotScheduled(PostStatus),
    #[error("a post is scheduled for a time in the future")]
    InThePast,
    #[error("the post is not due yet")]
    NotDue,
    #[error("an attempt at publishing the post is under way")]
    AttemptUnderWay,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocialPost {
    pub id: PostId,
    pub tenant_id: TenantId,
    pub network: PostNetwork,
    /// The Facebook page id or Instagram account id it goes on.
    pub account: String,
    pub content: PostContent,
    /// When it was asked to appear.
    pub publish_at: Timestamp,
    pub status: PostStatus,
    /// When the publisher takes it up: its time, a retry, or the end of an attempt's lease.
    pub due_at: Option<Timestamp>,
    pub attempts: u32,
    /// The network's id of the published post.
    pub provider_post_id: Option<String>,
    /// The network's reason for the last failed attempt.
    pub last_error: Option<String>,
    /// Who asked for it (a user or API key id).
    pub created_by: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub published_at: Option<Timestamp>,
}

impl SocialPost {
    /// A post of validated `content`, due at `publish_at` (now when that has passed).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        tenant_id: TenantId,
        network: PostNetwork,
        account: String,
        content: PostContent,
        publish_at: Timestamp,
        created_by: Option<String>,
        now: Timestamp,
    ) -> Self {
        let publish_at = publish_at.max(now);
        Self {
            id: PostId::generate(),
            tenant_id,
            network,
            account,
            content,
            publish_at,
            status: PostStatus::Scheduled,
            due_at: Some(publish_at),
            attempts: 0,
            provider_post_id: None,
            last_error: None,
            created_by,
            created_at: now,
            updated_at: now,
            published_at: None,
        }
    }

    /// When the publisher must take it up, if ever.
    pub fn due(&self) -> Option<Timestamp> {
        self.due_at
    }

    /// Starts an attempt: a scheduled post that is due, or one whose earlier attempt's lease ran
    /// out (its process stopped), is publishing until `now + lease`.
    pub fn begin_attempt(&mut self, now: Timestamp, lease: Duration) -> Result<(), PostRefusal> {
        match self.status {
            PostStatus::Scheduled | PostStatus::Publishing
                if self.due_at.is_some_and(|due| due <= now) => {}
            PostStatus::Scheduled => return Err(PostRefusal::NotDue),
            PostStatus::Publishing => return Err(PostRefusal::AttemptUnderWay),
            other => return Err(PostRefusal::NotScheduled(other)),
        }
        self.status = PostStatus::Publishing;
        self.attempts += 1;
        self.due_at = Some(now.plus(lease));
        self.updated_at = now;
        Ok(())
    }

    /// Takes in the network's answer to the attempt under way.
    pub fn finish_attempt(&mut self, outcome: AttemptOutcome, now: Timestamp) {
        if self.status != PostStatus::Publishing {
            return;
        }
        self.updated_at = now;
        match outcome {
            AttemptOutcome::Published { provider_post_id } => {
                self.status = PostStatus::Published;
                self.provider_post_id = Some(provider_post_id);
                self.published_at = Some(now);
                self.due_at = None;
                self.last_error = None;
            }
            AttemptOutcome::Retry { reason } if self.attempts < MAX_ATTEMPTS => {
                let pause = RETRY_PAUSES[usize::try_from(self.attempts - 1)
                    .unwrap_or(0)
                    .min(RETRY_PAUSES.len() - 1)];
                self.status = PostStatus::Scheduled;
                self.due_at = Some(now.plus(pause));
                self.last_error = Some(reason);
            }
            AttemptOutcome::Retry { reason } | AttemptOutcome::Refused { reason } => {
                self.status = PostStatus::Failed;
                self.due_at = None;
                self.last_error = Some(reason);
            }
        }
    }

    /// Cancels a scheduled post.
    pub fn cancel(&mut self, now: Timestamp) -> Result<(), PostRefusal> {
        self.only_scheduled()?;
        self.status = PostStatus::Cancelled;
        self.due_at = None;
        self.updated_at = now;
        Ok(())
    }

    /// Moves a scheduled post to another time in the future.
    pub fn reschedule(&mut self, at: Timestamp, now: Timestamp) -> Result<(), PostRefusal> {
        self.only_scheduled()?;
        if at <= now {
            return Err(PostRefusal::InThePast);
        }
        self.publish_at = at;
        self.due_at = Some(at);
        self.updated_at = now;
        Ok(())
    }

    fn only_scheduled(&self) -> Result<(), PostRefusal> {
        match self.status {
            PostStatus::Scheduled => Ok(()),
            other => Err(PostRefusal::NotScheduled(other)),
        }
    }
}
