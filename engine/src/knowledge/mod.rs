//! Knowledge retrieval: from a document's text to the passages that answer a question.
//!
//! Pure and synchronous: [`chunk`] cuts text into overlapping, sentence-aware chunks,
//! [`bm25`] keeps a keyword index over them, [`fusion`] merges ranked lists by reciprocal rank
//! fusion, and [`retriever`] runs keyword and vector search for a question and fuses them into
//! scored [`Passage`]s with a confidence signal a brain uses to say "I don't know". Embedding
//! models and vector indexes live outside the engine, behind the [`ports`] traits; [`base`] holds
//! the records an organisation manages (bases, documents, ingestion progress) and [`services`]
//! the async ports ingestion and answering use (the index of every base, extraction, fetching).

pub mod base;
pub mod bm25;
pub mod chunk;
pub mod document_chunks;
pub mod extractive;
pub mod fusion;
pub mod ports;
pub mod retriever;
pub mod services;
pub mod tokenize;
mod types;

pub use base::{
    DocumentOrigin, IngestionFailure, IngestionProgress, IngestionStage, KnowledgeBase,
    KnowledgeDocument,
};
pub use bm25::Bm25Index;
pub use chunk::{Chunker, ChunkerConfig, TextSpan};
pub use document_chunks::{ChunkOrigin, chunk_id, document_chunks};
pub use extractive::{ComposedAnswer, ExtractiveOptions, compose_answer};
pub use fusion::{DEFAULT_RRF_K, reciprocal_rank_fusion};
pub use ports::{ChunkLookup, EmbedError, Embedder, ScoredChunk, VectorSearch, VectorSearchError};
pub use retriever::{
    Retrieval, RetrievalError, RetrievalMode, RetrievalOptions, Retriever, query_vector,
};
pub use services::{
    DocumentExtractor, DocumentFetcher, DocumentRejected, ExtractedSection, ExtractedText,
    FetchedDocument, IngestionObserver, KnowledgeIndex, KnowledgeIndexError, NoIngestionObserver,
};
pub use types::{Chunk, ChunkSource, Passage};
