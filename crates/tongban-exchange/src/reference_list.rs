//! The reform office's reference lists (保留证明事项目录, 中介服务事项清单, 收费清单, shared-data
//! sources) as CSV or XLSX tables: a header row naming the columns, one entry per row. Rows
//! that cannot be taken are reported by row number; the others are still read.

use std::collections::HashMap;

use crate::catalog::{FileFormat, ReadError, RowProblem, normalize_header, read_sheet};

/// A column the list expects, with the header texts that name it.
#[derive(Debug, Clone, Copy)]
pub struct ListColumn {
    pub key: &'static str,
    pub aliases: &'static [&'static str],
}

/// An entry as read: its cells in the order of the expected columns (name first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub row: usize,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOutcome {
    pub rows: Vec<ListRow>,
    pub rejected: Vec<RowProblem>,
}

/// The header texts each list column goes by in the lists departments publish.
const ALIASES: &[(&str, &[&str])] = &[
    (
        "name",
        &[
            "名称",
            "事项名称",
            "证明名称",
            "证明事项名称",
            "证明事项",
            "中介服务事项名称",
            "中介服务名称",
            "收费项目",
            "收费项目名称",
            "材料名称",
            "数据名称",
            "name",
        ],
    ),
    ("issuer", &["开具单位", "出具单位", "开具部门", "issuer"]),
    (
        "basis",
        &["依据", "设定依据", "法律依据", "政策依据", "basis"],
    ),
    ("standard", &["收费标准", "标准", "standard"]),
    (
        "provider",
        &[
            "提供部门",
            "共享部门",
            "数据提供单位",
            "来源部门",
            "provider",
        ],
    ),
    ("kind", &["类型", "数据类型", "所属库", "kind"]),
];

/// The columns of a list: its name, then its detail columns by key, each with its aliases.
pub fn list_columns(detail_keys: &[&'static str]) -> Vec<ListColumn> {
    std::iter::once("name")
        .chain(detail_keys.iter().copied())
        .map(|key| ListColumn {
            key,
            aliases: ALIASES
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, aliases)| *aliases)
                .unwrap_or(&[]),
        })
        .collect()
}

/// Rows above the header that may hold a title.
const HEADER_SCAN: usize = 10;
/// The longest name an entry may have (the store's limit too).
pub const MAX_NAME_CHARS: usize = 200;

fn matches(column: &ListColumn, header: &str) -> bool {
    let header = normalize_header(header);
    column.aliases.iter().any(|a| normalize_header(a) == header)
}

/// Reads a list; `columns[0]` is the entry's name and must be present in the header.
pub fn read_reference_list(
    bytes: &[u8],
    format: FileFormat,
    columns: &[ListColumn],
) -> Result<ListOutcome, ReadError> {
    let sheet = read_sheet(bytes, format)?;
    let name_column = &columns[0];
    let Some(header_at) = sheet
        .iter()
        .take(HEADER_SCAN)
        .position(|row| row.texts().iter().any(|h| matches(name_column, h)))
    else {
        return Err(ReadError::MissingColumn {
            column: name_column.key,
            zh: format!(
                "没有找到名称列；表头应有以下列名之一：{}",
                name_column.aliases.join("、")
            ),
            en: format!(
                "no name column found; the header needs one of: {}",
                name_column.aliases.join(", ")
            ),
        });
    };
    let header = sheet[header_at].texts();
    let positions: Vec<Option<usize>> = columns
        .iter()
        .map(|column| header.iter().position(|h| matches(column, h)))
        .collect();
    let mut outcome = ListOutcome::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for line in &sheet[header_at + 1..] {
        let problem = |field: &str, zh: String, en: String| RowProblem {
            row: line.row,
            field: field.to_owned(),
            zh,
            en,
        };
        let mut cells = Vec::with_capacity(columns.len());
        let mut rejected = None;
        for (column, position) in columns.iter().zip(&positions) {
            match position.and_then(|i| line.cells.get(i)) {
                Some(Ok(text)) => cells.push(text.trim().to_owned()),
                Some(Err(cell)) => {
                    rejected = Some(problem(column.key, cell.zh.clone(), cell.en.clone()));
                    break;
                }
                None => cells.push(String::new()),
            }
        }
        if rejected.is_none() {
            let name = &cells[0];
            if name.is_empty() {
                rejected = Some(problem(
                    name_column.key,
                    "名称为空".into(),
                    "the name is empty".into(),
                ));
            } else if name.chars().count() > MAX_NAME_CHARS {
                rejected = Some(problem(
                    name_column.key,
                    format!("名称超过{MAX_NAME_CHARS}个字符"),
                    format!("the name is longer than {MAX_NAME_CHARS} characters"),
                ));
            } else if let Some(first) = seen.get(name) {
                rejected = Some(problem(
                    name_column.key,
                    format!("“{name}”与第{first}行重复"),
                    format!("\"{name}\" repeats row {first}"),
                ));
            } else {
                seen.insert(name.clone(), line.row);
            }
        }
        match rejected {
            Some(problem) => outcome.rejected.push(problem),
            None => outcome.rows.push(ListRow {
                row: line.row,
                cells,
            }),
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[ListColumn] = &[
        ListColumn {
            key: "name",
            aliases: &["名称", "证明名称", "name"],
        },
        ListColumn {
            key: "issuer",
            aliases: &["开具单位", "issuer"],
        },
        ListColumn {
            key: "basis",
            aliases: &["设定依据", "basis"],
        },
    ];

    #[test]
    fn a_list_with_a_title_row_and_bad_rows_is_read_row_by_row() {
        let csv = "保留证明事项目录（2026年版）\n\
                   序号,证明名称,开具单位,设定依据\n\
                   1,出生医学证明,卫生健康部门,《母婴保健法》\n\
                   2,,公安机关,\n\
                   3,出生医学证明,卫生健康部门,重复\n\
                   4,死亡医学证明,卫生健康部门,《人口与计划生育法》\n";
        let outcome = read_reference_list(csv.as_bytes(), FileFormat::Csv, COLUMNS).unwrap();
        assert_eq!(outcome.rows.len(), 2);
        assert_eq!(
            outcome.rows[0].cells,
            ["出生医学证明", "卫生健康部门", "《母婴保健法》"]
        );
        assert_eq!(outcome.rows[1].row, 6);
        let rejected: Vec<_> = outcome
            .rejected
            .iter()
            .map(|p| (p.row, p.zh.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [(4, "名称为空"), (5, "“出生医学证明”与第3行重复")]
        );
    }

    #[test]
    fn an_xlsx_list_is_read_and_missing_optional_columns_are_blank() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "名称").unwrap();
        sheet.write_string(1, 0, "婚姻登记记录证明").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let outcome = read_reference_list(&bytes, FileFormat::Xlsx, COLUMNS).unwrap();
        assert_eq!(outcome.rows[0].cells, ["婚姻登记记录证明", "", ""]);
    }

    #[test]
    fn every_list_column_has_aliases() {
        for key in ["issuer", "basis", "standard", "provider", "kind"] {
            let columns = list_columns(&[key]);
            assert_eq!(columns[0].key, "name");
            assert!(columns[1].aliases.contains(&key), "{key}");
        }
    }

    #[test]
    fn a_file_without_a_name_column_is_refused_whole() {
        let error =
            read_reference_list("a,b\n1,2\n".as_bytes(), FileFormat::Csv, COLUMNS).unwrap_err();
        assert!(matches!(
            error,
            ReadError::MissingColumn { column: "name", .. }
        ));
    }
}
