//! The report as CSV: a header row, then one row per conversation or per summary figure. Empty
//! cells stay empty; numbers are written without a fraction when they are whole.

use super::report::Cell;
use thiserror::Error;

#[derive(Debug, Error)]
#[error("could not write the CSV report: {0}")]
pub struct CsvError(#[from] csv::Error);

/// `header` then `rows`, as CSV bytes.
pub fn write_csv(header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, CsvError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.iter().map(cell_text))?;
    }
    writer
        .into_inner()
        .map_err(|error| CsvError(csv::Error::from(error.into_error())))
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Number(number) if number.fract() == 0.0 => format!("{number:.0}"),
        Cell::Number(number) => number.to_string(),
        Cell::Empty => String::new(),
    }
}
