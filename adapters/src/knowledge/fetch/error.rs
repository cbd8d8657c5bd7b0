//! Why a URL could not be fetched. Each [`FetchError`] has a stable code, carried into the
//! engine's [`DocumentRejected`] with a message a person understands.

use botwot_engine::knowledge::DocumentRejected;

/// A fetch that was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FetchError {
    /// Not an absolute http(s) URL, or one carrying credentials.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The host is, or resolves to, an address outside the public internet.
    #[error("the address of {host} ({address}) is {range}, which may not be fetched")]
    ForbiddenAddress {
        host: String,
        address: String,
        range: &'static str,
    },
    /// The host could not be resolved or reached, or the transfer broke off.
    #[error("could not fetch the URL: {0}")]
    Network(String),
    /// The server answered with a status other than success or redirect.
    #[error("the server answered with HTTP status {status}")]
    HttpStatus { status: u16 },
    /// The body is larger than the configured limit.
    #[error("the page is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// The whole fetch took longer than the configured deadline.
    #[error("the page was not fetched within {limit_ms} ms")]
    Timeout { limit_ms: u64 },
    /// More redirects than the configured limit.
    #[error("the URL redirects more than {limit} times")]
    TooManyRedirects { limit: u32 },
    /// A content type that is not a supported document.
    #[error("the content type {0} is not a supported document")]
    UnsupportedContentType(String),
}

impl FetchError {
    /// The stable machine-readable code.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl(_) => "invalid_url",
            Self::ForbiddenAddress { .. } => "forbidden_address",
            Self::Network(_) | Self::HttpStatus { .. } => "fetch_failed",
            Self::TooLarge { .. } => "too_large",
            Self::Timeout { .. } => "fetch_timeout",
            Self::TooManyRedirects { .. } => "too_many_redirects",
            Self::UnsupportedContentType(_) => "unsupported_format",
        }
    }

    /// A failed transfer, with reqwest's error and its causes (its own text stops at "error
    /// sending request"). Timeouts of a single connection land here too; the overall deadline
    /// is [`Self::Timeout`].
    pub(crate) fn network(error: &reqwest::Error) -> Self {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::Network(text)
    }
}

impl From<FetchError> for DocumentRejected {
    fn from(error: FetchError) -> Self {
        DocumentRejected::new(error.code(), error.to_string())
    }
}
