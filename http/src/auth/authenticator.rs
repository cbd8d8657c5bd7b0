//! Everything a sign-in needs, built once from [`AuthConfig`]: the access-token signer, the
//! password hasher, the one-time-code policy and the mailer.

use super::config::AuthConfig;
use botwot_adapters::auth::keys::{KeyConfig, KeyError, KeyRing};
use botwot_adapters::auth::passwords::{PasswordError, Passwords};
use botwot_adapters::auth::tokens::AccessTokens;
use botwot_adapters::mail::{DevMailbox, SmtpMailer};
use botwot_engine::access::OtpPolicy;
use botwot_engine::ports::{MailError, Mailer};
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AuthSetupError {
    #[error("jwt keys: {0}")]
    Keys(#[from] KeyError),
    #[error("password hashing: {0}")]
    Passwords(#[from] PasswordError),
    #[error("cannot make a signing key: {0}")]
    Random(String),
    #[error("mail: {0}")]
    Mail(#[from] MailError),
}

pub struct Authenticator {
    pub tokens: AccessTokens,
    pub passwords: Arc<Passwords>,
    pub otp: OtpPolicy,
    pub refresh_ttl: Duration,
    pub access_ttl: Duration,
    pub mailer: Arc<dyn Mailer>,
    /// The development mailer, when mail is kept rather than sent.
    pub dev_mailbox: Option<Arc<DevMailbox>>,
}

impl Authenticator {
    /// Builds from configuration; with no key configured, signs with a random key of this
    /// process. Mail goes through SMTP when configured, else to the development mailbox.
    pub fn from_config(config: &AuthConfig) -> Result<Self, AuthSetupError> {
        let keys = if config.jwt_keys.is_empty() {
            tracing::warn!(
                "no jwt key configured (http.auth.jwt_keys or JWT_SECRET_KEY); signing with a random key, so every sign-in ends when this process stops"
            );
            let secret = botwot_adapters::auth::keys::random_secret()
                .map_err(|error| AuthSetupError::Random(error.to_string()))?;
            KeyRing::from_config(&[KeyConfig {
                kid: "ephemeral".to_owned(),
                secret,
            }])?
        } else {
            let configs: Vec<KeyConfig> = config
                .jwt_keys
                .iter()
                .map(|key| KeyConfig {
                    kid: key.kid.clone(),
                    secret: key.secret.clone(),
                })
                .collect();
            KeyRing::from_config(&configs)?
        };
        let access_ttl = Duration::from_secs(config.access_token_ttl_secs);
        let hashing = config.password_hashing;
        let passwords =
            Passwords::with_params(hashing.memory_kib, hashing.iterations, hashing.lanes)?;
        let (mailer, dev_mailbox): (Arc<dyn Mailer>, _) = match &config.smtp {
            Some(smtp) => (Arc::new(SmtpMailer::new(smtp)?), None),
            None => {
                let mailbox = Arc::new(DevMailbox::new());
                (mailbox.clone(), Some(mailbox))
            }
        };
        Ok(Self {
            tokens: AccessTokens::new(keys, config.issuer.clone()).with_ttl(access_ttl),
            passwords: Arc::new(passwords),
            otp: config.otp,
            refresh_ttl: Duration::from_secs(config.refresh_token_ttl_secs),
            access_ttl,
            mailer,
            dev_mailbox,
        })
    }
}
