//! Billing's refusals as the API's stable codes.

use crate::errors::{AppError, ErrorCode};
use botwot_actors::{BillingError, LockError};
use botwot_engine::billing::PlanRefusal;
use botwot_engine::ports::ProviderError;
use botwot_engine::validation::ValidationErrors;

impl From<BillingError> for AppError {
    fn from(error: BillingError) -> Self {
        let message = error.to_string();
        let code = match error {
            BillingError::Plan(PlanRefusal::NotPurchasable) => ErrorCode::TierNotPurchasable,
            BillingError::Plan(PlanRefusal::AmountTooSmall) => return invalid("amount", &message),
            BillingError::Plan(PlanRefusal::BadCurrency) => return invalid("currency", &message),
            BillingError::BadMonths { .. } => return invalid("months", &message),
            BillingError::TierNotPriced(_) => ErrorCode::TierNotPriced,
            BillingError::EnterpriseBilledSeparately => ErrorCode::EnterpriseBilledSeparately,
            BillingError::SubscriptionExists(_) => ErrorCode::SubscriptionExists,
            BillingError::SubscriptionEnded => ErrorCode::SubscriptionEnded,
            BillingError::NotFound(what) => return AppError::not_found(what),
            BillingError::BadCheckoutSignature => ErrorCode::InvalidCheckoutSignature,
            BillingError::PaymentFailed(_) => ErrorCode::PaymentFailed,
            BillingError::PaymentMismatch(_) => ErrorCode::PaymentMismatch,
            BillingError::Provider(ProviderError::Refused { .. } | ProviderError::Unauthorised) => {
                ErrorCode::PaymentProviderRefused
            }
            BillingError::Provider(ProviderError::Unavailable(_) | ProviderError::Malformed(_)) => {
                return retry(ErrorCode::PaymentProviderUnavailable, message);
            }
            BillingError::Lock(LockError::Busy(_)) => {
                return retry(ErrorCode::BillingBusy, message);
            }
            BillingError::Lock(LockError::Unavailable(_)) => ErrorCode::StorageUnavailable,
            BillingError::Store(error) => return error.into(),
        };
        AppError::new(code, message)
    }
}

fn invalid(field: &str, message: &str) -> AppError {
    let mut errors = ValidationErrors::default();
    errors.add(field, message);
    errors.into()
}

fn retry(code: ErrorCode, message: String) -> AppError {
    AppError {
        retry_after_secs: Some(2),
        ..AppError::new(code, message)
    }
}
