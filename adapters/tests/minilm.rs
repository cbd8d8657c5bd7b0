//! The local embedding model (all-MiniLM-L6-v2 through candle) on real sentences.
//!
//! Needs the model: install it with `deploy/install-model.sh` (or point
//! `BOTWOT_EMBEDDING_MODEL_DIR` at a folder holding it). Without it these tests fail, on purpose.

use botwot_adapters::embeddings::{MiniLmEmbedder, locate_model};
use botwot_engine::knowledge::Embedder;
use std::sync::OnceLock;

fn model() -> &'static MiniLmEmbedder {
    static MODEL: OnceLock<MiniLmEmbedder> = OnceLock::new();
    MODEL.get_or_init(|| {
        let dir = locate_model()
            .unwrap_or_else(|error| panic!("these tests need the local embedding model: {error}"));
        MiniLmEmbedder::load(&dir).unwrap_or_else(|error| {
            panic!(
                "the embedding model in {} does not load: {error}",
                dir.display()
            )
        })
    })
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn vectors_have_384_dimensions_and_unit_length() {
    let long = "A much longer text than the model reads at once. ".repeat(100);
    let texts = ["Where is my order?", "", long.as_str()];
    let vectors = model().embed(&texts).expect("embeds");
    assert_eq!(model().dimensions(), 384);
    assert_eq!(vectors.len(), 3);
    for vector in &vectors {
        assert_eq!(vector.len(), 384);
        let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
    }
}

#[test]
fn paraphrases_are_closer_than_unrelated_sentences() {
    let pairs = [
        (
            "How can I get my money back?",
            "What is the refund process?",
            "The cat is sleeping on the sofa.",
        ),
        (
            "The parcel has not arrived yet.",
            "My delivery is late.",
            "Python is a programming language.",
        ),
        (
            "When does the shop open in the morning?",
            "What are your opening hours?",
            "I would like to change my password.",
        ),
    ];
    for (question, paraphrase, unrelated) in pairs {
        let vectors = model()
            .embed(&[question, paraphrase, unrelated])
            .expect("embeds");
        let close = cosine(&vectors[0], &vectors[1]);
        let far = cosine(&vectors[0], &vectors[2]);
        assert!(
            close > far + 0.2,
            "{question:?}: paraphrase {close:.3}, unrelated {far:.3}"
        );
        assert!(close > 0.4, "{question:?}: paraphrase only {close:.3}");
    }
}

#[test]
fn batching_does_not_change_a_text_s_vector() {
    let alone = model().embed(&["Refunds take five days."]).expect("embeds");
    let batched = model()
        .embed(&[
            "A long sentence about deliveries, couriers, parcels and addresses that pads the batch.",
            "Refunds take five days.",
            "Hi",
        ])
        .expect("embeds");
    let similarity = cosine(&alone[0], &batched[1]);
    assert!(
        similarity > 0.9999,
        "padding changed the vector: {similarity}"
    );
}

#[test]
fn matches_the_sentence_transformers_reference_output() {
    // First values of `SentenceTransformer("all-MiniLM-L6-v2").encode("This is an example
    // sentence")`, as printed in the sentence-transformers documentation and model card examples.
    let reference = [
        0.067_656_92,
        0.063_495_94,
        0.048_713_1,
        0.079_293_01,
        0.037_448_06,
    ];
    let vector = model()
        .embed(&["This is an example sentence"])
        .expect("embeds")
        .remove(0);
    for (index, expected) in reference.iter().enumerate() {
        assert!(
            (vector[index] - expected).abs() < 1e-4,
            "dimension {index}: {} vs reference {expected}",
            vector[index]
        );
    }
}
