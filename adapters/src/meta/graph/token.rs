//! Access tokens for the Graph API and where they come from. A WhatsApp phone number is sent from
//! with a system-user token of its business account, a page (Messenger, and Instagram accounts
//! linked to it) with a page access token. [`AccessTokenSource`] hands out the token of a channel
//! account, so storage can back it with encrypted records; [`StaticTokens`] is the in-memory
//! source for configuration files and tests. Tokens never appear in `Debug` output or logs.

use async_trait::async_trait;
use botwot_engine::Channel;
use std::collections::HashMap;
use std::fmt;

/// A bearer token for the Graph API. `Debug` prints `<redacted>`; there is no `Display`, so it
/// cannot end up in a log line by accident. [`AccessToken::expose_secret`] is the one way out.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, for the `Authorization` header and nothing else.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// Why no token could be had for an account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The account has no token: sending will not work until an administrator connects it.
    #[error("no access token is configured for {channel} account {account_id}")]
    NotConfigured {
        channel: Channel,
        account_id: String,
    },
    /// The token store could not answer now (storage down, decryption key not loaded yet).
    #[error("access token unavailable: {0}")]
    Unavailable(String),
    /// The stored token does not decrypt (another key, or a damaged record): sending will not
    /// work until the key is restored or the token is saved again.
    #[error("access token cannot be decrypted: {0}")]
    Unsealable(String),
}

/// Gives the access token to send with from a channel account (a WhatsApp phone number id, a page
/// id or an Instagram account id).
#[async_trait]
pub trait AccessTokenSource: Send + Sync + 'static {
    async fn access_token(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<AccessToken, TokenError>;

    /// Meta refused `token` for the account (code 190: expired, revoked, password changed).
    /// A source that keeps integrations marks the account unhealthy; by default nothing happens.
    async fn token_rejected(
        &self,
        channel: Channel,
        account_id: &str,
        token: &AccessToken,
        reason: &str,
    ) {
        let _ = (channel, account_id, token, reason);
    }
}

/// Tokens held in memory, set once at start.
#[derive(Clone, Default)]
pub struct StaticTokens {
    tokens: HashMap<(Channel, String), AccessToken>,
}

impl StaticTokens {
    pub fn with(
        mut self,
        channel: Channel,
        account_id: impl Into<String>,
        token: AccessToken,
    ) -> Self {
        self.tokens.insert((channel, account_id.into()), token);
        self
    }
}

impl fmt::Debug for StaticTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut accounts: Vec<String> = self
            .tokens
            .keys()
            .map(|(channel, account)| format!("{channel}:{account}"))
            .collect();
        accounts.sort();
        f.debug_struct("StaticTokens")
            .field("accounts", &accounts)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl AccessTokenSource for StaticTokens {
    async fn access_token(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<AccessToken, TokenError> {
        self.tokens
            .get(&(channel, account_id.to_owned()))
            .cloned()
            .ok_or_else(|| TokenError::NotConfigured {
                channel,
                account_id: account_id.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "EAAGm0PX4ZCpsBAKSECRETSECRET";

    #[test]
    fn debug_never_shows_the_token() {
        let token = AccessToken::new(SECRET);
        assert_eq!(format!("{token:?}"), "AccessToken(<redacted>)");
        let tokens = StaticTokens::default().with(Channel::WhatsApp, "1065", token);
        let printed = format!("{tokens:?} {:#?}", tokens);
        assert!(!printed.contains(SECRET), "{printed}");
        assert!(printed.contains("whatsapp:1065"), "{printed}");
    }

    #[test]
    fn static_tokens_answer_per_channel_account() {
        let tokens =
            StaticTokens::default().with(Channel::Messenger, "555", AccessToken::new(SECRET));
        let found = ready_now(tokens.access_token(Channel::Messenger, "555"));
        assert_eq!(
            found.map(|t| t.expose_secret().to_owned()),
            Ok(SECRET.to_owned())
        );
        let missing = ready_now(tokens.access_token(Channel::Instagram, "555"));
        assert!(matches!(missing, Err(TokenError::NotConfigured { .. })));
    }

    /// Runs a future that never waits (the in-memory source), without a runtime.
    fn ready_now<F: std::future::Future>(future: F) -> F::Output {
        use std::task::{Context, Poll, Waker};
        let mut future = std::pin::pin!(future);
        let mut context = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
        }
    }
}
