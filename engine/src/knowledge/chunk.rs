//! Sentence-aware chunking: cuts a document's text into overlapping chunks for indexing.
//!
//! Text is first cut into sentences (after `.`, `!` and `?` when whitespace follows, after their
//! full-width forms, and at line breaks); a sentence longer than a chunk is cut between words,
//! and a word longer than a chunk between characters. Sentences are then packed into chunks of
//! at most `max_chars` characters. A chunk ends at a paragraph break when one falls in its second
//! half. Each chunk starts with the last whole sentences of the one before, up to
//! `overlap_chars`, or, when its last sentence is longer than that, with the last words of it.
//! Lengths are counted in characters (not bytes) and no cut falls inside a UTF-8 character.

use thiserror::Error;

/// How long chunks are and how much consecutive chunks share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkerConfig {
    /// Longest chunk, in characters.
    pub max_chars: usize,
    /// How many characters at the end of a chunk are repeated at the start of the next, at most.
    pub overlap_chars: usize,
}

impl Default for ChunkerConfig {
    fn default() -> Self {
        Self {
            max_chars: 1000,
            overlap_chars: 200,
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ChunkerConfigError {
    #[error("chunk length must be at least 1 character")]
    EmptyChunks,
    #[error("overlap ({overlap}) must be shorter than the chunk length ({max})")]
    OverlapTooLong { overlap: usize, max: usize },
}

/// A piece of the input text: its byte range and its text (trimmed of surrounding whitespace).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Cuts text into chunks; see the module documentation for the rules.
#[derive(Clone, Debug, Default)]
pub struct Chunker {
    config: ChunkerConfig,
}

/// A sentence (or a piece of an over-long one): a byte range and its length in characters.
#[derive(Clone, Copy, Debug)]
struct Unit {
    start: usize,
    end: usize,
    chars: usize,
    ends_paragraph: bool,
}

impl Chunker {
    pub fn new(config: ChunkerConfig) -> Result<Self, ChunkerConfigError> {
        if config.max_chars == 0 {
            return Err(ChunkerConfigError::EmptyChunks);
        }
        if config.overlap_chars >= config.max_chars {
            return Err(ChunkerConfigError::OverlapTooLong {
                overlap: config.overlap_chars,
                max: config.max_chars,
            });
        }
        Ok(Self { config })
    }

    pub fn config(&self) -> ChunkerConfig {
        self.config
    }

    /// The chunks of `text`, in order. Whitespace-only text has none.
    pub fn split(&self, text: &str) -> Vec<TextSpan> {
        let units = self.units(text);
        let mut chunks = Vec::new();
        if units.is_empty() {
            return chunks;
        }
        let max = self.config.max_chars;
        let mut first = 0usize;
        let mut start = units[0].start;
        // A chunk ends at or after this unit: the first with words the previous chunk did not
        // hold, so that every chunk holds new text.
        let mut must_reach = 0usize;
        loop {
            let mut length = char_count(&text[start..units[first].end]);
            let mut last = first;
            while last + 1 < units.len() && length + units[last + 1].chars <= max {
                last += 1;
                length += units[last].chars;
            }
            if last + 1 < units.len() {
                let from = must_reach.max(first);
                last = self.prefer_paragraph_end(text, &units, from, start, last);
            }
            push_trimmed(&mut chunks, text, start, units[last].end);
            if last + 1 >= units.len() {
                break;
            }
            must_reach = first_with_words(text, &units, last + 1).unwrap_or(last + 1);
            let (next_first, next_start) = self.next_start(text, &units, first, start, last);
            first = next_first;
            start = next_start;
        }
        chunks
    }

    /// Moves the end of a chunk back to the last paragraph break in its second half, if any,
    /// at unit `from` or later.
    fn prefer_paragraph_end(
        &self,
        text: &str,
        units: &[Unit],
        from: usize,
        start: usize,
        last: usize,
    ) -> usize {
        let half = self.config.max_chars / 2;
        (from..last)
            .rev()
            .find(|&index| {
                units[index].ends_paragraph && char_count(&text[start..units[index].end]) >= half
            })
            .unwrap_or(last)
    }

    /// Where the chunk after `first..=last` starts: at the earliest of its trailing whole
    /// sentences that fit in the overlap, or else inside its last sentence at a word boundary.
    fn next_start(
        &self,
        text: &str,
        units: &[Unit],
        first: usize,
        start: usize,
        last: usize,
    ) -> (usize, usize) {
        let overlap = self.config.overlap_chars;
        let unit_start = |index: usize| {
            if index == first {
                start
            } else {
                units[index].start
            }
        };
        let mut next = (last + 1, units[last + 1].start);
        if overlap == 0 {
            return next;
        }
        let mut shared = 0usize;
        let mut index = last;
        loop {
            let length = char_count(&text[unit_start(index)..units[index].end]);
            if shared + length > overlap {
                break;
            }
            shared += length;
            next = (index, unit_start(index));
            if index == first {
                break;
            }
            index -= 1;
        }
        if next.0 == last + 1 {
            let tail = word_start_within_tail(text, unit_start(last), units[last].end, overlap);
            next = (last, tail);
        }
        // The next chunk must hold new text: when the overlap and the next words do not fit
        // together (a unit of only whitespace between them counts for nothing), it starts after
        // this chunk with no overlap (both found by fuzzing).
        let max = self.config.max_chars;
        match first_with_words(text, units, last + 1) {
            Some(index) if char_count(&text[next.1..units[index].end]) <= max => {}
            _ => return (last + 1, units[last + 1].start),
        }
        // Always move forward, past where this chunk's text begins (its start trimmed of
        // whitespace), even when the whole chunk would fit in the overlap.
        let rest = &text[start..];
        let text_start = start + (rest.len() - rest.trim_start().len());
        if next.1 <= text_start {
            next = (last + 1, units[last + 1].start);
        }
        next
    }

    /// Sentences of `text`, each at most `max_chars` long, covering all of it.
    fn units(&self, text: &str) -> Vec<Unit> {
        let mut units = Vec::new();
        for (start, end, ends_paragraph) in sentences(text) {
            let chars = char_count(&text[start..end]);
            if chars <= self.config.max_chars {
                units.push(Unit {
                    start,
                    end,
                    chars,
                    ends_paragraph,
                });
                continue;
            }
            let pieces = split_between_words(text, start, end, self.config.max_chars);
            let count = pieces.len();
            for (index, (piece_start, piece_end)) in pieces.into_iter().enumerate() {
                units.push(Unit {
                    start: piece_start,
                    end: piece_end,
                    chars: char_count(&text[piece_start..piece_end]),
                    ends_paragraph: ends_paragraph && index + 1 == count,
                });
            }
        }
        units
    }
}

/// The first unit from `from` on that holds more than whitespace.
fn first_with_words(text: &str, units: &[Unit], from: usize) -> Option<usize> {
    (from..units.len()).find(|&index| !text[units[index].start..units[index].end].trim().is_empty())
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

fn push_trimmed(chunks: &mut Vec<TextSpan>, text: &str, start: usize, end: usize) {
    let slice = &text[start..end];
    let trimmed_start = start + (slice.len() - slice.trim_start().len());
    let trimmed_end = end - (slice.len() - slice.trim_end().len());
    if trimmed_start < trimmed_end {
        chunks.push(TextSpan {
            start: trimmed_start,
            end: trimmed_end,
            text: text[trimmed_start..trimmed_end].to_owned(),
        });
    }
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？')
}

/// Full-width sentence ends (Chinese, Japanese) end a sentence with no space after them.
fn is_full_width_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»')
}

/// Byte ranges of the sentences of `text` (trailing whitespace included, so together they cover
/// the text), each with whether a paragraph (blank line) ends after it.
fn sentences(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let mut cut = None;
        if c == '\n' {
            cut = Some(index + c.len_utf8());
        } else if is_sentence_end(c) {
            let mut end = index + c.len_utf8();
            while let Some(&(next_index, next)) = chars.peek() {
                if is_sentence_end(next) || is_closer(next) {
                    end = next_index + next.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            match chars.peek() {
                Some(&(_, next)) if next.is_whitespace() || is_full_width_end(c) => cut = Some(end),
                None => cut = Some(end),
                _ => {}
            }
        }
        let Some(mut end) = cut else { continue };
        // Swallow the whitespace after the cut, noting whether it holds a blank line.
        let mut newlines = usize::from(c == '\n');
        while let Some(&(next_index, next)) = chars.peek() {
            if !next.is_whitespace() {
                break;
            }
            newlines += usize::from(next == '\n');
            end = next_index + next.len_utf8();
            chars.next();
        }
        out.push((start, end, newlines >= 2));
        start = end;
    }
    if start < text.len() {
        out.push((start, text.len(), false));
    }
    out
}

/// Cuts `text[start..end]` into pieces of at most `max` characters, between words when it can.
fn split_between_words(text: &str, start: usize, end: usize, max: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut piece_start = start;
    let mut count = 0usize;
    let mut last_word_start = None;
    let mut previous_was_space = false;
    for (offset, c) in text[start..end].char_indices() {
        let index = start + offset;
        if count == max {
            let cut = match last_word_start {
                Some(word_start) if word_start > piece_start => word_start,
                _ => index,
            };
            pieces.push((piece_start, cut));
            count = char_count(&text[cut..index]);
            piece_start = cut;
            last_word_start = None;
        }
        if previous_was_space && !c.is_whitespace() {
            last_word_start = Some(index);
        }
        previous_was_space = c.is_whitespace();
        count += 1;
    }
    if piece_start < end {
        pieces.push((piece_start, end));
    }
    pieces
}

/// The start of the first word that begins within the last `overlap` characters of
/// `text[start..end]`, or the character boundary `overlap` characters from the end when no word
/// begins there.
fn word_start_within_tail(text: &str, start: usize, end: usize, overlap: usize) -> usize {
    let slice = &text[start..end];
    let trimmed_len = slice.trim_end().len();
    let body = &slice[..trimmed_len];
    let Some((tail_offset, _)) = body.char_indices().rev().nth(overlap.saturating_sub(1)) else {
        return start;
    };
    let tail = &body[tail_offset..];
    let mut previous_was_space = tail_offset > 0
        && body[..tail_offset]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
    for (offset, c) in tail.char_indices() {
        if previous_was_space && !c.is_whitespace() {
            return start + tail_offset + offset;
        }
        previous_was_space = c.is_whitespace();
    }
    start + tail_offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(index: usize) -> String {
        format!("Sentence number {index} talks about refunds, deliveries and opening hours. ")
    }

    fn chunker(max_chars: usize, overlap_chars: usize) -> Chunker {
        Chunker::new(ChunkerConfig {
            max_chars,
            overlap_chars,
        })
        .expect("valid config")
    }

    /// What the `chunker` fuzz target checks: each chunk is its trimmed range and at most
    /// `max_chars` long, each starts and ends after the one before (so holds new text), and
    /// together they cover the text.
    fn assert_well_formed(text: &str, max_chars: usize, chunks: &[TextSpan]) {
        for chunk in chunks {
            assert_eq!(chunk.text, text[chunk.start..chunk.end].trim(), "{chunk:?}");
            assert!(chunk.text.chars().count() <= max_chars, "{chunk:?}");
        }
        for pair in chunks.windows(2) {
            assert!(
                pair[0].start < pair[1].start && pair[0].end < pair[1].end,
                "{pair:?}"
            );
        }
        assert_covers(text, chunks);
    }

    /// Every non-whitespace character of `text` is inside some chunk.
    fn assert_covers(text: &str, chunks: &[TextSpan]) {
        for (index, c) in text.char_indices() {
            if c.is_whitespace() {
                continue;
            }
            assert!(
                chunks
                    .iter()
                    .any(|chunk| chunk.start <= index && index < chunk.end),
                "byte {index} ({c:?}) is in no chunk"
            );
        }
    }

    /// Found by fuzzing: when the overlap and the next sentence did not fit together, a chunk of
    /// nothing but the previous chunk's overlap came out.
    #[test]
    fn every_chunk_holds_text_the_previous_one_did_not() {
        let text = "First sentence here. Second one follows! A third?\n\nNew paragraph with a verylongwordthatdoesnotfitanywhere at all.";
        assert_well_formed(text, 40, &chunker(40, 8).split(text));
    }

    /// Found by the `chunker` fuzz target: five-character chunks with an overlap of two, where
    /// a unit of only a space followed "here.", and the chunk after it was its overlap and that
    /// space, nothing new.
    #[test]
    fn short_chunks_over_mixed_text_move_forward_and_cover_it() {
        let text = "\u{4f60}\u{597d}\u{3002}\u{4e16}\u{754c}\u{ff01}(\u{8}First sentence h(\u{8}First sentence here. Second one foll";
        assert_well_formed(text, 5, &chunker(5, 2).split(text));
    }

    /// Found by the `chunker` fuzz target's next run: the chunk after one ending in a run of
    /// blank lines started inside it, and preferring that paragraph end took it back to the
    /// same words.
    #[test]
    fn a_paragraph_end_never_takes_a_chunk_back_to_the_previous_ones_words() {
        let text = "\u{2}\u{0}\u{0}\u{0}\u{0}\u{0}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}v\u{0}\u{0}\u{0}\u{0}\u{0}\u{7f}\u{a}\u{0}\u{0}\u{0}\u{0}\u{0}v\u{0}\u{0}\u{0}\u{0}\u{0}\u{7f}\u{a}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}rst sentence h(\u{8}Fi sentew parag ";
        assert_well_formed(text, 39, &chunker(39, 5).split(text));
    }

    /// Found by the `chunker` fuzz target's third run: a chunk whose first unit was blank
    /// lines was followed by one starting where its text began.
    #[test]
    fn a_chunk_after_leading_blank_lines_starts_past_their_text() {
        let text = "\u{5}\u{a}\u{a}\u{7}\u{0}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{e}\u{a}\u{a}~\u{a}\u{0}\u{0}]\u{0}\u{0}\u{0}\u{0}\u{0}v\u{0}\u{0}q\u{0}\u{0}\u{0}\u{0}\u{8}\u{7f}\u{a}\u{2}\u{5}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{a}\u{e}\u{a}\u{a}\u{a}\u{0}\u{0}]\u{0}\u{0}\u{0}\u{0}\u{0}v\u{0}\u{0}q\u{0}";
        assert_well_formed(text, 10, &chunker(10, 2).split(text));
    }

    #[test]
    fn short_text_is_one_trimmed_chunk() {
        let chunks = Chunker::default().split("  Hello there. How are you?\n");
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].text, "Hello there. How are you?");
        assert_eq!(chunks[0].start, 2);
    }

    #[test]
    fn blank_text_has_no_chunks() {
        assert!(Chunker::default().split(" \n\t ").is_empty());
        assert!(Chunker::default().split("").is_empty());
    }

    #[test]
    fn default_chunks_are_at_most_1000_chars_end_on_sentences_and_overlap() {
        let text: String = (0..200).map(sentence).collect();
        let chunks = Chunker::default().split(&text);
        assert!(chunks.len() > 10, "{} chunks", chunks.len());
        for chunk in &chunks {
            assert!(chunk.text.chars().count() <= 1000);
            assert!(chunk.text.chars().count() > 500, "chunks are well filled");
            assert!(
                chunk.text.ends_with('.'),
                "ends on a sentence: {:?}",
                chunk.text
            );
            assert!(chunk.text.starts_with("Sentence"), "starts on a sentence");
            assert_eq!(&text[chunk.start..chunk.end], chunk.text);
        }
        for pair in chunks.windows(2) {
            assert!(pair[1].start < pair[0].end, "consecutive chunks overlap");
            assert!(pair[1].start > pair[0].start, "chunks move forward");
            let shared = text[pair[1].start..pair[0].end].chars().count();
            assert!(shared <= 200, "overlap of {shared} chars");
            assert!(
                shared >= 60,
                "overlap keeps at least one sentence: {shared}"
            );
        }
        assert_covers(&text, &chunks);
    }

    #[test]
    fn overlap_of_zero_shares_nothing() {
        let text: String = (0..50).map(sentence).collect();
        let chunks = chunker(300, 0).split(&text);
        for pair in chunks.windows(2) {
            assert!(pair[1].start >= pair[0].end);
        }
        assert_covers(&text, &chunks);
    }

    #[test]
    fn a_sentence_longer_than_the_overlap_shares_its_last_words() {
        let long = "word ".repeat(100);
        let text = format!("{long}. {long}. {long}.");
        let chunks = chunker(600, 50).split(&text);
        assert!(chunks.len() >= 2);
        for pair in chunks.windows(2) {
            let shared = &text[pair[1].start..pair[0].end];
            assert!(
                !shared.is_empty() && shared.chars().count() <= 50,
                "{shared:?}"
            );
            assert!(
                pair[1].text.starts_with("word"),
                "starts at a word: {:?}",
                pair[1].text
            );
        }
        assert_covers(&text, &chunks);
    }

    #[test]
    fn multibyte_text_without_spaces_is_cut_between_characters() {
        let text = "é🙂日".repeat(700);
        let chunks = chunker(1000, 200).split(&text);
        assert!(chunks.len() >= 3);
        for chunk in &chunks {
            assert!(chunk.text.chars().count() <= 1000);
            assert!(text.is_char_boundary(chunk.start) && text.is_char_boundary(chunk.end));
        }
        assert_covers(&text, &chunks);
    }

    #[test]
    fn a_paragraph_break_in_the_second_half_ends_the_chunk() {
        let first_paragraph: String = (0..9).map(sentence).collect();
        let second_paragraph: String = (10..30).map(sentence).collect();
        let text = format!("{first_paragraph}\n\n{second_paragraph}");
        let chunks = chunker(1000, 0).split(&text);
        assert_eq!(chunks[0].text, first_paragraph.trim_end());
    }

    #[test]
    fn full_width_sentence_ends_are_sentence_boundaries() {
        let text = "これは文です。".repeat(40);
        let chunks = chunker(50, 10).split(&text);
        for chunk in &chunks {
            assert!(chunk.text.ends_with('。'), "{:?}", chunk.text);
        }
    }

    #[test]
    fn a_tiny_sentence_before_a_huge_one_still_moves_forward() {
        let text = format!("Hi. {}", "x".repeat(2500));
        let chunks = chunker(1000, 200).split(&text);
        assert!(
            chunks.len() >= 3 && chunks.len() < 10,
            "{} chunks",
            chunks.len()
        );
        assert_covers(&text, &chunks);
    }

    #[test]
    fn invalid_configs_are_refused() {
        let config = |max_chars, overlap_chars| ChunkerConfig {
            max_chars,
            overlap_chars,
        };
        assert_eq!(
            Chunker::new(config(0, 0)).err(),
            Some(ChunkerConfigError::EmptyChunks)
        );
        assert_eq!(
            Chunker::new(config(100, 100)).err(),
            Some(ChunkerConfigError::OverlapTooLong {
                overlap: 100,
                max: 100
            })
        );
    }
}
