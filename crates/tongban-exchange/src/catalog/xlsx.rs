//! XLSX catalogs: reading the catalog sheet's cells as text (numbers, dates and booleans as
//! Excel shows them) and writing a "事项清单" sheet whose cells are all text.

use std::io::Cursor;

use calamine::{Data, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use tongban_domain::catalog::RawCatalogRow;

use super::columns::Column;
use super::{CellProblem, ReadError, ReadOutcome, SheetRow, WriteError, assemble};

/// The sheet we write, and prefer when reading a workbook that has several.
pub(super) const SHEET_NAME: &str = "事项清单";

/// Excel keeps 15 significant digits; a number with more has already lost its tail.
const EXACT_DIGITS_LIMIT: f64 = 1e15;

pub(super) fn read(bytes: &[u8]) -> Result<ReadOutcome, ReadError> {
    assemble(read_sheet(bytes)?, false)
}

/// The first non-empty visible sheet (the catalog sheet preferred), its cells as text.
pub(super) fn read_sheet(bytes: &[u8]) -> Result<Vec<SheetRow>, ReadError> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| ReadError::Xlsx(e.to_string()))?;
    let candidates: Vec<String> = {
        let sheets = book.sheets_metadata();
        let worksheets = sheets
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible);
        let (named, others): (Vec<_>, Vec<_>) = worksheets.partition(|s| s.name == SHEET_NAME);
        named
            .into_iter()
            .chain(others)
            .map(|s| s.name.clone())
            .collect()
    };
    // The first sheet that has anything in it: workbooks often start with an empty or
    // instructions-free "Sheet1" left over from a template.
    for name in candidates {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ReadError::Xlsx(e.to_string()))?;
        let Some((top, _left)) = range.start() else {
            continue;
        };
        let sheet = range
            .rows()
            .enumerate()
            .map(|(index, cells)| SheetRow {
                // the range starts at its first used cell; row numbers stay Excel's
                row: top as usize + index + 1,
                cells: cells.iter().map(cell_text).collect(),
            })
            .collect();
        return Ok(sheet);
    }
    Err(ReadError::EmptyFile)
}

fn cell_text(cell: &Data) -> Result<String, CellProblem> {
    match cell {
        Data::Empty => Ok(String::new()),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => Ok(text.clone()),
        Data::Int(value) => Ok(value.to_string()),
        Data::Float(value) => number_text(*value),
        Data::Bool(value) => Ok(if *value { "TRUE" } else { "FALSE" }.to_owned()),
        Data::DateTime(value) => Ok(date_text(value)),
        Data::Error(error) => Err(CellProblem {
            zh: format!("单元格是错误值 {error}，无法读取"),
            en: format!("the cell holds the error value {error}"),
        }),
    }
}

/// Integral numbers as plain digits (a region code typed as a number must come back as
/// `511602000000`, not `5.11602E+11`); others with Excel's 15 significant digits.
fn number_text(value: f64) -> Result<String, CellProblem> {
    if !value.is_finite() {
        return Ok(value.to_string());
    }
    if value.abs() >= EXACT_DIGITS_LIMIT {
        return Err(CellProblem {
            zh: "该数字超过15位，Excel只保存15位有效数字，末尾数字已丢失；请把该列设为“文本”格式后重新输入"
                .to_owned(),
            en: "the number has more than 15 digits and Excel has already dropped the last ones; \
                 format the column as Text and enter it again"
                .to_owned(),
        });
    }
    if value.fract() == 0.0 {
        // exact: |value| < 1e15 fits i64
        return Ok(format!("{}", value as i64));
    }
    // Round-trip through 15 significant digits so 0.1+0.2 reads "0.3", as Excel shows it.
    let rounded: f64 = format!("{value:.14e}").parse().unwrap_or(value);
    Ok(rounded.to_string())
}

/// Dates as `YYYY-MM-DD`, with ` HH:MM:SS` when there is a time; pure times and durations as
/// `H:MM:SS`.
fn date_text(value: &ExcelDateTime) -> String {
    let serial = value.as_f64();
    if value.is_duration() || (0.0..1.0).contains(&serial) {
        let seconds = (serial * 86_400.0).round() as i64;
        return format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
    }
    let (year, month, day, hour, minute, second, _milli) = value.to_ymd_hms_milli();
    if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    }
}

pub(super) fn write(rows: &[RawCatalogRow]) -> Result<Vec<u8>, WriteError> {
    let failed = |e: XlsxError| WriteError::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    fill(sheet, rows).map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

fn fill(sheet: &mut Worksheet, rows: &[RawCatalogRow]) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAME)?;
    let bold = Format::new().set_bold();
    // Text format on the columns so that codes a user types later stay text in Excel.
    let text = Format::new().set_num_format("@");
    let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    for (index, column) in Column::ALL.into_iter().enumerate() {
        let col = index as u16;
        sheet.set_column_format(col, &text)?;
        sheet.write_string_with_format(0, col, column.name(), &bold)?;
        let widest = rows
            .iter()
            .map(|row| display_width(column.get(row)))
            .chain([display_width(column.name())])
            .max()
            .unwrap_or(0);
        sheet.set_column_width(col, (widest as f64 + 2.0).clamp(10.0, 60.0))?;
    }
    for (index, row) in rows.iter().enumerate() {
        let at = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, column) in Column::ALL.into_iter().enumerate() {
            let value = column.get(row);
            // empty stays a blank cell rather than an empty string, as a person would leave it
            if !value.is_empty() {
                sheet.write_string(at, col as u16, value)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row, (Column::ALL.len() - 1) as u16)?;
    Ok(())
}

/// Column width in Excel's units: CJK and other wide characters take two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        for (value, expected) in [
            (1.0, Some("1")),
            (511602000000.0, Some("511602000000")),
            (-3.0, Some("-3")),
            (0.1 + 0.2, Some("0.3")),
            (2.5, Some("2.5")),
            (115113010833722043.0, None),
        ] {
            assert_eq!(number_text(value).ok().as_deref(), expected, "{value}");
        }
    }
}
