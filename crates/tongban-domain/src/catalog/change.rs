//! Change control (seed 000: 不得擅自取消、下放和调整): a department proposes, the reform
//! office decides, and only an approved change alters the catalog. This module decides
//! whether a proposal is coherent and what publishing it does; storage carries it out.

use crate::message::FieldError;

use super::implementation::{ImplementationSnapshot, ImplementationStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// 新增
    Add,
    /// 变更
    Change,
    /// 取消
    Cancel,
    /// 下放: hand an implementation down to a lower level
    DelegateDown,
    /// 承接: a lower-level department takes over a delegated implementation
    TakeOver,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 5] = [
        ChangeKind::Add,
        ChangeKind::Change,
        ChangeKind::Cancel,
        ChangeKind::DelegateDown,
        ChangeKind::TakeOver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Add => "add",
            ChangeKind::Change => "change",
            ChangeKind::Cancel => "cancel",
            ChangeKind::DelegateDown => "delegate_down",
            ChangeKind::TakeOver => "take_over",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ChangeKind::Add => "新增",
            ChangeKind::Change => "变更",
            ChangeKind::Cancel => "取消",
            ChangeKind::DelegateDown => "下放",
            ChangeKind::TakeOver => "承接",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ChangeKind::Add => "add",
            ChangeKind::Change => "change",
            ChangeKind::Cancel => "cancel",
            ChangeKind::DelegateDown => "delegate down",
            ChangeKind::TakeOver => "take over",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeStatus {
    Pending,
    Approved,
    Rejected,
}

impl ChangeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "pending",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "待审核",
            ChangeStatus::Approved => "已批准",
            ChangeStatus::Rejected => "已驳回",
        }
    }
}

/// The reform office's decision on a pending change request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeDecision {
    Approve { comment: String },
    Reject { comment: String },
}

impl ChangeDecision {
    /// A rejection must say why; an approval may.
    pub fn new(approve: bool, comment: &str) -> Result<Self, FieldError> {
        let comment = comment.trim().to_owned();
        if comment.chars().count() > 2000 {
            return Err(FieldError::new(
                "comment",
                "审核意见不能超过2000个字符",
                "the comment must be at most 2000 characters",
            ));
        }
        if approve {
            Ok(ChangeDecision::Approve { comment })
        } else if comment.is_empty() {
            Err(FieldError::new(
                "comment",
                "驳回必须填写理由",
                "a rejection must give a reason",
            ))
        } else {
            Ok(ChangeDecision::Reject { comment })
        }
    }

    pub fn status(&self) -> ChangeStatus {
        match self {
            ChangeDecision::Approve { .. } => ChangeStatus::Approved,
            ChangeDecision::Reject { .. } => ChangeStatus::Rejected,
        }
    }

    pub fn comment(&self) -> &str {
        match self {
            ChangeDecision::Approve { comment } | ChangeDecision::Reject { comment } => comment,
        }
    }
}

/// What publishing an approved change does to the catalog: each effect is one new version.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Publish(ImplementationSnapshot),
}

/// Why a proposal cannot stand.
pub type ChangeError = FieldError;

/// Checks a proposal against the current catalog and returns what approving it will publish.
///
/// `current` is the latest version of the code the proposal is about (for Add: of the
/// proposed code, which must not exist; for TakeOver: the delegated source). `proposed` is
/// the new content where the kind carries content (Add, Change, TakeOver).
/// `proposing_department` is the department asking.
pub fn plan_change(
    kind: ChangeKind,
    proposing_department: i64,
    current: Option<&ImplementationSnapshot>,
    proposed: Option<&ImplementationSnapshot>,
) -> Result<Vec<Effect>, ChangeError> {
    let reason_owner = || {
        FieldError::new(
            "department",
            "只能对本部门的实施清单提出该项申请",
            "only the owning department may propose this",
        )
    };
    let need_current = || {
        current.ok_or_else(|| {
            FieldError::new(
                "implementation_code",
                "实施清单中没有该事项",
                "no such implementation in the catalog",
            )
        })
    };
    let need_proposed = || {
        proposed.ok_or_else(|| {
            FieldError::new(
                "proposed",
                "缺少拟发布的内容",
                "the proposed content is missing",
            )
        })
    };
    match kind {
        ChangeKind::Add => {
            let proposed = need_proposed()?;
            if current.is_some() {
                return Err(FieldError::new(
                    "implementation_code",
                    "该实施编码已存在，请提出变更申请",
                    "this implementation code exists already; propose a change instead",
                ));
            }
            proposed.validate()?;
            if proposed.department_id != proposing_department {
                return Err(reason_owner());
            }
            Ok(vec![Effect::Publish(published(proposed))])
        }
        ChangeKind::Change => {
            let current = need_current()?;
            let proposed = need_proposed()?;
            require_owner(current, proposing_department).ok_or_else(reason_owner)?;
            require_status(current, ImplementationStatus::Published)?;
            proposed.validate()?;
            if proposed.code != current.code || proposed.department_id != current.department_id {
                return Err(FieldError::new(
                    "implementation_code",
                    "变更不能改变实施编码或实施机构；请用下放或承接",
                    "a change cannot alter the code or the organ; use delegate down or take over",
                ));
            }
            if proposed == &published(current) {
                return Err(FieldError::new(
                    "proposed",
                    "拟变更内容与现行版本相同",
                    "the proposal is the same as the current version",
                ));
            }
            Ok(vec![Effect::Publish(published(proposed))])
        }
        ChangeKind::Cancel | ChangeKind::DelegateDown => {
            let current = need_current()?;
            require_owner(current, proposing_department).ok_or_else(reason_owner)?;
            require_status(current, ImplementationStatus::Published)?;
            let status = if kind == ChangeKind::Cancel {
                ImplementationStatus::Cancelled
            } else {
                ImplementationStatus::Delegated
            };
            Ok(vec![Effect::Publish(ImplementationSnapshot {
                status,
                ..current.clone()
            })])
        }
        ChangeKind::TakeOver => {
            let source = need_current()?;
            let proposed = need_proposed()?;
            require_status(source, ImplementationStatus::Delegated)?;
            proposed.validate()?;
            if proposed.department_id != proposing_department {
                return Err(reason_owner());
            }
            if proposed.exercise_level <= source.exercise_level {
                return Err(FieldError::new(
                    "exercise_level",
                    "承接方的行使层级必须低于下放方",
                    "the department taking over must be at a lower level than the one delegating",
                ));
            }
            if proposed.basic_code != source.basic_code {
                return Err(FieldError::new(
                    "basic_code",
                    "承接的事项必须与下放的事项基本编码相同",
                    "the item taken over must have the basic code of the delegated one",
                ));
            }
            Ok(vec![Effect::Publish(published(proposed))])
        }
    }
}

fn published(snapshot: &ImplementationSnapshot) -> ImplementationSnapshot {
    ImplementationSnapshot {
        status: ImplementationStatus::Published,
        ..snapshot.clone()
    }
}

fn require_owner(current: &ImplementationSnapshot, department: i64) -> Option<()> {
    (current.department_id == department).then_some(())
}

fn require_status(
    current: &ImplementationSnapshot,
    wanted: ImplementationStatus,
) -> Result<(), FieldError> {
    if current.status == wanted {
        return Ok(());
    }
    Err(FieldError::new(
        "status",
        format!(
            "该事项当前状态为“{}”，应为“{}”",
            current.status.name_zh(),
            wanted.name_zh()
        ),
        format!(
            "the implementation is {}, it must be {}",
            current.status.as_str(),
            wanted.as_str()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::CaseKind;

    const ORGAN: &str = "11519900MB0000000";

    fn snapshot(
        department_id: i64,
        level: u8,
        status: ImplementationStatus,
    ) -> ImplementationSnapshot {
        ImplementationSnapshot {
            code: format!("LOCAL-{department_id}-{level}"),
            basic_code: "000117002000".into(),
            name: "食品经营许可".into(),
            item_type: "01".into(),
            department_id,
            region_code: "519900000000".into(),
            exercise_level: level,
            case_kind: CaseKind::Committed,
            power_source: "法定本级行使".into(),
            legal_basis: "《中华人民共和国食品安全法》".into(),
            status,
            guide: None,
        }
    }

    fn check(
        kind: ChangeKind,
        proposer: i64,
        current: Option<ImplementationSnapshot>,
        proposed: Option<ImplementationSnapshot>,
        expected: Result<ImplementationStatus, &str>,
    ) {
        let outcome = plan_change(kind, proposer, current.as_ref(), proposed.as_ref());
        match (outcome, expected) {
            (Ok(effects), Ok(status)) => {
                let [Effect::Publish(version)] = effects.as_slice() else {
                    panic!("{kind:?}: one effect expected")
                };
                assert_eq!(version.status, status, "{kind:?}");
            }
            (Err(error), Err(field)) => assert_eq!(error.field, field, "{kind:?}: {error}"),
            (outcome, expected) => panic!("{kind:?}: got {outcome:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn change_rules() {
        use ImplementationStatus::*;
        let mut changed = snapshot(1, 3, Published);
        changed.name = "食品经营许可（新办）".into();
        let _ = ORGAN;

        check(
            ChangeKind::Add,
            1,
            None,
            Some(snapshot(1, 3, Published)),
            Ok(Published),
        );
        check(
            ChangeKind::Add,
            1,
            Some(snapshot(1, 3, Published)),
            Some(snapshot(1, 3, Published)),
            Err("implementation_code"),
        );
        check(
            ChangeKind::Add,
            2,
            None,
            Some(snapshot(1, 3, Published)),
            Err("department"),
        );
        check(
            ChangeKind::Change,
            1,
            Some(snapshot(1, 3, Published)),
            Some(changed.clone()),
            Ok(Published),
        );
        check(
            ChangeKind::Change,
            2,
            Some(snapshot(1, 3, Published)),
            Some(changed.clone()),
            Err("department"),
        );
        check(
            ChangeKind::Change,
            1,
            Some(snapshot(1, 3, Cancelled)),
            Some(changed),
            Err("status"),
        );
        check(
            ChangeKind::Change,
            1,
            Some(snapshot(1, 3, Published)),
            Some(snapshot(1, 3, Published)),
            Err("proposed"),
        );
        check(
            ChangeKind::Cancel,
            1,
            Some(snapshot(1, 3, Published)),
            None,
            Ok(Cancelled),
        );
        check(
            ChangeKind::Cancel,
            1,
            None,
            None,
            Err("implementation_code"),
        );
        check(
            ChangeKind::DelegateDown,
            1,
            Some(snapshot(1, 3, Published)),
            None,
            Ok(Delegated),
        );
        check(
            ChangeKind::DelegateDown,
            1,
            Some(snapshot(1, 3, Delegated)),
            None,
            Err("status"),
        );
        check(
            ChangeKind::TakeOver,
            2,
            Some(snapshot(1, 3, Delegated)),
            Some(snapshot(2, 4, Published)),
            Ok(Published),
        );
        check(
            ChangeKind::TakeOver,
            2,
            Some(snapshot(1, 3, Published)),
            Some(snapshot(2, 4, Published)),
            Err("status"),
        );
        check(
            ChangeKind::TakeOver,
            2,
            Some(snapshot(1, 3, Delegated)),
            Some(snapshot(2, 3, Published)),
            Err("exercise_level"),
        );
        check(
            ChangeKind::TakeOver,
            3,
            Some(snapshot(1, 3, Delegated)),
            Some(snapshot(2, 4, Published)),
            Err("department"),
        );
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        assert!(ChangeDecision::new(false, "  ").is_err());
        assert_eq!(
            ChangeDecision::new(false, "依据不足").unwrap().status(),
            ChangeStatus::Rejected
        );
        assert_eq!(
            ChangeDecision::new(true, "").unwrap().status(),
            ChangeStatus::Approved
        );
    }
}
