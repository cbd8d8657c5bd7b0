//! Vector indexes of knowledge bases: one usearch HNSW index (cosine, f32) per knowledge base,
//! saved to bytes so the blob store can keep it.
//!
//! [`VectorIndex`] wraps usearch with plain `u64` keys; [`ChunkVectors`] keeps the mapping from
//! those keys to chunk ids, implements the engine's [`botwot_engine::knowledge::VectorSearch`]
//! port and saves index and mapping together.

mod chunk_vectors;
mod usearch_index;

pub use chunk_vectors::ChunkVectors;
pub use usearch_index::{VectorIndex, VectorIndexError, VectorIndexOptions};
