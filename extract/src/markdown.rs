//! Markdown (CommonMark with tables): plain text without markup; every heading starts a section and
//! the first level-one heading is the title. Raw HTML inside the Markdown is left out.

use super::ExtractedDocument;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::sections::{SectionWriter, collapse_whitespace};
use super::text_decoding::decode_text;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Extracts a Markdown document.
pub(crate) fn extract_markdown(
    bytes: &[u8],
    budget: &mut Budget<'_>,
) -> Result<ExtractedDocument, ExtractError> {
    let text = decode_text(bytes);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut sections = SectionWriter::new();
    let mut title: Option<String> = None;
    let mut heading: Option<(HeadingLevel, String)> = None;
    for (count, event) in Parser::new_ext(&text, options).enumerate() {
        if count.is_multiple_of(4096) {
            budget.check_time()?;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, heading_text)) = heading.take() {
                    budget.add_text(&heading_text)?;
                    if level == HeadingLevel::H1 && title.is_none() {
                        title = Some(collapse_whitespace(&heading_text));
                    }
                    sections.start_section(Some(heading_text), None);
                }
            }
            Event::Text(piece)
            | Event::Code(piece)
            | Event::InlineMath(piece)
            | Event::DisplayMath(piece) => match heading.as_mut() {
                Some((_, heading_text)) => heading_text.push_str(&piece),
                None => sections.push_text(&piece, budget)?,
            },
            Event::SoftBreak => match heading.as_mut() {
                Some((_, heading_text)) => heading_text.push(' '),
                None => sections.push_text(" ", budget)?,
            },
            Event::HardBreak => sections.end_block(),
            Event::End(TagEnd::TableCell) => sections.push_text(" | ", budget)?,
            Event::End(
                TagEnd::Paragraph
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition
                | TagEnd::FootnoteDefinition,
            )
            | Event::Rule => sections.end_block(),
            _ => {}
        }
    }
    Ok(ExtractedDocument {
        format: DocumentFormat::Markdown,
        title: title.filter(|title| !title.is_empty()),
        sections: sections.finish(),
    })
}
