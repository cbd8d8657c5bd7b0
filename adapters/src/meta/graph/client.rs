//! The HTTP side of the Graph API: authenticated JSON calls and media downloads, classified.
//! Every call has the configured timeout, follows no redirects (the bearer token goes only to
//! the configured host, and to the media URLs that host names) and is made exactly once:
//! retrying is the outbox's job, which knows how often it has tried.

use super::config::{GraphConfig, GraphConfigError};
use super::errors::{GraphError, classify};
use super::retry_after::parse_retry_after;
use super::token::AccessToken;
use super::upload::Multipart;
use crate::error_chain::error_chain;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
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
        let http = crate::api_url::http_client(config.request_timeout())
            .map_err(GraphConfigError::HttpClient)?;
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
        let request = self.http.post(self.config.endpoint(path)).json(body);
        let answer = self.call(request, Some(token), MAX_ANSWER_BYTES).await?;
        answer.json()
    }

    /// POSTs a `multipart/form-data` body (a file upload) to `path` (below the version) with the
    /// bearer token, and reads a 2xx answer as `R`.
    pub async fn post_multipart<R: DeserializeOwned>(
        &self,
        path: &str,
        token: &AccessToken,
        form: Multipart,
    ) -> Result<R, GraphError> {
        let (content_type, body) = form.finish();
        let request = self
            .http
            .post(self.config.endpoint(path))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        let answer = self.call(request, Some(token), MAX_ANSWER_BYTES).await?;
        answer.json()
    }

    /// GETs `path` (below the version) with the bearer token and reads a 2xx answer as `R`.
    pub async fn get_json<R: DeserializeOwned>(
        &self,
        path: &str,
        token: &AccessToken,
    ) -> Result<R, GraphError> {
        let request = self.http.get(self.config.endpoint(path));
        let answer = self.call(request, Some(token), MAX_ANSWER_BYTES).await?;
        answer.json()
    }

    /// GETs the file at `url` (a media URL Meta gave: WhatsApp's, which wants the token, or a
    /// Messenger attachment's, which does not), reading at most `max_bytes`.
    pub async fn download(
        &self,
        url: &str,
        token: Option<&AccessToken>,
        max_bytes: usize,
    ) -> Result<Answer, GraphError> {
        self.call(self.http.get(url), token, max_bytes).await
    }

    /// Sends `request` (with the bearer token, when given) and reads a 2xx answer of at most
    /// `max_bytes`; anything else is a classified [`GraphError`].
    async fn call(
        &self,
        request: reqwest::RequestBuilder,
        token: Option<&AccessToken>,
        max_bytes: usize,
    ) -> Result<Answer, GraphError> {
        let request = match token {
            // Marks the header sensitive, so no debug output of the request shows it.
            Some(token) => request.bearer_auth(token.expose_secret()),
            None => request,
        };
        let mut response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if bytes.len() + chunk.len() > max_bytes {
                return Err(GraphError::UnreadableResponse {
                    status,
                    detail: format!("answer longer than {max_bytes} bytes"),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if !(200..300).contains(&status) {
            let secret = token.map_or("", AccessToken::expose_secret);
            let body = without_secret(&bytes, secret);
            return Err(classify(status, retry_after, &body));
        }
        Ok(Answer {
            status,
            content_type,
            bytes,
        })
    }
}

/// A 2xx answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Answer {
    fn json<R: DeserializeOwned>(&self) -> Result<R, GraphError> {
        serde_json::from_slice(&self.bytes).map_err(|error| GraphError::UnreadableResponse {
            status: self.status,
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
