//! The HTTP client for one hop of a fetch: no proxy (it would do its own DNS), no automatic
//! redirects, the connect timeout (the overall deadline wraps the whole fetch), the `BotWot/<version>` user agent, and the host name pinned to
//! the addresses that were checked.

use super::config::WebFetchConfig;
use super::error::FetchError;
use super::target::CheckedTarget;
use reqwest::redirect::Policy;

/// The User-Agent of every fetch.
pub const USER_AGENT: &str = concat!("BotWot/", env!("CARGO_PKG_VERSION"));

/// A client that can only connect `target` to its checked addresses.
pub(crate) fn client_for(
    target: &CheckedTarget,
    config: &WebFetchConfig,
) -> Result<reqwest::Client, FetchError> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .connect_timeout(config.connect_timeout())
        .user_agent(USER_AGENT);
    if let Some(pinned) = &target.pinned {
        builder = builder.resolve_to_addrs(&pinned.name, &pinned.addresses);
    }
    builder.build().map_err(|error| FetchError::network(&error))
}
