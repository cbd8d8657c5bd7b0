//! How knowledge bases and documents look on the wire, over REST and on the console channel.

use botwot_engine::knowledge::{
    DocumentOrigin, IngestionFailure, KnowledgeBase, KnowledgeDocument,
};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeBaseView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&KnowledgeBase> for KnowledgeBaseView {
    fn from(base: &KnowledgeBase) -> Self {
        Self {
            id: base.id.to_string(),
            name: base.name.clone(),
            description: base.description.clone(),
            created_at: base.created_at.to_rfc3339(),
            updated_at: base.updated_at.to_rfc3339(),
        }
    }
}

/// Why ingestion failed: a stable code and a sentence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngestionErrorView {
    pub code: String,
    pub message: String,
}

/// A document and how far its ingestion has gone.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    pub id: String,
    pub knowledge_base_id: String,
    pub title: String,
    /// `upload` or `url`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub size_bytes: u64,
    /// `queued`, `fetching`, `extracting`, `chunking`, `embedding`, `indexing`, `ready` or
    /// `failed`.
    pub stage: &'static str,
    /// 0 to 100.
    pub percent: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<IngestionErrorView>,
    pub chunk_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&KnowledgeDocument> for DocumentView {
    fn from(document: &KnowledgeDocument) -> Self {
        let (kind, file_name, url) = match &document.origin {
            DocumentOrigin::Upload { file_name, .. } => ("upload", Some(file_name.clone()), None),
            DocumentOrigin::Url { url } => ("url", None, Some(url.clone())),
        };
        let error = document
            .progress
            .error
            .as_ref()
            .map(|IngestionFailure { code, message }| IngestionErrorView {
                code: code.clone(),
                message: message.clone(),
            });
        Self {
            id: document.id.to_string(),
            knowledge_base_id: document.kb_id.to_string(),
            title: document.title.clone(),
            kind,
            file_name,
            url,
            size_bytes: document.size_bytes,
            stage: document.progress.stage.as_str(),
            percent: document.progress.percent,
            error,
            chunk_count: document.chunk_count,
            pages: document.pages,
            created_at: document.created_at.to_rfc3339(),
            updated_at: document.updated_at.to_rfc3339(),
        }
    }
}
