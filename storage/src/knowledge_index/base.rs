//! One knowledge base held in memory: its chunks, which document each chunk belongs to, the
//! keyword index and the chunk vectors, changed together so all four always describe the same
//! chunks.
//!
//! Synchronous CPU work; the registry runs it on a blocking thread under the base's lock.

use crate::vectors::{ChunkVectors, VectorIndexError};
use botwot_engine::ids::{ChunkId, DocumentId, KnowledgeBaseId};
use botwot_engine::knowledge::{
    Bm25Index, Chunk, Embedder, KnowledgeIndexError, Retrieval, RetrievalError, RetrievalOptions,
    Retriever,
};
use std::collections::{HashMap, HashSet};

/// The searchable contents of one knowledge base.
pub(super) struct IndexedBase {
    chunks: HashMap<ChunkId, Chunk>,
    documents: HashMap<DocumentId, Vec<ChunkId>>,
    keywords: Bm25Index,
    vectors: ChunkVectors,
}

impl IndexedBase {
    /// A base with no documents whose vectors have `dimensions` components (the embedder's: a
    /// base is always loaded or rebuilt for the embedder running now).
    pub(super) fn empty(dimensions: usize) -> Result<Self, VectorIndexError> {
        Ok(Self {
            chunks: HashMap::new(),
            documents: HashMap::new(),
            keywords: Bm25Index::new(),
            vectors: ChunkVectors::new(dimensions)?,
        })
    }

    /// A base from saved parts, refused (with the reason) unless every chunk is in both indexes
    /// and the indexes hold nothing else.
    pub(super) fn from_parts(
        chunks: Vec<Chunk>,
        keywords: Bm25Index,
        vectors: ChunkVectors,
    ) -> Result<Self, String> {
        let mut by_id = HashMap::with_capacity(chunks.len());
        let mut documents: HashMap<DocumentId, Vec<ChunkId>> = HashMap::new();
        for chunk in chunks {
            if !keywords.contains(&chunk.id) || !vectors.contains(&chunk.id) {
                return Err(format!("chunk {} is missing from an index", chunk.id));
            }
            documents
                .entry(chunk.document_id.clone())
                .or_default()
                .push(chunk.id.clone());
            if let Some(duplicate) = by_id.insert(chunk.id.clone(), chunk) {
                return Err(format!("chunk {} is saved twice", duplicate.id));
            }
        }
        if keywords.len() != by_id.len() || vectors.len() != by_id.len() {
            return Err(format!(
                "{} chunks, {} in the keyword index, {} vectors",
                by_id.len(),
                keywords.len(),
                vectors.len()
            ));
        }
        Ok(Self {
            chunks: by_id,
            documents,
            keywords,
            vectors,
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    pub(super) fn dimensions(&self) -> usize {
        self.vectors.dimensions()
    }

    pub(super) fn chunks(&self) -> impl Iterator<Item = &Chunk> {
        self.chunks.values()
    }

    pub(super) fn keywords(&self) -> &Bm25Index {
        &self.keywords
    }

    pub(super) fn vectors(&self) -> &ChunkVectors {
        &self.vectors
    }

    /// Replaces `document`'s chunks with `chunks`, each with its vector. Invalid input is refused
    /// with [`KnowledgeIndexError::InvalidInput`] before anything changes; an
    /// [`KnowledgeIndexError::Unavailable`] error may leave the base half changed, so the caller
    /// must discard it.
    pub(super) fn add_document(
        &mut self,
        kb: &KnowledgeBaseId,
        document: &DocumentId,
        chunks: Vec<Chunk>,
        vectors: Vec<Vec<f32>>,
    ) -> Result<(), KnowledgeIndexError> {
        self.check_input(kb, document, &chunks, &vectors)
            .map_err(KnowledgeIndexError::InvalidInput)?;
        self.remove_document(document).map_err(index_failed)?;
        self.vectors.reserve(chunks.len()).map_err(index_failed)?;
        let mut ids = Vec::with_capacity(chunks.len());
        for (chunk, vector) in chunks.into_iter().zip(&vectors) {
            self.keywords.add(chunk.id.clone(), &chunk.text);
            self.vectors
                .upsert(chunk.id.clone(), vector)
                .map_err(index_failed)?;
            ids.push(chunk.id.clone());
            self.chunks.insert(chunk.id.clone(), chunk);
        }
        if !ids.is_empty() {
            self.documents.insert(document.clone(), ids);
        }
        Ok(())
    }

    /// Removes `document`'s chunks; returns how many there were. An error may leave the base
    /// half changed.
    pub(super) fn remove_document(
        &mut self,
        document: &DocumentId,
    ) -> Result<usize, VectorIndexError> {
        let Some(ids) = self.documents.remove(document) else {
            return Ok(0);
        };
        for id in &ids {
            self.keywords.remove(id);
            self.vectors.remove(id)?;
            self.chunks.remove(id);
        }
        Ok(ids.len())
    }

    /// The best passages of this base for `question`, whose vector (when the mode needs one)
    /// is `query`; `embedder` is not called.
    pub(super) fn retrieve(
        &self,
        embedder: &dyn Embedder,
        question: &str,
        query: Option<&[f32]>,
        options: &RetrievalOptions,
    ) -> Result<Retrieval, RetrievalError> {
        Retriever::new(&self.keywords, &self.vectors, embedder, &self.chunks)
            .retrieve_with_vector(question, query, options)
    }

    /// Why `chunks` and `vectors` cannot replace `document`'s chunks, if they cannot.
    fn check_input(
        &self,
        kb: &KnowledgeBaseId,
        document: &DocumentId,
        chunks: &[Chunk],
        vectors: &[Vec<f32>],
    ) -> Result<(), String> {
        if vectors.len() != chunks.len() {
            return Err(format!(
                "{} vectors for {} chunks",
                vectors.len(),
                chunks.len()
            ));
        }
        let dimensions = self.dimensions();
        if let Some(vector) = vectors.iter().find(|vector| vector.len() != dimensions) {
            return Err(format!(
                "a vector has {} dimensions, the embedder has {dimensions}",
                vector.len()
            ));
        }
        if vectors.iter().flatten().any(|value| !value.is_finite()) {
            return Err("a vector has a component that is not a finite number".to_owned());
        }
        let mut seen = HashSet::with_capacity(chunks.len());
        for chunk in chunks {
            if &chunk.kb_id != kb || &chunk.document_id != document {
                return Err(format!(
                    "chunk {} belongs to {}/{}, not {kb}/{document}",
                    chunk.id, chunk.kb_id, chunk.document_id
                ));
            }
            if !seen.insert(&chunk.id) {
                return Err(format!("chunk {} is given twice", chunk.id));
            }
            if let Some(owner) = self.chunks.get(&chunk.id)
                && &owner.document_id != document
            {
                return Err(format!(
                    "chunk {} already belongs to document {}",
                    chunk.id, owner.document_id
                ));
            }
        }
        Ok(())
    }
}

fn index_failed(error: VectorIndexError) -> KnowledgeIndexError {
    KnowledgeIndexError::Unavailable(format!("vector index: {error}"))
}
