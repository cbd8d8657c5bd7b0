//! One subscription of an organisation, as last reported by the provider.
//!
//! Reports arrive late, twice, or out of order (a webhook retried after a newer one, an answer
//! of the API overtaking a webhook). A report replaces the stored state only when it is newer:
//! later by the provider's clock, or in the same second with more cycles paid, or in the same
//! second and count further along the lifecycle ([`SubscriptionStatus::rank`]). A subscription that ended
//! (cancelled, completed, expired) stays ended whatever older report comes after.

use super::snapshot::{SubscriptionSnapshot, SubscriptionStatus};
use crate::access::PlanTier;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub provider_id: String,
    pub provider_plan_id: String,
    /// The tier its plan buys.
    pub tier: PlanTier,
    pub status: SubscriptionStatus,
    pub current_start: Option<Timestamp>,
    pub current_end: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub paid_count: u32,
    pub short_url: Option<String>,
    /// When the provider made the report stored here.
    pub reported_at: Timestamp,
    pub created_at: Timestamp,
}

impl Subscription {
    /// A subscription just created at the provider for `tier`.
    pub fn created(snapshot: SubscriptionSnapshot, tier: PlanTier, now: Timestamp) -> Self {
        Self {
            provider_id: snapshot.provider_id,
            provider_plan_id: snapshot.provider_plan_id,
            tier,
            status: snapshot.status,
            current_start: snapshot.current_start,
            current_end: snapshot.current_end,
            ended_at: snapshot.ended_at,
            paid_count: snapshot.paid_count,
            short_url: snapshot.short_url,
            reported_at: snapshot.reported_at,
            created_at: now,
        }
    }

    /// Takes the report in when it is newer than what is stored; whether it was.
    pub fn apply(&mut self, snapshot: &SubscriptionSnapshot) -> bool {
        if self.status.is_final() && !snapshot.status.is_final() {
            return false;
        }
        let stored = (self.reported_at, self.paid_count, self.status.rank());
        let reported = (
            snapshot.reported_at,
            snapshot.paid_count,
            snapshot.status.rank(),
        );
        if reported <= stored {
            return false;
        }
        self.status = snapshot.status;
        self.current_start = snapshot.current_start.or(self.current_start);
        self.current_end = snapshot.current_end.or(self.current_end);
        self.ended_at = snapshot.ended_at.or(self.ended_at);
        self.paid_count = snapshot.paid_count.max(self.paid_count);
        if snapshot.short_url.is_some() {
            self.short_url.clone_from(&snapshot.short_url);
        }
        self.reported_at = snapshot.reported_at;
        true
    }

    /// Until when this subscription pays for its tier, seen at `now`: through the current
    /// cycle and `grace` beyond it while the provider still charges (a charge is made at the
    /// cycle's end and may be retried), to its end once it ended; `None` when it covers nothing.
    pub fn covers_until(&self, grace: Duration) -> Option<Timestamp> {
        match self.status {
            SubscriptionStatus::Active | SubscriptionStatus::Pending => {
                self.current_end.map(|end| end.plus(grace))
            }
            SubscriptionStatus::Cancelled
            | SubscriptionStatus::Completed
            | SubscriptionStatus::Expired => match (self.ended_at, self.current_end) {
                (Some(ended), Some(end)) => Some(ended.min(end)),
                (Some(ended), None) => Some(ended),
                (None, end) => end,
            }
            .filter(|_| self.paid_count > 0),
            SubscriptionStatus::Created
            | SubscriptionStatus::Authenticated
            | SubscriptionStatus::Halted
            | SubscriptionStatus::Paused => None,
        }
    }

    /// Still able to charge: a new subscription is refused while one is.
    pub fn is_live(&self) -> bool {
        !self.status.is_final()
    }
}
