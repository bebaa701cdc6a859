//! Names of catalog and guide fields for people, used where versions are compared.

use crate::i18n::Lang;

const FIELDS: &[(&str, &str, &str)] = &[
    ("code", "实施编码", "implementation code"),
    ("basic_code", "基本编码", "basic code"),
    ("name", "事项名称", "name"),
    ("item_type", "事项类型", "item type"),
    ("department_id", "实施机构", "department"),
    ("region_code", "行政区划", "region"),
    ("exercise_level", "行使层级", "exercise level"),
    ("case_kind", "办件类型", "case kind"),
    ("power_source", "权力来源", "power source"),
    ("legal_basis", "设定依据", "legal basis"),
    ("status", "状态", "status"),
    ("guide", "办事指南", "guide"),
    ("guide.name", "指南·事项名称", "guide: name"),
    ("guide.basic_code", "指南·基本编码", "guide: basic code"),
    ("guide.power_source", "指南·权力来源", "guide: power source"),
    ("guide.item_type", "指南·事项类型", "guide: item type"),
    ("guide.case_kind", "指南·办件类型", "guide: case kind"),
    (
        "guide.exercise_level",
        "指南·行使层级",
        "guide: exercise level",
    ),
    (
        "guide.implementing_organ",
        "指南·实施主体",
        "guide: implementing organ",
    ),
    (
        "guide.service_objects",
        "指南·服务对象",
        "guide: who can apply",
    ),
    (
        "guide.intermediary_services",
        "指南·中介服务",
        "guide: intermediary services",
    ),
    ("guide.fees", "指南·收费标准", "guide: fees"),
    ("guide.visits", "指南·到现场次数", "guide: visits"),
    (
        "guide.visits_reason",
        "指南·到现场原因",
        "guide: reason for visits",
    ),
    (
        "guide.legal_limit_days",
        "指南·法定办结时限",
        "guide: legal time limit",
    ),
    (
        "guide.committed_limit_days",
        "指南·承诺办结时限",
        "guide: committed time limit",
    ),
    ("guide.result", "指南·办理结果", "guide: result"),
    ("guide.office_hours", "指南·办理时间", "guide: office hours"),
    (
        "guide.consultation_phone",
        "指南·咨询电话",
        "guide: enquiries",
    ),
    (
        "guide.complaint_phone",
        "指南·投诉电话",
        "guide: complaints",
    ),
    ("guide.locations", "指南·办理地点", "guide: locations"),
    ("guide.conditions", "指南·受理条件", "guide: conditions"),
    ("guide.process", "指南·办理流程", "guide: process"),
    ("guide.materials", "指南·申请材料", "guide: materials"),
    ("guide.legal_basis", "指南·设定依据", "guide: legal basis"),
    (
        "guide.faqs",
        "指南·常见问题",
        "guide: questions and answers",
    ),
    (
        "guide.special_procedures",
        "指南·特别程序",
        "guide: special procedures",
    ),
    ("guide.online", "指南·网办深度", "guide: online handling"),
    (
        "guide.online_payment",
        "指南·网上缴费",
        "guide: online payment",
    ),
    (
        "guide.pledge_allowed",
        "指南·告知承诺",
        "guide: decided on pledge",
    ),
    (
        "guide.back_office",
        "指南·办理流程定义",
        "guide: back-office process",
    ),
];

/// The label of a field as `diff_snapshots` names it; unknown names are shown as they are.
pub fn field_label(lang: Lang, field: &str) -> String {
    FIELDS
        .iter()
        .find(|(name, _, _)| *name == field)
        .map_or_else(
            || field.to_owned(),
            |(_, zh, en)| lang.pick(zh, en).to_owned(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_domain::catalog::{ImplementationSnapshot, ImplementationStatus, diff_snapshots};
    use tongban_domain::guide::{CaseKind, Guide};

    /// Every field a version can differ in has a label in both languages.
    #[test]
    fn every_field_has_a_label() {
        let snapshot = ImplementationSnapshot {
            code: "X".into(),
            basic_code: "B".into(),
            name: "N".into(),
            item_type: "01".into(),
            department_id: 1,
            region_code: "519900000000".into(),
            exercise_level: 3,
            case_kind: CaseKind::Committed,
            power_source: String::new(),
            legal_basis: String::new(),
            status: ImplementationStatus::Published,
            guide: Some(Guide::default()),
        };
        for change in diff_snapshots(None, &snapshot) {
            assert_ne!(
                field_label(Lang::Zh, &change.field),
                change.field,
                "no label for {}",
                change.field
            );
        }
    }
}
