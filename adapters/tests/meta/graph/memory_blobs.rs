//! A blob store in memory, for the tests of what keeps files.

use async_trait::async_trait;
use botwot_engine::blobs::{BlobError, BlobStore};
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct Blobs(pub Mutex<BTreeMap<String, Vec<u8>>>);

#[async_trait]
impl BlobStore for Blobs {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), BlobError> {
        self.0.lock().expect("lock").insert(key.to_owned(), bytes);
        Ok(())
    }
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        Ok(self.0.lock().expect("lock").get(key).cloned())
    }
    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        self.0.lock().expect("lock").remove(key);
        Ok(())
    }
    async fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let blobs = self.0.lock().expect("lock");
        Ok(blobs
            .keys()
            .filter(|key| key.starts_with(prefix))
            .cloned()
            .collect())
    }
}
