//! The settings of [`super::WebPageFetcher`]: time limits, body size, redirects, and the switch
//! that lets it reach private addresses (tests and intranet deployments only). Every field is
//! optional in serde and defaults to a value fit for fetching public web pages.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How URL documents are fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebFetchConfig {
    /// Deadline for the whole fetch (resolution, every redirect, the body), in milliseconds
    /// (default 20,000).
    pub timeout_ms: u64,
    /// Deadline for opening one connection, in milliseconds (default 10,000).
    pub connect_timeout_ms: u64,
    /// Largest body accepted, counted while it streams in (default 20 MiB).
    pub max_body_bytes: u64,
    /// Most redirects followed (default 5).
    pub max_redirects: u32,
    /// Lets URLs reach private, loopback, link-local and other non-public addresses. Off by
    /// default, which is what protects the server's network from requests made on a user's
    /// behalf (SSRF). It exists for tests against a local server and for intranet deployments
    /// whose knowledge lives on internal hosts; never turn it on for a public service.
    pub allow_private_addresses: bool,
}

impl WebFetchConfig {
    /// [`Self::timeout_ms`] as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// [`Self::connect_timeout_ms`] as a duration.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
}

impl Default for WebFetchConfig {
    fn default() -> Self {
        Self {
            timeout_ms: 20_000,
            connect_timeout_ms: 10_000,
            max_body_bytes: 20 * 1024 * 1024,
            max_redirects: 5,
            allow_private_addresses: false,
        }
    }
}
