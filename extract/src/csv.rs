//! CSV files: one line per record with fields separated by ` | `, the first record (usually the
//! header) included. The delimiter (comma, semicolon or tab) is guessed from the first line, and
//! every field counts against the cell cap.

use super::ExtractedDocument;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::sections::SectionWriter;
use super::text_decoding::decode_text;

const FORMAT: DocumentFormat = DocumentFormat::Csv;

/// Extracts a CSV file.
pub(crate) fn extract_csv(
    bytes: &[u8],
    budget: &mut Budget<'_>,
) -> Result<ExtractedDocument, ExtractError> {
    let text = decode_text(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(guess_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut sections = SectionWriter::new();
    let mut cells: u64 = 0;
    let mut record = ::csv::StringRecord::new();
    let mut line = String::new();
    while reader
        .read_record(&mut record)
        .map_err(|error| ExtractError::corrupt(FORMAT, error))?
    {
        cells += record.len() as u64;
        if cells > budget.limits.max_cells {
            return Err(ExtractError::TooManyCells {
                limit: budget.limits.max_cells,
            });
        }
        line.clear();
        for field in record
            .iter()
            .map(str::trim)
            .filter(|field| !field.is_empty())
        {
            if !line.is_empty() {
                line.push_str(" | ");
            }
            line.push_str(field);
        }
        if !line.is_empty() {
            sections.push_text(&line, budget)?;
            sections.end_block();
        }
    }
    Ok(ExtractedDocument {
        format: FORMAT,
        title: None,
        sections: sections.finish(),
    })
}

/// The most frequent of `,`, `;` and tab on the first line (comma when tied or absent).
fn guess_delimiter(text: &str) -> u8 {
    let first_line = text.lines().next().unwrap_or_default();
    let count = |delimiter: char| first_line.matches(delimiter).count();
    [(b';', count(';')), (b'\t', count('\t'))]
        .into_iter()
        .filter(|&(_, found)| found > count(','))
        .max_by_key(|&(_, found)| found)
        .map_or(b',', |(delimiter, _)| delimiter)
}
