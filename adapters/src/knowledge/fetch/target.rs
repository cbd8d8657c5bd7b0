//! The checks a URL passes before anything is sent to it: http or https, no credentials, a host
//! whose every address is public ([`super::address`]). The addresses that passed are returned so
//! the connection is pinned to them: a second DNS answer (rebinding) never gets a say.

use super::address::forbidden_range;
use super::error::FetchError;
use reqwest::Url;
use std::net::{IpAddr, SocketAddr};

/// A URL that may be fetched, with the addresses its connection must use.
#[derive(Debug, Clone)]
pub(crate) struct CheckedTarget {
    pub(crate) url: Url,
    /// For a host name, the name and the checked addresses it resolved to; `None` for an IP
    /// address in the URL, which is connected to as it is.
    pub(crate) pinned: Option<PinnedHost>,
}

/// A host name and the addresses its connection is limited to.
#[derive(Debug, Clone)]
pub(crate) struct PinnedHost {
    pub(crate) name: String,
    pub(crate) addresses: Vec<SocketAddr>,
}

/// Parses `raw` as a URL that may be fetched (see [`check_url`]).
pub(crate) fn parse_url(raw: &str) -> Result<Url, FetchError> {
    let url = Url::parse(raw.trim())
        .map_err(|error| FetchError::InvalidUrl(format!("{raw:?}: {error}")))?;
    check_url(&url)?;
    Ok(url)
}

/// Refuses URLs that are not http(s), carry a user name or password, or have no host.
pub(crate) fn check_url(url: &Url) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::InvalidUrl(format!(
            "only http and https URLs are fetched, not {}:",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::InvalidUrl(
            "URLs with a user name or password are not fetched".to_owned(),
        ));
    }
    if url.host().is_none() {
        return Err(FetchError::InvalidUrl("the URL has no host".to_owned()));
    }
    Ok(())
}

/// Resolves the host of `url` and checks every address, unless `allow_private` is set.
pub(crate) async fn resolve_and_check(
    url: Url,
    allow_private: bool,
) -> Result<CheckedTarget, FetchError> {
    let port = url
        .port_or_known_default()
        .ok_or_else(|| FetchError::InvalidUrl("the URL has no port".to_owned()))?;
    let host = url
        .host_str()
        .ok_or_else(|| FetchError::InvalidUrl("the URL has no host".to_owned()))?;
    let (name, addresses) = match ip_literal(host) {
        Some(ip) => (None, vec![SocketAddr::new(ip, port)]),
        None => (Some(host.to_owned()), resolve(host, port).await?),
    };
    if !allow_private {
        check_addresses(host, &addresses)?;
    }
    let pinned = name.map(|name| PinnedHost { name, addresses });
    Ok(CheckedTarget { url, pinned })
}

/// The IP address a URL host spells out (`10.0.0.1`, `[::1]`); the URL parser has already
/// normalised other IPv4 spellings (`2130706433`, `0x7f.1`) to dotted form.
fn ip_literal(host: &str) -> Option<IpAddr> {
    match host
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        Some(v6) => v6.parse().ok(),
        None => host.parse().ok(),
    }
}

/// Every address the host name resolves to.
async fn resolve(name: &str, port: u16) -> Result<Vec<SocketAddr>, FetchError> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
        .await
        .map_err(|error| FetchError::Network(format!("cannot resolve {name}: {error}")))?
        .collect();
    if addresses.is_empty() {
        return Err(FetchError::Network(format!("{name} has no address")));
    }
    Ok(addresses)
}

/// Refuses the host when any of its addresses is not public: the connection could use any.
fn check_addresses(host: &str, addresses: &[SocketAddr]) -> Result<(), FetchError> {
    for address in addresses {
        if let Some(range) = forbidden_range(address.ip()) {
            return Err(FetchError::ForbiddenAddress {
                host: host.to_owned(),
                address: address.ip().to_string(),
                range,
            });
        }
    }
    Ok(())
}
