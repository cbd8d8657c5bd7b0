//! Builds the [`Section`]s of a document as an extractor walks it: text is appended to the current
//! section, a heading or a page starts a new one, and every piece of text is counted against the
//! [`Budget`]. Finishing tidies whitespace and drops sections left without text.

use super::Section;
use super::budget::Budget;
use super::error::ExtractError;

/// Accumulates sections in document order.
#[derive(Debug, Default)]
pub(crate) struct SectionWriter {
    done: Vec<Section>,
    current: Section,
}

impl SectionWriter {
    /// An empty writer whose first section has no heading and no page.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Closes the current section and opens one under `heading` on `page`.
    pub(crate) fn start_section(&mut self, heading: Option<String>, page: Option<u32>) {
        let next = Section {
            text: String::new(),
            page,
            heading: heading
                .map(|heading| collapse_whitespace(&heading))
                .filter(|heading| !heading.is_empty()),
        };
        let finished = std::mem::replace(&mut self.current, next);
        self.done.push(finished);
    }

    /// Appends text to the current section.
    pub(crate) fn push_text(
        &mut self,
        text: &str,
        budget: &mut Budget<'_>,
    ) -> Result<(), ExtractError> {
        budget.add_text(text)?;
        self.current.text.push_str(text);
        Ok(())
    }

    /// Ends a block (paragraph, row, list item): the next text starts on a new line.
    pub(crate) fn end_block(&mut self) {
        if !self.current.text.is_empty() && !self.current.text.ends_with('\n') {
            self.current.text.push('\n');
        }
    }

    /// The sections with tidy text, those without text left out.
    pub(crate) fn finish(mut self) -> Vec<Section> {
        self.done.push(self.current);
        self.done
            .into_iter()
            .filter_map(|mut section| {
                section.text = tidy_text(&section.text);
                (!section.text.is_empty()).then_some(section)
            })
            .collect()
    }
}

/// Trims trailing spaces on every line, keeps at most one blank line in a row, and trims the ends.
pub(crate) fn tidy_text(text: &str) -> String {
    let mut tidy = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_lines += 1;
            if blank_lines > 1 {
                continue;
            }
            tidy.push('\n');
        } else {
            blank_lines = 0;
            tidy.push_str(line);
            tidy.push('\n');
        }
    }
    tidy.trim().to_owned()
}

/// One line with single spaces: for headings and titles.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
