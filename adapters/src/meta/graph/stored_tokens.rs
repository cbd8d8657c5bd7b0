//! [`StoredTokens`]: the [`AccessTokenSource`] backed by stored integrations. The token an
//! administrator gave when connecting an account is kept sealed in its integration record and
//! opened with the [`TokenCipher`] on every send, so a token changed in storage is used at once.
//!
//! When Meta rejects a token, the integration is marked unhealthy (once, and only if it still
//! holds that token: a token saved meanwhile is not blamed for the old one) and the organisation
//! is alerted through [`IntegrationAlerts`].
//! Saving a new token through the API makes the integration healthy again.

use super::token::{AccessToken, AccessTokenSource, TokenError};
use super::token_cipher::{CipherError, TokenCipher};
use async_trait::async_trait;
use botwot_engine::Channel;
use botwot_engine::integration::{
    ChannelIntegration, IntegrationAlerts, IntegrationHealth, NoIntegrationAlerts,
};
use botwot_engine::ports::{IntegrationStore, StoreError};
use botwot_engine::time::Clock;
use std::fmt;
use std::sync::Arc;
use tracing::{error, warn};

/// Opens the sealed access token of a channel account's integration, and marks the integration
/// unhealthy when Meta rejects it.
#[derive(Clone)]
pub struct StoredTokens {
    store: Arc<dyn IntegrationStore>,
    cipher: TokenCipher,
    clock: Arc<dyn Clock>,
    alerts: Arc<dyn IntegrationAlerts>,
}

impl StoredTokens {
    pub fn new(
        store: Arc<dyn IntegrationStore>,
        cipher: TokenCipher,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            cipher,
            clock,
            alerts: Arc::new(NoIntegrationAlerts),
        }
    }

    /// Tells `alerts` when an integration turns unhealthy.
    pub fn with_alerts(mut self, alerts: Arc<dyn IntegrationAlerts>) -> Self {
        self.alerts = alerts;
        self
    }

    async fn integration(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<Option<ChannelIntegration>, StoreError> {
        self.store.find_integration(channel, account_id).await
    }

    /// Marks the integration unhealthy if it is healthy and still holds `token`; returns it
    /// when it did.
    async fn mark_rejected(
        &self,
        channel: Channel,
        account_id: &str,
        token: &AccessToken,
        reason: &str,
    ) -> Result<Option<ChannelIntegration>, StoreError> {
        let Some(mut integration) = self.integration(channel, account_id).await? else {
            return Ok(None);
        };
        let still_held = integration
            .sealed_access_token
            .as_ref()
            .and_then(|sealed| self.cipher.open(&integration.id, sealed).ok())
            .is_some_and(|current| current == *token);
        if !still_held || !integration.health.is_healthy() {
            return Ok(None);
        }
        let now = self.clock.now();
        integration.health = IntegrationHealth::token_rejected(reason, now);
        integration.updated_at = now;
        self.store.update_integration(&integration).await?;
        Ok(Some(integration))
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
            .integration(channel, account_id)
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

    async fn token_rejected(
        &self,
        channel: Channel,
        account_id: &str,
        token: &AccessToken,
        reason: &str,
    ) {
        match self.mark_rejected(channel, account_id, token, reason).await {
            Ok(Some(integration)) => {
                error!(
                    %channel,
                    account_id,
                    tenant = %integration.tenant_id,
                    reason,
                    "access token rejected by Meta: the integration is unhealthy until a new token is saved"
                );
                self.alerts
                    .integration_unhealthy(&integration.without_secrets());
            }
            Ok(None) => {}
            Err(error) => {
                warn!(%channel, account_id, %error, "the rejected token could not be recorded");
            }
        }
    }
}
