//! The provider's word on a subscription or a payment, as read from a webhook or an answer of
//! its API: the state it reports, never a command.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A subscription's status at the provider (Razorpay's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Created, the customer has not paid yet.
    Created,
    /// The customer authorised the mandate; the first charge may still be ahead.
    Authenticated,
    /// Paid for the current cycle.
    Active,
    /// A charge failed and the provider is retrying it.
    Pending,
    /// Every retry failed; no more charges until the customer pays.
    Halted,
    Paused,
    Cancelled,
    /// Every cycle charged.
    Completed,
    /// Never authenticated in time.
    Expired,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Authenticated => "authenticated",
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Halted => "halted",
            Self::Paused => "paused",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
            Self::Expired => "expired",
        }
    }

    /// The status named `name`, as the provider writes it.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Created,
            Self::Authenticated,
            Self::Active,
            Self::Pending,
            Self::Halted,
            Self::Paused,
            Self::Cancelled,
            Self::Completed,
            Self::Expired,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
    }

    /// How far along its lifecycle a subscription in this status is: of two reports made in
    /// the same second with the same cycles paid, the one further along is the later.
    pub fn rank(self) -> u8 {
        match self {
            Self::Created => 0,
            Self::Authenticated => 1,
            Self::Active => 2,
            Self::Pending => 3,
            Self::Halted | Self::Paused => 4,
            Self::Cancelled | Self::Completed | Self::Expired => 5,
        }
    }

    /// A subscription in this status never charges again.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Cancelled | Self::Completed | Self::Expired)
    }
}

/// A subscription as the provider reported it at `reported_at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionSnapshot {
    pub provider_id: String,
    pub provider_plan_id: String,
    pub status: SubscriptionStatus,
    pub current_start: Option<Timestamp>,
    pub current_end: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    /// Cycles charged so far; it only grows, so it orders reports made in the same second.
    pub paid_count: u32,
    /// The provider's page where the customer pays.
    pub short_url: Option<String>,
    pub reported_at: Timestamp,
}

/// A payment's status at the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Created,
    /// The money is held; it is the merchant's once captured.
    Authorized,
    Captured,
    Refunded,
    Failed,
}

impl PaymentStatus {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "created" => Some(Self::Created),
            "authorized" => Some(Self::Authorized),
            "captured" => Some(Self::Captured),
            "refunded" => Some(Self::Refunded),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// A payment as the provider reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentSnapshot {
    pub provider_id: String,
    /// The order it pays, when it pays one.
    pub order_id: Option<String>,
    pub amount: u64,
    pub currency: String,
    pub status: PaymentStatus,
    /// The provider's reason when it failed.
    pub error_description: Option<String>,
    pub reported_at: Timestamp,
}

/// One report of the provider, from a webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderReport {
    Subscription(SubscriptionSnapshot),
    Payment(PaymentSnapshot),
}
