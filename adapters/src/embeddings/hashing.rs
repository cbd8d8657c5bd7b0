//! The hashing embedder: the offline fallback when the local model is not installed.
//!
//! Feature hashing of word unigrams and bigrams (after the keyword tokeniser's lowercasing,
//! stopword removal and plural folding) into a fixed number of dimensions, each feature adding
//! +1 or -1 as a second hash decides, then L2-normalised. Cosine similarity then measures shared
//! words, weighted toward shared phrases; it knows no synonyms. Hashes are FNV-1a, stable across
//! builds and machines, so stored vectors stay valid.

use botwot_engine::knowledge::tokenize::terms;
use botwot_engine::knowledge::{EmbedError, Embedder};

/// Dimensions of the hashing embedder by default: the same as the local model's.
pub const DEFAULT_HASHING_DIMENSIONS: usize = 384;

/// Weight of a bigram relative to a single word.
const BIGRAM_WEIGHT: f32 = 0.5;

#[derive(Clone, Debug)]
pub struct HashingEmbedder {
    dimensions: usize,
}

impl Default for HashingEmbedder {
    fn default() -> Self {
        Self::new(DEFAULT_HASHING_DIMENSIONS)
    }
}

impl HashingEmbedder {
    /// The name it reports (`Embedder::name`), by which callers tell it from a real model.
    pub const NAME: &'static str = "hashing";

    /// A hashing embedder with `dimensions` dimensions (at least 1).
    pub fn new(dimensions: usize) -> Self {
        Self {
            dimensions: dimensions.max(1),
        }
    }

    fn embed_one(&self, text: &str) -> Vec<f32> {
        let mut vector = vec![0.0f32; self.dimensions];
        let words = terms(text);
        if words.is_empty() {
            // Text with no words still gets a unit vector, shared by all such texts.
            self.add_feature(&mut vector, b"", 1.0);
        }
        for word in &words {
            self.add_feature(&mut vector, word.as_bytes(), 1.0);
        }
        for pair in words.windows(2) {
            let bigram = format!("{} {}", pair[0], pair[1]);
            self.add_feature(&mut vector, bigram.as_bytes(), BIGRAM_WEIGHT);
        }
        let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            vector.iter_mut().for_each(|x| *x /= norm);
        }
        vector
    }

    fn add_feature(&self, vector: &mut [f32], feature: &[u8], weight: f32) {
        let hash = fnv1a(feature);
        let index = (hash % self.dimensions as u64) as usize;
        let sign = if (hash >> 63) == 0 { 1.0 } else { -1.0 };
        vector[index] += sign * weight;
    }
}

impl Embedder for HashingEmbedder {
    fn dimensions(&self) -> usize {
        self.dimensions
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(texts.iter().map(|text| self.embed_one(text)).collect())
    }

    fn name(&self) -> &str {
        Self::NAME
    }
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    fn embed(texts: &[&str]) -> Vec<Vec<f32>> {
        HashingEmbedder::default().embed(texts).expect("embeds")
    }

    #[test]
    fn vectors_have_384_unit_length_dimensions() {
        let vectors = embed(&["refund policy for damaged goods", "", "!!!"]);
        for vector in &vectors {
            assert_eq!(vector.len(), 384);
            let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
        }
    }

    #[test]
    fn texts_sharing_words_are_closer_than_unrelated_texts() {
        let vectors = embed(&[
            "how do I get a refund for a damaged order",
            "refund for damaged orders",
            "the weather in Paris is sunny today",
        ]);
        let related = cosine(&vectors[0], &vectors[1]);
        let unrelated = cosine(&vectors[0], &vectors[2]);
        assert!(related > 0.6, "related {related}");
        assert!(unrelated.abs() < 0.2, "unrelated {unrelated}");
    }

    #[test]
    fn word_order_matters_through_bigrams() {
        let vectors = embed(&["dog bites man", "man bites dog", "dog bites man"]);
        let same = cosine(&vectors[0], &vectors[2]);
        let swapped = cosine(&vectors[0], &vectors[1]);
        assert!((same - 1.0).abs() < 1e-5);
        assert!(swapped < 0.95, "swapped {swapped}");
    }

    #[test]
    fn hashes_are_stable_fnv1a() {
        // Reference values of 64-bit FNV-1a.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
