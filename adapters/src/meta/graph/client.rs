//! The HTTP side of the Graph API: one authenticated JSON POST, classified. Every call has the
//! configured timeout, follows no redirects (the bearer token goes to the configured host only)
//! and is made exactly once: retrying is the outbox's job, which knows how often it has tried.

use super::config::{GraphConfig, GraphConfigError};
use super::errors::{GraphError, classify};
use super::retry_after::parse_retry_after;
use super::token::AccessToken;
use reqwest::header::RETRY_AFTER;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::SystemTime;

/// The most of an answer read: Graph answers to sends are a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// A Graph API client: base URL, version, timeout and a pooled HTTP connection set. Cheap to
/// clone.
#[derive(Clone, Debug)]
pub struct GraphClient {
    http: reqwest::Client,
    config: GraphConfig,
}

impl GraphClient {
    pub fn new(config: GraphConfig) -> Result<Self, GraphConfigError> {
        config.validate()?;
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout())
            .connect_timeout(config.request_timeout())
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("botwot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| GraphConfigError::HttpClient(error.to_string()))?;
        Ok(Self { http, config })
    }

    pub fn config(&self) -> &GraphConfig {
        &self.config
    }

    /// POSTs `body` as JSON to `path` (below the version) with the bearer token, and reads a 2xx
    /// answer as `R`. Anything else is a classified [`GraphError`]. Should Meta ever echo the
    /// token in an error, it is blanked before the error is built.
    pub async fn post_json<B, R>(
        &self,
        path: &str,
        token: &AccessToken,
        body: &B,
    ) -> Result<R, GraphError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let mut response = self
            .http
            .post(self.config.endpoint(path))
            // Marks the header sensitive, so no debug output of the request shows it.
            .bearer_auth(token.expose_secret())
            .json(body)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(GraphError::UnreadableResponse {
                    status,
                    detail: format!("answer longer than {MAX_ANSWER_BYTES} bytes"),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if !(200..300).contains(&status) {
            let body = without_secret(&bytes, token.expose_secret());
            return Err(classify(status, retry_after, &body));
        }
        serde_json::from_slice(&bytes).map_err(|error| GraphError::UnreadableResponse {
            status,
            detail: error.to_string(),
        })
    }
}

/// The body with every occurrence of the token blanked (Graph tokens are URL-safe, so the JSON
/// around them stays valid).
fn without_secret(body: &[u8], secret: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    if secret.is_empty() || !text.contains(secret) {
        return body.to_vec();
    }
    text.replace(secret, "<redacted>").into_bytes()
}

/// A request that never got a whole answer. The error text names the URL, which holds no secret
/// (the token travels in a header).
fn transport_error(error: reqwest::Error) -> GraphError {
    if error.is_builder() {
        // Nothing was sent: the request itself cannot be made (a token that is not a valid
        // header value, say). reqwest's text does not include header values.
        GraphError::Unbuildable(error_chain(&error))
    } else if error.is_timeout() {
        GraphError::Timeout
    } else {
        GraphError::Network(error_chain(&error))
    }
}

/// The error and its sources, as reqwest's own text stops at "error sending request".
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
