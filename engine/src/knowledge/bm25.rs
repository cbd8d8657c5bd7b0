//! A BM25 keyword index over chunks, held in memory and saved as one blob.
//!
//! Terms come from [`super::tokenize::terms`]; postings map each term to the chunks holding it
//! and how often. Scores are Okapi BM25 with the usual `k1 = 1.2`, `b = 0.75` and the
//! non-negative IDF `ln(1 + (N - df + 0.5) / (df + 0.5))`. Removing a chunk marks its slot free;
//! once a quarter of the slots are free the postings are compacted, so document frequencies stay
//! close to exact without a rebuild per removal.

use super::ports::ScoredChunk;
use super::tokenize::terms;
use crate::ids::ChunkId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use thiserror::Error;

/// Version of the byte layout written by [`Bm25Index::to_bytes`].
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Error)]
pub enum Bm25Error {
    #[error("could not encode the keyword index: {0}")]
    Encode(String),
    #[error("could not decode the keyword index: {0}")]
    Decode(String),
    #[error("keyword index format {found} is not supported (expected {FORMAT_VERSION})")]
    UnsupportedFormat { found: u32 },
}

/// BM25's tuning: term-frequency saturation and length normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bm25Params {
    pub k1: f32,
    pub b: f32,
}

impl Default for Bm25Params {
    fn default() -> Self {
        Self { k1: 1.2, b: 0.75 }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct IndexedChunk {
    id: ChunkId,
    /// Number of terms in the chunk.
    length: u32,
}

/// One chunk holding a term: its slot and how many times the term occurs in it.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct Posting {
    slot: u32,
    frequency: u32,
}

/// The keyword index of one knowledge base.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Bm25Index {
    params: Bm25Params,
    /// Chunks by slot; `None` once removed (until the next compaction).
    slots: Vec<Option<IndexedChunk>>,
    slot_of: HashMap<ChunkId, u32>,
    postings: HashMap<String, Vec<Posting>>,
    free_slots: usize,
    total_length: u64,
}

#[derive(Serialize, Deserialize)]
struct Persisted<T> {
    format: u32,
    index: T,
}

impl Bm25Index {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_params(params: Bm25Params) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    /// Number of chunks indexed.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    pub fn contains(&self, id: &ChunkId) -> bool {
        self.slot_of.contains_key(id)
    }

    /// Indexes `text` as chunk `id`, replacing what was indexed under that id before.
    pub fn add(&mut self, id: ChunkId, text: &str) {
        self.remove(&id);
        let slot = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
        let mut frequencies: HashMap<String, u32> = HashMap::new();
        let mut length = 0u32;
        for term in terms(text) {
            *frequencies.entry(term).or_default() += 1;
            length = length.saturating_add(1);
        }
        for (term, frequency) in frequencies {
            self.postings
                .entry(term)
                .or_default()
                .push(Posting { slot, frequency });
        }
        self.total_length += u64::from(length);
        self.slot_of.insert(id.clone(), slot);
        self.slots.push(Some(IndexedChunk { id, length }));
    }

    /// Removes chunk `id`; returns whether it was indexed.
    pub fn remove(&mut self, id: &ChunkId) -> bool {
        let Some(slot) = self.slot_of.remove(id) else {
            return false;
        };
        if let Some(entry) = self.slots.get_mut(slot as usize)
            && let Some(chunk) = entry.take()
        {
            self.total_length -= u64::from(chunk.length);
            self.free_slots += 1;
        }
        if self.free_slots * 4 > self.slots.len() {
            self.compact();
        }
        true
    }

    /// Up to `limit` chunks matching `query`, best first, with their BM25 scores (all > 0).
    pub fn search(&self, query: &str, limit: usize) -> Vec<ScoredChunk> {
        if limit == 0 || self.is_empty() {
            return Vec::new();
        }
        let mut query_terms = terms(query);
        query_terms.sort_unstable();
        query_terms.dedup();

        let live = self.len() as f32;
        let average_length = (self.total_length as f32 / live).max(1.0);
        let Bm25Params { k1, b } = self.params;
        let mut scores = vec![0.0f32; self.slots.len()];
        let mut touched = Vec::new();
        for term in &query_terms {
            let Some(postings) = self.postings.get(term) else {
                continue;
            };
            let document_frequency = postings.len() as f32;
            let idf = (1.0 + (live - document_frequency + 0.5) / (document_frequency + 0.5)).ln();
            for posting in postings {
                let Some(Some(chunk)) = self.slots.get(posting.slot as usize) else {
                    continue;
                };
                let frequency = posting.frequency as f32;
                let norm = k1 * (1.0 - b + b * chunk.length as f32 / average_length);
                let score = &mut scores[posting.slot as usize];
                if *score == 0.0 {
                    touched.push(posting.slot);
                }
                *score += idf * frequency * (k1 + 1.0) / (frequency + norm);
            }
        }
        let by_score = |a: &u32, b: &u32| {
            scores[*b as usize]
                .total_cmp(&scores[*a as usize])
                .then(a.cmp(b))
        };
        if touched.len() > limit {
            touched.select_nth_unstable_by(limit - 1, by_score);
            touched.truncate(limit);
        }
        touched.sort_unstable_by(by_score);
        touched
            .into_iter()
            .filter_map(|slot| {
                let chunk = self.slots.get(slot as usize)?.as_ref()?;
                Some(ScoredChunk {
                    id: chunk.id.clone(),
                    score: scores[slot as usize],
                })
            })
            .filter(|found| found.score > 0.0)
            .collect()
    }

    /// The index as bytes, to store as a blob.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Bm25Error> {
        postcard::to_stdvec(&Persisted {
            format: FORMAT_VERSION,
            index: self,
        })
        .map_err(|error| Bm25Error::Encode(error.to_string()))
    }

    /// Reads an index written by [`Bm25Index::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Bm25Error> {
        let format: u32 = postcard::take_from_bytes::<u32>(bytes)
            .map_err(|error| Bm25Error::Decode(error.to_string()))?
            .0;
        if format != FORMAT_VERSION {
            return Err(Bm25Error::UnsupportedFormat { found: format });
        }
        let persisted: Persisted<Self> =
            postcard::from_bytes(bytes).map_err(|error| Bm25Error::Decode(error.to_string()))?;
        persisted.index.validated()
    }

    /// Checks that slots and postings agree, so a corrupt blob cannot cause a panic later.
    fn validated(self) -> Result<Self, Bm25Error> {
        let slots = self.slots.len();
        let postings_in_range = self
            .postings
            .values()
            .flatten()
            .all(|posting| (posting.slot as usize) < slots);
        let lookup_in_range = self.slot_of.values().all(|&slot| {
            self.slots
                .get(slot as usize)
                .is_some_and(|entry| entry.is_some())
        });
        if postings_in_range && lookup_in_range {
            Ok(self)
        } else {
            Err(Bm25Error::Decode("slots out of range".to_owned()))
        }
    }

    /// Drops free slots and the postings pointing at them, renumbering the rest.
    fn compact(&mut self) {
        let mut new_slot = vec![u32::MAX; self.slots.len()];
        let mut slots = Vec::with_capacity(self.slot_of.len());
        for (old, entry) in self.slots.drain(..).enumerate() {
            if let Some(chunk) = entry {
                new_slot[old] = slots.len() as u32;
                slots.push(Some(chunk));
            }
        }
        self.postings.retain(|_, postings| {
            postings.retain_mut(|posting| {
                let renumbered = new_slot[posting.slot as usize];
                posting.slot = renumbered;
                renumbered != u32::MAX
            });
            !postings.is_empty()
        });
        for slot in self.slot_of.values_mut() {
            *slot = new_slot[*slot as usize];
        }
        self.slots = slots;
        self.free_slots = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[(&str, &str)]) -> Bm25Index {
        let mut index = Bm25Index::new();
        for (id, text) in texts {
            index.add(ChunkId::from(*id), text);
        }
        index
    }

    fn ids(found: &[ScoredChunk]) -> Vec<&str> {
        found.iter().map(|chunk| chunk.id.as_str()).collect()
    }

    fn sample() -> Bm25Index {
        index(&[
            (
                "hours",
                "Our shop opens at nine and closes at six on weekdays.",
            ),
            (
                "refund",
                "Refunds are paid back to the original card within five days.",
            ),
            (
                "shipping",
                "Shipping is free for orders over fifty euros. Shipping takes two days.",
            ),
            (
                "returns",
                "Returns are accepted within thirty days with the receipt.",
            ),
        ])
    }

    #[test]
    fn the_chunk_sharing_the_rare_terms_ranks_first() {
        let found = sample().search("how long does shipping take?", 3);
        assert_eq!(ids(&found), vec!["shipping"]);
        let found = sample().search("when are refunds paid", 3);
        assert_eq!(ids(&found)[0], "refund");
    }

    #[test]
    fn more_occurrences_and_shorter_chunks_score_higher() {
        let index = index(&[
            (
                "once",
                "invoice details and many other unrelated words about nothing in particular",
            ),
            ("twice", "invoice invoice details"),
        ]);
        let found = index.search("invoice", 2);
        assert_eq!(ids(&found), vec!["twice", "once"]);
        assert!(found[0].score > found[1].score);
    }

    #[test]
    fn stopword_only_queries_and_unknown_terms_find_nothing() {
        assert!(sample().search("what is the", 5).is_empty());
        assert!(sample().search("zeppelin", 5).is_empty());
        assert!(sample().search("shipping", 0).is_empty());
    }

    #[test]
    fn limit_caps_the_results() {
        let found = sample().search("days", 2);
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn removed_chunks_are_not_found_and_compaction_keeps_the_rest() {
        let mut index = sample();
        assert!(index.remove(&ChunkId::from("shipping")));
        assert!(!index.remove(&ChunkId::from("shipping")));
        assert!(index.search("shipping", 5).is_empty());
        assert!(index.remove(&ChunkId::from("hours")));
        assert_eq!(index.len(), 2);
        assert_eq!(index.free_slots, 0, "half the slots were free: compacted");
        assert_eq!(ids(&index.search("receipt", 5)), vec!["returns"]);
        assert_eq!(ids(&index.search("card", 5)), vec!["refund"]);
    }

    #[test]
    fn adding_an_existing_id_replaces_its_text() {
        let mut index = sample();
        index.add(ChunkId::from("hours"), "Closed on public holidays.");
        assert_eq!(index.len(), 4);
        assert!(index.search("weekdays", 5).is_empty());
        assert_eq!(ids(&index.search("holidays", 5)), vec!["hours"]);
    }

    #[test]
    fn bytes_round_trip_gives_the_same_results() {
        let index = sample();
        let bytes = index.to_bytes().expect("encode");
        let restored = Bm25Index::from_bytes(&bytes).expect("decode");
        for query in ["shipping days", "refund card", "open nine"] {
            assert_eq!(index.search(query, 4), restored.search(query, 4));
        }
    }

    #[test]
    fn garbage_and_future_formats_are_refused() {
        assert!(Bm25Index::from_bytes(&[0xff, 0xff, 0xff]).is_err());
        let mut bytes = sample().to_bytes().expect("encode");
        bytes[0] = 9;
        assert!(matches!(
            Bm25Index::from_bytes(&bytes),
            Err(Bm25Error::UnsupportedFormat { found: 9 })
        ));
    }
}
