//! The saved form of one base: a small versioned envelope, encoded with postcard, holding the
//! embedder it was built with (name and vector length), the chunks, and the keyword index and
//! vectors in their own byte formats.
//!
//! A base saved under another embedder than the current one keeps its keyword index (it does
//! not depend on the embedder) and gets its vectors rebuilt from the chunks' text, with a
//! warning, instead of failing. Anything that does not decode, or whose parts disagree, is
//! reported as corrupt: never a panic, never silently dropped chunks.

use super::base::IndexedBase;
use super::reembed::{ReembedError, embed_chunks};
use crate::vectors::{ChunkVectors, VectorIndexError};
use botwot_engine::knowledge::bm25::Bm25Error;
use botwot_engine::knowledge::{Bm25Index, Chunk, Embedder};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Version of the envelope layout.
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Error)]
pub(super) enum SavedBaseError {
    #[error("could not encode the envelope: {0}")]
    Encode(String),
    #[error("could not decode the envelope: {0}")]
    Decode(String),
    #[error("envelope format {found} is not supported (expected {FORMAT_VERSION})")]
    UnsupportedFormat { found: u32 },
    #[error("keyword index: {0}")]
    Keywords(#[from] Bm25Error),
    #[error("vectors: {0}")]
    Vectors(#[from] VectorIndexError),
    #[error("rebuilding the vectors for the current embedder: {0}")]
    Reembed(#[from] ReembedError),
    #[error("the parts disagree: {0}")]
    Inconsistent(String),
}

/// The envelope; `C` is `&Chunk` when saving and `Chunk` when loading.
#[derive(Serialize, Deserialize)]
struct Envelope<C> {
    format: u32,
    embedder: String,
    dimensions: u64,
    chunks: Vec<C>,
    keywords: Vec<u8>,
    vectors: Vec<u8>,
}

/// A base read back, and whether its vectors had to be rebuilt (then it is worth saving again).
pub(super) struct LoadedBase {
    pub(super) base: IndexedBase,
    pub(super) reembedded: bool,
}

/// `base` as bytes, recorded as built by `embedder`.
pub(super) fn encode(
    base: &IndexedBase,
    embedder: &dyn Embedder,
) -> Result<Vec<u8>, SavedBaseError> {
    let mut chunks: Vec<&Chunk> = base.chunks().collect();
    chunks.sort_unstable_by(|a, b| {
        (&a.document_id, a.ordinal, &a.id).cmp(&(&b.document_id, b.ordinal, &b.id))
    });
    postcard::to_stdvec(&Envelope {
        format: FORMAT_VERSION,
        embedder: embedder.name().to_owned(),
        dimensions: base.dimensions() as u64,
        chunks,
        keywords: base.keywords().to_bytes()?,
        vectors: base.vectors().to_bytes()?,
    })
    .map_err(|error| SavedBaseError::Encode(error.to_string()))
}

/// Reads bytes written by [`encode`], rebuilding the vectors if `embedder` is not the one the
/// base was saved with.
pub(super) fn decode(bytes: &[u8], embedder: &dyn Embedder) -> Result<LoadedBase, SavedBaseError> {
    let decode_error = |error: postcard::Error| SavedBaseError::Decode(error.to_string());
    let (format, _) = postcard::take_from_bytes::<u32>(bytes).map_err(decode_error)?;
    if format != FORMAT_VERSION {
        return Err(SavedBaseError::UnsupportedFormat { found: format });
    }
    let envelope: Envelope<Chunk> = postcard::from_bytes(bytes).map_err(decode_error)?;
    let keywords = Bm25Index::from_bytes(&envelope.keywords)?;
    let same_embedder =
        envelope.embedder == embedder.name() && envelope.dimensions == embedder.dimensions() as u64;
    let vectors = if same_embedder {
        let vectors = ChunkVectors::from_bytes(&envelope.vectors)?;
        if vectors.dimensions() as u64 != envelope.dimensions {
            return Err(SavedBaseError::Inconsistent(format!(
                "vectors of {} dimensions recorded as {}",
                vectors.dimensions(),
                envelope.dimensions
            )));
        }
        vectors
    } else {
        tracing::warn!(
            saved_embedder = %envelope.embedder,
            saved_dimensions = envelope.dimensions,
            embedder = embedder.name(),
            dimensions = embedder.dimensions(),
            chunks = envelope.chunks.len(),
            "knowledge base saved under another embedder: re-embedding its chunks"
        );
        let chunks: Vec<&Chunk> = envelope.chunks.iter().collect();
        embed_chunks(embedder, &chunks)?
    };
    let base = IndexedBase::from_parts(envelope.chunks, keywords, vectors)
        .map_err(SavedBaseError::Inconsistent)?;
    Ok(LoadedBase {
        base,
        reembedded: !same_embedder,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::ids::{ChunkId, DocumentId, KnowledgeBaseId};
    use botwot_engine::knowledge::{ChunkSource, EmbedError};

    struct Constant;

    impl Embedder for Constant {
        fn dimensions(&self) -> usize {
            4
        }
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
            Ok(texts.iter().map(|_| vec![0.5; 4]).collect())
        }
        fn name(&self) -> &str {
            "constant"
        }
    }

    fn chunk(id: &str) -> Chunk {
        Chunk {
            id: ChunkId::from(id),
            kb_id: KnowledgeBaseId::from("kb"),
            document_id: DocumentId::from("doc"),
            ordinal: 0,
            text: format!("text of {id}"),
            source: ChunkSource::default(),
        }
    }

    fn saved_base() -> Vec<u8> {
        let mut base = IndexedBase::empty(4).expect("empty base");
        base.add_document(
            &KnowledgeBaseId::from("kb"),
            &DocumentId::from("doc"),
            vec![chunk("a"), chunk("b")],
            vec![vec![1.0, 0.0, 0.0, 0.0], vec![0.0, 1.0, 0.0, 0.0]],
        )
        .expect("added");
        encode(&base, &Constant).expect("encoded")
    }

    #[test]
    fn a_saved_base_reads_back_with_its_chunks_and_vectors() {
        let loaded = decode(&saved_base(), &Constant).expect("decoded");
        assert!(!loaded.reembedded);
        let mut ids: Vec<&str> = loaded
            .base
            .chunks()
            .map(|chunk| chunk.id.as_str())
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, vec!["a", "b"]);
        assert_eq!(loaded.base.vectors().len(), 2);
    }

    #[test]
    fn a_future_format_is_refused() {
        let mut bytes = saved_base();
        bytes[0] = 7;
        assert!(matches!(
            decode(&bytes, &Constant),
            Err(SavedBaseError::UnsupportedFormat { found: 7 })
        ));
    }

    #[test]
    fn a_chunk_missing_from_the_indexes_is_refused_not_dropped() {
        let mut envelope: Envelope<Chunk> = postcard::from_bytes(&saved_base()).expect("decoded");
        envelope.chunks.push(chunk("c"));
        let bytes = postcard::to_stdvec(&envelope).expect("encoded");
        assert!(matches!(
            decode(&bytes, &Constant),
            Err(SavedBaseError::Inconsistent(_))
        ));
    }
}
