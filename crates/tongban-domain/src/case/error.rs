//! Why an act on a case was refused. Input problems are `FieldError`s naming the field;
//! these are the acts that do not fit the case as it stands.

use crate::message::{Bilingual, FieldError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseError {
    /// bad input, naming the field
    Invalid(FieldError),
    /// the act does not fit the case's phase (deciding before acceptance, accepting twice…)
    OutOfOrder {
        action: &'static str,
        action_zh: &'static str,
        phase: &'static str,
        phase_zh: &'static str,
    },
    /// no such step is open now
    NoSuchStep { step: String },
    /// the step is someone else's: another department or role
    NotYours { step: String },
    /// another clerk holds the step
    ClaimedByAnother { step: String, by: String },
    /// the step does not allow this action
    ActionNotAllowed { step: String, action: &'static str },
}

impl From<FieldError> for CaseError {
    fn from(error: FieldError) -> Self {
        CaseError::Invalid(error)
    }
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for CaseError {}

impl Bilingual for CaseError {
    fn zh(&self) -> String {
        match self {
            CaseError::Invalid(e) => e.zh(),
            CaseError::OutOfOrder {
                action_zh,
                phase_zh,
                ..
            } => format!("办件当前为“{phase_zh}”，不能{action_zh}"),
            CaseError::NoSuchStep { step } => format!("环节“{step}”当前不在办理中"),
            CaseError::NotYours { step } => {
                format!("环节“{step}”不属于您的部门或岗位，不能办理")
            }
            CaseError::ClaimedByAnother { step, by } => {
                format!("环节“{step}”已由{by}签收办理，请刷新后再试")
            }
            CaseError::ActionNotAllowed { step, action } => {
                format!("环节“{step}”不允许此操作（{action}）")
            }
        }
    }
    fn en(&self) -> String {
        match self {
            CaseError::Invalid(e) => e.en(),
            CaseError::OutOfOrder { action, phase, .. } => {
                format!("the case is {phase}, so it cannot be {action}")
            }
            CaseError::NoSuchStep { step } => format!("the step \"{step}\" is not open"),
            CaseError::NotYours { step } => {
                format!("the step \"{step}\" belongs to another department or role")
            }
            CaseError::ClaimedByAnother { step, by } => {
                format!("{by} has claimed the step \"{step}\"; reload and try again")
            }
            CaseError::ActionNotAllowed { step, action } => {
                format!("the step \"{step}\" does not allow {action}")
            }
        }
    }
}

impl CaseError {
    /// A conflict with the case's current state (HTTP 409), as opposed to bad input or access.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            CaseError::OutOfOrder { .. }
                | CaseError::NoSuchStep { .. }
                | CaseError::ClaimedByAnother { .. }
        )
    }
}
