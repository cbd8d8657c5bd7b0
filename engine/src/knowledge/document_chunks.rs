//! From an extracted document to the chunks that get indexed. Sections on one page are read as
//! one text (headings kept as their own lines), so a chunk never spans two pages and every chunk
//! can cite its page; documents without pages are chunked as one text.

use super::chunk::Chunker;
use super::services::{ExtractedSection, ExtractedText};
use super::types::{Chunk, ChunkSource};
use crate::ids::{ChunkId, DocumentId, KnowledgeBaseId};

/// What every chunk of one document shares.
#[derive(Clone, Debug)]
pub struct ChunkOrigin<'a> {
    pub kb_id: &'a KnowledgeBaseId,
    pub document_id: &'a DocumentId,
    pub title: &'a str,
    pub url: Option<&'a str>,
}

/// The chunk id of the `ordinal`-th chunk of a document: stable, so re-ingesting a document
/// replaces its chunks one for one.
pub fn chunk_id(document: &DocumentId, ordinal: u32) -> ChunkId {
    ChunkId::new(format!("{}-{ordinal}", document.as_str()))
}

/// The chunks of `text`, in document order.
pub fn document_chunks(
    text: &ExtractedText,
    chunker: &Chunker,
    origin: &ChunkOrigin,
) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    for (page, page_text) in texts_by_page(&text.sections) {
        for span in chunker.split(&page_text) {
            let ordinal = u32::try_from(chunks.len()).unwrap_or(u32::MAX);
            chunks.push(Chunk {
                id: chunk_id(origin.document_id, ordinal),
                kb_id: origin.kb_id.clone(),
                document_id: origin.document_id.clone(),
                ordinal,
                text: span.text,
                source: ChunkSource {
                    title: origin.title.to_owned(),
                    url: origin.url.map(str::to_owned),
                    page,
                },
            });
        }
    }
    chunks
}

/// Consecutive sections joined per page, each heading written once before its text.
fn texts_by_page(sections: &[ExtractedSection]) -> Vec<(Option<u32>, String)> {
    let mut texts: Vec<(Option<u32>, String)> = Vec::new();
    let mut last_heading: Option<&str> = None;
    for section in sections {
        if texts.last().is_none_or(|(page, _)| *page != section.page) {
            texts.push((section.page, String::new()));
            last_heading = None;
        }
        let Some((_, text)) = texts.last_mut() else {
            continue;
        };
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        if let Some(heading) = section.heading.as_deref()
            && last_heading != Some(heading)
            && !section.text.starts_with(heading)
        {
            text.push_str(heading);
            text.push('\n');
        }
        last_heading = section.heading.as_deref();
        text.push_str(&section.text);
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::ChunkerConfig;

    fn section(text: &str, page: Option<u32>, heading: Option<&str>) -> ExtractedSection {
        ExtractedSection {
            text: text.into(),
            page,
            heading: heading.map(str::to_owned),
        }
    }

    fn chunks_of(sections: Vec<ExtractedSection>, max_chars: usize) -> Vec<Chunk> {
        let chunker = Chunker::new(ChunkerConfig {
            max_chars,
            overlap_chars: 0,
        })
        .expect("valid");
        let text = ExtractedText {
            title: None,
            sections,
            pages: None,
        };
        let (kb, doc) = (KnowledgeBaseId::from("kb1"), DocumentId::from("doc1"));
        let origin = ChunkOrigin {
            kb_id: &kb,
            document_id: &doc,
            title: "Guide",
            url: None,
        };
        document_chunks(&text, &chunker, &origin)
    }

    #[test]
    fn chunks_never_span_two_pages_and_cite_theirs() {
        let chunks = chunks_of(
            vec![
                section("Returns are free.", Some(1), None),
                section("Within 30 days.", Some(1), None),
                section("Shipping takes 2 days.", Some(2), None),
            ],
            1000,
        );
        assert_eq!(chunks.len(), 2);
        assert!(chunks[0].text.contains("Returns") && chunks[0].text.contains("30 days"));
        assert_eq!(chunks[0].source.page, Some(1));
        assert_eq!(chunks[1].source.page, Some(2));
        assert_eq!(chunks[1].id, chunk_id(&DocumentId::from("doc1"), 1));
        assert_eq!(chunks[1].ordinal, 1);
    }

    #[test]
    fn headings_are_written_once_before_their_text() {
        let chunks = chunks_of(
            vec![
                section("Free within 30 days.", None, Some("Returns")),
                section("Keep the receipt.", None, Some("Returns")),
                section("Two days.", None, Some("Shipping")),
            ],
            1000,
        );
        assert_eq!(chunks.len(), 1);
        assert_eq!(
            chunks[0].text,
            "Returns\nFree within 30 days.\n\nKeep the receipt.\n\nShipping\nTwo days."
        );
    }

    #[test]
    fn long_text_is_cut_into_ordered_chunks() {
        let long = "One sentence here. ".repeat(40);
        let chunks = chunks_of(vec![section(&long, None, None)], 100);
        assert!(chunks.len() > 5);
        assert!(
            chunks
                .iter()
                .enumerate()
                .all(|(i, c)| c.ordinal as usize == i)
        );
    }
}
