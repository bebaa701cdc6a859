//! One catalog row as departments exchange it (CSV/XLSX), and the rules that turn its text
//! into a catalog entry. File formats live in the exchange adapter; this is only the meaning.

use crate::codes::{ExerciseLevel, ItemCode, ItemType, Uscc};
use crate::guide::CaseKind;
use crate::message::FieldError;

use super::implementation::{ImplementationStatus, catalog_key_of};
use super::region::RegionCode;

/// The text of one row, as read from a file. `row` is the 1-based line/row number in the
/// file (the header is row 1), so reports point at what the user sees in Excel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawCatalogRow {
    pub row: usize,
    pub implementation_code: String,
    pub basic_code: String,
    pub name: String,
    pub item_type: String,
    pub department: String,
    pub department_code: String,
    pub region_code: String,
    pub exercise_level: String,
    pub case_kind: String,
    pub status: String,
    pub power_source: String,
    pub legal_basis: String,
    /// 主项 grouping as some catalogs carry it; kept for reference only
    pub main_item: String,
}

/// A validated row: codes parsed, types known, defaults filled.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEntry {
    pub code: ItemCode,
    pub basic_code: String,
    pub name: String,
    pub item_type: ItemType,
    pub department_name: String,
    /// the department's code as the file gives it (USCC or a legacy organisation code)
    pub department_code: Option<String>,
    pub department_uscc: Option<Uscc>,
    pub region: RegionCode,
    /// None when neither the code nor the row says; the region's level decides then
    pub exercise_level: Option<ExerciseLevel>,
    pub case_kind: CaseKind,
    pub status: ImplementationStatus,
    pub power_source: String,
    pub legal_basis: String,
}

const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 4000;

/// Validates one row. The error names the field at fault.
pub fn parse_row(raw: &RawCatalogRow) -> Result<CatalogEntry, FieldError> {
    let code = ItemCode::parse(&raw.implementation_code)
        .map_err(|e| FieldError::of("implementation_code", &e))?;
    if matches!(code, ItemCode::Basic(_)) {
        return Err(FieldError::new(
            "implementation_code",
            "这是12位基本编码，不是实施编码",
            "this is a 12-digit basic code, not an implementation code",
        ));
    }
    let name = required("name", &raw.name, MAX_NAME)?;
    let department_name = required("department", &raw.department, MAX_NAME)?;
    let item_type =
        ItemType::from_code(raw.item_type.trim()).map_err(|e| FieldError::of("item_type", &e))?;
    let standard = match &code {
        ItemCode::Implementation(c) => Some(c.clone()),
        ItemCode::HandlingItem(c) => Some(c.implementation().clone()),
        _ => None,
    };
    if let Some(standard) = &standard
        && standard.basic().item_type() != item_type
    {
        return Err(FieldError::new(
            "item_type",
            format!(
                "事项类型{}与编码中的类型{}不一致",
                item_type.code(),
                standard.basic().item_type().code()
            ),
            format!(
                "item type {} differs from type {} inside the code",
                item_type.code(),
                standard.basic().item_type().code()
            ),
        ));
    }
    let basic_code = match (raw.basic_code.trim(), &standard) {
        ("", _) => catalog_key_of(&code),
        (given, Some(standard)) if given != standard.basic().as_str() => {
            return Err(FieldError::new(
                "basic_code",
                "基本编码与实施编码中的基本编码不一致",
                "the basic code differs from the one inside the implementation code",
            ));
        }
        (given, _) => optional("basic_code", given, 64)?.unwrap_or_default(),
    };
    let region_text = match (raw.region_code.trim(), &code) {
        ("", ItemCode::Opaque(opaque)) => region_segment(opaque.as_str()).unwrap_or_default(),
        (given, _) => given.to_owned(),
    };
    let region = RegionCode::parse(&region_text)?;
    let department_code = optional("department_code", &raw.department_code, 64)?;
    let department_uscc = match (&standard, &department_code) {
        (Some(standard), _) => Some(standard.organ().clone()),
        (None, Some(text)) if text.len() == 18 => Uscc::parse(text).ok(),
        _ => None,
    };
    let exercise_level = match (raw.exercise_level.trim(), &standard) {
        ("", standard) => standard.as_ref().map(|s| s.level()),
        (text, standard) => {
            let level = text
                .parse::<u8>()
                .ok()
                .and_then(ExerciseLevel::from_digit)
                .ok_or_else(|| {
                    FieldError::new(
                        "exercise_level",
                        "行使层级应为1至6",
                        "the exercise level is 1 to 6",
                    )
                })?;
            if standard.as_ref().is_some_and(|s| s.level() != level) {
                return Err(FieldError::new(
                    "exercise_level",
                    "行使层级与实施编码中的层级不一致",
                    "the exercise level differs from the one inside the implementation code",
                ));
            }
            Some(level)
        }
    };
    let case_kind = match raw.case_kind.trim() {
        "" => CaseKind::Committed,
        text => CaseKind::parse(text).ok_or_else(|| {
            FieldError::new(
                "case_kind",
                format!("办件类型“{text}”无法识别，应为即办件或承诺件"),
                format!("case kind \"{text}\" is not known; use immediate or committed"),
            )
        })?,
    };
    let status = match raw.status.trim() {
        "" => ImplementationStatus::Published,
        text => ImplementationStatus::parse(text).ok_or_else(|| {
            FieldError::new(
                "status",
                format!("状态“{text}”无法识别，应为 published、cancelled 或 delegated"),
                format!("status \"{text}\" is not known; use published, cancelled or delegated"),
            )
        })?,
    };
    Ok(CatalogEntry {
        code,
        basic_code,
        name,
        item_type,
        department_name,
        department_code,
        department_uscc,
        region,
        exercise_level,
        case_kind,
        status,
        power_source: optional("power_source", &raw.power_source, 50)?.unwrap_or_default(),
        legal_basis: multiline("legal_basis", &raw.legal_basis, MAX_TEXT)?.unwrap_or_default(),
    })
}

/// The 12-digit region segment of a hyphenated real-world code, if it has one.
fn region_segment(raw: &str) -> Option<String> {
    raw.split('-')
        .find(|s| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned)
}

fn required(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    optional(field, value, max)?
        .ok_or_else(|| FieldError::new(field, "不能为空", "must not be empty"))
}

fn optional(field: &str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    checked(field, value, max, |c| c.is_control())
}

/// Free text that may run over several lines (a legal basis lists several laws).
fn multiline(field: &str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    checked(field, &value.replace("\r\n", "\n"), max, |c| {
        c.is_control() && c != '\n' && c != '\t'
    })
}

fn checked(
    field: &str,
    value: &str,
    max: usize,
    forbidden: impl Fn(char) -> bool,
) -> Result<Option<String>, FieldError> {
    let value = value.trim();
    if value.chars().any(forbidden) {
        return Err(FieldError::new(
            field,
            "含有控制字符",
            "contains control characters",
        ));
    }
    let length = value.chars().count();
    if length > max {
        return Err(FieldError::new(
            field,
            format!("不能超过{max}个字符（实为{length}个）"),
            format!("must be at most {max} characters (found {length})"),
        ));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, item_type: &str) -> RawCatalogRow {
        RawCatalogRow {
            row: 2,
            implementation_code: code.into(),
            name: "适龄儿童、少年因身体状况需要延缓入学或者休学审批".into(),
            item_type: item_type.into(),
            department: "区教科体局".into(),
            department_code: "083372204".into(),
            ..RawCatalogRow::default()
        }
    }

    fn check(raw: RawCatalogRow, expected: Result<(&str, &str), &str>) {
        match (parse_row(&raw), expected) {
            (Ok(entry), Ok((basic, region))) => {
                assert_eq!(entry.basic_code, basic);
                assert_eq!(entry.region.as_str(), region);
            }
            (Err(error), Err(field)) => assert_eq!(error.field, field, "{error}"),
            (got, expected) => panic!("{raw:?}: got {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn rows_from_real_and_standard_layouts() {
        check(
            row(
                "511A0138000000-511602000000-000-115113010833722043-1-00",
                "1",
            ),
            Ok(("511A0138000000", "511602000000")),
        );
        check(row("", "1"), Err("implementation_code"));
        check(row("370117002011", "1"), Err("implementation_code"));
        check(
            row(
                "511A0138000000-511602000000-000-115113010833722043-1-00",
                "abc",
            ),
            Err("item_type"),
        );
        check(row("NO-REGION-IN-THIS-CODE", "1"), Err("region"));
        let mut long = row(
            "511A0138000000-511602000000-000-115113010833722043-1-00",
            "20",
        );
        long.name = "长".repeat(201);
        check(long, Err("name"));
        let mut bad_kind = row(
            "511A0138000000-511602000000-000-115113010833722043-1-00",
            "20",
        );
        bad_kind.case_kind = "sometimes".into();
        check(bad_kind, Err("case_kind"));
    }
}
