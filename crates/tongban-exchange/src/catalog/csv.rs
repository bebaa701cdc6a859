//! CSV catalogs: decoding (UTF-8 or GBK), row numbers as Excel shows them, and writing a
//! UTF-8-with-BOM file that Excel opens correctly and cannot run as formulas.

use tongban_domain::catalog::RawCatalogRow;

use super::columns::Column;
use super::{CellProblem, ReadError, ReadOutcome, SheetRow, WriteError, assemble};
use crate::encoding::{TextEncoding, decode_text};

const UTF8_BOM: &str = "\u{FEFF}";

/// Characters that make Excel treat a CSV cell as a formula. Written cells starting with one
/// get a `'` in front (OWASP's CSV-injection advice), and reading takes it off again.
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

pub(super) fn read(bytes: &[u8]) -> Result<ReadOutcome, ReadError> {
    let (sheet, encoding) = read_sheet(bytes)?;
    let mut outcome = assemble(sheet, true)?;
    outcome.encoding = Some(encoding);
    Ok(outcome)
}

/// Every record, its fields as text, numbered as Excel would show them.
pub(super) fn read_sheet(bytes: &[u8]) -> Result<(Vec<SheetRow>, TextEncoding), ReadError> {
    let (text, encoding) = decode_text(bytes)?;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut sheet = Vec::new();
    let mut record = ::csv::StringRecord::new();
    let mut rows = RowCounter::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let end = usize::try_from(reader.position().byte()).unwrap_or(text.len());
                let row = rows.next(&text, end, &record);
                let cells: Vec<Result<String, CellProblem>> = record
                    .iter()
                    .map(|field| Ok(unescape(field.trim()).to_owned()))
                    .collect();
                sheet.push(SheetRow { row, cells });
            }
            // With flexible mode over a &str the only errors left are I/O ones, which a slice
            // does not produce; kept as I/O rather than hidden.
            Err(error) => {
                return Err(match error.into_kind() {
                    ::csv::ErrorKind::Io(io) => ReadError::Io(io),
                    other => ReadError::Io(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{other:?}"),
                    )),
                });
            }
        }
    }
    Ok((sheet, encoding))
}

/// Excel's "Unicode text" and some exports are tab-separated; a header line with tabs and no
/// commas is taken as such.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    }
}

/// Works out the row number Excel would show for each record. The csv crate reports the line a
/// record starts on before skipping blank lines, and counts line breaks inside quoted cells,
/// while Excel shows each blank line as a row and a multi-line cell as one row.
struct RowCounter {
    /// where the last record ended (byte offset in the text)
    previous_end: usize,
    /// where the last record's content began, after blank lines
    previous_start: usize,
    /// physical line of `previous_start`, 1-based
    line: usize,
    /// line breaks inside quoted cells of all earlier records
    embedded: usize,
}

impl RowCounter {
    fn new() -> Self {
        RowCounter {
            previous_end: 0,
            previous_start: 0,
            line: 1,
            embedded: 0,
        }
    }

    fn next(&mut self, text: &str, end: usize, record: &::csv::StringRecord) -> usize {
        let bytes = text.as_bytes();
        let gap = bytes.get(self.previous_end..).unwrap_or_default();
        let start = self.previous_end
            + gap
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        // Both offsets sit at the start of a record's content, so a CRLF is never split.
        let breaks = line_breaks(bytes.get(self.previous_start..start).unwrap_or_default());
        self.line += breaks;
        let row = self.line.saturating_sub(self.embedded);
        self.embedded += record
            .iter()
            .map(|field| line_breaks(field.as_bytes()))
            .sum::<usize>();
        self.previous_start = start;
        self.previous_end = end;
        row
    }
}

/// Counts `\n`, `\r\n` and lone `\r` as one break each, as editors and Excel do.
fn line_breaks(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut iter = bytes.iter().peekable();
    while let Some(&b) = iter.next() {
        match b {
            b'\n' => count += 1,
            b'\r' if iter.peek() != Some(&&b'\n') => count += 1,
            _ => {}
        }
    }
    count
}

fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

fn escape(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

pub(super) fn write(rows: &[RawCatalogRow]) -> Result<Vec<u8>, WriteError> {
    let mut out = UTF8_BOM.as_bytes().to_vec();
    {
        // CRLF because that is what Excel writes and what RFC 4180 asks for.
        let mut writer = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        let failed = |e: ::csv::Error| WriteError::Csv(e.to_string());
        writer
            .write_record(Column::ALL.map(Column::name))
            .map_err(failed)?;
        for row in rows {
            for column in Column::ALL {
                writer
                    .write_field(escape(column.get(row)).as_bytes())
                    .map_err(failed)?;
            }
            // an empty record call ends the record the fields above started
            writer
                .write_record(std::iter::empty::<&[u8]>())
                .map_err(failed)?;
        }
        writer.flush().map_err(|e| WriteError::Csv(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_counts_every_style_once() {
        assert_eq!(line_breaks(b"a\r\nb\nc\rd"), 3);
        assert_eq!(line_breaks(b""), 0);
        assert_eq!(line_breaks(b"\r\n\r\n"), 2);
    }

    #[test]
    fn formula_escape_round_trips() {
        for text in ["=SUM(A1)", "+86", "-", "@x", "plain", "'quoted", ""] {
            assert_eq!(unescape(&escape(text)), text, "{text:?}");
        }
        assert_eq!(escape("=1+1"), "'=1+1");
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3"), b'\t');
        assert_eq!(sniff_delimiter("\na,b\tc\n"), b',');
        assert_eq!(sniff_delimiter(""), b',');
    }
}
