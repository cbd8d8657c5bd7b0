//! The base URL of an outside API (Razorpay, Twilio, ElevenLabs, Shopify): checked once when its
//! client is built, then joined with each request's path, and the HTTP client they are called with. Credentials never ride in it: each client
//! sends its own in a header, to this host only. [`api_setters`] gives each API's settings
//! their `with_api_url` and `with_timeout`.

/// The builder methods every outside API's settings have, for a struct with `api_url: String`
/// and `timeout: Duration` fields: `with_api_url` and `with_timeout`.
macro_rules! api_setters {
    () => {
        /// The same settings with another API URL (a local server in tests).
        pub fn with_api_url(mut self, api_url: impl Into<String>) -> Self {
            self.api_url = api_url.into();
            self
        }

        /// The same settings with another request timeout.
        pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.timeout = timeout;
            self
        }
    };
}
pub(crate) use api_setters;

/// Why `api_url` cannot be an API's base URL, if it cannot.
pub(crate) fn check(api_url: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(api_url).map_err(|error| error.to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("scheme must be http or https".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not carry a query or fragment".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; they are configured on their own".into());
    }
    Ok(())
}

/// The HTTP client every outside API is called with: `timeout` from connecting to the last
/// byte, no redirects followed (credentials go to the configured host only), BotWot's agent.
pub(crate) fn http_client(timeout: std::time::Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("botwot/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| error.to_string())
}

/// The full URL of `path` (`/v1/orders`) under `api_url`, whatever slashes either has.
pub(crate) fn endpoint(api_url: &str, path: &str) -> String {
    format!(
        "{}/{}",
        api_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_bases_pass() {
        assert_eq!(check("https://api.twilio.com"), Ok(()));
        assert_eq!(check("http://127.0.0.1:9/prefix/"), Ok(()));
        for bad in [
            "ftp://api.example",
            "https://u:p@api.example",
            "https://api.example?x=1",
            "https://api.example#top",
            "not a url",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_join_with_one_slash() {
        assert_eq!(
            endpoint("http://127.0.0.1:9/p/", "/v1/voices"),
            "http://127.0.0.1:9/p/v1/voices"
        );
        assert_eq!(
            endpoint("https://api.elevenlabs.io", "v1/voices"),
            "https://api.elevenlabs.io/v1/voices"
        );
    }
}
