//! Excel workbooks (XLSX): one section per sheet, headed by the sheet name, one line per row with
//! cells separated by ` | `. The markup parts are first inflated through [`BoundedZip`] (calamine
//! reads parts unchecked), then cells are streamed one at a time, so a sheet whose declared
//! dimension is huge costs nothing and the cell cap stops a sheet that really is huge.

use super::ExtractedDocument;
use super::bounded_zip::BoundedZip;
use super::budget::Budget;
use super::error::ExtractError;
use super::format::DocumentFormat;
use super::office_xml::core_title;
use super::sections::SectionWriter;
use calamine::{DataRef, Reader, Xlsx};
use std::io::Cursor;

const FORMAT: DocumentFormat = DocumentFormat::Xlsx;

/// Extracts an XLSX workbook.
pub(crate) fn extract_xlsx(
    bytes: &[u8],
    budget: &mut Budget<'_>,
) -> Result<ExtractedDocument, ExtractError> {
    let mut archive = BoundedZip::open(bytes, FORMAT, budget)?;
    archive.inflate_markup_parts(budget)?;
    let title = core_title(&mut archive, FORMAT, budget)?;
    drop(archive);

    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|error| ExtractError::corrupt(FORMAT, error))?;
    let mut sections = SectionWriter::new();
    let mut cells_seen: u64 = 0;
    for sheet_name in workbook.sheet_names() {
        sections.start_section(Some(sheet_name.clone()), None);
        let mut cells = workbook
            .worksheet_cells_reader(&sheet_name)
            .map_err(|error| ExtractError::corrupt(FORMAT, format!("{sheet_name}: {error}")))?;
        let mut current_row: Option<u32> = None;
        let mut line = String::new();
        while let Some(cell) = cells
            .next_cell()
            .map_err(|error| ExtractError::corrupt(FORMAT, format!("{sheet_name}: {error}")))?
        {
            cells_seen += 1;
            if cells_seen > budget.limits.max_cells {
                return Err(ExtractError::TooManyCells {
                    limit: budget.limits.max_cells,
                });
            }
            let (row, _column) = cell.get_position();
            if current_row != Some(row) {
                write_row(&mut line, &mut sections, budget)?;
                current_row = Some(row);
            }
            let value = cell_text(cell.get_value());
            if !value.is_empty() {
                if !line.is_empty() {
                    line.push_str(" | ");
                }
                line.push_str(&value);
            }
        }
        write_row(&mut line, &mut sections, budget)?;
    }
    Ok(ExtractedDocument {
        format: FORMAT,
        title,
        sections: sections.finish(),
    })
}

fn write_row(
    line: &mut String,
    sections: &mut SectionWriter,
    budget: &mut Budget<'_>,
) -> Result<(), ExtractError> {
    if !line.is_empty() {
        sections.push_text(line, budget)?;
        sections.end_block();
        line.clear();
    }
    Ok(())
}

/// A cell's value as text: numbers without a trailing `.0`, dates in ISO form (`2025-03-01`, with
/// the time when it is not midnight), durations as Excel's number of days, errors as `#DIV/0!`.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(number) => number.to_string(),
        DataRef::Float(number) => number.to_string(),
        DataRef::String(text) => text.trim().to_owned(),
        DataRef::SharedString(text) => text.trim().to_owned(),
        DataRef::Bool(flag) => flag.to_string(),
        DataRef::DateTime(date) if date.is_datetime() => {
            let (year, month, day, hour, minute, second, _) = date.to_ymd_hms_milli();
            if (hour, minute, second) == (0, 0, 0) {
                format!("{year:04}-{month:02}-{day:02}")
            } else {
                format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
            }
        }
        DataRef::DateTime(duration) => duration.to_string(),
        DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => text.clone(),
        DataRef::Error(error) => error.to_string(),
        DataRef::Empty => String::new(),
    }
}
