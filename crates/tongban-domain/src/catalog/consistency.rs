//! Consistency across regions and levels (seed 000: the same item is handled the same way
//! everywhere): every implementation of one basic code must carry the same name, item type
//! and legal basis. This lists every difference, grouped by basic code and field.

use std::collections::BTreeMap;

use super::implementation::{ImplementationSnapshot, ImplementationStatus};

/// One field on which the implementations of a basic code disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency {
    pub basic_code: String,
    /// "name" | "item_type" | "legal_basis"
    pub field: &'static str,
    /// each distinct value with the implementation codes that carry it, most common first
    pub variants: Vec<(String, Vec<String>)>,
}

/// Reads the compared field of an implementation, normalized for comparison.
type FieldOf = fn(&ImplementationSnapshot) -> String;

/// Compares published implementations sharing a basic code.
pub fn inconsistencies<'a>(
    snapshots: impl IntoIterator<Item = &'a ImplementationSnapshot>,
) -> Vec<Inconsistency> {
    let mut by_basic: BTreeMap<&str, Vec<&ImplementationSnapshot>> = BTreeMap::new();
    for snapshot in snapshots
        .into_iter()
        .filter(|s| s.status == ImplementationStatus::Published)
    {
        by_basic
            .entry(snapshot.basic_code.as_str())
            .or_default()
            .push(snapshot);
    }
    let fields: [(&'static str, FieldOf); 3] = [
        ("name", |s| s.name.trim().to_owned()),
        ("item_type", |s| s.item_type.clone()),
        ("legal_basis", |s| normalize_basis(&s.legal_basis)),
    ];
    let mut found = Vec::new();
    for (basic_code, group) in by_basic.into_iter().filter(|(_, g)| g.len() > 1) {
        for (field, value_of) in fields {
            let mut variants: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for snapshot in &group {
                variants
                    .entry(value_of(snapshot))
                    .or_default()
                    .push(snapshot.code.clone());
            }
            if variants.len() > 1 {
                let mut variants: Vec<(String, Vec<String>)> = variants.into_iter().collect();
                variants.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
                found.push(Inconsistency {
                    basic_code: basic_code.to_owned(),
                    field,
                    variants,
                });
            }
        }
    }
    found
}

/// Legal bases differ in layout more than in substance: compare them line by line,
/// ignoring order, blank lines and surrounding spaces.
fn normalize_basis(text: &str) -> String {
    let mut lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::CaseKind;

    fn implementation(code: &str, basic: &str, name: &str, basis: &str) -> ImplementationSnapshot {
        ImplementationSnapshot {
            code: code.into(),
            basic_code: basic.into(),
            name: name.into(),
            item_type: "01".into(),
            department_id: 1,
            region_code: "519900000000".into(),
            exercise_level: 3,
            case_kind: CaseKind::Committed,
            power_source: String::new(),
            legal_basis: basis.into(),
            status: ImplementationStatus::Published,
            guide: None,
        }
    }

    #[test]
    fn lists_each_differing_field_once() {
        let items = [
            implementation(
                "A",
                "000117021000",
                "食品经营许可",
                "《食品安全法》\n《行政许可法》",
            ),
            implementation(
                "B",
                "000117021000",
                "食品经营许可",
                "《行政许可法》\n\n《食品安全法》 ",
            ),
            implementation(
                "C",
                "000117021000",
                "食品经营许可证核发",
                "《食品安全法》\n《行政许可法》",
            ),
            implementation("D", "000107001000", "出生登记", "x"),
        ];
        let found = inconsistencies(&items);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "name");
        assert_eq!(
            found[0].variants[0],
            (
                "食品经营许可".to_owned(),
                vec!["A".to_owned(), "B".to_owned()]
            )
        );
        let mut cancelled = implementation("E", "000117021000", "别名", "y");
        cancelled.status = ImplementationStatus::Cancelled;
        assert_eq!(
            inconsistencies(items.iter().chain([&cancelled])).len(),
            1,
            "cancelled ones do not count"
        );
    }
}
