//! Differences between two versions of an implementation, field by field, for the version
//! history page. Guide elements are compared one top-level element at a time.

use serde_json::Value;

use super::implementation::ImplementationSnapshot;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Lists what changed from `before` (None for a first version) to `after`.
pub fn diff_snapshots(
    before: Option<&ImplementationSnapshot>,
    after: &ImplementationSnapshot,
) -> Vec<FieldChange> {
    let flatten = |snapshot: Option<&ImplementationSnapshot>| -> Vec<(String, String)> {
        let Some(snapshot) = snapshot else {
            return Vec::new();
        };
        let Ok(Value::Object(map)) = serde_json::to_value(snapshot) else {
            return Vec::new();
        };
        let mut fields = Vec::new();
        for (key, value) in map {
            match value {
                Value::Object(guide) if key == "guide" => {
                    for (element, value) in guide {
                        fields.push((format!("guide.{element}"), render(&value)));
                    }
                }
                other => fields.push((key, render(&other))),
            }
        }
        fields
    };
    let old = flatten(before);
    let new = flatten(Some(after));
    let lookup = |fields: &[(String, String)], name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut names: Vec<&String> = old.iter().chain(new.iter()).map(|(name, _)| name).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let (b, a) = (lookup(&old, name), lookup(&new, name));
            (b != a).then(|| FieldChange {
                field: name.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

fn render(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ImplementationStatus;
    use crate::guide::{CaseKind, Guide};

    fn version(name: &str, limit: u32) -> ImplementationSnapshot {
        ImplementationSnapshot {
            code: "X".into(),
            basic_code: "000117002000".into(),
            name: name.into(),
            item_type: "01".into(),
            department_id: 1,
            region_code: "519900000000".into(),
            exercise_level: 3,
            case_kind: CaseKind::Committed,
            power_source: "法定本级行使".into(),
            legal_basis: String::new(),
            status: ImplementationStatus::Published,
            guide: Some(Guide {
                committed_limit_days: limit,
                ..Guide::default()
            }),
        }
    }

    #[test]
    fn lists_only_what_changed() {
        let changes = diff_snapshots(Some(&version("甲", 10)), &version("乙", 5));
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["guide.committed_limit_days", "name"]);
        assert_eq!(changes[1].before, "甲");
        assert_eq!(changes[1].after, "乙");
        assert!(diff_snapshots(Some(&version("甲", 10)), &version("甲", 10)).is_empty());
        assert!(diff_snapshots(None, &version("甲", 10)).len() > 5);
    }
}
