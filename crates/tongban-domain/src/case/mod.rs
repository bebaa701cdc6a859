//! A case (办件): one application being handled. A case is the sequence of its events; its
//! phase, open steps and clocks are derived here by replaying them, and every act is a
//! method that checks the act against the case as it stands and returns the event to append
//! (see `actions`). Nothing here stores, reads a clock, or knows who may sign in.

mod actions;
mod applicant;
mod error;
mod event;
mod flags;
mod notice;
mod process;
mod watch;

#[cfg(test)]
mod tests;

use jiff::civil::Date;

pub use actions::{Acting, Submission};
pub use applicant::{Applicant, mask_name};
pub use error::CaseError;
pub use event::{
    Acceptance, ApplicantKind, CaseEvent, CaseResult, Change, Channel, ClosingCode, Correction,
    Delivery, MaterialEntry, OnBehalf, Provided, file_handed_in_by,
};
pub use flags::Flag;
pub use notice::ApplicantNotice;
pub use process::{
    Process, STEP_ROLES, Stage, StepAction, StepDefinition, StepDepartment, StepPosition,
};
pub use watch::{Watch, WatchedClock, alert_subject};

use crate::time_limit::{Stop, StopKind, TimeLimit};

/// Where a case stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// received, waiting for the intake decision
    Submitted,
    /// the one-time correction notice is out; waiting for the applicant
    AwaitingCorrections,
    /// accepted; the back office is working through the process
    InProgress,
    /// the last step decided; waiting to be closed with its result
    Decided {
        approved: bool,
    },
    /// 不予受理
    Refused,
    Closed {
        code: ClosingCode,
    },
    Delivered,
}

impl Phase {
    pub fn as_str(&self) -> &'static str {
        match self {
            Phase::Submitted => "submitted",
            Phase::AwaitingCorrections => "awaiting_corrections",
            Phase::InProgress => "in_progress",
            Phase::Decided { .. } => "decided",
            Phase::Refused => "refused",
            Phase::Closed { .. } => "closed",
            Phase::Delivered => "delivered",
        }
    }

    pub fn name_zh(&self) -> &'static str {
        match self {
            Phase::Submitted => "待受理",
            Phase::AwaitingCorrections => "待补正",
            Phase::InProgress => "办理中",
            Phase::Decided { approved: true } => "已批准待办结",
            Phase::Decided { approved: false } => "不予许可待办结",
            Phase::Refused => "不予受理",
            Phase::Closed { .. } => "已办结",
            Phase::Delivered => "已送达",
        }
    }

    /// Chinese and English names of a phase as stored (`as_str`), where the stored text
    /// no longer tells an approval from a rejection.
    pub fn stored_names(stored: &str) -> (&'static str, &'static str) {
        match stored {
            "submitted" => ("待受理", "waiting for intake"),
            "awaiting_corrections" => ("待补正", "waiting for corrections"),
            "in_progress" => ("办理中", "in progress"),
            "decided" => ("已作出决定待办结", "decided, to be closed"),
            "refused" => ("不予受理", "refused"),
            "closed" => ("已办结", "closed"),
            "delivered" => ("已送达", "delivered"),
            _ => ("未知", "unknown"),
        }
    }

    pub fn name_en(&self) -> &'static str {
        match self {
            Phase::Submitted => "waiting for intake",
            Phase::AwaitingCorrections => "waiting for corrections",
            Phase::InProgress => "in progress",
            Phase::Decided { approved: true } => "approved, to be closed",
            Phase::Decided { approved: false } => "rejected, to be closed",
            Phase::Refused => "refused",
            Phase::Closed { .. } => "closed",
            Phase::Delivered => "delivered",
        }
    }

    /// Finished for good: nothing more will happen to the case.
    /// Closed with a result the applicant is to receive (a licence, a decision), not yet
    /// delivered.
    pub fn awaits_delivery(&self) -> bool {
        matches!(
            self,
            Phase::Closed {
                code: ClosingCode::IssuedClosed | ClosingCode::Closed | ClosingCode::ReturnedClosed
            }
        )
    }

    pub fn is_final(&self) -> bool {
        matches!(self, Phase::Refused | Phase::Delivered)
            || matches!(
                self,
                Phase::Closed {
                    code: ClosingCode::CorrectionsTimeout | ClosingCode::VoidClosed
                }
            )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepStatus {
    Waiting,
    ClaimedBy(String),
    ApprovedBy(String),
}

/// A step of the current stage, with its own clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStep {
    pub key: String,
    pub status: StepStatus,
    pub clock: TimeLimit,
}

/// The check of a pledge after approval (告知承诺的事后核查).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostCheck {
    /// to be done by this date, watched like a limit
    pub by: Date,
    /// None until done; then whether the pledge held
    pub outcome: Option<bool>,
}

/// A step that was passed, with its final clock (to flag a step over its own limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassedStep {
    pub key: String,
    pub actor: String,
    pub clock: TimeLimit,
}

/// The one-time correction notice that is out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCorrections {
    pub items: Vec<Correction>,
    pub deadline: Date,
    /// the back-office step that asked (the case clock stops), or None at intake
    pub step: Option<String>,
}

/// A case's state, derived from its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub implementation_code: String,
    pub implementation_version: i64,
    /// the deciding department (changes on transfer)
    pub department_id: i64,
    pub channel: Channel,
    pub applicant_kind: ApplicantKind,
    pub materials: Vec<MaterialEntry>,
    pub committed_limit_days: u32,
    pub joint_handling: bool,
    pub pledge_allowed: bool,
    pub deferrable: Vec<String>,
    pub process: Process,
    /// the hall whose window took it in (None online): see `Change::Submitted`
    pub received_at: Option<i64>,
    pub submitted_on: Date,
    pub phase: Phase,
    pub case_number: Option<String>,
    pub acceptance: Option<Acceptance>,
    /// 容缺 materials not yet handed in
    pub deficiencies: Vec<String>,
    /// the whole-case clock, from acceptance
    pub clock: Option<TimeLimit>,
    /// the current stage's index
    pub stage: usize,
    pub open_steps: Vec<OpenStep>,
    pub passed_steps: Vec<PassedStep>,
    pub corrections: Option<PendingCorrections>,
    /// the notice before acceptance went out in this intake round (it goes out once)
    pub intake_corrections_issued: bool,
    /// the step and name of a special procedure under way
    pub special_procedure: Option<(String, String)>,
    /// 告知承诺: the pledge's check afterwards (事后核查)
    pub post_check: Option<PostCheck>,
    pub result: Option<CaseResult>,
    /// events applied so far: the version an act must be based on
    pub version: u64,
}

impl Case {
    /// The state after these events; the first must be the submission.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a CaseEvent>) -> Option<Case> {
        let mut events = events.into_iter();
        let mut case = Case::submitted(events.next()?)?;
        for event in events {
            case.apply(event);
        }
        Some(case)
    }

    /// The state right after a submission event.
    pub fn submitted(event: &CaseEvent) -> Option<Case> {
        let Change::Submitted {
            implementation_code,
            implementation_version,
            department_id,
            channel,
            applicant_kind,
            materials,
            committed_limit_days,
            joint_handling,
            pledge_allowed,
            deferrable,
            process,
            received_at,
        } = &event.change
        else {
            return None;
        };
        Some(Case {
            implementation_code: implementation_code.clone(),
            implementation_version: *implementation_version,
            department_id: *department_id,
            channel: *channel,
            applicant_kind: *applicant_kind,
            materials: materials.clone(),
            committed_limit_days: *committed_limit_days,
            joint_handling: *joint_handling,
            pledge_allowed: *pledge_allowed,
            deferrable: deferrable.clone(),
            process: process.clone(),
            received_at: *received_at,
            submitted_on: event.on,
            phase: Phase::Submitted,
            case_number: None,
            acceptance: None,
            deficiencies: Vec::new(),
            clock: None,
            stage: 0,
            open_steps: Vec::new(),
            passed_steps: Vec::new(),
            corrections: None,
            intake_corrections_issued: false,
            special_procedure: None,
            post_check: None,
            result: None,
            version: 1,
        })
    }

    /// Opens the steps of a stage, or decides the case when there are no stages left.
    fn enter_stage(&mut self, stage: usize, on: Date) {
        self.stage = stage;
        match self.process.stages.get(stage) {
            Some(definition) => {
                self.open_steps = definition
                    .steps
                    .iter()
                    .map(|step| OpenStep {
                        key: step.key.clone(),
                        status: StepStatus::Waiting,
                        clock: TimeLimit::new(on, step.limit_days),
                    })
                    .collect();
                self.phase = Phase::InProgress;
            }
            None => {
                self.open_steps.clear();
                self.phase = Phase::Decided { approved: true };
            }
        }
    }

    fn open_step_mut(&mut self, key: &str) -> Option<&mut OpenStep> {
        self.open_steps.iter_mut().find(|s| s.key == key)
    }

    /// Every running clock (the case's and its open steps'), to stop or restart together.
    fn running_clocks(&mut self) -> impl Iterator<Item = &mut TimeLimit> {
        self.clock
            .iter_mut()
            .chain(self.open_steps.iter_mut().map(|s| &mut s.clock))
    }

    fn stop_clocks(&mut self, kind: StopKind, reason: &str, on: Date, excluded_by_law: bool) {
        for clock in self.running_clocks() {
            clock.stops.push(Stop {
                kind,
                reason: reason.to_owned(),
                started_on: on,
                ended_on: None,
                excluded_by_law,
            });
        }
    }

    fn restart_clocks(&mut self, kind: StopKind, on: Date) {
        for clock in self.running_clocks() {
            if let Some(stop) = clock
                .stops
                .iter_mut()
                .rev()
                .find(|s| s.kind == kind && s.ended_on.is_none())
            {
                stop.ended_on = Some(on);
            }
        }
    }

    fn close_clocks(&mut self, on: Date) {
        for clock in self.running_clocks() {
            if clock.closed_on.is_none() {
                clock.closed_on = Some(on);
            }
        }
    }

    /// Applies one event. Events were checked when they were made (`actions`), so applying
    /// never fails; an event that does not fit is a corrupt history and is ignored here.
    pub fn apply(&mut self, event: &CaseEvent) {
        self.version += 1;
        let on = event.on;
        match &event.change {
            Change::Submitted { .. } => {}
            Change::Accepted {
                case_number,
                acceptance,
            } => {
                self.case_number = Some(case_number.clone());
                if let Acceptance::WithDeficiencies { materials, .. } = acceptance {
                    self.deficiencies = materials.clone();
                }
                self.acceptance = Some(acceptance.clone());
                self.clock = Some(TimeLimit::new(on, self.committed_limit_days));
                self.corrections = None;
                match acceptance {
                    // Approved on the pledge at once: no back-office stages, a check after.
                    Acceptance::OnPledge {
                        post_check_by: Some(by),
                    } => {
                        self.post_check = Some(PostCheck {
                            by: *by,
                            outcome: None,
                        });
                        self.enter_stage(self.process.stages.len(), on);
                    }
                    // Pledges accepted before the check was kept went through the stages.
                    _ => self.enter_stage(0, on),
                }
            }
            Change::Refused { .. } => {
                self.phase = Phase::Refused;
            }
            Change::PostCheckCompleted { compliant, .. } => {
                if let Some(check) = &mut self.post_check {
                    check.outcome = Some(*compliant);
                }
            }
            Change::CorrectionsRequested {
                items,
                deadline,
                step,
            } => {
                if step.is_none() {
                    self.intake_corrections_issued = true;
                } else {
                    let reason = items
                        .iter()
                        .map(|c| c.material.as_str())
                        .collect::<Vec<_>>()
                        .join("、");
                    self.stop_clocks(StopKind::Corrections, &reason, on, true);
                }
                self.corrections = Some(PendingCorrections {
                    items: items.clone(),
                    deadline: *deadline,
                    step: step.clone(),
                });
                self.phase = Phase::AwaitingCorrections;
            }
            Change::CorrectionsSupplied { materials } => {
                merge_materials(&mut self.materials, materials);
                let from_back_office = self
                    .corrections
                    .take()
                    .is_some_and(|pending| pending.step.is_some());
                if from_back_office {
                    self.restart_clocks(StopKind::Corrections, on);
                    self.phase = Phase::InProgress;
                } else {
                    self.phase = Phase::Submitted;
                }
            }
            Change::CorrectionsTimedOut => {
                self.corrections = None;
                self.close_clocks(on);
                self.phase = Phase::Closed {
                    code: ClosingCode::CorrectionsTimeout,
                };
            }
            Change::DeficienciesSupplied { materials } => {
                merge_materials(&mut self.materials, materials);
                self.deficiencies
                    .retain(|name| !materials.iter().any(|m| &m.name == name));
            }
            Change::StepClaimed { step } => {
                let actor = event.actor.clone();
                if let Some(open) = self.open_step_mut(step) {
                    open.status = StepStatus::ClaimedBy(actor);
                }
            }
            Change::StepReleased { step } => {
                if let Some(open) = self.open_step_mut(step) {
                    open.status = StepStatus::Waiting;
                }
            }
            Change::StepApproved { step, .. } => {
                if let Some(open) = self.open_step_mut(step) {
                    open.status = StepStatus::ApprovedBy(event.actor.clone());
                    open.clock.closed_on = Some(on);
                }
                if self
                    .open_steps
                    .iter()
                    .all(|s| matches!(s.status, StepStatus::ApprovedBy(_)))
                {
                    let passed = std::mem::take(&mut self.open_steps);
                    self.passed_steps
                        .extend(passed.into_iter().map(|s| PassedStep {
                            actor: match s.status {
                                StepStatus::ApprovedBy(actor) => actor,
                                _ => String::new(),
                            },
                            key: s.key,
                            clock: s.clock,
                        }));
                    self.enter_stage(self.stage + 1, on);
                }
            }
            Change::StepRejected { step, .. } => {
                if let Some(open) = self.open_step_mut(step) {
                    open.clock.closed_on = Some(on);
                }
                self.open_steps.clear();
                self.phase = Phase::Decided { approved: false };
            }
            Change::Returned { to_stage, .. } => match to_stage {
                Some(stage) => self.enter_stage(*stage, on),
                None => {
                    // Back to intake: the acceptance is undone and so is its clock.
                    self.open_steps.clear();
                    self.clock = None;
                    self.case_number = None;
                    self.acceptance = None;
                    self.intake_corrections_issued = false;
                    self.phase = Phase::Submitted;
                }
            },
            Change::SpecialProcedureStarted {
                step,
                name,
                excluded_by_law,
            } => {
                self.stop_clocks(StopKind::SpecialProcedure, name, on, *excluded_by_law);
                self.special_procedure = Some((step.clone(), name.clone()));
            }
            Change::SpecialProcedureEnded { .. } => {
                self.restart_clocks(StopKind::SpecialProcedure, on);
                self.special_procedure = None;
            }
            Change::ExtensionGranted {
                days,
                approver,
                reason,
                ..
            } => {
                if let Some(clock) = self.clock.as_mut() {
                    clock.extensions.push(crate::time_limit::Extension {
                        days: *days,
                        approver: approver.clone(),
                        reason: reason.clone(),
                        granted_on: on,
                    });
                }
            }
            Change::Transferred {
                to_department_id, ..
            } => {
                self.department_id = *to_department_id;
                for step in &mut self.open_steps {
                    step.status = StepStatus::Waiting;
                }
            }
            Change::Closed { code, result } => {
                self.close_clocks(on);
                self.result = Some(result.clone());
                self.phase = Phase::Closed { code: *code };
            }
            Change::Delivered { .. } => {
                self.phase = Phase::Delivered;
            }
        }
    }

    /// The department that acts at an open step.
    pub fn step_department(&self, definition: &StepDefinition) -> i64 {
        match definition.department {
            StepDepartment::Owner => self.department_id,
            StepDepartment::Department(id) => id,
        }
    }
}

/// Later material of the same name replaces the earlier.
fn merge_materials(materials: &mut Vec<MaterialEntry>, new: &[MaterialEntry]) {
    for entry in new {
        match materials.iter_mut().find(|m| m.name == entry.name) {
            Some(existing) => *existing = entry.clone(),
            None => materials.push(entry.clone()),
        }
    }
}
