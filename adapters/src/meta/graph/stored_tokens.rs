//! [`StoredTokens`]: the [`AccessTokenSource`] backed by stored integrations. The token an
//! administrator gave when connecting an account is kept sealed in its integration record and
//! opened with the [`TokenCipher`] on every send, so a token changed in storage is used at once.

use super::token::{AccessToken, AccessTokenSource, TokenError};
use super::token_cipher::{CipherError, TokenCipher};
use async_trait::async_trait;
use botwot_engine::Channel;
use botwot_engine::ports::IntegrationStore;
use std::fmt;
use std::sync::Arc;
use tracing::warn;

/// Opens the sealed access token of a channel account's integration.
#[derive(Clone)]
pub struct StoredTokens {
    store: Arc<dyn IntegrationStore>,
    cipher: TokenCipher,
}

impl StoredTokens {
    pub fn new(store: Arc<dyn IntegrationStore>, cipher: TokenCipher) -> Self {
        Self { store, cipher }
    }
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field("cipher", &self.cipher)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl AccessTokenSource for StoredTokens {
    async fn access_token(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<AccessToken, TokenError> {
        let not_configured = || TokenError::NotConfigured {
            channel,
            account_id: account_id.to_owned(),
        };
        let integration = self
            .store
            .find_integration(channel, account_id)
            .await
            .map_err(|error| TokenError::Unavailable(error.to_string()))?
            .ok_or_else(not_configured)?;
        let sealed = integration
            .sealed_access_token
            .as_ref()
            .ok_or_else(not_configured)?;
        self.cipher
            .open(&integration.id, sealed)
            .map_err(|error: CipherError| {
                warn!(%channel, account_id, error = %error, "access token does not open");
                TokenError::Unsealable(error.to_string())
            })
    }
}
