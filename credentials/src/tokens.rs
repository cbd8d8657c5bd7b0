//! Access tokens (PRD §4.7.1): JWT Bearer, HS256, 60 minutes by default, carrying
//! `{ userId, emailId, orgId, roleId }` plus `sub`, `iat`, `exp`, `jti` and `iss`.
//!
//! Verification reads the header first and refuses, each with its own stable code, a malformed
//! token, `alg: none`, any algorithm but HS256, a missing or unknown `kid` and a bad signature.
//! Time is checked here against the `now` passed in (jsonwebtoken's own clock checks are turned
//! off): a token is expired from `exp + CLOCK_LEEWAY_SECS` on, and not yet valid while `iat` is
//! more than `CLOCK_LEEWAY_SECS` ahead of `now`.

use super::keys::KeyRing;
use super::random::{self, RandomError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use botwot_engine::ids::TenantId;
use botwot_engine::time::Timestamp;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;

/// Tolerated clock skew between the node that issued a token and the one verifying it.
pub const CLOCK_LEEWAY_SECS: i64 = 30;
/// The PRD's access-token lifetime.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60 * 60);

/// Who a token is for: the PRD's payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    pub user_id: String,
    pub email_id: String,
    pub org_id: TenantId,
    pub role_id: String,
}

/// Everything an access token carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    #[serde(flatten)]
    pub subject: Subject,
    pub sub: String,
    /// Seconds since the Unix epoch.
    pub iat: i64,
    /// Seconds since the Unix epoch.
    pub exp: i64,
    pub jti: String,
    pub iss: String,
}

#[derive(Debug, Error)]
pub enum TokenError {
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("unsigned tokens (alg: none) are refused")]
    AlgNone,
    #[error("algorithm {0} is refused; only HS256 is accepted")]
    UnsupportedAlgorithm(String),
    #[error("the token header names no key (kid)")]
    MissingKid,
    #[error("the token was signed with an unknown key")]
    UnknownKid,
    #[error("the token signature is invalid")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued by someone else")]
    WrongIssuer,
    #[error("the token could not be signed: {0}")]
    Signing(String),
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl TokenError {
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Malformed => "token_malformed",
            TokenError::AlgNone => "token_alg_none",
            TokenError::UnsupportedAlgorithm(_) => "token_alg_unsupported",
            TokenError::MissingKid => "token_kid_missing",
            TokenError::UnknownKid => "token_kid_unknown",
            TokenError::BadSignature => "token_bad_signature",
            TokenError::Expired => "token_expired",
            TokenError::NotYetValid => "token_not_yet_valid",
            TokenError::WrongIssuer => "token_wrong_issuer",
            TokenError::Signing(_) => "token_signing_failed",
            TokenError::Random(error) => error.code(),
        }
    }
}

/// Issues and verifies access tokens with a key ring.
#[derive(Debug)]
pub struct AccessTokens {
    keys: KeyRing,
    issuer: String,
    ttl: Duration,
}

/// The header fields looked at before any signature check.
#[derive(Deserialize)]
struct RawHeader {
    alg: Option<String>,
    kid: Option<String>,
}

impl AccessTokens {
    /// Tokens from `issuer`, living [`DEFAULT_TTL`].
    pub fn new(keys: KeyRing, issuer: impl Into<String>) -> Self {
        Self {
            keys,
            issuer: issuer.into(),
            ttl: DEFAULT_TTL,
        }
    }

    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// For rotation: add a key, then remove the old one once its tokens have expired.
    pub fn keys_mut(&mut self) -> &mut KeyRing {
        &mut self.keys
    }

    /// Signs a token for `subject`, valid from `now` for the configured lifetime.
    pub fn issue(&self, subject: Subject, now: Timestamp) -> Result<String, TokenError> {
        let iat = now.millis().div_euclid(1000);
        let ttl = i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            sub: subject.user_id.clone(),
            subject,
            iat,
            exp: iat.saturating_add(ttl),
            jti: random::base64url::<16>()?,
            iss: self.issuer.clone(),
        };
        let key = self.keys.active();
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid().to_owned());
        jsonwebtoken::encode(&header, &claims, key.encoding())
            .map_err(|error| TokenError::Signing(error.to_string()))
    }

    /// Checks the header, the signature, the issuer and the times against `now`.
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        let kid = Self::checked_kid(token)?;
        let key = self.keys.find(&kid).ok_or(TokenError::UnknownKid)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        let claims = jsonwebtoken::decode::<Claims>(token, key.decoding(), &validation)
            .map_err(|error| match error.kind() {
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                _ => TokenError::Malformed,
            })?
            .claims;
        if claims.iss != self.issuer {
            return Err(TokenError::WrongIssuer);
        }
        let now_millis = now.millis();
        if now_millis
            >= claims
                .exp
                .saturating_add(CLOCK_LEEWAY_SECS)
                .saturating_mul(1000)
        {
            return Err(TokenError::Expired);
        }
        if now_millis
            < claims
                .iat
                .saturating_sub(CLOCK_LEEWAY_SECS)
                .saturating_mul(1000)
        {
            return Err(TokenError::NotYetValid);
        }
        Ok(claims)
    }

    /// Reads the header by hand, so `alg: none` and foreign algorithms get their own errors.
    fn checked_kid(token: &str) -> Result<String, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(_), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let header = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| TokenError::Malformed)?;
        let header: RawHeader =
            serde_json::from_slice(&header).map_err(|_| TokenError::Malformed)?;
        match header.alg.as_deref() {
            Some("HS256") => {}
            Some(alg) if alg.eq_ignore_ascii_case("none") => return Err(TokenError::AlgNone),
            Some(alg) => return Err(TokenError::UnsupportedAlgorithm(alg.to_owned())),
            None => return Err(TokenError::Malformed),
        }
        header.kid.ok_or(TokenError::MissingKid)
    }
}
