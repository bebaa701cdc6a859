//! A case as its actions: each act checks itself against the case as it stands and the
//! actor who does it, and returns the event to append. Applying that event (`Case::apply`)
//! is what changes the case.

use jiff::civil::Date;

use super::event::{
    Acceptance, ApplicantKind, CaseEvent, CaseResult, Change, Channel, ClosingCode, Correction,
    Delivery, MaterialEntry, Provided,
};
use super::process::{StepAction, StepDefinition};
use super::{Case, CaseError, Phase, StepStatus};
use crate::access::{Actor, Role};
use crate::guide::Guide;
use crate::message::FieldError;
use crate::time_limit::TimeLimitSettings;

/// Who acts, in which role, and when (the caller's clock, in the centre's time zone).
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    pub actor: &'a Actor,
    pub role: Role,
    pub at_millis: i64,
    pub on: Date,
}

impl Acting<'_> {
    fn event(&self, change: Change) -> CaseEvent {
        CaseEvent {
            at_millis: self.at_millis,
            on: self.on,
            actor: self.actor.username.clone(),
            role: self.role,
            change,
            on_behalf: None,
        }
    }
}

/// An application as it comes in.
#[derive(Debug, Clone)]
pub struct Submission {
    pub implementation_code: String,
    pub implementation_version: i64,
    pub department_id: i64,
    pub channel: Channel,
    pub applicant_kind: ApplicantKind,
    pub materials: Vec<MaterialEntry>,
}

fn required_text(field: &str, value: &str, zh: &str, en: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, zh, en));
    }
    Ok(value.to_owned())
}

fn out_of_order(action: &'static str, action_zh: &'static str, phase: &Phase) -> CaseError {
    CaseError::OutOfOrder {
        action,
        action_zh,
        phase: phase.name_en(),
        phase_zh: phase.name_zh(),
    }
}

impl Case {
    /// Takes in an application against a published guide. Online and at a kiosk every
    /// required material must be there (or be obtainable by sharing, which is never asked
    /// for); at a window the clerk takes in what is there and issues the correction notice.
    pub fn submit(
        guide: &Guide,
        submission: Submission,
        acting: &Acting<'_>,
    ) -> Result<CaseEvent, CaseError> {
        let person = guide.service_objects.iter().any(|o| o == "自然人");
        let organisation = guide.service_objects.iter().any(|o| o != "自然人");
        let kind_allowed = match submission.applicant_kind {
            ApplicantKind::Person => person,
            ApplicantKind::Organisation => organisation,
        };
        if !kind_allowed {
            return Err(FieldError::new(
                "applicant_kind",
                format!("本事项的服务对象为{}", guide.service_objects.join("、")),
                "this item is not for this kind of applicant",
            )
            .into());
        }
        let mut materials = Vec::new();
        for (i, entry) in submission.materials.iter().enumerate() {
            if !guide.materials.iter().any(|m| m.name == entry.name) {
                return Err(FieldError::new(
                    format!("materials[{i}].name"),
                    format!("“{}”不是本事项的申请材料", entry.name),
                    format!("\"{}\" is not a material of this item", entry.name),
                )
                .into());
            }
            if let Provided::File { sha256 } = &entry.provided
                && (sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                return Err(FieldError::new(
                    format!("materials[{i}].sha256"),
                    "材料文件标识无效",
                    "the material's file id is not valid",
                )
                .into());
            }
            materials.push(entry.clone());
        }
        // Whatever a department can fetch is recorded as fetched by sharing, never demanded.
        for material in &guide.materials {
            if let Some(provider) = &material.sharing_source
                && !materials.iter().any(|m| m.name == material.name)
            {
                materials.push(MaterialEntry {
                    name: material.name.clone(),
                    provided: Provided::Sharing {
                        provider: provider.clone(),
                    },
                });
            }
        }
        if submission.channel != Channel::Window {
            let missing: Vec<&str> = guide
                .materials
                .iter()
                .filter(|m| m.required && !m.deferrable)
                .filter(|m| !materials.iter().any(|e| e.name == m.name))
                .map(|m| m.name.as_str())
                .collect();
            if !missing.is_empty() {
                return Err(FieldError::new(
                    "materials",
                    format!("缺少必需的申请材料：{}", missing.join("、")),
                    format!("required materials are missing: {}", missing.join(", ")),
                )
                .into());
            }
        }
        // The process is the published guide's, fixed for the case's life at submission.
        let committed_limit_days = guide.case_limit_days();
        let process = guide.case_process();
        process.validate(committed_limit_days)?;
        Ok(acting.event(Change::Submitted {
            implementation_code: submission.implementation_code,
            implementation_version: submission.implementation_version,
            department_id: submission.department_id,
            channel: submission.channel,
            applicant_kind: submission.applicant_kind,
            materials,
            committed_limit_days,
            joint_handling: process.is_joint(submission.department_id),
            pledge_allowed: guide.pledge_allowed,
            deferrable: guide
                .materials
                .iter()
                .filter(|m| m.deferrable)
                .map(|m| m.name.clone())
                .collect(),
            process,
            received_at: match submission.channel {
                Channel::Window => acting.actor.department_id,
                Channel::Online | Channel::Kiosk => None,
            },
        }))
    }

    /// Intake is done at any general window (综合窗口 takes in for every department) or by
    /// the owning department's staff.
    fn check_intake(&self, acting: &Acting<'_>) -> Result<(), CaseError> {
        let window = acting.role == Role::WindowClerk;
        let owner = acting.role.is_department_staff()
            && acting.actor.department_id == Some(self.department_id);
        if window || owner {
            Ok(())
        } else {
            Err(CaseError::NotYours {
                step: "受理".to_owned(),
            })
        }
    }

    fn require_phase(
        &self,
        expected: &Phase,
        action: &'static str,
        action_zh: &'static str,
    ) -> Result<(), CaseError> {
        if std::mem::discriminant(&self.phase) == std::mem::discriminant(expected) {
            Ok(())
        } else {
            Err(out_of_order(action, action_zh, &self.phase))
        }
    }

    /// 受理: starts the clock. Accepting with deficiencies names only deferrable materials
    /// that are really missing, with a promised date; on pledge only where the guide allows.
    pub fn accept(
        &self,
        acting: &Acting<'_>,
        case_number: &str,
        acceptance: Acceptance,
    ) -> Result<CaseEvent, CaseError> {
        self.require_phase(&Phase::Submitted, "accepted", "受理")?;
        self.check_intake(acting)?;
        match &acceptance {
            Acceptance::Normal => {}
            Acceptance::OnPledge { .. } if !self.pledge_allowed => {
                return Err(FieldError::new(
                    "acceptance",
                    "本事项不适用告知承诺制",
                    "this item does not allow approval on pledge",
                )
                .into());
            }
            Acceptance::OnPledge { post_check_by } => {
                if !post_check_by.is_some_and(|by| by > acting.on) {
                    return Err(FieldError::new(
                        "post_check_by",
                        "告知承诺须定下晚于今天的事后核查期限",
                        "approval on pledge needs a post-check date after today",
                    )
                    .into());
                }
            }
            Acceptance::WithDeficiencies {
                materials,
                promised_on,
            } => {
                if materials.is_empty() {
                    return Err(FieldError::new(
                        "deficiencies",
                        "请列出容缺的材料",
                        "name the deferred materials",
                    )
                    .into());
                }
                for name in materials {
                    if !self.deferrable.contains(name) {
                        return Err(FieldError::new(
                            "deficiencies",
                            format!("“{name}”不是办事指南中可容缺的材料"),
                            format!("\"{name}\" may not be deferred under the guide"),
                        )
                        .into());
                    }
                    if self.materials.iter().any(|m| &m.name == name) {
                        return Err(FieldError::new(
                            "deficiencies",
                            format!("“{name}”已经提交，无需容缺"),
                            format!("\"{name}\" is already there"),
                        )
                        .into());
                    }
                }
                if *promised_on <= acting.on {
                    return Err(FieldError::new(
                        "promised_on",
                        "承诺补交日期应晚于今天",
                        "the promised date is after today",
                    )
                    .into());
                }
            }
        }
        let case_number = required_text(
            "case_number",
            case_number,
            "缺少办件编号",
            "the case number is missing",
        )?;
        Ok(acting.event(Change::Accepted {
            case_number,
            acceptance,
        }))
    }

    /// 不予受理: the reason and its legal basis are mandatory (supervision flags a refusal
    /// without reason).
    pub fn refuse(
        &self,
        acting: &Acting<'_>,
        reason: &str,
        legal_basis: &str,
    ) -> Result<CaseEvent, CaseError> {
        self.require_phase(&Phase::Submitted, "refused", "不予受理")?;
        self.check_intake(acting)?;
        let reason = required_text(
            "reason",
            reason,
            "不予受理须说明理由",
            "a refusal needs its reason",
        )?;
        let legal_basis = required_text(
            "legal_basis",
            legal_basis,
            "不予受理须写明法律依据",
            "a refusal needs its legal basis",
        )?;
        Ok(acting.event(Change::Refused {
            reason,
            legal_basis,
        }))
    }

    /// The one-time correction notice (一次性告知): every problem at once. At intake it may be
    /// issued once (行政许可法 art. 32); from the back office at a step that allows it, which
    /// stops the clock.
    pub fn request_corrections(
        &self,
        acting: &Acting<'_>,
        step: Option<&str>,
        items: Vec<Correction>,
        deadline: Date,
    ) -> Result<CaseEvent, CaseError> {
        match step {
            None => {
                self.require_phase(&Phase::Submitted, "sent a correction notice", "补正告知")?;
                self.check_intake(acting)?;
                if self.intake_corrections_issued {
                    return Err(FieldError::new(
                        "items",
                        "受理前的补正须一次性告知，本件已发出过补正告知书",
                        "corrections before acceptance are asked for once, and were",
                    )
                    .into());
                }
            }
            Some(step) => {
                self.acting_step(acting, step, Some(StepAction::RequestCorrections))?;
            }
        }
        if items.is_empty() {
            return Err(FieldError::new(
                "items",
                "请列出需要补正的全部材料",
                "list every material to correct",
            )
            .into());
        }
        for (i, item) in items.iter().enumerate() {
            required_text(
                &format!("items[{i}].material"),
                &item.material,
                "请写明材料名称",
                "name the material",
            )?;
            required_text(
                &format!("items[{i}].problem"),
                &item.problem,
                "请写明需要补正的内容",
                "say what must be corrected",
            )?;
        }
        if deadline <= acting.on {
            return Err(FieldError::new(
                "deadline",
                "补正期限应晚于今天",
                "the deadline is after today",
            )
            .into());
        }
        Ok(acting.event(Change::CorrectionsRequested {
            items,
            deadline,
            step: step.map(str::to_owned),
        }))
    }

    /// The applicant (or a clerk for them) hands in what the notice listed: all of it.
    pub fn supply_corrections(
        &self,
        acting: &Acting<'_>,
        materials: Vec<MaterialEntry>,
    ) -> Result<CaseEvent, CaseError> {
        self.require_phase(&Phase::AwaitingCorrections, "corrected", "补正")?;
        let pending = self
            .corrections
            .as_ref()
            .ok_or_else(|| out_of_order("corrected", "补正", &self.phase))?;
        let missing: Vec<&str> = pending
            .items
            .iter()
            .map(|c| c.material.as_str())
            .filter(|name| !materials.iter().any(|m| m.name == *name))
            .collect();
        if !missing.is_empty() {
            return Err(FieldError::new(
                "materials",
                format!("尚未补正：{}", missing.join("、")),
                format!("still to correct: {}", missing.join(", ")),
            )
            .into());
        }
        Ok(acting.event(Change::CorrectionsSupplied { materials }))
    }

    /// The deadline passed without the corrections: the case closes as 补正超时驳回.
    pub fn time_out_corrections(&self, acting: &Acting<'_>) -> Result<CaseEvent, CaseError> {
        self.require_phase(&Phase::AwaitingCorrections, "timed out", "补正超时")?;
        let pending = self
            .corrections
            .as_ref()
            .ok_or_else(|| out_of_order("timed out", "补正超时", &self.phase))?;
        if acting.on <= pending.deadline {
            return Err(FieldError::new(
                "deadline",
                format!("补正期限{}尚未届满", pending.deadline),
                format!("the deadline {} has not passed", pending.deadline),
            )
            .into());
        }
        Ok(acting.event(Change::CorrectionsTimedOut))
    }

    /// Deferred (容缺) materials handed in after acceptance.
    pub fn supply_deficiencies(
        &self,
        acting: &Acting<'_>,
        materials: Vec<MaterialEntry>,
    ) -> Result<CaseEvent, CaseError> {
        if self.deficiencies.is_empty() || self.phase.is_final() {
            return Err(out_of_order(
                "given deferred materials",
                "补交容缺材料",
                &self.phase,
            ));
        }
        if let Some(extra) = materials
            .iter()
            .find(|m| !self.deficiencies.contains(&m.name))
        {
            return Err(FieldError::new(
                "materials",
                format!("“{}”不是容缺材料", extra.name),
                format!("\"{}\" was not deferred", extra.name),
            )
            .into());
        }
        Ok(acting.event(Change::DeficienciesSupplied { materials }))
    }

    /// The definition of an open step the actor may act at: their role and department, not
    /// held by another clerk, and (when `action` is given) allowing that action.
    fn acting_step(
        &self,
        acting: &Acting<'_>,
        step: &str,
        action: Option<StepAction>,
    ) -> Result<&StepDefinition, CaseError> {
        if self.phase != Phase::InProgress {
            return Err(out_of_order("acted on", "办理", &self.phase));
        }
        let open = self
            .open_steps
            .iter()
            .find(|s| s.key == step)
            .ok_or_else(|| CaseError::NoSuchStep {
                step: step.to_owned(),
            })?;
        let position = self
            .process
            .position_of(step)
            .expect("open steps are in the process");
        let definition = self.process.step(position).expect("the step exists");
        let department = self.step_department(definition);
        if acting.role != definition.role || acting.actor.department_id != Some(department) {
            return Err(CaseError::NotYours {
                step: definition.name.clone(),
            });
        }
        match &open.status {
            StepStatus::ClaimedBy(by) if *by != acting.actor.username => {
                return Err(CaseError::ClaimedByAnother {
                    step: definition.name.clone(),
                    by: by.clone(),
                });
            }
            StepStatus::ApprovedBy(_) => {
                return Err(CaseError::NoSuchStep {
                    step: definition.name.clone(),
                });
            }
            _ => {}
        }
        if let Some(action) = action
            && !definition.actions.contains(&action)
        {
            return Err(CaseError::ActionNotAllowed {
                step: definition.name.clone(),
                action: action.name_en(),
            });
        }
        Ok(definition)
    }

    /// 签收: the step is this clerk's until released or acted on.
    pub fn claim(&self, acting: &Acting<'_>, step: &str) -> Result<CaseEvent, CaseError> {
        let definition = self.acting_step(acting, step, None)?;
        let open = self.open_steps.iter().find(|s| s.key == step);
        if open.is_some_and(|s| s.status == StepStatus::ClaimedBy(acting.actor.username.clone())) {
            return Err(CaseError::ClaimedByAnother {
                step: definition.name.clone(),
                by: acting.actor.username.clone(),
            });
        }
        Ok(acting.event(Change::StepClaimed {
            step: step.to_owned(),
        }))
    }

    pub fn release(&self, acting: &Acting<'_>, step: &str) -> Result<CaseEvent, CaseError> {
        self.acting_step(acting, step, None)?;
        Ok(acting.event(Change::StepReleased {
            step: step.to_owned(),
        }))
    }

    pub fn approve(
        &self,
        acting: &Acting<'_>,
        step: &str,
        opinion: &str,
    ) -> Result<CaseEvent, CaseError> {
        self.acting_step(acting, step, Some(StepAction::Approve))?;
        if self.special_procedure.is_some() || self.corrections.is_some() {
            return Err(out_of_order("approved", "通过", &self.phase));
        }
        Ok(acting.event(Change::StepApproved {
            step: step.to_owned(),
            opinion: opinion.trim().to_owned(),
        }))
    }

    pub fn reject(
        &self,
        acting: &Acting<'_>,
        step: &str,
        reason: &str,
    ) -> Result<CaseEvent, CaseError> {
        self.acting_step(acting, step, Some(StepAction::Reject))?;
        let reason = required_text(
            "reason",
            reason,
            "不予许可须说明理由",
            "a decision against the applicant needs its reason",
        )?;
        Ok(acting.event(Change::StepRejected {
            step: step.to_owned(),
            reason,
        }))
    }

    /// 退回: to an earlier stage, or from the first stage back to intake.
    pub fn return_to(
        &self,
        acting: &Acting<'_>,
        step: &str,
        to_stage: Option<usize>,
        reason: &str,
    ) -> Result<CaseEvent, CaseError> {
        self.acting_step(acting, step, Some(StepAction::Return))?;
        let reason = required_text(
            "reason",
            reason,
            "退回须说明理由",
            "a return needs its reason",
        )?;
        match to_stage {
            Some(stage) if stage >= self.stage => {
                return Err(FieldError::new(
                    "to_stage",
                    "只能退回到之前的环节",
                    "a case returns only to an earlier stage",
                )
                .into());
            }
            None if self.stage != 0 => {
                return Err(FieldError::new(
                    "to_stage",
                    "只有第一个环节可以退回受理",
                    "only the first stage returns a case to intake",
                )
                .into());
            }
            _ => {}
        }
        Ok(acting.event(Change::Returned {
            step: step.to_owned(),
            to_stage,
            reason,
        }))
    }

    /// 特别程序 (hearing, inspection, expert review…): the applicant is told in writing; its
    /// time is not counted when the law excludes it.
    pub fn start_special_procedure(
        &self,
        acting: &Acting<'_>,
        step: &str,
        name: &str,
        excluded_by_law: bool,
    ) -> Result<CaseEvent, CaseError> {
        self.acting_step(acting, step, Some(StepAction::SpecialProcedure))?;
        if self.special_procedure.is_some() {
            return Err(out_of_order(
                "given a second special procedure",
                "启动特别程序",
                &self.phase,
            ));
        }
        let name = required_text("name", name, "请填写特别程序名称", "name the procedure")?;
        Ok(acting.event(Change::SpecialProcedureStarted {
            step: step.to_owned(),
            name,
            excluded_by_law,
        }))
    }

    pub fn end_special_procedure(
        &self,
        acting: &Acting<'_>,
        step: &str,
    ) -> Result<CaseEvent, CaseError> {
        self.acting_step(acting, step, Some(StepAction::SpecialProcedure))?;
        match &self.special_procedure {
            Some((started_at, _)) if started_at == step => {}
            _ => {
                return Err(out_of_order(
                    "ended a special procedure",
                    "结束特别程序",
                    &self.phase,
                ));
            }
        }
        Ok(acting.event(Change::SpecialProcedureEnded {
            step: step.to_owned(),
        }))
    }

    /// 延期: granted by the department head (an approver of the deciding department), once,
    /// by the statutory number of days (joint handling: the longer one).
    pub fn extend(
        &self,
        acting: &Acting<'_>,
        step: &str,
        reason: &str,
        settings: &TimeLimitSettings,
    ) -> Result<CaseEvent, CaseError> {
        if self.phase != Phase::InProgress {
            return Err(out_of_order("extended", "延期", &self.phase));
        }
        if !self.open_steps.iter().any(|s| s.key == step) {
            return Err(CaseError::NoSuchStep {
                step: step.to_owned(),
            });
        }
        let position = self.process.position_of(step).expect("open steps exist");
        let definition = self.process.step(position).expect("the step exists");
        if !definition.actions.contains(&StepAction::Extension) {
            return Err(CaseError::ActionNotAllowed {
                step: definition.name.clone(),
                action: StepAction::Extension.name_en(),
            });
        }
        if acting.role != Role::DepartmentHead
            || acting.actor.department_id != Some(self.department_id)
        {
            return Err(CaseError::NotYours {
                step: definition.name.clone(),
            });
        }
        if self
            .clock
            .as_ref()
            .is_some_and(|c| !c.extensions.is_empty())
        {
            return Err(FieldError::new(
                "extension",
                "本件已经延期一次",
                "the case has been extended once already",
            )
            .into());
        }
        let extension = crate::time_limit::Extension::statutory(
            settings,
            self.joint_handling,
            &acting.actor.display_name,
            reason,
            acting.on,
        )?;
        Ok(acting.event(Change::ExtensionGranted {
            step: step.to_owned(),
            days: extension.days,
            approver: extension.approver,
            reason: extension.reason,
        }))
    }

    /// 转办: a misrouted case goes to the department that should decide it.
    pub fn transfer(
        &self,
        acting: &Acting<'_>,
        step: &str,
        to_department_id: i64,
        reason: &str,
    ) -> Result<CaseEvent, CaseError> {
        self.acting_step(acting, step, Some(StepAction::Transfer))?;
        if to_department_id == self.department_id {
            return Err(FieldError::new(
                "to_department",
                "请选择其他部门",
                "choose another department",
            )
            .into());
        }
        let reason = required_text(
            "reason",
            reason,
            "转办须说明理由",
            "a transfer needs its reason",
        )?;
        Ok(acting.event(Change::Transferred {
            step: step.to_owned(),
            to_department_id,
            reason,
        }))
    }

    /// 办结: with the result the decision calls for and its closing code.
    pub fn close(&self, acting: &Acting<'_>, result: CaseResult) -> Result<CaseEvent, CaseError> {
        let Phase::Decided { approved } = self.phase else {
            return Err(out_of_order("closed", "办结", &self.phase));
        };
        self.check_intake(acting)?;
        let code = match (&result, approved) {
            (CaseResult::Licence { number } | CaseResult::Certificate { number }, true) => {
                required_text(
                    "result.number",
                    number,
                    "请填写证照编号",
                    "give the licence number",
                )?;
                ClosingCode::IssuedClosed
            }
            (CaseResult::ApprovalDocument { number }, true) => {
                required_text(
                    "result.number",
                    number,
                    "请填写批准文书编号",
                    "give the document number",
                )?;
                ClosingCode::Closed
            }
            (CaseResult::RefusalDecision { number }, false) => {
                required_text(
                    "result.number",
                    number,
                    "请填写不予许可决定书编号",
                    "give the decision's number",
                )?;
                ClosingCode::ReturnedClosed
            }
            _ => {
                return Err(FieldError::new(
                    "result",
                    if approved {
                        "已批准的办件应出具证照或批准文书"
                    } else {
                        "不予许可的办件应出具不予许可决定书"
                    },
                    if approved {
                        "an approved case closes with a licence, certificate or approval document"
                    } else {
                        "a rejected case closes with a refusal decision"
                    },
                )
                .into());
            }
        };
        Ok(acting.event(Change::Closed { code, result }))
    }

    /// 送达: at a window (signed for), by mail (tracking number) or electronically.
    /// 事后核查: the deciding department checks what an applicant pledged, once, and records
    /// whether it holds. A pledge found false is the ground to revoke the approval.
    pub fn complete_post_check(
        &self,
        acting: &Acting<'_>,
        compliant: bool,
        finding: &str,
    ) -> Result<CaseEvent, CaseError> {
        if self.post_check.as_ref().is_none_or(|p| p.outcome.is_some()) {
            return Err(out_of_order("post-checked", "事后核查", &self.phase));
        }
        if !(acting.role.is_department_staff()
            && acting.actor.department_id == Some(self.department_id))
        {
            return Err(CaseError::NotYours {
                step: "事后核查".to_owned(),
            });
        }
        let finding = required_text(
            "finding",
            finding,
            "请填写核查情况",
            "say what the check found",
        )?;
        Ok(acting.event(Change::PostCheckCompleted { compliant, finding }))
    }

    pub fn deliver(&self, acting: &Acting<'_>, delivery: Delivery) -> Result<CaseEvent, CaseError> {
        if !self.phase.awaits_delivery() {
            return Err(out_of_order("delivered", "送达", &self.phase));
        }
        self.check_intake(acting)?;
        match &delivery {
            Delivery::Window { signed_by } => {
                required_text("signed_by", signed_by, "请填写签收人", "who signed for it")?;
                // Received at one hall, handed over there: another hall's window has not
                // got the result (a window without a hall is the centre's, which has all).
                if let (Some(hall), Some(here)) = (self.received_at, acting.actor.department_id)
                    && acting.role == Role::WindowClerk
                    && hall != here
                {
                    return Err(FieldError::new(
                        "delivery",
                        "本件在其他大厅收件，结果在收件窗口领取或邮寄送达",
                        "this case was received at another hall: the result is handed over there or mailed",
                    )
                    .into());
                }
            }
            Delivery::Mail { tracking_number } => {
                required_text(
                    "tracking_number",
                    tracking_number,
                    "请填写邮件单号",
                    "give the tracking number",
                )?;
            }
            Delivery::Electronic => {}
        }
        Ok(acting.event(Change::Delivered { delivery }))
    }
}
