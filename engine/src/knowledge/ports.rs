//! What retrieval needs from outside the engine: an embedding model, a vector index and a way
//! to read chunks back. Adapters and storage implement these; all are synchronous (callers run
//! them on a blocking thread).

use super::types::Chunk;
use crate::ids::ChunkId;
use std::collections::HashMap;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum EmbedError {
    /// The model could not be loaded or run.
    #[error("embedding model failed: {0}")]
    Model(String),
    /// The text could not be turned into model input.
    #[error("tokenisation failed: {0}")]
    Tokenize(String),
}

/// Turns texts into fixed-length vectors whose cosine similarity reflects similar meaning.
pub trait Embedder: Send + Sync {
    /// Length of every vector this embedder returns.
    fn dimensions(&self) -> usize;
    /// One vector per text, in order, each of length [`Embedder::dimensions`].
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
    /// A short name for logs and benchmark output (`minilm`, `hashing`).
    fn name(&self) -> &str;
}

#[derive(Debug, Error)]
pub enum VectorSearchError {
    #[error("query vector has {got} dimensions, the index has {expected}")]
    Dimensions { expected: usize, got: usize },
    #[error("vector index failed: {0}")]
    Index(String),
}

/// A chunk found by similarity search, with the cosine similarity to the query.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredChunk {
    pub id: ChunkId,
    pub score: f32,
}

/// Nearest-neighbour search over chunk vectors of one knowledge base.
pub trait VectorSearch: Send + Sync {
    /// Up to `limit` chunks most similar to `query`, most similar first.
    fn search(&self, query: &[f32], limit: usize) -> Result<Vec<ScoredChunk>, VectorSearchError>;
}

/// Reads chunks back by id (from memory, a cache or storage).
pub trait ChunkLookup: Send + Sync {
    fn chunk(&self, id: &ChunkId) -> Option<Chunk>;
}

impl ChunkLookup for HashMap<ChunkId, Chunk> {
    fn chunk(&self, id: &ChunkId) -> Option<Chunk> {
        self.get(id).cloned()
    }
}
