//! Knowledge bases and the records of their documents: newest first per tenant and per base,
//! deleted together, and a node-wide scan of ingestions that have not finished.

use super::schema::{
    DOCUMENTS_BY_BASE, DOCUMENTS_BY_CREATED, DOCUMENTS_UNFINISHED, KNOWLEDGE_BASES,
    KNOWLEDGE_BASES_BY_CREATED, KNOWLEDGE_DOCUMENTS,
};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, Order, WriteBatch};
use async_trait::async_trait;
use botwot_engine::ids::{DocumentId, KnowledgeBaseId, TenantId};
use botwot_engine::knowledge::{KnowledgeBase, KnowledgeDocument};
use botwot_engine::ports::{KnowledgeStore, PageRequest, Paged, StoreError};

fn documents_of(tenant: &TenantId, kb: &KnowledgeBaseId) -> IndexQuery {
    IndexQuery::new(
        &KNOWLEDGE_DOCUMENTS,
        &DOCUMENTS_BY_BASE,
        vec![records::tenant(tenant), FieldValue::from(kb.as_str())],
    )
}

#[async_trait]
impl<B: DocumentBackend> KnowledgeStore for Store<B> {
    async fn insert_knowledge_base(&self, base: &KnowledgeBase) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(records::knowledge_base::<B>(base)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn update_knowledge_base(&self, base: &KnowledgeBase) -> Result<(), StoreError> {
        if self
            .get_knowledge_base(&base.tenant_id, &base.id)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::knowledge_base::<B>(base)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn get_knowledge_base(
        &self,
        tenant: &TenantId,
        id: &KnowledgeBaseId,
    ) -> Result<Option<KnowledgeBase>, StoreError> {
        Ok(self
            .get_record(&KNOWLEDGE_BASES, tenant, id.as_str())
            .await?)
    }

    async fn list_knowledge_bases(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<KnowledgeBase>, StoreError> {
        let mut query = IndexQuery::new(
            &KNOWLEDGE_BASES,
            &KNOWLEDGE_BASES_BY_CREATED,
            vec![records::tenant(tenant)],
        );
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }

    async fn count_knowledge_bases(
        &self,
        tenant: &TenantId,
        up_to: usize,
    ) -> Result<usize, StoreError> {
        let mut query = IndexQuery::new(
            &KNOWLEDGE_BASES,
            &KNOWLEDGE_BASES_BY_CREATED,
            vec![records::tenant(tenant)],
        );
        query.limit = up_to;
        Ok(self.backend.query(query).await?.len())
    }

    async fn delete_knowledge_base(
        &self,
        tenant: &TenantId,
        id: &KnowledgeBaseId,
    ) -> Result<usize, StoreError> {
        if self.get_knowledge_base(tenant, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let documents = self.backend.query(documents_of(tenant, id)).await?;
        let mut batch = WriteBatch::with_capacity(1 + documents.len());
        for document in &documents {
            batch.delete(&KNOWLEDGE_DOCUMENTS, document.id.clone());
        }
        batch.delete(&KNOWLEDGE_BASES, id.as_str());
        self.backend.write(batch).await?;
        Ok(documents.len())
    }

    async fn insert_document(&self, document: &KnowledgeDocument) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(records::knowledge_document::<B>(document)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn update_document(&self, document: &KnowledgeDocument) -> Result<(), StoreError> {
        if self
            .get_document(&document.tenant_id, &document.id)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::knowledge_document::<B>(document)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn get_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<KnowledgeDocument>, StoreError> {
        Ok(self
            .get_record(&KNOWLEDGE_DOCUMENTS, tenant, id.as_str())
            .await?)
    }

    async fn list_documents(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
        page: &PageRequest,
    ) -> Result<Paged<KnowledgeDocument>, StoreError> {
        let mut query = documents_of(tenant, kb);
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }

    async fn count_documents(&self, tenant: &TenantId, up_to: usize) -> Result<usize, StoreError> {
        let mut query = IndexQuery::new(
            &KNOWLEDGE_DOCUMENTS,
            &DOCUMENTS_BY_CREATED,
            vec![records::tenant(tenant)],
        );
        query.limit = up_to;
        Ok(self.backend.query(query).await?.len())
    }

    async fn delete_document(&self, tenant: &TenantId, id: &DocumentId) -> Result<(), StoreError> {
        if self.get_document(tenant, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.delete(&KNOWLEDGE_DOCUMENTS, id.as_str());
        Ok(self.backend.write(batch).await?)
    }

    async fn unfinished_documents(
        &self,
        limit: usize,
    ) -> Result<Vec<KnowledgeDocument>, StoreError> {
        let mut query = IndexQuery::new(&KNOWLEDGE_DOCUMENTS, &DOCUMENTS_UNFINISHED, Vec::new());
        query.limit = limit;
        Ok(self.find(query).await?)
    }
}
