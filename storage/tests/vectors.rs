//! The usearch vector index of a knowledge base: search, removal, replacement, growth and
//! saving to bytes.

use botwot_engine::ids::ChunkId;
use botwot_engine::knowledge::{VectorSearch, VectorSearchError};
use botwot_storage::vectors::{ChunkVectors, VectorIndexError};

const DIMENSIONS: usize = 32;

/// Deterministic pseudo-random unit vectors (xorshift64*).
struct Vectors(u64);

impl Vectors {
    fn next_vector(&mut self) -> Vec<f32> {
        let mut vector: Vec<f32> = (0..DIMENSIONS)
            .map(|_| {
                self.0 ^= self.0 >> 12;
                self.0 ^= self.0 << 25;
                self.0 ^= self.0 >> 27;
                let bits = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 40;
                bits as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        vector.iter_mut().for_each(|x| *x /= norm);
        vector
    }
}

fn chunk(index: usize) -> ChunkId {
    ChunkId::new(format!("chk_{index}"))
}

fn filled(count: usize) -> (ChunkVectors, Vec<Vec<f32>>) {
    let mut random = Vectors(0x9e37_79b9_7f4a_7c15);
    let mut vectors = ChunkVectors::new(DIMENSIONS).expect("index");
    let mut stored = Vec::new();
    for index in 0..count {
        let vector = random.next_vector();
        vectors.upsert(chunk(index), &vector).expect("add");
        stored.push(vector);
    }
    (vectors, stored)
}

#[test]
fn each_stored_vector_finds_its_own_chunk_first_with_cosine_one() {
    let (vectors, stored) = filled(3000);
    assert_eq!(vectors.len(), 3000);
    let mut found_first = 0;
    for (index, vector) in stored.iter().enumerate().step_by(10) {
        let hits = vectors.search(vector, 5).expect("search");
        assert_eq!(hits.len(), 5);
        for pair in hits.windows(2) {
            assert!(pair[0].score >= pair[1].score);
        }
        if hits[0].id == chunk(index) {
            found_first += 1;
            assert!((hits[0].score - 1.0).abs() < 1e-4, "{}", hits[0].score);
        }
    }
    // HNSW is approximate; with 3000 vectors it should essentially never miss.
    assert!(found_first >= 295, "{found_first} of 300 found first");
}

#[test]
fn removed_chunks_are_no_longer_found() {
    let (mut vectors, stored) = filled(50);
    assert!(vectors.remove(&chunk(7)).expect("remove"));
    assert!(!vectors.remove(&chunk(7)).expect("second remove"));
    let hits = vectors.search(&stored[7], 50).expect("search");
    assert!(hits.iter().all(|hit| hit.id != chunk(7)));
    assert_eq!(hits.len(), 49);
    assert_eq!(vectors.len(), 49);
}

#[test]
fn upserting_a_chunk_replaces_its_vector() {
    let (mut vectors, stored) = filled(20);
    vectors.upsert(chunk(3), &stored[15]).expect("replace");
    assert_eq!(vectors.len(), 20);
    let hits = vectors.search(&stored[3], 20).expect("search");
    assert!(hits[0].id != chunk(3), "old vector is gone");
    let hits = vectors.search(&stored[15], 2).expect("search");
    let ids: Vec<_> = hits.iter().map(|hit| hit.id.clone()).collect();
    assert!(ids.contains(&chunk(3)) && ids.contains(&chunk(15)));
}

#[test]
fn vectors_of_the_wrong_length_are_refused() {
    let (mut vectors, _) = filled(3);
    assert!(matches!(
        vectors.upsert(chunk(9), &[1.0, 0.0]),
        Err(VectorIndexError::Dimensions {
            expected: DIMENSIONS,
            got: 2
        })
    ));
    assert!(matches!(
        vectors.search(&[1.0; 3], 1),
        Err(VectorSearchError::Dimensions { .. })
    ));
}

#[test]
fn an_empty_index_finds_nothing() {
    let vectors = ChunkVectors::new(DIMENSIONS).expect("index");
    let hits = vectors.search(&[0.1; DIMENSIONS], 5).expect("search");
    assert!(hits.is_empty());
}

#[test]
fn bytes_round_trip_keeps_vectors_mapping_and_key_sequence() {
    let (mut vectors, stored) = filled(500);
    vectors.remove(&chunk(0)).expect("remove");
    let bytes = vectors.to_bytes().expect("save");
    let mut restored = ChunkVectors::from_bytes(&bytes).expect("load");
    assert_eq!(restored.len(), 499);
    assert_eq!(restored.dimensions(), DIMENSIONS);
    for vector in stored.iter().skip(1).step_by(25) {
        assert_eq!(
            vectors.search(vector, 5).expect("search"),
            restored.search(vector, 5).expect("search restored")
        );
    }
    // New chunks get fresh keys that do not collide with restored ones.
    restored
        .upsert(chunk(1000), &stored[0])
        .expect("add after load");
    assert_eq!(
        restored.search(&stored[0], 1).expect("search")[0].id,
        chunk(1000)
    );
}

#[test]
fn corrupt_blobs_are_refused() {
    assert!(ChunkVectors::from_bytes(b"not an index").is_err());
    let (vectors, _) = filled(10);
    let bytes = vectors.to_bytes().expect("save");
    assert!(ChunkVectors::from_bytes(&bytes[..bytes.len() / 2]).is_err());
}
