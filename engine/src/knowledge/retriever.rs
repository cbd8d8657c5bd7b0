//! Hybrid retrieval: keyword and vector search for one question, fused into ranked passages.
//!
//! Each list is cut to `candidates` results and the lists are fused by reciprocal rank fusion,
//! so BM25 scores and cosine similarities never need to be compared. The result carries a
//! confidence signal — the cosine similarity between the question and its nearest chunk — that
//! a brain compares with a threshold to answer "I don't know" instead of guessing.

use super::bm25::Bm25Index;
use super::fusion::{DEFAULT_RRF_K, reciprocal_rank_fusion};
use super::ports::{ChunkLookup, EmbedError, Embedder, VectorSearch, VectorSearchError};
use super::types::Passage;
use crate::ids::ChunkId;
use std::collections::HashMap;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum RetrievalError {
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error(transparent)]
    VectorSearch(#[from] VectorSearchError),
    #[error("the embedder returned no vector for the question")]
    NoQueryVector,
}

/// Which searches run for a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RetrievalMode {
    /// Keyword and vector search, fused by rank.
    #[default]
    Hybrid,
    /// BM25 alone: no embedding is computed.
    KeywordOnly,
    /// Vector search alone.
    VectorOnly,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetrievalOptions {
    /// Passages returned.
    pub top_k: usize,
    /// Results taken from each search before fusion.
    pub candidates: usize,
    /// The `k` of reciprocal rank fusion.
    pub rrf_k: f32,
    pub mode: RetrievalMode,
}

impl Default for RetrievalOptions {
    fn default() -> Self {
        Self {
            top_k: 5,
            candidates: 50,
            rrf_k: DEFAULT_RRF_K,
            mode: RetrievalMode::Hybrid,
        }
    }
}

/// The passages found for a question, best first, and how sure retrieval is about them.
#[derive(Clone, Debug, PartialEq)]
pub struct Retrieval {
    pub passages: Vec<Passage>,
    /// Cosine similarity between the question and the nearest chunk (0 when vector search did
    /// not run or found nothing). Its scale depends on the embedder: a threshold tuned for the
    /// local model does not fit the hashing fallback.
    pub confidence: f32,
    /// Whether any chunk shares a keyword with the question.
    pub keyword_match: bool,
}

/// Searches one knowledge base: its keyword index, its vectors and its chunks.
pub struct Retriever<'a> {
    keywords: &'a Bm25Index,
    vectors: &'a dyn VectorSearch,
    embedder: &'a dyn Embedder,
    chunks: &'a dyn ChunkLookup,
}

impl<'a> Retriever<'a> {
    pub fn new(
        keywords: &'a Bm25Index,
        vectors: &'a dyn VectorSearch,
        embedder: &'a dyn Embedder,
        chunks: &'a dyn ChunkLookup,
    ) -> Self {
        Self {
            keywords,
            vectors,
            embedder,
            chunks,
        }
    }

    /// The best passages for `question`. Chunks that can no longer be read (removed since they
    /// were indexed) are skipped.
    pub fn retrieve(
        &self,
        question: &str,
        options: &RetrievalOptions,
    ) -> Result<Retrieval, RetrievalError> {
        let query = query_vector(self.embedder, question, options.mode)?;
        self.retrieve_with_vector(question, query.as_deref(), options)
    }

    /// Like [`Retriever::retrieve`], with the question's vector already computed by
    /// [`query_vector`] (once for a search across many bases); the retriever's embedder is not
    /// called. Without a vector, vector search does not run.
    pub fn retrieve_with_vector(
        &self,
        question: &str,
        query: Option<&[f32]>,
        options: &RetrievalOptions,
    ) -> Result<Retrieval, RetrievalError> {
        let keyword_hits = if options.mode == RetrievalMode::VectorOnly {
            Vec::new()
        } else {
            self.keywords.search(question, options.candidates)
        };
        let vector_hits = match query {
            Some(query) if options.mode != RetrievalMode::KeywordOnly => {
                self.vectors.search(query, options.candidates)?
            }
            _ => Vec::new(),
        };

        let confidence = vector_hits
            .iter()
            .map(|hit| hit.score)
            .fold(0.0f32, f32::max);
        let keyword_match = !keyword_hits.is_empty();
        let cosines: HashMap<ChunkId, f32> = vector_hits
            .iter()
            .map(|hit| (hit.id.clone(), hit.score))
            .collect();
        let lists: Vec<Vec<ChunkId>> = [keyword_hits, vector_hits]
            .into_iter()
            .filter(|hits| !hits.is_empty())
            .map(|hits| hits.into_iter().map(|hit| hit.id).collect())
            .collect();
        let passages = reciprocal_rank_fusion(&lists, options.rrf_k)
            .into_iter()
            .filter_map(|(id, score)| {
                let chunk = self.chunks.chunk(&id)?;
                Some(Passage {
                    cosine: cosines.get(&id).copied(),
                    chunk,
                    score,
                })
            })
            .take(options.top_k)
            .collect();
        Ok(Retrieval {
            passages,
            confidence,
            keyword_match,
        })
    }
}

/// The vector of `question` for `mode`: `None` when the mode runs no vector search.
pub fn query_vector(
    embedder: &dyn Embedder,
    question: &str,
    mode: RetrievalMode,
) -> Result<Option<Vec<f32>>, RetrievalError> {
    if mode == RetrievalMode::KeywordOnly {
        return Ok(None);
    }
    embedder
        .embed(&[question])?
        .into_iter()
        .next()
        .map(Some)
        .ok_or(RetrievalError::NoQueryVector)
}
