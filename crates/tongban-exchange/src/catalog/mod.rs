//! Reading and writing 事项清单 catalog files (CSV, XLSX) as rows of text. Validation is the
//! domain's `parse_row`; this module only gets text in and out faithfully and reports rows that
//! cannot be read at all.

mod columns;
mod csv;
mod xlsx;

use std::fmt;
use std::path::Path;

use tongban_domain::Bilingual;
use tongban_domain::catalog::RawCatalogRow;

use crate::encoding::{EncodingError, TextEncoding};

pub use columns::{Column, normalize_header};

/// The file formats a catalog can be exchanged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    /// By extension, case-insensitive: `.csv`/`.txt` → CSV, `.xlsx` → XLSX. Old `.xls` and
    /// anything else → `None` (calamine could read `.xls`, but we only promise what we test).
    pub fn from_path(path: &Path) -> Option<FileFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" | "txt" => Some(FileFormat::Csv),
            "xlsx" => Some(FileFormat::Xlsx),
            _ => None,
        }
    }

    /// File extension without the dot, for download names.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// MIME type for HTTP responses.
    pub fn mime_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// What a file yielded: readable rows (not yet validated) and rows that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOutcome {
    /// rows that could be read (not yet validated)
    pub rows: Vec<RawCatalogRow>,
    /// rows that could not be read at all (wrong column count, unreadable cell…)
    pub rejected: Vec<RowProblem>,
    /// for CSV: the encoding the bytes were in
    pub encoding: Option<TextEncoding>,
    /// data rows seen (= rows.len() + rejected.len()); blank lines are not counted
    pub total_rows: usize,
}

/// A row that could not be read. `row` is the 1-based row number the user sees in Excel;
/// `field` is a canonical column name, or `"row"` when the row as a whole is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    pub field: String,
    pub zh: String,
    pub en: String,
}

impl Bilingual for RowProblem {
    fn zh(&self) -> String {
        format!("第{}行 {}：{}", self.row, self.field, self.zh)
    }
    fn en(&self) -> String {
        format!("row {}, {}: {}", self.row, self.field, self.en)
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", Bilingual::zh(self), Bilingual::en(self))
    }
}

/// Problems with the file as a whole; nothing was read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    Encoding(EncodingError),
    /// the first non-blank row names none of the known columns
    NoHeader,
    /// a required column (implementation_code, name, department, item_type) is absent
    MissingColumn {
        column: &'static str,
        zh: String,
        en: String,
    },
    /// the workbook could not be opened or its sheet read; the text is the reader's detail
    Xlsx(String),
    /// no bytes, or nothing but blank lines
    EmptyFile,
}

impl ReadError {
    pub fn zh(&self) -> String {
        match self {
            ReadError::Io(error) => format!("读取文件失败：{error}"),
            ReadError::Encoding(error) => error.zh.clone(),
            ReadError::NoHeader => format!(
                "第一行应为表头（列名），但没有识别出任何列名；表头至少应包含 {}",
                required_list(|c| format!("{}（{}）", c.label_zh(), c.name()), "、")
            ),
            ReadError::MissingColumn { zh, .. } => zh.clone(),
            ReadError::Xlsx(detail) => {
                format!(
                    "无法读取XLSX工作簿（{detail}）；请确认文件未加密，并用Excel另存为 .xlsx 后重试"
                )
            }
            ReadError::EmptyFile => "文件是空的，没有任何内容".to_owned(),
        }
    }

    pub fn en(&self) -> String {
        match self {
            ReadError::Io(error) => format!("could not read the file: {error}"),
            ReadError::Encoding(error) => error.en.clone(),
            ReadError::NoHeader => format!(
                "the first row should be the header (column names) but names no known column; it needs at least {}",
                required_list(|c| c.name().to_owned(), ", ")
            ),
            ReadError::MissingColumn { en, .. } => en.clone(),
            ReadError::Xlsx(detail) => format!(
                "could not read the XLSX workbook ({detail}); make sure it is not encrypted and save it again as .xlsx in Excel"
            ),
            ReadError::EmptyFile => "the file is empty".to_owned(),
        }
    }
}

fn required_list(describe: impl Fn(Column) -> String, separator: &str) -> String {
    Column::REQUIRED
        .into_iter()
        .map(describe)
        .collect::<Vec<_>>()
        .join(separator)
}

impl Bilingual for ReadError {
    fn zh(&self) -> String {
        ReadError::zh(self)
    }
    fn en(&self) -> String {
        ReadError::en(self)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh(), self.en())
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(error) => Some(error),
            ReadError::Encoding(error) => Some(error),
            _ => None,
        }
    }
}

impl From<EncodingError> for ReadError {
    fn from(error: EncodingError) -> Self {
        ReadError::Encoding(error)
    }
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        ReadError::Io(error)
    }
}

/// Writing failed; the text is the writer's detail. Does not happen for rows the domain
/// accepted, but a cell over XLSX's 32,767-character limit, for one, would do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    Csv(String),
    Xlsx(String),
}

impl WriteError {
    pub fn zh(&self) -> String {
        match self {
            WriteError::Csv(detail) => format!("生成CSV文件失败：{detail}"),
            WriteError::Xlsx(detail) => format!("生成XLSX文件失败：{detail}"),
        }
    }

    pub fn en(&self) -> String {
        match self {
            WriteError::Csv(detail) => format!("could not write the CSV file: {detail}"),
            WriteError::Xlsx(detail) => format!("could not write the XLSX file: {detail}"),
        }
    }
}

impl Bilingual for WriteError {
    fn zh(&self) -> String {
        WriteError::zh(self)
    }
    fn en(&self) -> String {
        WriteError::en(self)
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh(), self.en())
    }
}

impl std::error::Error for WriteError {}

/// Reads a catalog file. Whole-file problems are errors; row-level ones land in
/// [`ReadOutcome::rejected`] while the other rows are still read.
pub fn read_catalog(bytes: &[u8], format: FileFormat) -> Result<ReadOutcome, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::EmptyFile);
    }
    match format {
        FileFormat::Csv => self::csv::read(bytes),
        FileFormat::Xlsx => xlsx::read(bytes),
    }
}

/// Reads any table file (CSV in UTF-8 or GBK, or XLSX) as its non-blank rows of text, for
/// tables other than the catalog; the reader of each table finds its own header.
pub fn read_sheet(bytes: &[u8], format: FileFormat) -> Result<Vec<SheetRow>, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::EmptyFile);
    }
    let sheet = match format {
        FileFormat::Csv => self::csv::read_sheet(bytes)?.0,
        FileFormat::Xlsx => xlsx::read_sheet(bytes)?,
    };
    Ok(sheet.into_iter().filter(|row| !row.is_blank()).collect())
}

/// Writes rows under the canonical header `implementation_code,basic_code,name,…,main_item`.
/// CSV is UTF-8 with a BOM so Excel opens it right; XLSX has one sheet "事项清单" with a bold,
/// frozen header. `read_catalog` of the result gives the same rows, numbered from 2.
pub fn write_catalog(rows: &[RawCatalogRow], format: FileFormat) -> Result<Vec<u8>, WriteError> {
    match format {
        FileFormat::Csv => self::csv::write(rows),
        FileFormat::Xlsx => xlsx::write(rows),
    }
}

/// A cell whose value could not be turned into text (an Excel error value, a number that lost
/// digits), explained for the row report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub zh: String,
    pub en: String,
}

/// One row of a sheet as the format reader saw it, before columns are assigned.
#[derive(Debug)]
pub struct SheetRow {
    /// 1-based, as Excel numbers it
    pub row: usize,
    pub cells: Vec<Result<String, CellProblem>>,
}

impl SheetRow {
    pub fn is_blank(&self) -> bool {
        self.cells
            .iter()
            .all(|cell| matches!(cell, Ok(text) if text.trim().is_empty()))
    }

    pub fn texts(&self) -> Vec<&str> {
        self.cells
            .iter()
            .map(|cell| cell.as_deref().unwrap_or(""))
            .collect()
    }
}

/// How many non-blank rows to look through for the header, so that a title row such as
/// "广安区政务服务事项清单" above it does not make the file unreadable.
const HEADER_SCAN: usize = 10;

/// Finds the header, then turns every later non-blank row into a `RawCatalogRow` or a problem.
/// `same_width`: CSV rows must have as many fields as the header, since a stray comma shifts
/// every later value into the wrong column; XLSX cells cannot shift that way.
fn assemble(sheet: Vec<SheetRow>, same_width: bool) -> Result<ReadOutcome, ReadError> {
    let lines: Vec<SheetRow> = sheet.into_iter().filter(|line| !line.is_blank()).collect();
    let Some(first) = lines.first() else {
        return Err(ReadError::EmptyFile);
    };
    // A title row rarely names two known columns; a header always should.
    let header_at = lines
        .iter()
        .take(HEADER_SCAN)
        .position(|line| columns::ColumnMap::from_header(&line.texts()).known() >= 2)
        .unwrap_or(0);
    let header = lines.get(header_at).unwrap_or(first);
    let map = columns::ColumnMap::from_header(&header.texts());
    if map.known() == 0 {
        return Err(ReadError::NoHeader);
    }
    if let Some(missing) = map.missing_required() {
        return Err(missing_column(missing, &header.texts()));
    }
    let width = header.cells.len();
    let mut outcome = ReadOutcome::default();
    for line in lines.iter().skip(header_at + 1) {
        outcome.total_rows += 1;
        if same_width && line.cells.len() != width {
            outcome.rejected.push(RowProblem {
                row: line.row,
                field: "row".to_owned(),
                zh: format!(
                    "该行有{}列，而表头有{}列；可能某个单元格含有未加引号的逗号或换行",
                    line.cells.len(),
                    width
                ),
                en: format!(
                    "the row has {} fields but the header has {}; a cell may contain an unquoted comma or line break",
                    line.cells.len(),
                    width
                ),
            });
            continue;
        }
        let mut row = RawCatalogRow {
            row: line.row,
            ..RawCatalogRow::default()
        };
        let mut problem = None;
        for (column, index) in map.iter() {
            match line.cells.get(index) {
                Some(Ok(text)) => column.set(&mut row, text.trim().to_owned()),
                Some(Err(cell)) => {
                    problem.get_or_insert_with(|| RowProblem {
                        row: line.row,
                        field: column.name().to_owned(),
                        zh: cell.zh.clone(),
                        en: cell.en.clone(),
                    });
                }
                None => {}
            }
        }
        match problem {
            Some(problem) => outcome.rejected.push(problem),
            None => outcome.rows.push(row),
        }
    }
    Ok(outcome)
}

fn missing_column(column: Column, header: &[&str]) -> ReadError {
    let accepted_zh = column.aliases().join("、");
    let accepted_en = column.aliases().join(", ");
    let found: Vec<&str> = header
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    ReadError::MissingColumn {
        column: column.name(),
        zh: format!(
            "缺少必需的列“{}”（{}）；可用的列名：{}。文件中的列为：{}",
            column.label_zh(),
            column.name(),
            accepted_zh,
            found.join("、")
        ),
        en: format!(
            "the required column {} is missing; accepted headers: {}. The file's columns are: {}",
            column.name(),
            accepted_en,
            found.join(", ")
        ),
    }
}
