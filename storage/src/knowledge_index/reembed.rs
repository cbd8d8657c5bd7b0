//! Rebuilding a base's vectors from its chunks' text, for a base saved under another embedder
//! (a different model or vector length) than the one running now.

use crate::vectors::{ChunkVectors, VectorIndexError};
use botwot_engine::knowledge::{Chunk, EmbedError, Embedder};
use thiserror::Error;

/// Texts embedded per call.
const BATCH: usize = 32;

#[derive(Debug, Error)]
pub(super) enum ReembedError {
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error("the embedder returned {got} vectors for {expected} texts")]
    VectorCount { expected: usize, got: usize },
    #[error(transparent)]
    Index(#[from] VectorIndexError),
}

/// The vectors of `chunks` under `embedder`.
pub(super) fn embed_chunks(
    embedder: &dyn Embedder,
    chunks: &[&Chunk],
) -> Result<ChunkVectors, ReembedError> {
    let mut vectors = ChunkVectors::new(embedder.dimensions())?;
    vectors.reserve(chunks.len())?;
    for batch in chunks.chunks(BATCH) {
        let texts: Vec<&str> = batch.iter().map(|chunk| chunk.text.as_str()).collect();
        let embedded = embedder.embed(&texts)?;
        if embedded.len() != batch.len() {
            return Err(ReembedError::VectorCount {
                expected: batch.len(),
                got: embedded.len(),
            });
        }
        for (chunk, vector) in batch.iter().zip(&embedded) {
            vectors.upsert(chunk.id.clone(), vector)?;
        }
    }
    Ok(vectors)
}
