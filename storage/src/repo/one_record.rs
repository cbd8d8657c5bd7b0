//! Writes of one record on its own: inserting a new one, putting one over whatever holds its id,
//! and replacing or deleting one that must already exist in its tenant (`NotFound` otherwise, so
//! no tenant reaches another's records).

use super::{Store, records, schema};
use crate::backend::{CollectionSpec, Doc, DocumentBackend, IndexSpec, WriteBatch};
use crate::error::StorageError;
use botwot_engine::ids::TenantId;
use botwot_engine::ports::StoreError;

impl<B: DocumentBackend> Store<B> {
    /// Stores a new record; `Conflict` when its id or one of its unique keys is taken.
    pub(super) async fn insert_one(&self, doc: Doc<B::Body>) -> Result<(), StoreError> {
        Ok(self.insert_doc(doc).await?)
    }

    /// Stores a new record like [`Self::insert_one`], but when the unique index `key` refuses
    /// it, the `Conflict` says `taken` (what holds the key, in words a person understands).
    pub(super) async fn insert_keyed(
        &self,
        doc: Doc<B::Body>,
        key: &'static IndexSpec,
        taken: String,
    ) -> Result<(), StoreError> {
        match self.insert_doc(doc).await {
            Err(StorageError::Duplicate(duplicate))
                if duplicate.index.as_deref() == Some(key.name) =>
            {
                Err(StoreError::Conflict(taken))
            }
            inserted => Ok(inserted?),
        }
    }

    async fn insert_doc(&self, doc: Doc<B::Body>) -> Result<(), StorageError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(doc);
        self.backend.write(batch).await
    }

    /// Stores `doc`, replacing the record of its id if there is one.
    pub(super) async fn put_one(&self, doc: Doc<B::Body>) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(doc);
        Ok(self.backend.write(batch).await?)
    }

    /// Writes `doc` over the record of its id, which must belong to `tenant`.
    pub(super) async fn replace_one(
        &self,
        tenant: &TenantId,
        doc: Doc<B::Body>,
    ) -> Result<(), StoreError> {
        if !self
            .exists_in_tenant(doc.collection, tenant, &doc.id)
            .await?
        {
            return Err(StoreError::NotFound);
        }
        self.put_one(doc).await
    }

    /// Deletes the record of that id, which must belong to `tenant`.
    pub(super) async fn delete_one(
        &self,
        collection: &'static CollectionSpec,
        tenant: &TenantId,
        id: &str,
    ) -> Result<(), StoreError> {
        if !self.exists_in_tenant(collection, tenant, id).await? {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.delete(collection, id);
        Ok(self.backend.write(batch).await?)
    }

    async fn exists_in_tenant(
        &self,
        collection: &'static CollectionSpec,
        tenant: &TenantId,
        id: &str,
    ) -> Result<bool, StorageError> {
        let stored = self.backend.get(collection, id).await?;
        Ok(stored.is_some_and(|stored| {
            stored.fields.get(schema::TENANT) == Some(&records::tenant(tenant))
        }))
    }
}
