//! Everything a sign-in needs, built once from [`AuthConfig`]: the access-token signer, the
//! password hasher, the one-time-code policy and the mailer.

use super::config::{AuthConfig, JwtKey};
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
    #[error("jwt keys file: {0}")]
    KeysFile(String),
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

/// The configured keys, then those of `jwt_keys_file`; a random key of this process when there
/// are none.
fn key_ring(config: &AuthConfig) -> Result<KeyRing, AuthSetupError> {
    let mut keys = config.jwt_keys.clone();
    if let Some(path) = &config.jwt_keys_file {
        let text = std::fs::read_to_string(path).map_err(|error| {
            AuthSetupError::KeysFile(format!("cannot read {}: {error}", path.display()))
        })?;
        let file: JwtKeysFile = toml::from_str(&text).map_err(|error| {
            AuthSetupError::KeysFile(format!("{} is not a keys file: {error}", path.display()))
        })?;
        keys.extend(file.keys);
    }
    let configs: Vec<KeyConfig> = if keys.is_empty() {
        tracing::warn!(
            "no jwt key configured (http.auth.jwt_keys, jwt_keys_file or JWT_SECRET_KEY); signing with a random key, so every sign-in ends when this process stops"
        );
        let secret = botwot_adapters::auth::keys::random_secret()
            .map_err(|error| AuthSetupError::Random(error.to_string()))?;
        vec![KeyConfig {
            kid: "ephemeral".to_owned(),
            secret,
        }]
    } else {
        keys.into_iter()
            .map(|key| KeyConfig {
                kid: key.kid,
                secret: key.secret,
            })
            .collect()
    };
    Ok(KeyRing::from_config(&configs)?)
}

/// A keys file: `[[keys]]` tables of `kid` and `secret` (TOML), for a mounted secret.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JwtKeysFile {
    keys: Vec<JwtKey>,
}

impl Authenticator {
    /// Builds from configuration; with no key configured, signs with a random key of this
    /// process. Mail goes through SMTP when configured, else to the development mailbox.
    pub fn from_config(config: &AuthConfig) -> Result<Self, AuthSetupError> {
        let keys = key_ring(config)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::time::Timestamp;

    fn subject() -> botwot_adapters::auth::tokens::Subject {
        botwot_adapters::auth::tokens::Subject {
            user_id: "usr_1".into(),
            email_id: "ana@acme.test".into(),
            org_id: botwot_engine::TenantId::from("org_1"),
            role_id: "AGENT".into(),
        }
    }

    #[test]
    fn keys_come_from_the_file_after_the_configured_ones() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("jwt-keys.toml");
        std::fs::write(
            &file,
            "[[keys]]\nkid = \"old\"\nsecret = \"an-older-secret-still-verifying-32b\"\n",
        )
        .unwrap();
        let only_file = AuthConfig {
            jwt_keys_file: Some(file.clone()),
            ..AuthConfig::default()
        };
        let signer = Authenticator::from_config(&only_file).unwrap();
        let token = signer.tokens.issue(subject(), Timestamp(0)).unwrap();

        // After rotation the new configured key signs and the file's key still verifies.
        let rotated = AuthConfig {
            jwt_keys: vec![JwtKey {
                kid: "new".into(),
                secret: "the-new-secret-that-signs-from-now-32b".into(),
            }],
            jwt_keys_file: Some(file),
            ..AuthConfig::default()
        };
        let verifier = Authenticator::from_config(&rotated).unwrap();
        assert_eq!(verifier.tokens.keys().active().kid(), "new");
        assert!(verifier.tokens.verify(&token, Timestamp(0)).is_ok());
    }

    #[test]
    fn an_unreadable_or_malformed_keys_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = AuthConfig {
            jwt_keys_file: Some(dir.path().join("absent.toml")),
            ..AuthConfig::default()
        };
        assert!(matches!(
            Authenticator::from_config(&missing),
            Err(AuthSetupError::KeysFile(_))
        ));
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "keys = 3\n").unwrap();
        let malformed = AuthConfig {
            jwt_keys_file: Some(bad),
            ..AuthConfig::default()
        };
        assert!(matches!(
            Authenticator::from_config(&malformed),
            Err(AuthSetupError::KeysFile(_))
        ));
        let weak = dir.path().join("weak.toml");
        std::fs::write(&weak, "[[keys]]\nkid = \"k\"\nsecret = \"short\"\n").unwrap();
        let weak = AuthConfig {
            jwt_keys_file: Some(weak),
            ..AuthConfig::default()
        };
        assert!(matches!(
            Authenticator::from_config(&weak),
            Err(AuthSetupError::Keys(_))
        ));
    }
}
