//! What the clients of the voice providers ([`twilio`](crate::twilio) and
//! [`elevenlabs`](crate::elevenlabs)) share: an HTTP client with the configured timeout that
//! follows no redirects (credentials go only to the configured host), one request sent exactly
//! once and its answer read to a bound, and a failed answer read into the port's
//! [`VoiceProviderError`]:
//!
//! | answer | error |
//! |---|---|
//! | 401, 403 | [`VoiceProviderError::Unauthorised`] |
//! | 404 | [`VoiceProviderError::NotFound`] |
//! | 408, 429, 5xx; timeouts, refused and broken connections; an answer too long | [`VoiceProviderError::Unavailable`] |
//! | other 4xx | [`VoiceProviderError::Refused`] with the provider's code and message (`http_<status>` and the body's start when it has none) |
//!
//! Each provider reads its own error bodies into a [`Refusal`]; whoever asked decides whether
//! to ask again.

use crate::error_chain::error_chain;
use crate::excerpt::body_excerpt;
use botwot_engine::ports::VoiceProviderError;
use reqwest::{Method, RequestBuilder};
use std::time::Duration;

/// The most of an answer read: a long call's conversation, turn by turn with the provider's
/// metrics, is the largest answer and stays well under this.
const MAX_ANSWER_BYTES: usize = 8 << 20;

/// The code of a request that could not be built (not a provider's own).
pub const UNBUILDABLE: &str = "request_unbuildable";
/// The code of an id handed in that cannot go into a path (not a provider's own).
pub const INVALID_ID: &str = "invalid_id";

/// Why a voice provider's client cannot be built from its settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoiceConfigError {
    #[error("{provider} api url is not usable: {reason}")]
    ApiUrl {
        provider: &'static str,
        reason: String,
    },
    #[error("{provider} api key must be printable ASCII without spaces, and not empty")]
    ApiKey { provider: &'static str },
    #[error("{provider} request timeout must be more than zero")]
    ZeroTimeout { provider: &'static str },
    #[error("{provider} http client could not be built: {reason}")]
    HttpClient {
        provider: &'static str,
        reason: String,
    },
}

/// A failure as the provider's error body words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The provider's error code; `http_<status>` is used when it gave none.
    pub code: Option<String>,
    pub message: String,
}

/// One voice provider's HTTP side: its name (in every error), base URL and connection pool.
#[derive(Clone)]
pub(crate) struct ProviderHttp {
    provider: &'static str,
    api_url: String,
    http: reqwest::Client,
    read_refusal: fn(&[u8]) -> Option<Refusal>,
}

impl ProviderHttp {
    /// Checks `api_url` and `timeout` and builds the client; `read_refusal` reads the
    /// provider's error bodies.
    pub fn new(
        provider: &'static str,
        api_url: &str,
        timeout: Duration,
        read_refusal: fn(&[u8]) -> Option<Refusal>,
    ) -> Result<Self, VoiceConfigError> {
        crate::api_url::check(api_url)
            .map_err(|reason| VoiceConfigError::ApiUrl { provider, reason })?;
        if timeout.is_zero() {
            return Err(VoiceConfigError::ZeroTimeout { provider });
        }
        let http = crate::api_url::http_client(timeout)
            .map_err(|reason| VoiceConfigError::HttpClient { provider, reason })?;
        Ok(Self {
            provider,
            api_url: api_url.to_owned(),
            http,
            read_refusal,
        })
    }

    /// A request to `path` (with any query already on it) under the API's base URL.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, crate::api_url::endpoint(&self.api_url, path))
    }

    /// Sends `request` once and answers the body of a 2xx answer; anything else is a
    /// classified error.
    pub async fn send(&self, request: RequestBuilder) -> Result<Vec<u8>, VoiceProviderError> {
        let transport = |error: reqwest::Error| self.transport_error(&error);
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(self.unreadable(
                    "answer",
                    format_args!("http {status}: longer than {MAX_ANSWER_BYTES} bytes"),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        if (200..300).contains(&status) {
            Ok(bytes)
        } else {
            Err(self.classify(status, &bytes))
        }
    }

    /// Reads a 2xx JSON body into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        body: &[u8],
    ) -> Result<T, VoiceProviderError> {
        serde_json::from_slice(body)
            .map_err(|error| self.unreadable(what, format_args!("{error}: {}", body_excerpt(body))))
    }

    /// The error of a non-2xx answer with `status` and `body`.
    pub fn classify(&self, status: u16, body: &[u8]) -> VoiceProviderError {
        let provider = self.provider;
        let refusal = (self.read_refusal)(body);
        let code = |refusal: &Refusal| {
            refusal
                .code
                .clone()
                .unwrap_or_else(|| format!("http_{status}"))
        };
        match (status, refusal) {
            (401 | 403, _) => VoiceProviderError::Unauthorised(provider),
            (404, Some(refusal)) => {
                VoiceProviderError::NotFound(format!("{provider}: {}", refusal.message))
            }
            (404, None) => VoiceProviderError::NotFound(format!(
                "{provider} has nothing at that address: {}",
                body_excerpt(body)
            )),
            (408 | 429 | 500..=599, refusal) => VoiceProviderError::Unavailable {
                provider,
                detail: match refusal {
                    Some(refusal) => {
                        format!("http {status}: {} ({})", refusal.message, code(&refusal))
                    }
                    None => format!("http {status}: {}", body_excerpt(body)),
                },
            },
            (400..=499, Some(refusal)) => VoiceProviderError::Refused {
                provider,
                code: code(&refusal),
                message: refusal.message,
            },
            (400..=499, None) => VoiceProviderError::Refused {
                provider,
                code: format!("http_{status}"),
                message: body_excerpt(body),
            },
            _ => VoiceProviderError::Unavailable {
                provider,
                detail: format!("unexpected http {status}: {}", body_excerpt(body)),
            },
        }
    }

    /// A 2xx answer that is not what was asked for: the provider misbehaved, and asking again
    /// later may go better.
    pub fn unreadable(&self, what: &str, detail: impl std::fmt::Display) -> VoiceProviderError {
        VoiceProviderError::Unavailable {
            provider: self.provider,
            detail: format!("{what} could not be read: {detail}"),
        }
    }

    /// An id handed in that cannot be one of the provider's, refused before any request.
    pub fn invalid_id(&self, what: &str, id: &str) -> VoiceProviderError {
        VoiceProviderError::Refused {
            provider: self.provider,
            code: INVALID_ID.to_owned(),
            message: format!(
                "{what} {:?} is not a {} id",
                crate::excerpt::excerpt(id, 64),
                self.provider
            ),
        }
    }

    /// A request that never got a whole answer, or could not be made. The error names the URL,
    /// which holds no secret (credentials travel in headers).
    fn transport_error(&self, error: &reqwest::Error) -> VoiceProviderError {
        let provider = self.provider;
        if error.is_builder() {
            VoiceProviderError::Refused {
                provider,
                code: UNBUILDABLE.to_owned(),
                message: error_chain(error),
            }
        } else if error.is_timeout() {
            VoiceProviderError::Unavailable {
                provider,
                detail: format!("timed out: {}", error_chain(error)),
            }
        } else {
            VoiceProviderError::Unavailable {
                provider,
                detail: error_chain(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coded(body: &[u8]) -> Option<Refusal> {
        let text = std::str::from_utf8(body).ok()?;
        let (code, message) = text.split_once(':')?;
        Some(Refusal {
            code: (!code.is_empty()).then(|| code.to_owned()),
            message: message.to_owned(),
        })
    }

    fn api() -> ProviderHttp {
        ProviderHttp::new("Acme", "http://127.0.0.1:9", Duration::from_secs(1), coded)
            .expect("usable settings")
    }

    #[test]
    fn statuses_map_to_the_ports_errors() {
        let api = api();
        for status in [401, 403] {
            assert_eq!(
                api.classify(status, b"20003:Authenticate"),
                VoiceProviderError::Unauthorised("Acme")
            );
        }
        assert_eq!(
            api.classify(404, b"20404:no such call"),
            VoiceProviderError::NotFound("Acme: no such call".into())
        );
        assert_eq!(
            api.classify(400, b"21211:Invalid 'To' Phone Number"),
            VoiceProviderError::Refused {
                provider: "Acme",
                code: "21211".into(),
                message: "Invalid 'To' Phone Number".into()
            }
        );
        assert_eq!(
            api.classify(422, b":field required"),
            VoiceProviderError::Refused {
                provider: "Acme",
                code: "http_422".into(),
                message: "field required".into()
            }
        );
        assert_eq!(
            api.classify(409, b"<html>conflict</html>"),
            VoiceProviderError::Refused {
                provider: "Acme",
                code: "http_409".into(),
                message: "<html>conflict</html>".into()
            }
        );
        for status in [408, 429, 500, 503] {
            assert!(
                matches!(
                    api.classify(status, b"20429:slow down"),
                    VoiceProviderError::Unavailable {
                        provider: "Acme",
                        ..
                    }
                ),
                "{status}"
            );
        }
        assert_eq!(
            api.classify(502, b"<html>bad gateway</html>"),
            VoiceProviderError::Unavailable {
                provider: "Acme",
                detail: "http 502: <html>bad gateway</html>".into()
            }
        );
        assert!(matches!(
            api.classify(302, b""),
            VoiceProviderError::Unavailable { .. }
        ));
    }

    #[test]
    fn unusable_settings_are_refused() {
        let build = |url: &str, timeout| ProviderHttp::new("Acme", url, timeout, coded).err();
        assert!(matches!(
            build("ftp://api.example", Duration::from_secs(1)),
            Some(VoiceConfigError::ApiUrl {
                provider: "Acme",
                ..
            })
        ));
        assert_eq!(
            build("https://api.example", Duration::ZERO),
            Some(VoiceConfigError::ZeroTimeout { provider: "Acme" })
        );
    }
}
