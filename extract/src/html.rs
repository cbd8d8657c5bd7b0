//! HTML pages: visible text in document order, read with html5ever's tokenizer alone (no tree), so
//! time and memory grow linearly however deeply the markup nests. Scripts, styles, navigation and
//! other non-content elements are dropped; `h1`–`h6` start sections; `<title>` is the title.

use super::ExtractedDocument;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::sections::{SectionWriter, collapse_whitespace};
use super::text_decoding::decode_html;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// Elements whose content is not text a reader sees.
const SKIPPED: &[&str] = &[
    "script", "style", "nav", "noscript", "template", "svg", "math", "iframe", "object", "select",
    "noembed", "noframes",
];

/// Longest heading kept as a heading; longer "headings" are body text.
const MAX_HEADING_BYTES: usize = 4096;

/// Elements that end a line of text when they open or close.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
];

/// Extracts an HTML page.
pub(crate) fn extract_html(
    bytes: &[u8],
    budget: &mut Budget<'_>,
) -> Result<ExtractedDocument, ExtractError> {
    let text = decode_html(bytes);
    let sink = HtmlTextSink {
        state: RefCell::new(HtmlText {
            budget,
            sections: SectionWriter::new(),
            title: None,
            in_title: false,
            skipped: Vec::new(),
            open_counts: [0; SKIPPED.len()],
            heading: None,
            at_line_start: true,
            error: None,
            tokens: 0,
        }),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&text));
    // The sink never asks to run a script, so one feed consumes the whole input.
    let _done = tokenizer.feed(&input);
    tokenizer.end();
    let mut state = tokenizer.sink.state.into_inner();
    if state.error.is_none() {
        // A heading left open at the end is ordinary text.
        if let Some(heading) = state.heading.take() {
            state.push(&heading)?;
        }
    }
    if let Some(error) = state.error {
        return Err(error);
    }
    Ok(ExtractedDocument {
        format: DocumentFormat::Html,
        title: state
            .title
            .map(|title| collapse_whitespace(&title))
            .filter(|title| !title.is_empty()),
        sections: state.sections.finish(),
    })
}

struct HtmlTextSink<'b, 'l> {
    state: RefCell<HtmlText<'b, 'l>>,
}

/// What the sink has gathered so far.
struct HtmlText<'b, 'l> {
    budget: &'b mut Budget<'l>,
    sections: SectionWriter,
    /// The text of the first `<title>`.
    title: Option<String>,
    in_title: bool,
    /// Open skipped elements (indices into [`SKIPPED`]), innermost last.
    skipped: Vec<usize>,
    /// How many of each skipped element are open, so an end tag with none open costs nothing.
    open_counts: [u32; SKIPPED.len()],
    /// `Some` while inside `h1`–`h6`.
    heading: Option<String>,
    at_line_start: bool,
    /// The first error; later tokens are ignored.
    error: Option<ExtractError>,
    tokens: u64,
}

impl TokenSink for HtmlTextSink<'_, '_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        if state.error.is_some() {
            return TokenSinkResult::Continue;
        }
        state.tokens += 1;
        let result = match token {
            Token::TagToken(tag) => state.tag(&tag),
            Token::CharacterTokens(text) => {
                state.characters(&text).map(|()| TokenSinkResult::Continue)
            }
            _ => Ok(TokenSinkResult::Continue),
        };
        let result = result.and_then(|result| {
            if state.tokens.is_multiple_of(4096) {
                state.budget.check_time()?;
            }
            Ok(result)
        });
        result.unwrap_or_else(|error| {
            state.error = Some(error);
            TokenSinkResult::Continue
        })
    }
}

impl HtmlText<'_, '_> {
    fn tag(&mut self, tag: &Tag) -> Result<TokenSinkResult<()>, ExtractError> {
        let name: &str = &tag.name;
        if tag.kind == TagKind::StartTag {
            if name == "title" && self.title.is_none() && self.skipped.is_empty() {
                self.in_title = true;
            }
            if let Some(index) = skipped_index(name)
                && !tag.self_closing
            {
                self.skipped.push(index);
                self.open_counts[index] += 1;
            }
            if is_heading(name) {
                self.close_heading()?;
                self.heading = Some(String::new());
            }
            self.block_edge(name);
            let raw = match name {
                "script" => Some(RawKind::ScriptData),
                "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                "title" | "textarea" => Some(RawKind::Rcdata),
                _ => None,
            };
            return Ok(raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData));
        }
        if name == "title" {
            self.in_title = false;
        }
        if let Some(index) = skipped_index(name)
            && self.open_counts[index] > 0
        {
            // The element is open, so the search stops at it: the cost is what it closes.
            while let Some(closed) = self.skipped.pop() {
                self.open_counts[closed] -= 1;
                if closed == index {
                    break;
                }
            }
        }
        if is_heading(name) {
            self.close_heading()?;
        }
        self.block_edge(name);
        if matches!(name, "td" | "th") {
            self.push(" ")?;
        }
        Ok(TokenSinkResult::Continue)
    }

    fn characters(&mut self, text: &str) -> Result<(), ExtractError> {
        if self.in_title {
            let title = self.title.get_or_insert_with(String::new);
            if title.len() < 4096 {
                title.push_str(text);
            }
            return Ok(());
        }
        if !self.skipped.is_empty() {
            return Ok(());
        }
        if let Some(heading) = self.heading.as_mut() {
            if heading.len() + text.len() <= MAX_HEADING_BYTES {
                heading.push_str(text);
                return Ok(());
            }
            // Too long for a heading: it was body text all along.
            if let Some(heading) = self.heading.take() {
                self.push(&heading)?;
            }
        }
        self.push(text)
    }

    /// Starts a section under the heading being read, if any.
    fn close_heading(&mut self) -> Result<(), ExtractError> {
        if let Some(heading) = self.heading.take() {
            self.budget.add_text(&heading)?;
            self.sections.start_section(Some(heading), None);
            self.at_line_start = true;
        }
        Ok(())
    }

    /// Appends text with whitespace runs collapsed, as a browser renders it.
    fn push(&mut self, text: &str) -> Result<(), ExtractError> {
        let mut collapsed = String::with_capacity(text.len());
        let mut in_space = self.at_line_start;
        for character in text.chars() {
            if character.is_whitespace() {
                if !in_space {
                    collapsed.push(' ');
                    in_space = true;
                }
            } else {
                collapsed.push(character);
                in_space = false;
            }
        }
        if collapsed.is_empty() {
            return Ok(());
        }
        self.at_line_start = false;
        self.sections.push_text(&collapsed, self.budget)
    }

    fn block_edge(&mut self, name: &str) {
        if BLOCKS.contains(&name) || is_heading(name) {
            self.sections.end_block();
            self.at_line_start = true;
        }
    }
}

fn skipped_index(name: &str) -> Option<usize> {
    SKIPPED.iter().position(|skipped| *skipped == name)
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}
