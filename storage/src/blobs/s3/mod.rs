//! [`S3BlobStore`]: blobs as objects in one S3 bucket, through the official AWS SDK.
//!
//! The key `kb/x` is the object `<key_prefix>kb/x`. Puts are single PutObject calls (S3 makes
//! an object visible only once complete), a missing object reads as `None`, listings page
//! through ListObjectsV2 and removing a prefix deletes in DeleteObjects batches of up to 1000.
//! Every SDK failure becomes [`BlobError::Unavailable`] with the operation, bucket, key and the
//! SDK's full error chain.

mod settings;

pub use settings::S3BlobConfig;

use super::{BlobError, BlobStore, checked_key, checked_prefix};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};

/// The most keys one DeleteObjects call takes.
const DELETE_BATCH: usize = 1000;

/// Blobs as objects in an S3 bucket.
#[derive(Clone, Debug)]
pub struct S3BlobStore {
    client: Client,
    bucket: String,
    key_prefix: String,
}

impl S3BlobStore {
    /// The store `config` describes; creates the bucket first when it is missing and
    /// `create_bucket_if_missing` is set. Fails when the credentials or key prefix are unusable
    /// or, when creating, the service does not answer.
    pub async fn connect(config: &S3BlobConfig) -> Result<Self, BlobError> {
        let store = Self {
            client: config.client()?,
            bucket: config.bucket.clone(),
            key_prefix: config.object_key_prefix()?,
        };
        if config.create_bucket_if_missing {
            store.create_bucket_if_missing().await?;
        }
        Ok(store)
    }

    async fn create_bucket_if_missing(&self) -> Result<(), BlobError> {
        let exists = self.client.head_bucket().bucket(&self.bucket).send().await;
        match exists {
            Ok(_) => return Ok(()),
            Err(e) if !e.as_service_error().is_some_and(|e| e.is_not_found()) => {
                return Err(self.failure("HeadBucket", "", e));
            }
            Err(_) => {}
        }
        match self
            .client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
        {
            Err(e)
                if !e
                    .as_service_error()
                    .is_some_and(|e| e.is_bucket_already_owned_by_you()) =>
            {
                Err(self.failure("CreateBucket", "", e))
            }
            _ => Ok(()),
        }
    }

    /// The object key of blob key `key`.
    fn object_key(&self, key: &str) -> Result<String, BlobError> {
        Ok(format!("{}{}", self.key_prefix, checked_key(key)?))
    }

    /// Every object key that starts with the blob key prefix `prefix`, in lexical order.
    async fn object_keys(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let object_prefix = format!("{}{}", self.key_prefix, checked_prefix(prefix)?);
        let mut keys = Vec::new();
        let mut continuation = None;
        loop {
            let page = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(&object_prefix)
                .set_continuation_token(continuation)
                .send()
                .await
                .map_err(|e| self.failure("ListObjectsV2", &object_prefix, e))?;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|object| object.key().map(str::to_owned)),
            );
            continuation = page.next_continuation_token().map(str::to_owned);
            if continuation.is_none() {
                break;
            }
        }
        keys.sort_unstable();
        Ok(keys)
    }

    /// Deletes `object_keys` (at most [`DELETE_BATCH`]) in one call.
    async fn delete_batch(&self, object_keys: &[String]) -> Result<(), BlobError> {
        let objects = object_keys
            .iter()
            .map(|key| ObjectIdentifier::builder().key(key).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.failure("DeleteObjects", "", e))?;
        let delete = Delete::builder()
            .set_objects(Some(objects))
            .quiet(true)
            .build()
            .map_err(|e| self.failure("DeleteObjects", "", e))?;
        let output = self
            .client
            .delete_objects()
            .bucket(&self.bucket)
            .delete(delete)
            .send()
            .await
            .map_err(|e| self.failure("DeleteObjects", "", e))?;
        match output.errors().first() {
            None => Ok(()),
            Some(refused) => Err(BlobError::Unavailable(format!(
                "S3 DeleteObjects s3://{}/{} refused {} of {} keys: {}",
                self.bucket,
                refused.key().unwrap_or_default(),
                output.errors().len(),
                object_keys.len(),
                refused
                    .message()
                    .or(refused.code())
                    .unwrap_or("no reason given"),
            ))),
        }
    }

    fn failure(
        &self,
        operation: &str,
        object_key: &str,
        error: impl std::error::Error,
    ) -> BlobError {
        BlobError::Unavailable(format!(
            "S3 {operation} s3://{}/{object_key}: {}",
            self.bucket,
            DisplayErrorContext(error)
        ))
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), BlobError> {
        let object_key = self.object_key(key)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(&object_key)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| self.failure("PutObject", &object_key, e))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let object_key = self.object_key(key)?;
        let object = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&object_key)
            .send()
            .await
        {
            Ok(object) => object,
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(self.failure("GetObject", &object_key, e)),
        };
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| self.failure("GetObject", &object_key, e))?;
        Ok(Some(body.into_bytes().to_vec()))
    }

    async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        let object_key = self.object_key(key)?;
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(&object_key)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(false),
            Err(e) => Err(self.failure("HeadObject", &object_key, e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let object_key = self.object_key(key)?;
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(&object_key)
            .send()
            .await
            .map_err(|e| self.failure("DeleteObject", &object_key, e))?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let object_keys = self.object_keys(prefix).await?;
        Ok(object_keys
            .into_iter()
            .filter_map(|key| key.strip_prefix(&self.key_prefix).map(str::to_owned))
            .collect())
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<usize, BlobError> {
        let object_keys = self.object_keys(prefix).await?;
        for batch in object_keys.chunks(DELETE_BATCH) {
            self.delete_batch(batch).await?;
        }
        Ok(object_keys.len())
    }
}
