//! The blob store port: named byte objects (knowledge-base files and indexes, media,
//! recordings). A local directory by default, S3 in production.

use async_trait::async_trait;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum BlobError {
    /// The store could not be reached or refused the operation; retrying may help.
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
    /// The key is not one this store accepts (empty, `..`, absolute, too long).
    #[error("invalid blob key {0:?}")]
    InvalidKey(String),
}

/// Keys are `/`-separated relative paths such as `kb/<tenant>/<kb>/docs/<doc>`.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` under `key`, replacing what was there. The write is complete (never
    /// partially visible) when this returns.
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), BlobError>;
    /// The bytes under `key`, if any.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError>;
    /// Whether `key` holds bytes, without reading them.
    async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        Ok(self.get(key).await?.is_some())
    }
    /// Removes `key`; removing a missing key is not an error.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// Every key that starts with `prefix`, in lexical order.
    async fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError>;
    /// Removes every key that starts with `prefix`; returns how many were removed.
    async fn delete_prefix(&self, prefix: &str) -> Result<usize, BlobError> {
        let keys = self.list(prefix).await?;
        for key in &keys {
            self.delete(key).await?;
        }
        Ok(keys.len())
    }
}

/// Whether `key` is a safe relative blob key: non-empty, at most 1024 bytes, `/`-separated
/// segments that are neither empty, `.` nor `..`, and no control characters or backslashes.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 1024
        && !key.chars().any(|c| c.is_control() || c == '\\')
        && key
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

#[cfg(test)]
mod tests {
    use super::is_valid_key;

    #[test]
    fn keys_cannot_escape_the_store() {
        assert!(is_valid_key("kb/t1/kb1/docs/doc1"));
        for bad in [
            "", "/abs", "a//b", "a/../b", "..", "a/./b", "a\\b", "a\nb", "a/",
        ] {
            assert!(!is_valid_key(bad), "{bad:?}");
        }
    }
}
