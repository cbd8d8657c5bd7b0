//! The price of a plan tier: one provider plan per purchasable tier, charged monthly.

use crate::access::PlanTier;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Most months one order may prepay.
pub const MAX_PREPAID_MONTHS: u32 = 24;

/// A tier's monthly price as the provider holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingPlan {
    pub tier: PlanTier,
    /// The provider's id of the plan (`plan_…`).
    pub provider_plan_id: String,
    /// The price of one month in the currency's smallest unit (cents, paise).
    pub amount: u64,
    /// ISO 4217 code, upper case.
    pub currency: String,
    pub created_at: Timestamp,
}

/// What an operator asks for when pricing a tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBillingPlan {
    pub tier: PlanTier,
    pub amount: u64,
    pub currency: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PlanRefusal {
    #[error("ENTERPRISE is priced per organisation and is not sold by subscription")]
    NotPurchasable,
    #[error("the amount must be at least 100 of the currency's smallest unit")]
    AmountTooSmall,
    #[error("the currency must be a three-letter ISO 4217 code such as USD or INR")]
    BadCurrency,
}

impl NewBillingPlan {
    /// Checks the price and normalises the currency code.
    pub fn validate(tier: PlanTier, amount: u64, currency: &str) -> Result<Self, PlanRefusal> {
        if tier == PlanTier::Enterprise {
            return Err(PlanRefusal::NotPurchasable);
        }
        if amount < 100 {
            return Err(PlanRefusal::AmountTooSmall);
        }
        let currency = currency.trim();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(PlanRefusal::BadCurrency);
        }
        Ok(Self {
            tier,
            amount,
            currency: currency.to_ascii_uppercase(),
        })
    }
}

impl BillingPlan {
    /// The price of `months` months.
    pub fn price_of(&self, months: u32) -> u64 {
        self.amount.saturating_mul(u64::from(months))
    }
}
