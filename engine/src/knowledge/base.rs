//! Knowledge bases and their documents as an organisation sees them: names, where each document
//! came from, and how far its ingestion has gone.

use crate::ids::{DocumentId, KnowledgeBaseId, TenantId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

pub const MAX_KB_NAME_CHARS: usize = 120;
pub const MAX_KB_DESCRIPTION_CHARS: usize = 2_000;

/// A named set of documents an organisation attaches to its bots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeBase {
    pub id: KnowledgeBaseId,
    pub tenant_id: TenantId,
    pub name: String,
    pub description: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl KnowledgeBase {
    pub fn create(tenant_id: TenantId, name: String, description: String, now: Timestamp) -> Self {
        Self {
            id: KnowledgeBaseId::generate(),
            tenant_id,
            name,
            description,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.check_text("name", &self.name, MAX_KB_NAME_CHARS);
        errors.check_max_len("description", &self.description, MAX_KB_DESCRIPTION_CHARS);
        errors.into_result(())
    }
}

/// Where a document's bytes came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DocumentOrigin {
    /// A file uploaded through the API.
    Upload {
        file_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content_type: Option<String>,
    },
    /// A web page the server fetched.
    Url { url: String },
}

/// The steps of ingestion, in order. `Ready` and `Failed` are final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IngestionStage {
    Queued,
    Fetching,
    Extracting,
    Chunking,
    Embedding,
    Indexing,
    Ready,
    Failed,
}

impl IngestionStage {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Ready | Self::Failed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Fetching => "fetching",
            Self::Extracting => "extracting",
            Self::Chunking => "chunking",
            Self::Embedding => "embedding",
            Self::Indexing => "indexing",
            Self::Ready => "ready",
            Self::Failed => "failed",
        }
    }
}

/// Why ingestion failed, with a stable code (`pdf_bomb`, `unsupported_format`, `fetch_failed`...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestionFailure {
    pub code: String,
    pub message: String,
}

/// How far a document's ingestion has gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestionProgress {
    pub stage: IngestionStage,
    /// Overall progress from 0 to 100 (100 only when ready).
    pub percent: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<IngestionFailure>,
}

impl IngestionProgress {
    pub fn queued() -> Self {
        Self {
            stage: IngestionStage::Queued,
            percent: 0,
            error: None,
        }
    }

    /// Progress within `stage`, where `fraction` (0..=1) of that stage's work is done. Each stage
    /// owns a fixed band of the overall percentage, so the figure never goes backwards.
    pub fn at(stage: IngestionStage, fraction: f32) -> Self {
        let (from, to) = match stage {
            IngestionStage::Queued => (0, 0),
            IngestionStage::Fetching => (0, 10),
            IngestionStage::Extracting => (10, 30),
            IngestionStage::Chunking => (30, 35),
            IngestionStage::Embedding => (35, 90),
            IngestionStage::Indexing => (90, 99),
            IngestionStage::Ready => (100, 100),
            IngestionStage::Failed => (0, 0),
        };
        let fraction = fraction.clamp(0.0, 1.0);
        let percent = from as f32 + (to - from) as f32 * fraction;
        Self {
            stage,
            percent: percent.floor() as u8,
            error: None,
        }
    }

    pub fn ready() -> Self {
        Self::at(IngestionStage::Ready, 1.0)
    }

    /// Failed at the point `self` had reached.
    pub fn failed(&self, code: &str, message: String) -> Self {
        Self {
            stage: IngestionStage::Failed,
            percent: self.percent,
            error: Some(IngestionFailure {
                code: code.to_owned(),
                message,
            }),
        }
    }
}

/// One document of a knowledge base: its origin, size, where its bytes are kept and how far its
/// ingestion has gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeDocument {
    pub id: DocumentId,
    pub tenant_id: TenantId,
    pub kb_id: KnowledgeBaseId,
    /// The file name, or the page's title once fetched (the URL until then).
    pub title: String,
    pub origin: DocumentOrigin,
    /// Bytes uploaded or fetched (0 until a URL is fetched).
    pub size_bytes: u64,
    pub progress: IngestionProgress,
    /// Chunks indexed (0 until ready).
    pub chunk_count: u32,
    /// Pages of a paginated document (PDF), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl KnowledgeDocument {
    pub fn new(
        tenant_id: TenantId,
        kb_id: KnowledgeBaseId,
        title: String,
        origin: DocumentOrigin,
        size_bytes: u64,
        now: Timestamp,
    ) -> Self {
        Self {
            id: DocumentId::generate(),
            tenant_id,
            kb_id,
            title,
            origin,
            size_bytes,
            progress: IngestionProgress::queued(),
            chunk_count: 0,
            pages: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// Where the document's original bytes are kept in the blob store.
    pub fn blob_key(&self) -> String {
        blob_keys::document(&self.tenant_id, &self.kb_id, &self.id)
    }
}

/// The blob store layout of knowledge: everything of one base under one prefix, so deleting the
/// base deletes the prefix.
pub mod blob_keys {
    use crate::ids::{DocumentId, KnowledgeBaseId, TenantId};

    /// Everything of one organisation's knowledge.
    pub fn tenant(tenant: &TenantId) -> String {
        format!("kb/{}/", tenant.as_str())
    }

    /// Everything of one knowledge base.
    pub fn base(tenant: &TenantId, kb: &KnowledgeBaseId) -> String {
        format!("kb/{}/{}/", tenant.as_str(), kb.as_str())
    }

    /// A document's original bytes.
    pub fn document(tenant: &TenantId, kb: &KnowledgeBaseId, doc: &DocumentId) -> String {
        format!("{}docs/{}", base(tenant, kb), doc.as_str())
    }

    /// The saved index (chunks, keyword index and vectors) of a knowledge base.
    pub fn index(tenant: &TenantId, kb: &KnowledgeBaseId) -> String {
        format!("{}index", base(tenant, kb))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_never_goes_backwards_across_stages() {
        let stages = [
            IngestionStage::Fetching,
            IngestionStage::Extracting,
            IngestionStage::Chunking,
            IngestionStage::Embedding,
            IngestionStage::Indexing,
        ];
        let mut last = 0;
        for stage in stages {
            for step in 0..=4 {
                let percent = IngestionProgress::at(stage, step as f32 / 4.0).percent;
                assert!(percent >= last, "{stage:?} {step}: {percent} < {last}");
                last = percent;
            }
        }
        assert!(last < 100);
        assert_eq!(IngestionProgress::ready().percent, 100);
    }

    #[test]
    fn a_failure_keeps_the_percent_reached() {
        let failed = IngestionProgress::at(IngestionStage::Embedding, 0.5).failed("x", "y".into());
        assert_eq!(failed.stage, IngestionStage::Failed);
        assert_eq!(failed.percent, 62);
        assert_eq!(failed.error.unwrap().code, "x");
    }
}
