//! The vectors of one knowledge base's chunks: a [`VectorIndex`] plus the mapping between its
//! `u64` keys and chunk ids, saved together as one blob.
//!
//! Keys are handed out in increasing order and never reused, so a key read from an old search
//! can never name a different chunk.

use super::usearch_index::{VectorIndex, VectorIndexError, VectorIndexOptions};
use botwot_engine::ids::ChunkId;
use botwot_engine::knowledge::{ScoredChunk, VectorSearch, VectorSearchError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Version of the byte layout written by [`ChunkVectors::to_bytes`].
const FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Persisted {
    format: u32,
    next_key: u64,
    keys: Vec<(u64, ChunkId)>,
    index: Vec<u8>,
}

/// Chunk vectors of one knowledge base, searchable by similarity.
#[derive(Debug)]
pub struct ChunkVectors {
    index: VectorIndex,
    key_of: HashMap<ChunkId, u64>,
    chunk_of: HashMap<u64, ChunkId>,
    next_key: u64,
}

impl ChunkVectors {
    pub fn new(dimensions: usize) -> Result<Self, VectorIndexError> {
        Self::with_options(VectorIndexOptions::new(dimensions))
    }

    pub fn with_options(options: VectorIndexOptions) -> Result<Self, VectorIndexError> {
        Ok(Self {
            index: VectorIndex::new(options)?,
            key_of: HashMap::new(),
            chunk_of: HashMap::new(),
            next_key: 0,
        })
    }

    pub fn dimensions(&self) -> usize {
        self.index.dimensions()
    }

    pub fn len(&self) -> usize {
        self.key_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.key_of.is_empty()
    }

    pub fn contains(&self, id: &ChunkId) -> bool {
        self.key_of.contains_key(id)
    }

    /// Reserves room for `additional` more vectors before a bulk add.
    pub fn reserve(&mut self, additional: usize) -> Result<(), VectorIndexError> {
        self.index.reserve(additional)
    }

    /// Stores `vector` for chunk `id`, replacing the chunk's previous vector.
    pub fn upsert(&mut self, id: ChunkId, vector: &[f32]) -> Result<(), VectorIndexError> {
        if vector.len() != self.dimensions() {
            return Err(VectorIndexError::Dimensions {
                expected: self.dimensions(),
                got: vector.len(),
            });
        }
        self.remove(&id)?;
        let key = self.next_key;
        self.index.add(key, vector)?;
        self.next_key += 1;
        self.key_of.insert(id.clone(), key);
        self.chunk_of.insert(key, id);
        Ok(())
    }

    /// Removes chunk `id`'s vector; returns whether it had one.
    pub fn remove(&mut self, id: &ChunkId) -> Result<bool, VectorIndexError> {
        let Some(key) = self.key_of.remove(id) else {
            return Ok(false);
        };
        self.chunk_of.remove(&key);
        self.index.remove(key)
    }

    /// Up to `limit` chunks nearest to `query`, nearest first, with cosine similarities.
    pub fn nearest(
        &self,
        query: &[f32],
        limit: usize,
    ) -> Result<Vec<ScoredChunk>, VectorIndexError> {
        Ok(self
            .index
            .search(query, limit)?
            .into_iter()
            .filter_map(|(key, score)| {
                let id = self.chunk_of.get(&key)?.clone();
                Some(ScoredChunk { id, score })
            })
            .collect())
    }

    /// Index and key mapping as one blob.
    pub fn to_bytes(&self) -> Result<Vec<u8>, VectorIndexError> {
        let mut keys: Vec<(u64, ChunkId)> = self
            .chunk_of
            .iter()
            .map(|(key, id)| (*key, id.clone()))
            .collect();
        keys.sort_unstable_by_key(|(key, _)| *key);
        postcard::to_stdvec(&Persisted {
            format: FORMAT_VERSION,
            next_key: self.next_key,
            keys,
            index: self.index.to_bytes()?,
        })
        .map_err(|error| VectorIndexError::Usearch(format!("encoding the key mapping: {error}")))
    }

    /// Reads a blob written by [`ChunkVectors::to_bytes`], checking that index and mapping agree.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VectorIndexError> {
        let corrupt = |reason: String| VectorIndexError::Usearch(format!("corrupt blob: {reason}"));
        let persisted: Persisted =
            postcard::from_bytes(bytes).map_err(|error| corrupt(error.to_string()))?;
        if persisted.format != FORMAT_VERSION {
            return Err(corrupt(format!("unknown format {}", persisted.format)));
        }
        let index = VectorIndex::from_bytes(&persisted.index)?;
        let mut key_of = HashMap::with_capacity(persisted.keys.len());
        let mut chunk_of = HashMap::with_capacity(persisted.keys.len());
        for (key, id) in persisted.keys {
            if key >= persisted.next_key || !index.contains(key) {
                return Err(corrupt(format!("key {key} is not in the index")));
            }
            key_of.insert(id.clone(), key);
            chunk_of.insert(key, id);
        }
        if chunk_of.len() != index.len() || key_of.len() != chunk_of.len() {
            return Err(corrupt(format!(
                "{} keys mapped, {} vectors indexed",
                chunk_of.len(),
                index.len()
            )));
        }
        Ok(Self {
            index,
            key_of,
            chunk_of,
            next_key: persisted.next_key,
        })
    }
}

impl VectorSearch for ChunkVectors {
    fn search(&self, query: &[f32], limit: usize) -> Result<Vec<ScoredChunk>, VectorSearchError> {
        self.nearest(query, limit).map_err(|error| match error {
            VectorIndexError::Dimensions { expected, got } => {
                VectorSearchError::Dimensions { expected, got }
            }
            other => VectorSearchError::Index(other.to_string()),
        })
    }
}
