//! The report as an XLSX workbook of two sheets: `Summary` (one figure per row) and
//! `Conversations` (one conversation per row), each under a bold header row.

use super::report::Cell;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// A sheet to write: its name, its header and its rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: &'a [&'a str],
    pub rows: &'a [Vec<Cell>],
}

/// A workbook of `sheets`, as XLSX bytes.
pub fn write_xlsx(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.name)?;
        for (column, title) in (0u16..).zip(sheet.header) {
            worksheet.write_string_with_format(0, column, *title, &bold)?;
        }
        for (row, cells) in (1u32..).zip(sheet.rows) {
            write_row(worksheet, row, cells)?;
        }
    }
    workbook.save_to_buffer()
}

fn write_row(worksheet: &mut Worksheet, row: u32, cells: &[Cell]) -> Result<(), XlsxError> {
    for (column, cell) in (0u16..).zip(cells) {
        match cell {
            Cell::Text(text) => {
                worksheet.write_string(row, column, text)?;
            }
            Cell::Number(number) => {
                worksheet.write_number(row, column, *number)?;
            }
            Cell::Empty => {}
        }
    }
    Ok(())
}
