//! Choosing and opening a blob store from configuration.

use super::{BlobError, BlobStore, LocalBlobStore, S3BlobConfig, S3BlobStore};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// Where blobs are kept. In TOML: `kind = "local"` with an optional `dir` (default
/// `data/blobs`), or `kind = "s3"` with the fields of [`S3BlobConfig`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum BlobConfig {
    /// Single node: one file per blob under `dir`.
    Local {
        #[serde(default = "default_local_dir")]
        dir: PathBuf,
    },
    /// Objects in an S3 bucket (AWS, MinIO, moto).
    S3(S3BlobConfig),
}

fn default_local_dir() -> PathBuf {
    PathBuf::from("data/blobs")
}

impl Default for BlobConfig {
    fn default() -> Self {
        BlobConfig::Local {
            dir: default_local_dir(),
        }
    }
}

/// The blob store `config` describes, behind the engine's port.
pub async fn open_blob_store(config: &BlobConfig) -> Result<Arc<dyn BlobStore>, BlobError> {
    Ok(match config {
        BlobConfig::Local { dir } => Arc::new(LocalBlobStore::open(dir).await?),
        BlobConfig::S3(s3) => Arc::new(S3BlobStore::connect(s3).await?),
    })
}

#[cfg(test)]
mod tests {
    use super::BlobConfig;
    use std::path::PathBuf;

    #[test]
    fn local_is_the_default_and_its_dir_may_be_left_out() -> Result<(), serde_json::Error> {
        let parsed: BlobConfig = serde_json::from_str(r#"{"kind":"local"}"#)?;
        assert_eq!(parsed, BlobConfig::default());
        let parsed: BlobConfig = serde_json::from_str(r#"{"kind":"local","dir":"/srv/blobs"}"#)?;
        assert_eq!(
            parsed,
            BlobConfig::Local {
                dir: PathBuf::from("/srv/blobs")
            }
        );
        Ok(())
    }

    #[test]
    fn s3_needs_only_a_bucket_and_a_region() -> Result<(), serde_json::Error> {
        let parsed: BlobConfig =
            serde_json::from_str(r#"{"kind":"s3","bucket":"botwot","region":"eu-west-1"}"#)?;
        let BlobConfig::S3(s3) = parsed else {
            panic!("expected the s3 kind, got {parsed:?}");
        };
        assert_eq!(
            (s3.bucket.as_str(), s3.region.as_str()),
            ("botwot", "eu-west-1")
        );
        assert_eq!(s3.endpoint, None);
        assert!(!s3.create_bucket_if_missing);
        Ok(())
    }

    #[test]
    fn unknown_fields_are_refused() {
        let parsed = serde_json::from_str::<BlobConfig>(r#"{"kind":"local","path":"x"}"#);
        assert!(parsed.is_err());
        let parsed = serde_json::from_str::<BlobConfig>(
            r#"{"kind":"s3","bucket":"b","region":"r","bukket":"x"}"#,
        );
        assert!(parsed.is_err());
    }
}
