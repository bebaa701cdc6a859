//! Reading and writing catalog files: header aliases, row-level problems with Excel's row
//! numbers, CSV and XLSX round trips, Excel's numeric cells, and the real Guang'an catalog.

use std::io::Cursor;
use std::path::Path;

use calamine::{Reader, Xlsx};
use encoding_rs::GBK;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use tongban_domain::catalog::RawCatalogRow;
use tongban_exchange::catalog::{
    Column, FileFormat, ReadError, ReadOutcome, RowProblem, read_catalog, write_catalog,
};
use tongban_exchange::encoding::TextEncoding;

const CODE: &str = "511Z07001006-511602000000-000-11511301008778183N-1-00";
const REAL_FILE: &str = "/work/shared/data/catalog/guangan_district_items.csv";

/// A row with the given fields set and the rest empty.
fn row(number: usize, fields: &[(Column, &str)]) -> RawCatalogRow {
    let mut row = RawCatalogRow {
        row: number,
        ..RawCatalogRow::default()
    };
    for (column, value) in fields {
        column.set(&mut row, (*value).to_owned());
    }
    row
}

fn read(bytes: &[u8], format: FileFormat) -> ReadOutcome {
    match read_catalog(bytes, format) {
        Ok(outcome) => outcome,
        Err(error) => panic!("read failed: {error}"),
    }
}

/// The one check for read results: exact rows, rejected (row, field) pairs, and the total.
fn check(name: &str, outcome: &ReadOutcome, rows: &[RawCatalogRow], rejected: &[(usize, &str)]) {
    assert_eq!(outcome.rows, rows, "{name}: rows");
    let got: Vec<(usize, &str)> = outcome
        .rejected
        .iter()
        .map(|p| (p.row, p.field.as_str()))
        .collect();
    assert_eq!(got, rejected, "{name}: rejected {:?}", outcome.rejected);
    assert_eq!(
        outcome.total_rows,
        rows.len() + rejected.len(),
        "{name}: total_rows"
    );
    for problem in &outcome.rejected {
        assert!(
            !problem.zh.is_empty() && !problem.en.is_empty(),
            "{name}: {problem}"
        );
    }
}

fn typical(number: usize) -> RawCatalogRow {
    row(
        number,
        &[
            (Column::ImplementationCode, CODE),
            (Column::Name, "企业投资项目备案"),
            (Column::ItemType, "10"),
            (Column::Department, "区经信局"),
        ],
    )
}

#[test]
fn file_format_from_extension() {
    for (path, expected) in [
        ("清单.csv", Some(FileFormat::Csv)),
        ("a/b/LIST.CSV", Some(FileFormat::Csv)),
        ("items.txt", Some(FileFormat::Csv)),
        ("items.Xlsx", Some(FileFormat::Xlsx)),
        ("items.xls", None),
        ("items", None),
        ("items.json", None),
    ] {
        assert_eq!(FileFormat::from_path(Path::new(path)), expected, "{path}");
    }
}

#[test]
fn csv_headers_are_recognised_by_alias() {
    let sichuan = "department,main_item,name,itemCode,taskType,areaCode,deptCode,link\n\
                   区经信局,未分类,企业投资项目备案,511Z07001006-511602000000-000-11511301008778183N-1-00,10,511602000000,11511301008778183N,http://x/?a=1&b=2\n";
    let english = "implementation_code,name,item_type,department\n\
                   511Z07001006-511602000000-000-11511301008778183N-1-00,企业投资项目备案,10,区经信局\n";
    let chinese = "*实施编码,事项名称,事项类型,实施机构,统一社会信用代码,行政区划代码,办件类型,主项名称,备注\n\
                   511Z07001006-511602000000-000-11511301008778183N-1-00,企业投资项目备案,10,区经信局,11511301008778183N,511602000000,承诺件,未分类,随便\n";
    let shouting = "\u{FEFF} ITEM_CODE ,Name,TASK_TYPE,Dept\n\
                    511Z07001006-511602000000-000-11511301008778183N-1-00,  企业投资项目备案 ,10,区经信局\n";
    let titled = "广安区政务服务事项清单,,,\n\n事项编码,名称,事项类型,部门\n\
                  511Z07001006-511602000000-000-11511301008778183N-1-00,企业投资项目备案,10,区经信局\n";
    let tabbed = "实施编码\t事项名称\t事项类型\t部门\n\
                  511Z07001006-511602000000-000-11511301008778183N-1-00\t企业投资项目备案\t10\t区经信局\n";
    let with = |number: usize, extra: &[(Column, &str)]| {
        let mut expected = typical(number);
        for (column, value) in extra {
            column.set(&mut expected, (*value).to_owned());
        }
        expected
    };
    let cases = [
        (
            "sichuan",
            sichuan,
            with(
                2,
                &[
                    (Column::MainItem, "未分类"),
                    (Column::RegionCode, "511602000000"),
                    (Column::DepartmentCode, "11511301008778183N"),
                ],
            ),
        ),
        ("english", english, typical(2)),
        (
            "chinese",
            chinese,
            with(
                2,
                &[
                    (Column::DepartmentCode, "11511301008778183N"),
                    (Column::RegionCode, "511602000000"),
                    (Column::CaseKind, "承诺件"),
                    (Column::MainItem, "未分类"),
                ],
            ),
        ),
        ("case, BOM and spaces", shouting, typical(2)),
        ("title row above the header", titled, typical(4)),
        ("tab separated", tabbed, typical(2)),
    ];
    for (name, text, expected) in cases {
        let outcome = read(text.as_bytes(), FileFormat::Csv);
        check(name, &outcome, &[expected], &[]);
        assert_eq!(outcome.encoding, Some(TextEncoding::Utf8), "{name}");
    }
}

#[test]
fn gbk_csv_is_read() {
    let text = "实施编码,事项名称,事项类型,实施机构\r\n\
                511Z07001006-511602000000-000-11511301008778183N-1-00,企业投资项目备案,10,区经信局\r\n";
    let (bytes, _, unmappable) = GBK.encode(text);
    assert!(!unmappable);
    let outcome = read(&bytes, FileFormat::Csv);
    check("gbk", &outcome, &[typical(2)], &[]);
    assert_eq!(outcome.encoding, Some(TextEncoding::Gb18030));
}

#[test]
fn bad_rows_are_reported_while_the_others_are_read() {
    let text = "implementation_code,name,item_type,department\n\
                A1,事项一,01,局一\n\
                A2,事项二\n\
                \n\
                ,,,\n\
                A3,\"多行\n名称\",02,局三\n\
                A4,事项四,03,局四,多出来的一列\n\
                A5,\"含,逗号\",04,局五\n";
    let outcome = read(text.as_bytes(), FileFormat::Csv);
    let r = |number, code, name, kind, department| {
        row(
            number,
            &[
                (Column::ImplementationCode, code),
                (Column::Name, name),
                (Column::ItemType, kind),
                (Column::Department, department),
            ],
        )
    };
    // Excel rows: 3 short, 4 and 5 blank, 6 holds a two-line cell, so 7 and 8 follow it.
    check(
        "short and long rows",
        &outcome,
        &[
            r(2, "A1", "事项一", "01", "局一"),
            r(6, "A3", "多行\n名称", "02", "局三"),
            r(8, "A5", "含,逗号", "04", "局五"),
        ],
        &[(3, "row"), (7, "row")],
    );
    let problem: &RowProblem = &outcome.rejected[0];
    assert!(
        problem.zh.contains('2') && problem.zh.contains('4'),
        "{problem}"
    );
    assert!(problem.to_string().starts_with("第3行"), "{problem}");
}

#[test]
fn crlf_and_bare_cr_files_count_rows_like_excel() {
    for (name, text) in [
        (
            "crlf",
            "name,implementation_code,item_type,department\r\n\r\nX,A1,1,D\r\n\"a\r\nb\",A2,1,D\r\nY,A3,1,D",
        ),
        (
            "cr",
            "name,implementation_code,item_type,department\r\rX,A1,1,D\r\"a\rb\",A2,1,D\rY,A3,1,D",
        ),
    ] {
        let outcome = read(text.as_bytes(), FileFormat::Csv);
        let numbers: Vec<usize> = outcome.rows.iter().map(|r| r.row).collect();
        assert_eq!(numbers, [3, 4, 5], "{name}");
    }
}

#[test]
fn whole_file_problems_are_errors() {
    let cases: [(&str, &[u8], FileFormat, &str); 7] = [
        ("empty csv", b"", FileFormat::Csv, "EmptyFile"),
        ("blank lines", b"\r\n \n,,,\n", FileFormat::Csv, "EmptyFile"),
        ("empty xlsx", b"", FileFormat::Xlsx, "EmptyFile"),
        (
            "data without header",
            "A1,事项一,01,局一\n".as_bytes(),
            FileFormat::Csv,
            "NoHeader",
        ),
        (
            "no department",
            b"implementation_code,name,item_type\nA,B,1\n",
            FileFormat::Csv,
            "MissingColumn",
        ),
        (
            "binary",
            b"\xFF\xFE\x00\x00\x81\x00",
            FileFormat::Csv,
            "Encoding",
        ),
        (
            "not a zip",
            b"implementation_code,name\n",
            FileFormat::Xlsx,
            "Xlsx",
        ),
    ];
    for (name, bytes, format, kind) in cases {
        let error = match read_catalog(bytes, format) {
            Ok(outcome) => panic!("{name}: read {outcome:?}"),
            Err(error) => error,
        };
        let got = match &error {
            ReadError::Io(_) => "Io",
            ReadError::Encoding(_) => "Encoding",
            ReadError::NoHeader => "NoHeader",
            ReadError::MissingColumn { .. } => "MissingColumn",
            ReadError::Xlsx(_) => "Xlsx",
            ReadError::EmptyFile => "EmptyFile",
        };
        assert_eq!(got, kind, "{name}: {error}");
        let shown = error.to_string();
        assert!(
            shown.starts_with(&error.zh()) && shown.contains(&error.en()),
            "{name}: {shown}"
        );
    }
    match read_catalog(
        b"implementation_code,name,item_type\nA,B,1\n",
        FileFormat::Csv,
    ) {
        Err(ReadError::MissingColumn { column, zh, en }) => {
            assert_eq!(column, "department");
            assert!(
                zh.contains("实施机构") && en.contains("department"),
                "{zh} / {en}"
            );
        }
        other => panic!("expected MissingColumn, got {other:?}"),
    }
}

#[test]
fn header_only_file_has_no_rows() {
    let outcome = read(
        b"implementation_code,name,item_type,department\n",
        FileFormat::Csv,
    );
    check("header only", &outcome, &[], &[]);
}

/// Rows that exercise quoting, formulas, long codes, Chinese text and empty optional columns.
fn sample_rows() -> Vec<RawCatalogRow> {
    let full = row(
        2,
        &[
            (Column::ImplementationCode, CODE),
            (Column::BasicCode, "511Z07001006"),
            (Column::Name, "企业投资项目备案（技术改造）（市级/县级）"),
            (Column::ItemType, "10"),
            (Column::Department, "区经信局"),
            (Column::DepartmentCode, "11511301008778183N"),
            (Column::RegionCode, "511602000000"),
            (Column::ExerciseLevel, "3"),
            (Column::CaseKind, "承诺件"),
            (Column::Status, "published"),
            (Column::PowerSource, "法定本级行使"),
            (
                Column::LegalBasis,
                "《企业投资项目核准和备案管理条例》第十三条，\"备案\"\n第二款",
            ),
            (Column::MainItem, "未分类"),
        ],
    );
    let tricky = row(
        3,
        &[
            // 31 characters: a handling-item style code
            (
                Column::ImplementationCode,
                "11510000MB1234567X4000111700001",
            ),
            (Column::Name, "=HYPERLINK(\"http://evil\")"),
            (Column::ItemType, "01"),
            (Column::Department, "区民政局, 婚姻登记处"),
            (Column::LegalBasis, "-"),
            (Column::PowerSource, "@local"),
        ],
    );
    vec![full, tricky, typical(4)]
}

#[test]
fn csv_round_trip() {
    let rows = sample_rows();
    let bytes = match write_catalog(&rows, FileFormat::Csv) {
        Ok(bytes) => bytes,
        Err(error) => panic!("{error}"),
    };
    let header = "implementation_code,basic_code,name,item_type,department,department_code,region_code,\
                  exercise_level,case_kind,status,power_source,legal_basis,main_item\r\n";
    assert!(
        bytes.starts_with(format!("\u{FEFF}{header}").as_bytes()),
        "BOM and canonical header"
    );
    // a cell Excel would run as a formula is neutralised in the file
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{text}"
    );
    // the multi-line legal basis makes Excel's rows differ from the file's lines
    let outcome = read(&bytes, FileFormat::Csv);
    check("csv round trip", &outcome, &rows, &[]);
    assert_eq!(outcome.encoding, Some(TextEncoding::Utf8));
}

#[test]
fn xlsx_round_trip() {
    let rows = sample_rows();
    let bytes = match write_catalog(&rows, FileFormat::Xlsx) {
        Ok(bytes) => bytes,
        Err(error) => panic!("{error}"),
    };
    let outcome = read(&bytes, FileFormat::Xlsx);
    check("xlsx round trip", &outcome, &rows, &[]);
    assert_eq!(outcome.encoding, None);
    let book = Xlsx::new(Cursor::new(bytes.as_slice()));
    let names = book.map(|b| b.sheet_names()).ok();
    assert_eq!(names, Some(vec!["事项清单".to_owned()]));
    let empty = write_catalog(&[], FileFormat::Xlsx).map(|b| read(&b, FileFormat::Xlsx));
    assert_eq!(empty.map(|o| o.total_rows), Ok(0));
}

/// A workbook as a person makes one in Excel: a title row, codes typed as numbers, a date,
/// a boolean, data starting in column B, and a first sheet left empty.
fn hand_made_workbook() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.add_worksheet().set_name("说明")?;
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 1, "广安区事项清单")?;
    for (col, header) in [
        "事项编码",
        "事项名称",
        "事项类型",
        "实施主体",
        "行政区划代码",
        "部门编码",
        "设定依据",
        "状态",
        "链接",
    ]
    .into_iter()
    .enumerate()
    {
        sheet.write_string(2, 1 + col as u16, header)?;
    }
    let data: [(u32, &str, &str, f64, f64, f64); 3] = [
        (3, CODE, "事项一", 10.0, 511602000000.0, 83372204.0),
        (
            4,
            "11510000MB1234567X4000111700001",
            "事项二",
            1.0,
            511600000000.0,
            1.0,
        ),
        (6, "A3", "事项三", 1.0, 511602000000.0, 115113010833722043.0),
    ];
    for (at, code, name, kind, region, department_code) in data {
        sheet.write_string(at, 1, code)?;
        sheet.write_string(at, 2, name)?;
        sheet.write_number(at, 3, kind)?;
        sheet.write_string(at, 4, "区民政局")?;
        sheet.write_number(at, 5, region)?;
        sheet.write_number(at, 6, department_code)?;
        sheet.write_datetime_with_format(at, 7, ExcelDateTime::from_ymd(2024, 3, 1)?, &date)?;
        sheet.write_boolean(at, 8, true)?;
        sheet.write_number(at, 9, 0.1 + 0.2)?;
    }
    book.save_to_buffer()
}

#[test]
fn xlsx_numbers_dates_and_booleans_read_as_text() {
    let bytes = match hand_made_workbook() {
        Ok(bytes) => bytes,
        Err(error) => panic!("{error}"),
    };
    let outcome = read(&bytes, FileFormat::Xlsx);
    let r = |number, code, kind, region, department_code| {
        row(
            number,
            &[
                (Column::ImplementationCode, code),
                (
                    Column::Name,
                    if number == 4 {
                        "事项一"
                    } else {
                        "事项二"
                    },
                ),
                (Column::ItemType, kind),
                (Column::Department, "区民政局"),
                (Column::RegionCode, region),
                (Column::DepartmentCode, department_code),
                (Column::LegalBasis, "2024-03-01"),
                (Column::Status, "TRUE"),
            ],
        )
    };
    check(
        "hand-made workbook",
        &outcome,
        &[
            r(4, CODE, "10", "511602000000", "83372204"),
            r(
                5,
                "11510000MB1234567X4000111700001",
                "1",
                "511600000000",
                "1",
            ),
        ],
        // an 18-digit number has lost digits in Excel: refused, not silently altered
        &[(7, "department_code")],
    );
}

#[test]
fn real_guangan_catalog() {
    let bytes = match std::fs::read(REAL_FILE) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("skipping: {REAL_FILE} not readable ({error})");
            return;
        }
    };
    let outcome = read(&bytes, FileFormat::Csv);
    assert_eq!(outcome.encoding, Some(TextEncoding::Utf8));
    assert_eq!(
        (
            outcome.rows.len(),
            outcome.rejected.len(),
            outcome.total_rows
        ),
        (1135, 0, 1135)
    );
    let first = &outcome.rows[0];
    assert_eq!(first.row, 2);
    assert_eq!(first.implementation_code, CODE);
    assert_eq!(first.item_type, "10");
    assert_eq!(first.department, "区经信局");
    assert_eq!(first.region_code, "511602000000");
    assert!(
        outcome
            .rows
            .iter()
            .all(|r| !r.name.is_empty() && !r.implementation_code.is_empty())
    );
    // and it survives both formats unchanged
    for format in [FileFormat::Csv, FileFormat::Xlsx] {
        let written = match write_catalog(&outcome.rows, format) {
            Ok(bytes) => bytes,
            Err(error) => panic!("{format:?}: {error}"),
        };
        let again = read(&written, format);
        let renumbered: Vec<RawCatalogRow> = outcome
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| RawCatalogRow {
                row: i + 2,
                ..r.clone()
            })
            .collect();
        assert!(
            again.rows == renumbered,
            "{format:?} round trip of the real file"
        );
    }
}
