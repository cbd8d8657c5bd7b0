//! [`S3BlobConfig`]: where the S3 blob store is and how it signs in, and the SDK client built
//! from it.
//!
//! The client is configured entirely here, without the SDK's default provider chain (which
//! would probe the network and profile files): static keys from the configuration or from
//! `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), an explicit region,
//! and, for MinIO or moto, an endpoint addressed path-style. HTTPS goes through rustls on ring.

use crate::blobs::BlobError;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The S3 bucket blobs are kept in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3BlobConfig {
    pub bucket: String,
    pub region: String,
    /// The service URL, for S3-compatible servers (`http://127.0.0.1:9000`); addressed
    /// path-style. AWS itself when absent.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Static credentials; when absent, `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    pub secret_access_key: Option<String>,
    /// Kept in front of every key (`botwot/` makes `kb/x` the object `botwot/kb/x`).
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// Creates the bucket on connect when it does not exist (MinIO, tests).
    #[serde(default)]
    pub create_bucket_if_missing: bool,
}

impl fmt::Debug for S3BlobConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3BlobConfig")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("key_prefix", &self.key_prefix)
            .field("create_bucket_if_missing", &self.create_bucket_if_missing)
            .finish()
    }
}

impl S3BlobConfig {
    /// The SDK client this configuration describes.
    pub(super) fn client(&self) -> Result<Client, BlobError> {
        let http_client = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut builder = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .credentials_provider(self.credentials()?)
            .http_client(http_client)
            // Checksums only where S3 requires them: S3-compatible servers lag behind.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if let Some(endpoint) = &self.endpoint {
            builder = builder.endpoint_url(endpoint).force_path_style(true);
        }
        Ok(Client::from_conf(builder.build()))
    }

    /// The key prefix as kept in front of keys: empty, or ending in `/`.
    pub(super) fn object_key_prefix(&self) -> Result<String, BlobError> {
        let Some(prefix) = self.key_prefix.as_deref().filter(|p| !p.is_empty()) else {
            return Ok(String::new());
        };
        let stem = prefix.strip_suffix('/').unwrap_or(prefix);
        if !botwot_engine::blobs::is_valid_key(stem) {
            return Err(BlobError::InvalidKey(prefix.to_owned()));
        }
        Ok(format!("{stem}/"))
    }

    /// The configured keys when both are set, else the environment's; one without the other
    /// is refused rather than mixed with the environment.
    fn credentials(&self) -> Result<Credentials, BlobError> {
        let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let (access_key_id, secret_access_key, session_token) =
            match (&self.access_key_id, &self.secret_access_key) {
                (Some(id), Some(secret)) => (Some(id.clone()), Some(secret.clone()), None),
                (None, None) => (
                    from_env("AWS_ACCESS_KEY_ID"),
                    from_env("AWS_SECRET_ACCESS_KEY"),
                    from_env("AWS_SESSION_TOKEN"),
                ),
                _ => {
                    return Err(self.missing_credentials(
                        "access_key_id and secret_access_key must be set together",
                    ));
                }
            };
        let (Some(access_key_id), Some(secret_access_key)) = (access_key_id, secret_access_key)
        else {
            return Err(self.missing_credentials(
                "set access_key_id and secret_access_key, or AWS_ACCESS_KEY_ID and \
                 AWS_SECRET_ACCESS_KEY",
            ));
        };
        Ok(Credentials::new(
            access_key_id,
            secret_access_key,
            session_token,
            None,
            "botwot-config",
        ))
    }

    fn missing_credentials(&self, advice: &str) -> BlobError {
        BlobError::Unavailable(format!(
            "no credentials for S3 bucket {}: {advice}",
            self.bucket
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::S3BlobConfig;

    fn config(key_prefix: Option<&str>) -> S3BlobConfig {
        S3BlobConfig {
            bucket: "b".into(),
            region: "us-east-1".into(),
            endpoint: None,
            access_key_id: Some("id".into()),
            secret_access_key: Some("very-secret".into()),
            key_prefix: key_prefix.map(str::to_owned),
            create_bucket_if_missing: false,
        }
    }

    #[test]
    fn key_prefixes_end_in_one_slash() {
        for (given, expected) in [
            (None, ""),
            (Some(""), ""),
            (Some("a/b"), "a/b/"),
            (Some("a/"), "a/"),
        ] {
            assert_eq!(
                config(given).object_key_prefix().ok().as_deref(),
                Some(expected)
            );
        }
        assert!(config(Some("../x")).object_key_prefix().is_err());
    }

    #[test]
    fn half_configured_keys_are_refused() {
        let mut half = config(None);
        half.secret_access_key = None;
        assert!(half.credentials().is_err());
        assert!(config(None).credentials().is_ok());
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let shown = format!("{:?}", config(None));
        assert!(!shown.contains("very-secret"), "{shown}");
    }
}
