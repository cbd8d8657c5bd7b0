//! [`WebPageFetcher`], the engine's [`DocumentFetcher`] for URL documents, over reqwest.
//!
//! Before each request (the first and every redirect hop) the URL must be http(s) without
//! credentials, and its host must resolve only to public addresses (`address`); the connection
//! is then pinned to exactly those addresses, so DNS rebinding cannot swap them. Redirects are
//! followed by hand up to [`WebFetchConfig::max_redirects`]; the whole fetch runs under
//! [`WebFetchConfig::timeout_ms`]; bodies are counted while they stream in and cut off past
//! [`WebFetchConfig::max_body_bytes`]; only document content types are accepted.
//!
//! Refusals carry stable codes: `invalid_url`, `forbidden_address`, `fetch_failed`, `too_large`,
//! `fetch_timeout`, `too_many_redirects`, `unsupported_format`.

mod address;
mod body;
mod client;
mod config;
mod content_type;
mod error;
mod redirect;
mod target;

pub use client::USER_AGENT;
pub use config::WebFetchConfig;

use async_trait::async_trait;
use body::read_limited_body;
use botwot_engine::knowledge::{DocumentFetcher, DocumentRejected, FetchedDocument};
use content_type::accepted_content_type;
use error::FetchError;
use redirect::redirect_target;
use reqwest::Response;
use target::{CheckedTarget, parse_url, resolve_and_check};

/// Fetches URL documents safely; see the module docs.
#[derive(Debug, Clone, Default)]
pub struct WebPageFetcher {
    config: WebFetchConfig,
}

impl WebPageFetcher {
    pub fn new(config: WebFetchConfig) -> Self {
        Self { config }
    }

    pub fn config(&self) -> &WebFetchConfig {
        &self.config
    }

    /// The fetch without the overall deadline.
    async fn fetch_following_redirects(
        &self,
        raw_url: &str,
    ) -> Result<FetchedDocument, FetchError> {
        let mut url = parse_url(raw_url)?;
        let mut redirects = 0;
        loop {
            let target = resolve_and_check(url, self.config.allow_private_addresses).await?;
            let response = self.send(&target).await?;
            match redirect_target(&response, &target.url)? {
                Some(next) if redirects < self.config.max_redirects => {
                    redirects += 1;
                    url = next;
                }
                Some(_) => {
                    return Err(FetchError::TooManyRedirects {
                        limit: self.config.max_redirects,
                    });
                }
                None => return self.read_document(response, target).await,
            }
        }
    }

    /// One GET to a checked target.
    async fn send(&self, target: &CheckedTarget) -> Result<Response, FetchError> {
        client::client_for(target, &self.config)?
            .get(target.url.clone())
            .send()
            .await
            .map_err(|error| FetchError::network(&error))
    }

    /// The document of a final (non-redirect) response.
    async fn read_document(
        &self,
        response: Response,
        target: CheckedTarget,
    ) -> Result<FetchedDocument, FetchError> {
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::HttpStatus {
                status: status.as_u16(),
            });
        }
        let content_type = accepted_content_type(response.headers())?;
        let bytes = read_limited_body(response, self.config.max_body_bytes).await?;
        Ok(FetchedDocument {
            bytes,
            content_type,
            final_url: target.url.to_string(),
        })
    }
}

#[async_trait]
impl DocumentFetcher for WebPageFetcher {
    async fn fetch(&self, url: &str) -> Result<FetchedDocument, DocumentRejected> {
        let deadline = self.config.timeout();
        match tokio::time::timeout(deadline, self.fetch_following_redirects(url)).await {
            Ok(result) => result.map_err(DocumentRejected::from),
            Err(_elapsed) => Err(FetchError::Timeout {
                limit_ms: self.config.timeout_ms,
            }
            .into()),
        }
    }
}
