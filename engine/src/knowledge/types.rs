//! The records retrieval works on: chunks of documents and the passages a query returns.

use crate::ids::{ChunkId, DocumentId, KnowledgeBaseId};
use serde::{Deserialize, Serialize};

/// Where a chunk's text came from, for citing it in an answer.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChunkSource {
    /// The document's title or file name.
    pub title: String,
    /// The page the document was fetched from, for URL documents.
    pub url: Option<String>,
    /// The page number in a paginated document (PDF), counted from 1.
    pub page: Option<u32>,
}

/// One retrievable piece of a document: what gets embedded and indexed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    pub id: ChunkId,
    pub kb_id: KnowledgeBaseId,
    pub document_id: DocumentId,
    /// Position of the chunk within its document, from 0.
    pub ordinal: u32,
    pub text: String,
    pub source: ChunkSource,
}

/// A chunk returned for a query, with its fused relevance score (higher is better).
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    pub chunk: Chunk,
    pub score: f32,
    /// Cosine similarity between the query and the chunk, when vector search found the chunk.
    pub cosine: Option<f32>,
}
