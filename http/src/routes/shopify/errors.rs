//! The Admin API's failures as API errors.

use crate::errors::{AppError, ErrorCode};
use botwot_engine::ports::ShopifyError;

pub fn shopify_error(error: ShopifyError) -> AppError {
    match error {
        ShopifyError::Unauthorized(reason) => AppError::new(
            ErrorCode::ShopifyCredentialsRejected,
            format!("Shopify refused the access token: {reason}"),
        ),
        ShopifyError::Throttled { retry_after } => AppError {
            retry_after_secs: Some(retry_after.map_or(2, |wait| wait.as_secs().max(1))),
            ..AppError::new(
                ErrorCode::ShopifyUnavailable,
                "Shopify's rate limit was reached",
            )
        },
        ShopifyError::Unavailable(reason) => AppError {
            retry_after_secs: Some(5),
            ..AppError::new(ErrorCode::ShopifyUnavailable, reason)
        },
        ShopifyError::Refused(reason) => AppError::new(ErrorCode::ShopifyRefused, reason),
    }
}
