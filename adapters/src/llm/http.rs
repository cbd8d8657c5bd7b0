//! The one HTTP path every provider uses: a JSON POST with provider headers, its status and
//! `Retry-After` classified into [`LlmError`]. Chat providers use [`LlmHttp`] (async);
//! the blocking embeddings client shares [`classify_status`] and [`retry_after_of`]. No
//! redirects are followed, so keys and signatures only ever go to the configured host.

use super::error::LlmError;
use crate::error_chain::error_chain;
use crate::meta::graph::retry_after::parse_retry_after;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// The most of an answer read into memory (a chat reply is a few kilobytes).
const MAX_ANSWER_BYTES: usize = 8 << 20;
/// How much of an error body is kept in an error's text.
const ERROR_BODY_CHARS: usize = 300;

/// An HTTP client for language-model providers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct LlmHttp {
    client: reqwest::Client,
}

impl LlmHttp {
    /// A client whose every request, connect to last byte, ends within `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, LlmError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent())
            .build()
            .map_err(|error| LlmError::Unavailable(error_chain(&error)))?;
        Ok(Self { client })
    }

    /// POSTs `body` (JSON bytes, exactly as given: signers hash them) with `headers` and returns
    /// a 2xx answer's body.
    pub async fn post_json(
        &self,
        url: &str,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, LlmError> {
        let response = self.open(url, headers, body).await?;
        read_bounded(response).await
    }

    /// POSTs like [`LlmHttp::post_json`] but hands back a 2xx response unread, for streaming.
    pub async fn open(
        &self,
        url: &str,
        mut headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<reqwest::Response, LlmError> {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let response = self
            .client
            .post(url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(response);
        }
        let retry_after = retry_after_of(response.headers());
        let body = read_bounded(response).await.unwrap_or_default();
        Err(classify_status(status, retry_after, &body))
    }
}

/// The whole body of `response`, refusing one longer than [`MAX_ANSWER_BYTES`].
async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, LlmError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(LlmError::Malformed(format!(
                "answer longer than {MAX_ANSWER_BYTES} bytes"
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The error for a non-2xx answer: 408 is a timeout (Bedrock's model timeout), 429 rate
/// limiting, 5xx a server failure, anything else
/// a refusal retrying will not fix (the body's start is kept for the log).
pub fn classify_status(status: u16, retry_after: Option<Duration>, body: &[u8]) -> LlmError {
    match status {
        408 => LlmError::Timeout,
        429 => LlmError::RateLimited { retry_after },
        500..=599 => LlmError::Server(status),
        _ => {
            let text: String = String::from_utf8_lossy(body)
                .chars()
                .take(ERROR_BODY_CHARS)
                .collect();
            LlmError::Unavailable(format!("HTTP {status}: {text}"))
        }
    }
}

/// The `Retry-After` of an answer, in seconds or as an HTTP date.
pub fn retry_after_of(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| parse_retry_after(value, SystemTime::now()))
}

/// A header value from configuration; a value that cannot be a header is a configuration error.
pub fn header_value(value: &str) -> Result<HeaderValue, LlmError> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| LlmError::Unavailable("a configured header value is not valid".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

pub fn user_agent() -> &'static str {
    concat!("botwot/", env!("CARGO_PKG_VERSION"))
}

/// A request that never got a whole answer.
pub fn transport_error(error: reqwest::Error) -> LlmError {
    if error.is_timeout() {
        LlmError::Timeout
    } else {
        LlmError::Unavailable(error_chain(&error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        let wait = Some(Duration::from_secs(2));
        assert_eq!(
            classify_status(429, wait, b""),
            LlmError::RateLimited { retry_after: wait }
        );
        assert_eq!(classify_status(503, None, b""), LlmError::Server(503));
        assert!(matches!(
            classify_status(401, None, b"{\"error\":\"bad key\"}"),
            LlmError::Unavailable(text) if text.contains("401") && text.contains("bad key")
        ));
    }
}
