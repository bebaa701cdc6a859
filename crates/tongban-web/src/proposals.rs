//! Turning what a department typed (a form or API JSON) into a catalog change proposal.
//! Pages and the API both come through here, so the two cannot disagree.

use serde::Deserialize;
use tongban_domain::FieldError;
use tongban_domain::access::DepartmentStaff;
use tongban_domain::catalog::{
    ChangeKind, ImplementationSnapshot, ImplementationStatus, RegionCode, catalog_key_of,
};
use tongban_domain::codes::{ItemCode, ItemType};
use tongban_domain::guide::CaseKind;
use tongban_store::catalog::{self, Proposal};
use tongban_store::{Store, StoreError};
use utoipa::ToSchema;

/// A proposed change as a department states it. Which fields matter depends on `kind`:
/// add needs `new_code`, `name` and `item_type`; change edits `name`, `legal_basis`,
/// `case_kind` or `power_source` of `implementation_code`; cancel and delegate_down need only
/// `implementation_code`; take_over names the delegated `implementation_code` and the
/// department's own `new_code`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProposalInput {
    /// add | change | cancel | delegate_down | take_over
    pub kind: String,
    pub implementation_code: String,
    pub new_code: String,
    pub name: String,
    pub item_type: String,
    pub legal_basis: String,
    /// immediate | committed
    pub case_kind: String,
    pub power_source: String,
    pub reason: String,
}

fn text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

pub async fn build(
    store: &Store,
    staff: &DepartmentStaff<'_>,
    input: &ProposalInput,
) -> Result<Proposal, StoreError> {
    let kind = ChangeKind::parse(input.kind.trim()).ok_or_else(|| {
        FieldError::new(
            "kind",
            "申请类型应为新增、变更、取消、下放或承接",
            "the kind is add, change, cancel, delegate_down or take_over",
        )
    })?;
    let department = catalog::department(store, staff.department_id)
        .await?
        .ok_or_else(|| StoreError::not_found("department"))?;
    let case_kind = match text(&input.case_kind) {
        Some(k) => Some(CaseKind::parse(&k).ok_or_else(|| {
            FieldError::new(
                "case_kind",
                "办件类型应为即办件或承诺件",
                "the case kind is immediate or committed",
            )
        })?),
        None => None,
    };
    // A new implementation of this department: code, catalog key and level follow the code.
    let new_implementation = |code_text: &str,
                              base: Option<&ImplementationSnapshot>|
     -> Result<ImplementationSnapshot, StoreError> {
        let code = ItemCode::parse(code_text).map_err(|e| FieldError::of("new_code", &e))?;
        let region = RegionCode::parse(&department.region_code)?;
        let level = match &code {
            ItemCode::Implementation(c) => c.level().digit(),
            ItemCode::HandlingItem(c) => c.implementation().level().digit(),
            _ => region.implied_level().exercise_level().digit(),
        };
        let item_type = match (text(&input.item_type), base) {
            (Some(t), _) => ItemType::from_code(&t)
                .map_err(|e| FieldError::of("item_type", &e))?
                .code(),
            (None, Some(base)) => base.item_type.clone(),
            (None, None) => {
                return Err(
                    FieldError::new("item_type", "请选择事项类型", "choose the item type").into(),
                );
            }
        };
        Ok(ImplementationSnapshot {
            code: code.as_string(),
            basic_code: base.map_or_else(|| catalog_key_of(&code), |b| b.basic_code.clone()),
            name: text(&input.name)
                .or_else(|| base.map(|b| b.name.clone()))
                .unwrap_or_default(),
            item_type,
            department_id: department.id,
            region_code: department.region_code.clone(),
            exercise_level: level,
            case_kind: case_kind.or(base.map(|b| b.case_kind)).unwrap_or_default(),
            power_source: text(&input.power_source)
                .or_else(|| base.map(|b| b.power_source.clone()))
                .unwrap_or_else(|| "法定本级行使".to_owned()),
            legal_basis: text(&input.legal_basis)
                .or_else(|| base.map(|b| b.legal_basis.clone()))
                .unwrap_or_default(),
            status: ImplementationStatus::Published,
            guide: base.and_then(|b| b.guide.clone()),
        })
    };
    let code = input.implementation_code.trim().to_owned();
    let current = || async {
        catalog::current(store, &code).await?.ok_or_else(|| {
            StoreError::from(FieldError::new(
                "implementation_code",
                "实施清单中没有该编码",
                "no implementation has this code",
            ))
        })
    };
    let (implementation_code, proposed) = match kind {
        ChangeKind::Add => {
            let code_text = text(&input.new_code)
                .or_else(|| text(&input.implementation_code))
                .ok_or_else(|| {
                    FieldError::new(
                        "new_code",
                        "请填写新的实施编码",
                        "give the new implementation code",
                    )
                })?;
            let proposed = new_implementation(&code_text, None)?;
            (proposed.code.clone(), Some(proposed))
        }
        ChangeKind::Change => {
            let current = current().await?.snapshot;
            let proposed = ImplementationSnapshot {
                name: text(&input.name).unwrap_or_else(|| current.name.clone()),
                legal_basis: text(&input.legal_basis)
                    .unwrap_or_else(|| current.legal_basis.clone()),
                power_source: text(&input.power_source)
                    .unwrap_or_else(|| current.power_source.clone()),
                case_kind: case_kind.unwrap_or(current.case_kind),
                ..current
            };
            (code.clone(), Some(proposed))
        }
        ChangeKind::Cancel | ChangeKind::DelegateDown => (current().await?.snapshot.code, None),
        ChangeKind::TakeOver => {
            let source = current().await?.snapshot;
            let code_text = text(&input.new_code).ok_or_else(|| {
                FieldError::new(
                    "new_code",
                    "请填写本部门承接后的实施编码",
                    "give your department's implementation code",
                )
            })?;
            (
                source.code.clone(),
                Some(new_implementation(&code_text, Some(&source))?),
            )
        }
    };
    Ok(Proposal {
        kind,
        implementation_code,
        proposed,
        reason: input.reason.clone(),
    })
}
