//! How guide values read on paper: the Chinese names of codes and flags, limits in working
//! days, section numbers.

use tongban_domain::codes::{ExerciseLevel, ItemType};
use tongban_domain::guide::{Material, MaterialForm, MaterialSource, OnlineDepth, ResultKind};

/// Shown for an element left empty.
pub(crate) const NONE: &str = "无";
pub(crate) const DASH: &str = "—";

pub(crate) fn or_none(text: &str) -> String {
    or(text, NONE)
}

pub(crate) fn or_dash(text: &str) -> String {
    or(text, DASH)
}

fn or(text: &str, empty: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        empty.to_owned()
    } else {
        text.to_owned()
    }
}

/// Non-empty entries joined with 、, or 无.
pub(crate) fn list(items: &[String]) -> String {
    let items: Vec<&str> = items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        NONE.to_owned()
    } else {
        items.join("、")
    }
}

/// Non-empty entries, trimmed.
pub(crate) fn non_empty(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A limit in working days; 0 means decided on the spot.
pub(crate) fn working_days(days: u32, zero: &str) -> String {
    if days == 0 {
        zero.to_owned()
    } else {
        format!("{days}个工作日")
    }
}

pub(crate) fn item_type(code: &str) -> String {
    match ItemType::from_code(code) {
        Ok(kind) => format!("{}（{}）", kind.name_zh(), kind.code()),
        Err(_) => or_dash(code),
    }
}

pub(crate) fn exercise_level(level: u8) -> String {
    ExerciseLevel::from_digit(level).map_or_else(|| DASH.to_owned(), |l| l.name_zh().to_owned())
}

/// Where a department fetches the material instead of asking the applicant, if anywhere.
pub(crate) fn sharing_source(material: &Material) -> Option<&str> {
    material
        .sharing_source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

pub(crate) fn material_form(form: MaterialForm) -> &'static str {
    match form {
        MaterialForm::Original => "原件",
        MaterialForm::Copy => "复印件",
        MaterialForm::OriginalAndCopy => "原件和复印件",
        MaterialForm::Electronic => "电子材料",
    }
}

pub(crate) fn material_source(source: MaterialSource) -> &'static str {
    match source {
        MaterialSource::Applicant => "申请人自备",
        MaterialSource::Department => "政府部门核发",
        MaterialSource::Intermediary => "中介机构出具",
    }
}

pub(crate) fn result_kind(kind: ResultKind) -> &'static str {
    match kind {
        ResultKind::Licence => "证照",
        ResultKind::ApprovalDocument => "批文",
        ResultKind::Certificate => "证明、登记或备案凭证",
        ResultKind::Other => "其他",
    }
}

pub(crate) fn online(depth: OnlineDepth) -> &'static str {
    match depth {
        OnlineDepth::FullyOnline => "全程网办",
        OnlineDepth::PartlyOnline => "部分网办",
        OnlineDepth::Offline => "不能网办",
    }
}

pub(crate) fn yes_no(value: bool) -> &'static str {
    if value { "是" } else { "否" }
}

/// 一 … 九十九: section numbers.
pub(crate) fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        let cases: &[(String, &str)] = &[
            (chinese_number(1), "一"),
            (chinese_number(10), "十"),
            (chinese_number(12), "十二"),
            (chinese_number(20), "二十"),
            (chinese_number(23), "二十三"),
            (working_days(0, "即办"), "即办"),
            (working_days(20, "即办"), "20个工作日"),
            (item_type("01"), "行政许可（01）"),
            (item_type("1"), "行政许可（01）"),
            (item_type("xx"), "xx"),
            (item_type(""), "—"),
            (exercise_level(3), "市级"),
            (exercise_level(9), "—"),
            (
                list(&["自然人".into(), " ".into(), "企业法人".into()]),
                "自然人、企业法人",
            ),
            (list(&[]), "无"),
            (or_none("  "), "无"),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected);
        }
    }
}
