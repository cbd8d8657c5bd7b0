//! Hybrid retrieval through the engine's ports, with a toy concept embedder and an exact
//! vector search, so each search's contribution can be told apart.

use botwot_engine::ids::{ChunkId, DocumentId, KnowledgeBaseId};
use botwot_engine::knowledge::{
    Bm25Index, Chunk, ChunkSource, EmbedError, Embedder, RetrievalMode, RetrievalOptions,
    Retriever, ScoredChunk, VectorSearch, VectorSearchError, query_vector,
};
use std::collections::HashMap;

/// Words of one meaning share a dimension, so paraphrases embed alike without sharing words.
const CONCEPTS: &[&[&str]] = &[
    &[
        "refund",
        "refunds",
        "money",
        "reimburse",
        "reimbursed",
        "repaid",
    ],
    &[
        "shipping", "delivery", "deliver", "courier", "parcel", "arrive",
    ],
    &["hours", "open", "opens", "closes", "closed", "weekdays"],
    &["password", "login", "sign", "account", "locked"],
];

struct ConceptEmbedder;

impl Embedder for ConceptEmbedder {
    fn dimensions(&self) -> usize {
        CONCEPTS.len() + 1
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(texts
            .iter()
            .map(|text| {
                let mut vector = vec![0.0f32; self.dimensions()];
                for word in text.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
                    if let Some(concept) = CONCEPTS.iter().position(|words| words.contains(&word)) {
                        vector[concept] += 1.0;
                    }
                }
                // A small constant component keeps texts with no known concept comparable.
                vector[CONCEPTS.len()] = 0.1;
                let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
                vector.iter().map(|x| x / norm).collect()
            })
            .collect())
    }

    fn name(&self) -> &str {
        "concepts"
    }
}

struct BrokenEmbedder;

impl Embedder for BrokenEmbedder {
    fn dimensions(&self) -> usize {
        3
    }
    fn embed(&self, _texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Err(EmbedError::Model("model file missing".to_owned()))
    }
    fn name(&self) -> &str {
        "broken"
    }
}

struct ExactSearch(Vec<(ChunkId, Vec<f32>)>);

impl VectorSearch for ExactSearch {
    fn search(&self, query: &[f32], limit: usize) -> Result<Vec<ScoredChunk>, VectorSearchError> {
        let mut scored: Vec<ScoredChunk> = self
            .0
            .iter()
            .map(|(id, vector)| ScoredChunk {
                id: id.clone(),
                score: vector.iter().zip(query).map(|(a, b)| a * b).sum(),
            })
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score));
        scored.truncate(limit);
        Ok(scored)
    }
}

struct KnowledgeBase {
    keywords: Bm25Index,
    vectors: ExactSearch,
    chunks: HashMap<ChunkId, Chunk>,
}

const TEXTS: &[(&str, &str)] = &[
    (
        "refund",
        "Refunds are paid to the original card within five working days.",
    ),
    (
        "shipping",
        "Every parcel is handed to the courier the day after the order.",
    ),
    (
        "hours",
        "The shop opens at nine and closes at six on weekdays.",
    ),
    (
        "login",
        "After five failed attempts the account is locked for an hour.",
    ),
    (
        "error",
        "Code E1234 on the terminal means the parcel label printer has no paper left.",
    ),
];

fn knowledge_base() -> KnowledgeBase {
    let mut keywords = Bm25Index::new();
    let mut vectors = Vec::new();
    let mut chunks = HashMap::new();
    for (ordinal, (id, text)) in TEXTS.iter().enumerate() {
        let id = ChunkId::from(*id);
        keywords.add(id.clone(), text);
        let vector = ConceptEmbedder.embed(&[text]).expect("embeds").remove(0);
        vectors.push((id.clone(), vector));
        chunks.insert(
            id.clone(),
            Chunk {
                id,
                kb_id: KnowledgeBaseId::from("kb_help"),
                document_id: DocumentId::from("doc_faq"),
                ordinal: ordinal as u32,
                text: (*text).to_owned(),
                source: ChunkSource {
                    title: "FAQ".to_owned(),
                    url: None,
                    page: Some(1),
                },
            },
        );
    }
    KnowledgeBase {
        keywords,
        vectors: ExactSearch(vectors),
        chunks,
    }
}

fn top_ids(kb: &KnowledgeBase, question: &str, mode: RetrievalMode, top_k: usize) -> Vec<String> {
    let retriever = Retriever::new(&kb.keywords, &kb.vectors, &ConceptEmbedder, &kb.chunks);
    let options = RetrievalOptions {
        top_k,
        mode,
        ..RetrievalOptions::default()
    };
    retriever
        .retrieve(question, &options)
        .expect("retrieves")
        .passages
        .into_iter()
        .map(|passage| passage.chunk.id.as_str().to_owned())
        .collect()
}

#[test]
fn a_paraphrase_without_shared_keywords_is_found_by_vectors_and_by_hybrid() {
    let kb = knowledge_base();
    let question = "can I be reimbursed?";
    assert!(top_ids(&kb, question, RetrievalMode::KeywordOnly, 5).is_empty());
    assert_eq!(
        top_ids(&kb, question, RetrievalMode::VectorOnly, 1),
        vec!["refund"]
    );
    assert_eq!(
        top_ids(&kb, question, RetrievalMode::Hybrid, 1),
        vec!["refund"]
    );
}

#[test]
fn an_exact_code_the_embedder_ignores_is_found_by_keywords_and_by_hybrid() {
    let kb = knowledge_base();
    let question = "what does E1234 mean";
    assert_eq!(
        top_ids(&kb, question, RetrievalMode::KeywordOnly, 1),
        vec!["error"]
    );
    let hybrid = top_ids(&kb, question, RetrievalMode::Hybrid, 2);
    assert_eq!(
        hybrid[0], "error",
        "ranked first by keywords, found by vectors too: {hybrid:?}"
    );
}

#[test]
fn passages_are_capped_at_top_k_best_first_with_their_sources_and_cosines() {
    let kb = knowledge_base();
    let retriever = Retriever::new(&kb.keywords, &kb.vectors, &ConceptEmbedder, &kb.chunks);
    let options = RetrievalOptions {
        top_k: 3,
        ..RetrievalOptions::default()
    };
    let found = retriever
        .retrieve("when does the shop open, and is delivery fast?", &options)
        .expect("retrieves");
    assert_eq!(found.passages.len(), 3);
    for pair in found.passages.windows(2) {
        assert!(pair[0].score >= pair[1].score);
    }
    let first = &found.passages[0];
    assert!(["hours", "shipping"].contains(&first.chunk.id.as_str()));
    assert_eq!(first.chunk.source.title, "FAQ");
    assert!(first.cosine.is_some_and(|cosine| cosine > 0.5));
}

#[test]
fn confidence_is_high_for_a_related_question_and_low_for_an_unrelated_one() {
    let kb = knowledge_base();
    let retriever = Retriever::new(&kb.keywords, &kb.vectors, &ConceptEmbedder, &kb.chunks);
    let options = RetrievalOptions::default();
    let related = retriever
        .retrieve("my account is locked", &options)
        .expect("retrieves");
    let unrelated = retriever
        .retrieve("who won the football match", &options)
        .expect("retrieves");
    assert!(related.confidence > 0.9, "{}", related.confidence);
    assert!(unrelated.confidence < 0.2, "{}", unrelated.confidence);
    assert!(related.keyword_match);
    assert!(!unrelated.keyword_match);
}

#[test]
fn keyword_only_retrieval_never_calls_the_embedder() {
    let kb = knowledge_base();
    let retriever = Retriever::new(&kb.keywords, &kb.vectors, &BrokenEmbedder, &kb.chunks);
    let keyword_only = RetrievalOptions {
        mode: RetrievalMode::KeywordOnly,
        ..RetrievalOptions::default()
    };
    let found = retriever
        .retrieve("printer paper", &keyword_only)
        .expect("keyword search needs no model");
    assert_eq!(found.passages[0].chunk.id.as_str(), "error");
    assert_eq!(found.confidence, 0.0);
    assert!(
        retriever
            .retrieve("printer paper", &RetrievalOptions::default())
            .is_err(),
        "hybrid reports the embedder's failure"
    );
}

#[test]
fn chunks_that_can_no_longer_be_read_are_skipped() {
    let mut kb = knowledge_base();
    kb.chunks.remove(&ChunkId::from("refund"));
    let ids = top_ids(&kb, "refunds to the card", RetrievalMode::Hybrid, 5);
    assert!(!ids.contains(&"refund".to_owned()));
    assert!(!ids.is_empty());
}

#[test]
fn a_precomputed_query_vector_gives_the_same_passages_without_calling_the_embedder() {
    let kb = knowledge_base();
    let options = RetrievalOptions::default();
    let question = "my parcel has not arrived";
    let embedded = Retriever::new(&kb.keywords, &kb.vectors, &ConceptEmbedder, &kb.chunks)
        .retrieve(question, &options)
        .expect("retrieves");
    let query = query_vector(&ConceptEmbedder, question, options.mode).expect("embeds");
    let precomputed = Retriever::new(&kb.keywords, &kb.vectors, &BrokenEmbedder, &kb.chunks)
        .retrieve_with_vector(question, query.as_deref(), &options)
        .expect("the broken embedder is never called");
    assert_eq!(precomputed, embedded);
    assert_eq!(precomputed.passages[0].chunk.id.as_str(), "shipping");
    let keyword_only = query_vector(&BrokenEmbedder, question, RetrievalMode::KeywordOnly);
    assert!(matches!(keyword_only, Ok(None)));
}
