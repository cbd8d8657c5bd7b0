//! Payments and subscriptions (PRD §3.12): what an organisation pays for and which plan tier
//! that buys it, as a pure model. A payment provider (Razorpay) holds the money; this module
//! holds what BotWot decided from the provider's word.
//!
//! An operator prices a tier once ([`BillingPlan`], the provider's monthly plan). An
//! organisation then either subscribes to it ([`Subscription`], charged every month by the
//! provider) or prepays whole months with a one-off order ([`Order`]). Each organisation has
//! one [`BillingAccount`] holding its subscriptions and orders; the provider's reports
//! ([`SubscriptionSnapshot`], [`PaymentSnapshot`]) are applied to it in any order and any
//! number of times with the same result, and [`BillingAccount::reconcile`] decides which tier
//! the account has paid for, until when, and whether the organisation's tier must change. Nothing
//! here calls the provider, stores an account or reads the clock.

mod account;
mod order;
mod plan;
mod snapshot;
mod subscription;

#[cfg(test)]
mod account_tests;

pub use account::{BillingAccount, Grant, Reconciled};
pub use order::{Order, OrderRefusal, OrderStatus};
pub use plan::{BillingPlan, MAX_PREPAID_MONTHS, NewBillingPlan, PlanRefusal};
pub use snapshot::{
    PaymentSnapshot, PaymentStatus, ProviderReport, SubscriptionSnapshot, SubscriptionStatus,
};
pub use subscription::Subscription;
