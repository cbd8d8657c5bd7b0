//! The local brain's answer: sentences lifted from the best passages, never invented. Sentences
//! that share the question's terms are kept in passage order, repeats (chunks overlap) dropped,
//! and the answer stops at the bot's word limit. When retrieval is not confident, or no passage
//! sentence shares a term with the question, there is no answer and the caller says it does
//! not know.

use super::retriever::Retrieval;
use super::tokenize::terms;
use super::types::Passage;
use crate::bot::BotTone;
use crate::brain::{AnswerSource, limit_words};
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExtractiveOptions {
    /// The least cosine similarity between the question and its nearest chunk that counts as
    /// knowing the answer. Its scale depends on the embedder.
    pub min_confidence: f32,
    /// Passages sentences are taken from.
    pub max_passages: usize,
}

impl Default for ExtractiveOptions {
    fn default() -> Self {
        Self {
            min_confidence: 0.25,
            max_passages: 3,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ComposedAnswer {
    pub text: String,
    pub sources: Vec<AnswerSource>,
}

/// The answer to `question` from `retrieval`, within `word_limit` words, or `None` when the
/// knowledge does not answer it.
pub fn compose_answer(
    question: &str,
    retrieval: &Retrieval,
    tone: BotTone,
    word_limit: u32,
    options: &ExtractiveOptions,
) -> Option<ComposedAnswer> {
    let vectors_ran = retrieval.passages.iter().any(|p| p.cosine.is_some());
    if vectors_ran && retrieval.confidence < options.min_confidence {
        return None;
    }
    let question_terms: HashSet<String> = terms(question).into_iter().collect();
    if question_terms.is_empty() {
        return None;
    }
    let passages: Vec<&Passage> = retrieval
        .passages
        .iter()
        .take(options.max_passages)
        .collect();
    let mut seen = HashSet::new();
    let mut chosen: Vec<(usize, String)> = Vec::new();
    for (rank, passage) in passages.iter().enumerate() {
        for sentence in sentences(&passage.chunk.text) {
            let sentence_terms: HashSet<String> = terms(sentence).into_iter().collect();
            if sentence_terms.is_disjoint(&question_terms) {
                continue;
            }
            if seen.insert(normalise(sentence)) {
                chosen.push((rank, sentence.to_owned()));
            }
        }
    }
    if chosen.is_empty() {
        return None;
    }
    let lead = lead_in(tone);
    let budget = usize::try_from(word_limit)
        .unwrap_or(usize::MAX)
        .saturating_sub(lead.split_whitespace().count())
        .max(1);
    let mut text = String::new();
    let mut words = 0;
    let mut used_ranks = Vec::new();
    for (rank, sentence) in &chosen {
        let count = sentence.split_whitespace().count();
        if words > 0 && words + count > budget {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(sentence);
        words += count;
        if !used_ranks.contains(rank) {
            used_ranks.push(*rank);
        }
    }
    let body = limit_words(&text, u32::try_from(budget).unwrap_or(u32::MAX));
    Some(ComposedAnswer {
        text: format!("{lead}{body}"),
        sources: sources(used_ranks.iter().map(|&rank| passages[rank])),
    })
}

/// What the answer opens with in the bot's tone.
fn lead_in(tone: BotTone) -> &'static str {
    match tone {
        BotTone::Friendly => "Happy to help! ",
        BotTone::Casual => "Sure — ",
        BotTone::Professional => "",
    }
}

/// The sentences of a passage: split after `.`, `!` or `?` followed by a space, and at line
/// breaks (lists and headings end without punctuation).
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').flat_map(|line| {
        let mut pieces = Vec::new();
        let mut start = 0;
        let bytes = line.as_bytes();
        for (i, &byte) in bytes.iter().enumerate() {
            let ends = matches!(byte, b'.' | b'!' | b'?')
                && bytes.get(i + 1).is_some_and(|next| *next == b' ');
            if ends {
                pieces.push(&line[start..=i]);
                start = i + 1;
            }
        }
        pieces.push(&line[start..]);
        pieces.into_iter().map(str::trim).filter(|s| !s.is_empty())
    })
}

fn normalise(sentence: &str) -> String {
    sentence
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One source per document page (or page URL), in the order first used.
pub fn sources<'a>(passages: impl Iterator<Item = &'a Passage>) -> Vec<AnswerSource> {
    let mut found: Vec<AnswerSource> = Vec::new();
    for passage in passages {
        let source = &passage.chunk.source;
        let location = source
            .url
            .clone()
            .or_else(|| source.page.map(|page| format!("page {page}")));
        let candidate = AnswerSource {
            title: source.title.clone(),
            location,
        };
        if !found.contains(&candidate) {
            found.push(candidate);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ChunkId, DocumentId, KnowledgeBaseId};
    use crate::knowledge::{Chunk, ChunkSource};

    fn passage(text: &str, page: Option<u32>, cosine: Option<f32>) -> Passage {
        Passage {
            chunk: Chunk {
                id: ChunkId::generate(),
                kb_id: KnowledgeBaseId::from("kb"),
                document_id: DocumentId::from("doc"),
                ordinal: 0,
                text: text.into(),
                source: ChunkSource {
                    title: "Policy".into(),
                    url: None,
                    page,
                },
            },
            score: 1.0,
            cosine,
        }
    }

    fn retrieval(passages: Vec<Passage>, confidence: f32) -> Retrieval {
        Retrieval {
            passages,
            confidence,
            keyword_match: true,
        }
    }

    fn answer(question: &str, found: &Retrieval, limit: u32) -> Option<ComposedAnswer> {
        compose_answer(
            question,
            found,
            BotTone::Professional,
            limit,
            &ExtractiveOptions::default(),
        )
    }

    #[test]
    fn keeps_the_sentences_that_answer_in_passage_order_without_repeats() {
        let found = retrieval(
            vec![
                passage(
                    "Our office is in Leeds. Refunds take five days. We love cats.",
                    Some(2),
                    Some(0.6),
                ),
                // Overlapping chunk: the refund sentence again, and one more.
                passage(
                    "Refunds take five days. Refunds go to the original card.",
                    Some(3),
                    Some(0.5),
                ),
            ],
            0.6,
        );
        let composed = answer("How long do refunds take?", &found, 100).expect("answers");
        assert_eq!(
            composed.text,
            "Refunds take five days. Refunds go to the original card."
        );
        let pages: Vec<_> = composed
            .sources
            .iter()
            .map(|s| s.location.clone())
            .collect();
        assert_eq!(pages, [Some("page 2".into()), Some("page 3".into())]);
    }

    #[test]
    fn low_confidence_or_no_shared_terms_means_no_answer() {
        let unsure = retrieval(
            vec![passage("Refunds take five days.", None, Some(0.1))],
            0.1,
        );
        assert_eq!(answer("refunds?", &unsure, 100), None);
        let unrelated = retrieval(
            vec![passage("Refunds take five days.", None, Some(0.9))],
            0.9,
        );
        assert_eq!(answer("Do you sell bicycles?", &unrelated, 100), None);
        assert_eq!(answer("refunds?", &retrieval(Vec::new(), 0.0), 100), None);
    }

    #[test]
    fn keyword_only_retrieval_needs_no_cosine() {
        let keyword_only = retrieval(vec![passage("Refunds take five days.", None, None)], 0.0);
        assert!(answer("refunds", &keyword_only, 100).is_some());
    }

    #[test]
    fn stays_within_the_word_limit_and_speaks_in_tone() {
        let long = "Refunds are paid back to the card you used within five working days of us receiving the parcel.";
        let found = retrieval(vec![passage(long, None, Some(0.8))], 0.8);
        let options = ExtractiveOptions::default();
        let composed = compose_answer("refunds", &found, BotTone::Friendly, 8, &options).unwrap();
        assert!(
            composed.text.starts_with("Happy to help! "),
            "{}",
            composed.text
        );
        assert_eq!(
            composed.text.split_whitespace().count(),
            8,
            "{}",
            composed.text
        );
        assert!(composed.text.ends_with('…'));
    }
}
