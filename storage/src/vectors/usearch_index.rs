//! A usearch HNSW index of f32 vectors under cosine distance, keyed by `u64`.
//!
//! Capacity grows by doubling as vectors are added (usearch needs room reserved before an add).
//! Removal is usearch's soft delete: the vector stops being found and its memory is reused.
//! Scores are cosine similarities (`1 - cosine distance`).

use thiserror::Error;
use usearch::{Index, IndexOptions, MetricKind, ScalarKind};

/// Smallest capacity reserved at once.
const MIN_RESERVE: usize = 1024;

#[derive(Debug, Error)]
pub enum VectorIndexError {
    #[error("vector has {got} dimensions, the index has {expected}")]
    Dimensions { expected: usize, got: usize },
    #[error("key {0} is already in the vector index")]
    DuplicateKey(u64),
    #[error("vector index saved with {found}, expected cosine distance over f32")]
    WrongKind { found: String },
    #[error("usearch failed: {0}")]
    Usearch(String),
}

fn usearch_error(error: impl std::fmt::Display) -> VectorIndexError {
    VectorIndexError::Usearch(error.to_string())
}

/// HNSW tuning: graph degree and how wide adds and searches look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VectorIndexOptions {
    pub dimensions: usize,
    /// Neighbours per node in the graph (usearch's `connectivity`, HNSW's `M`).
    pub connectivity: usize,
    /// Candidates kept while inserting (`efConstruction`).
    pub expansion_add: usize,
    /// Candidates kept while searching (`ef`); at least the number of results asked for.
    pub expansion_search: usize,
}

impl VectorIndexOptions {
    /// usearch's recommended defaults for `dimensions`-long vectors.
    pub fn new(dimensions: usize) -> Self {
        Self {
            dimensions,
            connectivity: 16,
            expansion_add: 128,
            expansion_search: 64,
        }
    }
}

/// An HNSW index of unit vectors; see the module documentation.
pub struct VectorIndex {
    index: Index,
    dimensions: usize,
}

impl std::fmt::Debug for VectorIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorIndex")
            .field("dimensions", &self.dimensions)
            .field("len", &self.len())
            .finish()
    }
}

impl VectorIndex {
    pub fn new(options: VectorIndexOptions) -> Result<Self, VectorIndexError> {
        let index = Index::new(&IndexOptions {
            dimensions: options.dimensions,
            metric: MetricKind::Cos,
            quantization: ScalarKind::F32,
            connectivity: options.connectivity,
            expansion_add: options.expansion_add,
            expansion_search: options.expansion_search,
            multi: false,
        })
        .map_err(usearch_error)?;
        Ok(Self {
            index,
            dimensions: options.dimensions,
        })
    }

    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    /// Number of vectors that can be found.
    pub fn len(&self) -> usize {
        self.index.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, key: u64) -> bool {
        self.index.contains(key)
    }

    /// Reserves room for `additional` more vectors (optional: adds reserve as they go).
    pub fn reserve(&mut self, additional: usize) -> Result<(), VectorIndexError> {
        let needed = self.index.size() + additional;
        if needed > self.index.capacity() {
            self.index.reserve(needed).map_err(usearch_error)?;
        }
        Ok(())
    }

    /// Adds `vector` under `key`; a key can be added once (remove it first to replace it).
    pub fn add(&mut self, key: u64, vector: &[f32]) -> Result<(), VectorIndexError> {
        self.check_dimensions(vector)?;
        if self.index.contains(key) {
            return Err(VectorIndexError::DuplicateKey(key));
        }
        if self.index.size() + 1 > self.index.capacity() {
            let grown = (self.index.capacity() * 2).max(MIN_RESERVE);
            self.index.reserve(grown).map_err(usearch_error)?;
        }
        self.index.add(key, vector).map_err(usearch_error)
    }

    /// Removes the vector under `key`; returns whether there was one.
    pub fn remove(&mut self, key: u64) -> Result<bool, VectorIndexError> {
        let removed = self.index.remove(key).map_err(usearch_error)?;
        Ok(removed > 0)
    }

    /// Up to `limit` keys nearest to `query`, nearest first, with cosine similarities.
    pub fn search(&self, query: &[f32], limit: usize) -> Result<Vec<(u64, f32)>, VectorIndexError> {
        self.check_dimensions(query)?;
        if limit == 0 || self.is_empty() {
            return Ok(Vec::new());
        }
        if self.index.expansion_search() < limit {
            self.index.change_expansion_search(limit);
        }
        let matches = self.index.search(query, limit).map_err(usearch_error)?;
        Ok(matches
            .keys
            .into_iter()
            .zip(matches.distances)
            .map(|(key, distance)| (key, 1.0 - distance))
            .collect())
    }

    /// The index in usearch's own serialised form.
    pub fn to_bytes(&self) -> Result<Vec<u8>, VectorIndexError> {
        let mut buffer = vec![0u8; self.index.serialized_length()];
        self.index
            .save_to_buffer(&mut buffer)
            .map_err(usearch_error)?;
        Ok(buffer)
    }

    /// Reads an index written by [`VectorIndex::to_bytes`] (copied in, not viewed).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VectorIndexError> {
        let metadata = Index::metadata_from_buffer(bytes).map_err(usearch_error)?;
        if metadata.metric != MetricKind::Cos || metadata.quantization != ScalarKind::F32 {
            return Err(VectorIndexError::WrongKind {
                found: format!("{:?} over {:?}", metadata.metric, metadata.quantization),
            });
        }
        let index = Index::restore_from_buffer(bytes).map_err(usearch_error)?;
        let dimensions = index.dimensions();
        Ok(Self { index, dimensions })
    }

    fn check_dimensions(&self, vector: &[f32]) -> Result<(), VectorIndexError> {
        if vector.len() == self.dimensions {
            Ok(())
        } else {
            Err(VectorIndexError::Dimensions {
                expected: self.dimensions,
                got: vector.len(),
            })
        }
    }
}
