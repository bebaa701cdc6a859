//! An implementation (实施清单 entry) as one published version: everything the catalog
//! records about one organ's implementation of one catalog item in one region.

use serde::{Deserialize, Serialize};

use crate::codes::{ExerciseLevel, ItemCode, ItemType};
use crate::guide::{CaseKind, Guide};
use crate::message::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImplementationStatus {
    /// 已发布: may be applied for
    Published,
    /// 已取消
    Cancelled,
    /// 已下放: handed down, waiting for (or taken over by) a lower level
    Delegated,
}

impl ImplementationStatus {
    pub const ALL: [ImplementationStatus; 3] = [
        ImplementationStatus::Published,
        ImplementationStatus::Cancelled,
        ImplementationStatus::Delegated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImplementationStatus::Published => "published",
            ImplementationStatus::Cancelled => "cancelled",
            ImplementationStatus::Delegated => "delegated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ImplementationStatus::Published => "已发布",
            ImplementationStatus::Cancelled => "已取消",
            ImplementationStatus::Delegated => "已下放",
        }
    }
}

/// One version of an implementation. Versions are immutable; the catalog's current state is
/// the latest version of each code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImplementationSnapshot {
    /// implementation code: standard 31 chars, or a real-world layout kept as given
    pub code: String,
    /// catalog item key: the basic code, or the catalog part of an opaque code
    pub basic_code: String,
    pub name: String,
    /// two-digit item type code
    pub item_type: String,
    pub department_id: i64,
    pub region_code: String,
    pub exercise_level: u8,
    pub case_kind: CaseKind,
    pub power_source: String,
    pub legal_basis: String,
    pub status: ImplementationStatus,
    pub guide: Option<Guide>,
}

impl ImplementationSnapshot {
    /// Checks what every version must satisfy, whoever proposes it.
    pub fn validate(&self) -> Result<(), FieldError> {
        let code =
            ItemCode::parse(&self.code).map_err(|e| FieldError::of("implementation_code", &e))?;
        if matches!(code, ItemCode::Basic(_)) {
            return Err(FieldError::new(
                "implementation_code",
                "这是基本编码，实施清单需要实施编码",
                "this is a basic code; an implementation needs an implementation code",
            ));
        }
        if let ItemCode::Implementation(standard) = &code {
            if standard.basic().as_str() != self.basic_code {
                return Err(FieldError::new(
                    "basic_code",
                    "基本编码与实施编码中的基本编码不一致",
                    "the basic code differs from the one inside the implementation code",
                ));
            }
            if standard.level().digit() != self.exercise_level {
                return Err(FieldError::new(
                    "exercise_level",
                    "行使层级与实施编码中的层级不一致",
                    "the exercise level differs from the one inside the implementation code",
                ));
            }
        }
        check_text("name", &self.name, 200)?;
        check_text("basic_code", &self.basic_code, 64)?;
        ItemType::from_code(&self.item_type).map_err(|e| FieldError::of("item_type", &e))?;
        if ExerciseLevel::from_digit(self.exercise_level).is_none() {
            return Err(FieldError::new(
                "exercise_level",
                "行使层级应为1至6",
                "the exercise level is 1 to 6",
            ));
        }
        if self.power_source.chars().count() > 50 {
            return Err(too_long("power_source", 50));
        }
        if self.legal_basis.chars().count() > 4000 {
            return Err(too_long("legal_basis", 4000));
        }
        Ok(())
    }

    pub fn item_type_name_zh(&self) -> &'static str {
        ItemType::from_code(&self.item_type).map_or("未知", |t| t.name_zh())
    }
}

/// The catalog-item key of an implementation code: the basic code inside a standard code,
/// else the part of a hyphenated real-world layout before its 12-digit region segment
/// (`G-000007-001-511602000000-…` → `G-000007-001`), else the code itself.
pub fn catalog_key_of(code: &ItemCode) -> String {
    match code {
        ItemCode::Basic(basic) => basic.as_str().to_owned(),
        ItemCode::Implementation(implementation) => implementation.basic().as_str().to_owned(),
        ItemCode::HandlingItem(handling) => handling.implementation().basic().as_str().to_owned(),
        ItemCode::Opaque(opaque) => {
            let raw = opaque.as_str();
            let segments: Vec<&str> = raw.split('-').collect();
            let is_region = |s: &&str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
            match segments.iter().position(is_region) {
                Some(i) if i > 0 => segments[..i].join("-"),
                _ => raw.to_owned(),
            }
        }
    }
}

fn check_text(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, "不能为空", "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(too_long(field, max));
    }
    Ok(())
}

fn too_long(field: &str, max: usize) -> FieldError {
    FieldError::new(
        field,
        format!("不能超过{max}个字符"),
        format!("must be at most {max} characters"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(code: &str, expected_key: &str) {
        let parsed = ItemCode::parse(code).expect(code);
        assert_eq!(catalog_key_of(&parsed), expected_key, "{code}");
    }

    #[test]
    fn catalog_keys_of_real_layouts() {
        check(
            "511A0138000000-511602000000-000-115113010833722043-1-00",
            "511A0138000000",
        );
        check(
            "G-000007-001-511602000000-000-115113010833722043-1-00",
            "G-000007-001",
        );
        check(
            "1J-5100-00027-511602000000-000-11511301008778386B-1-00",
            "1J-5100-00027",
        );
        check("SOMETHING-ELSE", "SOMETHING-ELSE");
        check("370117002011", "370117002011");
    }
}
