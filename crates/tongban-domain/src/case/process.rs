//! An implementation's process (办理流程) as data: stages run in order, the steps of one stage
//! run in parallel (并联), each step with the role and department that acts, its own limit
//! in working days (环节时限) and the actions allowed there. Nothing about steps is in code.

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::message::FieldError;

/// What may be done at a step, besides claiming and releasing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    /// pass the step (the last stage's approval decides the case in the applicant's favour)
    Approve,
    /// decide against the applicant, with reason
    Reject,
    /// send the case back to an earlier stage (from the first: back to intake), with reason
    Return,
    /// ask the applicant for corrections (stops the clock)
    RequestCorrections,
    /// start or end a special procedure (hearing, inspection…; art. 45)
    SpecialProcedure,
    /// ask the head for an extension
    Extension,
    /// hand the case to the right department when misrouted
    Transfer,
}

impl StepAction {
    pub const ALL: [StepAction; 7] = [
        StepAction::Approve,
        StepAction::Reject,
        StepAction::Return,
        StepAction::RequestCorrections,
        StepAction::SpecialProcedure,
        StepAction::Extension,
        StepAction::Transfer,
    ];

    /// The exchange name, as in the JSON ("request_corrections").
    pub fn as_str(self) -> &'static str {
        match self {
            StepAction::Approve => "approve",
            StepAction::Reject => "reject",
            StepAction::Return => "return",
            StepAction::RequestCorrections => "request_corrections",
            StepAction::SpecialProcedure => "special_procedure",
            StepAction::Extension => "extension",
            StepAction::Transfer => "transfer",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            StepAction::Approve => "通过",
            StepAction::Reject => "不予许可",
            StepAction::Return => "退回",
            StepAction::RequestCorrections => "补齐补正",
            StepAction::SpecialProcedure => "特别程序",
            StepAction::Extension => "延期",
            StepAction::Transfer => "转办",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            StepAction::Approve => "approve",
            StepAction::Reject => "reject",
            StepAction::Return => "return",
            StepAction::RequestCorrections => "request corrections",
            StepAction::SpecialProcedure => "special procedure",
            StepAction::Extension => "extension",
            StepAction::Transfer => "transfer",
        }
    }
}

/// Which department acts at a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum StepDepartment {
    /// the department that owns the implementation (after a transfer: the one it went to)
    Owner,
    /// another department (a parallel approval across departments)
    Department(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDefinition {
    /// stable within the process, e.g. "review"
    pub key: String,
    /// e.g. 审核
    pub name: String,
    pub role: Role,
    pub department: StepDepartment,
    /// working days (0: the same working day)
    pub limit_days: u32,
    pub actions: Vec<StepAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// steps done at the same time; the stage passes when every one is approved
    pub steps: Vec<StepDefinition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub stages: Vec<Stage>,
}

/// Where a step sits: stage index and index within the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepPosition {
    pub stage: usize,
    pub index: usize,
}

/// The roles that may act at a step.
pub const STEP_ROLES: [Role; 3] = [
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::WindowClerk,
];

impl Process {
    /// The common three-step process 承办 → 审核 → 批准 of the owning department, with limits
    /// that fit the committed limit (the demo city and new implementations start from it).
    pub fn standard(committed_limit_days: u32) -> Process {
        let share = |n: u32| committed_limit_days * n / 4;
        let step =
            |key: &str, name: &str, role: Role, limit_days: u32, actions: &[StepAction]| Stage {
                steps: vec![StepDefinition {
                    key: key.to_owned(),
                    name: name.to_owned(),
                    role,
                    department: StepDepartment::Owner,
                    limit_days,
                    actions: actions.to_vec(),
                }],
            };
        use StepAction::*;
        Process {
            stages: vec![
                step(
                    "undertake",
                    "承办",
                    Role::DepartmentReviewer,
                    share(2),
                    &[
                        Approve,
                        Return,
                        RequestCorrections,
                        SpecialProcedure,
                        Transfer,
                    ],
                ),
                step(
                    "review",
                    "审核",
                    Role::DepartmentReviewer,
                    share(1),
                    &[Approve, Return, Extension],
                ),
                step(
                    "approve",
                    "批准",
                    Role::DepartmentApprover,
                    committed_limit_days - share(2) - share(1),
                    &[Approve, Reject, Return, Extension],
                ),
            ],
        }
    }

    pub fn step(&self, position: StepPosition) -> Option<&StepDefinition> {
        self.stages.get(position.stage)?.steps.get(position.index)
    }

    pub fn position_of(&self, key: &str) -> Option<StepPosition> {
        self.stages.iter().enumerate().find_map(|(stage, s)| {
            s.steps
                .iter()
                .position(|step| step.key == key)
                .map(|index| StepPosition { stage, index })
        })
    }

    /// Handled jointly (联合办理, art. 45): a step is done by a department other than the owner.
    pub fn is_joint(&self, owner_department_id: i64) -> bool {
        self.stages.iter().flat_map(|s| &s.steps).any(|step| {
            matches!(step.department, StepDepartment::Department(id) if id != owner_department_id)
        })
    }

    /// The longest a case can take if every step uses its whole limit: the slowest step of
    /// each stage, summed.
    pub fn critical_path_days(&self) -> u32 {
        self.stages
            .iter()
            .map(|s| {
                s.steps
                    .iter()
                    .map(|step| step.limit_days)
                    .max()
                    .unwrap_or(0)
            })
            .sum()
    }

    /// A process must be able to finish (every step can be approved, so every stage can pass
    /// and the last one decides), name each step once, give each step to a back-office role,
    /// and fit its step limits within the committed limit.
    pub fn validate(&self, committed_limit_days: u32) -> Result<(), FieldError> {
        let mut keys: Vec<&str> = Vec::new();
        for (s, stage) in self.stages.iter().enumerate() {
            if stage.steps.is_empty() {
                return Err(FieldError::new(
                    format!("stages[{s}].steps"),
                    "每个阶段至少有一个环节",
                    "every stage has at least one step",
                ));
            }
            for (i, step) in stage.steps.iter().enumerate() {
                let field = |name: &str| format!("stages[{s}].steps[{i}].{name}");
                let key = step.key.trim();
                if key.is_empty()
                    || !key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return Err(FieldError::new(
                        field("key"),
                        "环节标识须为字母、数字、下划线或连字符",
                        "a step key is letters, digits, _ or -",
                    ));
                }
                if keys.contains(&key) {
                    return Err(FieldError::new(
                        field("key"),
                        format!("环节标识“{key}”重复"),
                        format!("the step key \"{key}\" repeats"),
                    ));
                }
                keys.push(key);
                if step.name.trim().is_empty() {
                    return Err(FieldError::new(
                        field("name"),
                        "请填写环节名称",
                        "name the step",
                    ));
                }
                if !STEP_ROLES.contains(&step.role) {
                    return Err(FieldError::new(
                        field("role"),
                        format!("“{}”不能办理环节", step.role.name_zh()),
                        format!("a {} cannot act at a step", step.role.name_en()),
                    ));
                }
                if !step.actions.contains(&StepAction::Approve) {
                    return Err(FieldError::new(
                        field("actions"),
                        "环节必须允许“通过”，否则办件无法办结",
                        "a step must allow approve, or the case can never finish",
                    ));
                }
            }
        }
        let critical = self.critical_path_days();
        if critical > committed_limit_days {
            return Err(FieldError::new(
                "stages",
                format!(
                    "各环节时限合计{critical}个工作日，超过承诺时限{committed_limit_days}个工作日"
                ),
                format!(
                    "the steps take up to {critical} working days, over the committed limit of {committed_limit_days}"
                ),
            ));
        }
        Ok(())
    }
}
