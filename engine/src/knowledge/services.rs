//! The services ingestion and answering use, beside the synchronous retrieval ports: a searchable
//! index of every knowledge base, a text extractor for uploaded files and a fetcher for URLs.
//! Storage implements the index; adapters implement extraction and fetching.

use super::retriever::{Retrieval, RetrievalOptions};
use super::types::Chunk;
use crate::ids::{DocumentId, KnowledgeBaseId, TenantId};
use async_trait::async_trait;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum KnowledgeIndexError {
    /// The vectors do not match the chunks or the base's dimensions.
    #[error("invalid index input: {0}")]
    InvalidInput(String),
    /// The index could not be loaded, searched or saved; retrying may help.
    #[error("knowledge index unavailable: {0}")]
    Unavailable(String),
}

/// The chunks, keyword index and vectors of every knowledge base, kept durable in the blob store
/// and loaded on first use.
#[async_trait]
pub trait KnowledgeIndex: Send + Sync + 'static {
    /// Indexes a document's chunks with their vectors (one per chunk, in order), replacing any
    /// chunks the document had, and saves the base's index before returning.
    async fn add_document(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
        document: &DocumentId,
        chunks: Vec<Chunk>,
        vectors: Vec<Vec<f32>>,
    ) -> Result<(), KnowledgeIndexError>;

    /// Removes a document's chunks and saves; returns how many were removed.
    async fn remove_document(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
        document: &DocumentId,
    ) -> Result<usize, KnowledgeIndexError>;

    /// Forgets a whole base, in memory and in the blob store.
    async fn drop_base(
        &self,
        tenant: &TenantId,
        kb: &KnowledgeBaseId,
    ) -> Result<(), KnowledgeIndexError>;

    /// The best passages for `question` across `kbs` (bases of `tenant` only), best first.
    async fn search(
        &self,
        tenant: &TenantId,
        kbs: &[KnowledgeBaseId],
        question: &str,
        options: &RetrievalOptions,
    ) -> Result<Retrieval, KnowledgeIndexError>;
}

/// Why a document could not be read, with a stable code (`zip_bomb`, `unsupported_format`,
/// `fetch_failed`, `too_large`...) and a message a person understands.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{message}")]
pub struct DocumentRejected {
    pub code: String,
    pub message: String,
}

impl DocumentRejected {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// One run of text of an extracted document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtractedSection {
    pub text: String,
    /// The page it is on (PDF), counted from 1.
    pub page: Option<u32>,
    /// The heading or sheet it is under.
    pub heading: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtractedText {
    /// The document's own title, when it has one.
    pub title: Option<String>,
    pub sections: Vec<ExtractedSection>,
    /// Pages of a paginated document.
    pub pages: Option<u32>,
}

/// Reads the text of an uploaded file under limits that make hostile files fail fast.
/// Synchronous CPU work: callers run it on a blocking thread.
pub trait DocumentExtractor: Send + Sync + 'static {
    fn extract(
        &self,
        bytes: &[u8],
        file_name: Option<&str>,
        content_type: Option<&str>,
    ) -> Result<ExtractedText, DocumentRejected>;
}

/// A page fetched for a URL document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedDocument {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    /// The URL after redirects.
    pub final_url: String,
}

/// Fetches URL documents, refusing private addresses, huge bodies and slow servers.
#[async_trait]
pub trait DocumentFetcher: Send + Sync + 'static {
    async fn fetch(&self, url: &str) -> Result<FetchedDocument, DocumentRejected>;
}

/// Told every time a document's ingestion moves on (stage or percent), after the record is
/// stored: the dashboard's realtime channel listens here.
pub trait IngestionObserver: Send + Sync + 'static {
    fn progressed(&self, document: &super::base::KnowledgeDocument);
}

/// An observer that listens to nothing.
pub struct NoIngestionObserver;

impl IngestionObserver for NoIngestionObserver {
    fn progressed(&self, _: &super::base::KnowledgeDocument) {}
}
