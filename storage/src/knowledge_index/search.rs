//! A question asked of several bases at once: the question is embedded once, each base runs
//! the engine's hybrid retriever, and the results are merged by fused score.
//!
//! Fused scores of different bases are comparable because reciprocal rank fusion depends only
//! on ranks. The merged confidence is the best of any base's, and a keyword match in any base
//! counts.

use super::base::IndexedBase;
use botwot_engine::knowledge::{
    Embedder, Retrieval, RetrievalError, RetrievalOptions, query_vector,
};

/// The best passages for `question` across `bases`, best first, at most `options.top_k`.
/// Empty bases are skipped; with none left the retrieval is empty and nothing is embedded.
pub(super) fn search_bases<'a>(
    bases: impl IntoIterator<Item = &'a IndexedBase>,
    embedder: &dyn Embedder,
    question: &str,
    options: &RetrievalOptions,
) -> Result<Retrieval, RetrievalError> {
    let bases: Vec<&IndexedBase> = bases.into_iter().filter(|base| !base.is_empty()).collect();
    if bases.is_empty() {
        return Ok(merge(Vec::new(), options.top_k));
    }
    let query = query_vector(embedder, question, options.mode)?;
    let retrievals = bases
        .into_iter()
        .map(|base| base.retrieve(embedder, question, query.as_deref(), options))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(merge(retrievals, options.top_k))
}

/// One retrieval from several: passages by fused score (ties keep the order of `retrievals`),
/// cut to `top_k`; the highest confidence; whether any matched a keyword.
pub(super) fn merge(retrievals: Vec<Retrieval>, top_k: usize) -> Retrieval {
    let confidence = retrievals
        .iter()
        .map(|retrieval| retrieval.confidence)
        .fold(0.0f32, f32::max);
    let keyword_match = retrievals.iter().any(|retrieval| retrieval.keyword_match);
    let mut passages: Vec<_> = retrievals
        .into_iter()
        .flat_map(|retrieval| retrieval.passages)
        .collect();
    passages.sort_by(|a, b| b.score.total_cmp(&a.score));
    passages.truncate(top_k);
    Retrieval {
        passages,
        confidence,
        keyword_match,
    }
}

#[cfg(test)]
mod tests {
    use super::merge;
    use botwot_engine::ids::{ChunkId, DocumentId, KnowledgeBaseId};
    use botwot_engine::knowledge::{Chunk, ChunkSource, Passage, Retrieval};

    fn passage(id: &str, score: f32) -> Passage {
        Passage {
            chunk: Chunk {
                id: ChunkId::from(id),
                kb_id: KnowledgeBaseId::from("kb"),
                document_id: DocumentId::from("doc"),
                ordinal: 0,
                text: String::new(),
                source: ChunkSource::default(),
            },
            score,
            cosine: None,
        }
    }

    fn retrieval(passages: Vec<Passage>, confidence: f32, keyword_match: bool) -> Retrieval {
        Retrieval {
            passages,
            confidence,
            keyword_match,
        }
    }

    #[test]
    fn passages_interleave_by_score_and_signals_take_the_best() {
        let merged = merge(
            vec![
                retrieval(vec![passage("a1", 0.5), passage("a2", 0.2)], 0.4, false),
                retrieval(vec![passage("b1", 0.5), passage("b2", 0.3)], 0.7, true),
            ],
            3,
        );
        let ids: Vec<&str> = merged
            .passages
            .iter()
            .map(|found| found.chunk.id.as_str())
            .collect();
        assert_eq!(ids, vec!["a1", "b1", "b2"]);
        assert_eq!(merged.confidence, 0.7);
        assert!(merged.keyword_match);
    }

    #[test]
    fn nothing_merges_to_an_empty_retrieval() {
        assert_eq!(merge(Vec::new(), 5), retrieval(Vec::new(), 0.0, false));
    }
}
