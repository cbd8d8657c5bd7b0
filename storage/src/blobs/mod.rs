//! Blob stores: the implementations of the engine's [`BlobStore`] port.
//!
//! [`LocalBlobStore`] keeps each blob as a file under one directory (the default, for a single
//! node); [`S3BlobStore`] keeps them as objects in an S3 bucket (AWS, MinIO, moto), optionally
//! under a key prefix. Pick one with [`BlobConfig`] and [`open_blob_store`]. Both refuse keys the
//! engine's [`is_valid_key`] refuses, and accept as a listing prefix either nothing or a valid key
//! with at most one trailing `/`.

mod config;
mod local;
mod s3;

pub use botwot_engine::blobs::{BlobError, BlobStore};
pub use config::{BlobConfig, open_blob_store};
pub use local::{LocalBlobStore, PARTIAL_SUFFIX};
pub use s3::{S3BlobConfig, S3BlobStore};

use botwot_engine::blobs::is_valid_key;

/// `key`, when the engine accepts it as a blob key.
fn checked_key(key: &str) -> Result<&str, BlobError> {
    if is_valid_key(key) {
        Ok(key)
    } else {
        Err(BlobError::InvalidKey(key.to_owned()))
    }
}

/// `prefix`, when it is empty (every key) or a valid key with at most one trailing `/`.
fn checked_prefix(prefix: &str) -> Result<&str, BlobError> {
    let stem = prefix.strip_suffix('/').unwrap_or(prefix);
    if prefix.is_empty() || is_valid_key(stem) {
        Ok(prefix)
    } else {
        Err(BlobError::InvalidKey(prefix.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::{checked_key, checked_prefix};

    #[test]
    fn prefixes_are_empty_or_keys_with_an_optional_trailing_slash() {
        for good in ["", "kb", "kb/", "kb/t1/k", "kb/t1/k/"] {
            assert!(checked_prefix(good).is_ok(), "{good:?}");
        }
        for bad in ["/", "kb//", "../", "kb/../", "/kb"] {
            assert!(checked_prefix(bad).is_err(), "{bad:?}");
        }
        assert!(checked_key("kb/").is_err());
    }
}
