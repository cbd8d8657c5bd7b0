//! Feeds arbitrary UTF-8 text to `Chunker::split` under an arbitrary valid configuration: the
//! first input byte is the chunk length, the second the overlap, the rest the text.
//!
//! Must hold: nothing panics; every chunk is the trimmed text of its byte range and at most
//! `max_chars` characters; chunks move forward; together they cover every non-whitespace
//! character of the text (whatever lies outside them is whitespace).

#![no_main]

use botwot_engine::knowledge::{Chunker, ChunkerConfig, TextSpan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, u8, &str)| {
    let (max, overlap, text) = input;
    let max_chars = usize::from(max).max(1);
    let config = ChunkerConfig {
        max_chars,
        overlap_chars: usize::from(overlap) % max_chars,
    };
    let chunker = Chunker::new(config).expect("overlap below the length is valid");
    let chunks = chunker.split(text);
    for chunk in &chunks {
        assert_eq!(chunk.text, text[chunk.start..chunk.end].trim());
        assert!(!chunk.text.is_empty());
        assert!(chunk.text.chars().count() <= max_chars, "{chunk:?}");
    }
    for pair in chunks.windows(2) {
        assert!(pair[0].start < pair[1].start && pair[0].end < pair[1].end);
    }
    assert_covered(text, &chunks);
});

/// Whatever no chunk covers is whitespace.
fn assert_covered(text: &str, chunks: &[TextSpan]) {
    let mut covered_to = 0;
    for chunk in chunks {
        if chunk.start > covered_to {
            assert!(
                text[covered_to..chunk.start].trim().is_empty(),
                "gap before {chunk:?}"
            );
        }
        covered_to = covered_to.max(chunk.end);
    }
    assert!(
        text[covered_to..].trim().is_empty(),
        "text after the last chunk"
    );
}
