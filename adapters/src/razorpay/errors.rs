//! Razorpay's failures read into the engine's [`ProviderError`].
//!
//! Razorpay answers a failed call with `{"error":{"code","description","source","step",
//! "reason","metadata","field"}}`. [`classify`] reads that body with the HTTP status:
//!
//! | answer | error |
//! |---|---|
//! | 401 | [`ProviderError::Unauthorised`] |
//! | 408, 429, 5xx; timeouts, refused and broken connections | [`ProviderError::Unavailable`] |
//! | other 4xx | [`ProviderError::Refused`] with Razorpay's code and description (`http_<status>` and the body's start when it is not Razorpay's) |
//! | a 2xx body that cannot be read, any other status | [`ProviderError::Malformed`] |

use crate::error_chain::error_chain;
pub use crate::excerpt::body_excerpt;
use crate::excerpt::excerpt;
use botwot_engine::ports::ProviderError;
use serde::Deserialize;

/// The code of an id refused before any request (not Razorpay's own).
pub const INVALID_ID: &str = "invalid_id";
/// The code of a request that could not be built (not Razorpay's own).
pub const UNBUILDABLE: &str = "request_unbuildable";

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    #[serde(default)]
    description: Option<String>,
}

/// The error of a non-2xx answer with `status` and `body`.
pub fn classify(status: u16, body: &[u8]) -> ProviderError {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|body| body.error);
    match status {
        401 => ProviderError::Unauthorised,
        408 | 429 | 500..=599 => ProviderError::Unavailable(match detail {
            Some(detail) => format!(
                "http {status}: {} ({})",
                detail.description.unwrap_or_default(),
                detail.code
            ),
            None => format!("http {status}: {}", body_excerpt(body)),
        }),
        400..=499 => match detail {
            Some(detail) => ProviderError::Refused {
                code: detail.code,
                description: detail.description.unwrap_or_default(),
            },
            None => ProviderError::Refused {
                code: format!("http_{status}"),
                description: body_excerpt(body),
            },
        },
        _ => ProviderError::Malformed(format!("unexpected http {status}: {}", body_excerpt(body))),
    }
}

/// An id handed in that cannot be a Razorpay id, refused before any request.
pub fn invalid_id(what: &str, id: &str) -> ProviderError {
    ProviderError::Refused {
        code: INVALID_ID.to_owned(),
        description: format!(
            "{what} id {:?} is not a Razorpay id",
            excerpt(id, ID_EXCERPT)
        ),
    }
}

/// A request that never got a whole answer, or could not be made. The error text names the
/// URL, which holds no secret (the key travels in a header).
pub fn transport_error(error: reqwest::Error) -> ProviderError {
    if error.is_builder() {
        ProviderError::Refused {
            code: UNBUILDABLE.to_owned(),
            description: error_chain(&error),
        }
    } else if error.is_timeout() {
        ProviderError::Unavailable(format!("timed out: {}", error_chain(&error)))
    } else {
        ProviderError::Unavailable(error_chain(&error))
    }
}

/// A 2xx answer that is not what the call returns.
pub fn malformed(what: &str, detail: impl std::fmt::Display) -> ProviderError {
    ProviderError::Malformed(format!("{what}: {detail}"))
}

const ID_EXCERPT: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    fn razorpay_error(code: &str, description: &str) -> Vec<u8> {
        serde_json::json!({"error": {
            "code": code, "description": description, "source": "business",
            "step": "payment_initiation", "reason": "input_validation_failed",
            "metadata": {}, "field": "amount"
        }})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn statuses_map_to_the_ports_errors() {
        let body = razorpay_error("BAD_REQUEST_ERROR", "The amount must be atleast INR 1.00");
        assert_eq!(classify(401, &body), ProviderError::Unauthorised);
        assert_eq!(
            classify(400, &body),
            ProviderError::Refused {
                code: "BAD_REQUEST_ERROR".into(),
                description: "The amount must be atleast INR 1.00".into(),
            }
        );
        for status in [408, 429, 500, 502, 503] {
            assert!(
                matches!(classify(status, &body), ProviderError::Unavailable(_)),
                "{status}"
            );
        }
        let gateway = classify(502, b"<html>bad gateway</html>");
        assert_eq!(
            gateway,
            ProviderError::Unavailable("http 502: <html>bad gateway</html>".into())
        );
        assert!(matches!(classify(302, b""), ProviderError::Malformed(_)));
    }

    #[test]
    fn foreign_client_errors_are_refused_with_the_status() {
        let refused = classify(404, &"x".repeat(1000).into_bytes());
        let ProviderError::Refused { code, description } = refused else {
            panic!("expected refused");
        };
        assert_eq!(code, "http_404");
        assert_eq!(description.len(), 203);
        assert_eq!(
            classify(404, b""),
            ProviderError::Refused {
                code: "http_404".into(),
                description: "empty body".into()
            }
        );
    }

    #[test]
    fn invalid_ids_are_named_briefly() {
        let ProviderError::Refused { code, description } = invalid_id("payment", "pay_1/../x")
        else {
            panic!("expected refused");
        };
        assert_eq!(code, INVALID_ID);
        assert!(description.contains("pay_1/../x"), "{description}");
    }
}
