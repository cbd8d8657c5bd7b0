//! The `[http.auth]` settings: signing keys, token lifetimes, one-time codes, password hashing
//! cost and how mail leaves the server.

use botwot_adapters::mail::SmtpConfig;
use botwot_engine::access::OtpPolicy;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// HS256 keys for access tokens; the first signs, the others still verify (rotation). Each
    /// secret is at least 32 bytes. Empty: a random key made at start, so tokens end with the
    /// process (logged as a warning). `JWT_SECRET_KEY` in the environment adds a key `default`.
    pub jwt_keys: Vec<JwtKey>,
    /// A TOML file of more keys (`[[keys]]` with `kid` and `secret`), such as a mounted secret;
    /// its keys verify after those of `jwt_keys` (and sign when `jwt_keys` is empty).
    pub jwt_keys_file: Option<PathBuf>,
    /// The `iss` written into and required of every access token.
    pub issuer: String,
    /// Lifetime of an access token (the PRD's 60 minutes).
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token from its issue; each use issues the next.
    pub refresh_token_ttl_secs: u64,
    /// Expiry, attempts and lockout of emailed one-time codes.
    pub otp: OtpPolicy,
    /// Argon2id cost of password hashes.
    pub password_hashing: PasswordHashing,
    /// Anyone may create an organisation through `/v1/auth/signup`.
    pub open_signup: bool,
    /// Send mail (one-time codes, invitations) through this SMTP server. Unset: the
    /// development mailer, which writes each mail to the log and sends nothing.
    pub smtp: Option<SmtpConfig>,
    /// Serve `GET /v1/dev/mailbox`, which shows the mail the development mailer kept (codes
    /// included). For local development and tests only.
    pub dev_mailbox: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_keys: Vec::new(),
            jwt_keys_file: None,
            issuer: "botwot".to_owned(),
            access_token_ttl_secs: 60 * 60,
            refresh_token_ttl_secs: 30 * 24 * 60 * 60,
            otp: OtpPolicy::default(),
            password_hashing: PasswordHashing::default(),
            open_signup: true,
            smtp: None,
            dev_mailbox: false,
        }
    }
}

/// One signing key. Its secret never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtKey {
    pub kid: String,
    pub secret: String,
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JwtKey {{ kid: {:?}, secret: <redacted> }}", self.kid)
    }
}

/// Argon2id parameters; the defaults are OWASP's (19 MiB, 2 iterations, 1 lane).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordHashing {
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl Default for PasswordHashing {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            lanes: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let config = AuthConfig {
            jwt_keys: vec![JwtKey {
                kid: "k1".into(),
                secret: "a-very-secret-value-of-32-bytes!!".into(),
            }],
            ..AuthConfig::default()
        };
        let printed = format!("{config:?}");
        assert!(printed.contains("k1"));
        assert!(!printed.contains("a-very-secret"));
    }
}
