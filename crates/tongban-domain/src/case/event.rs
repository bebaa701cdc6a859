//! What can happen to a case. A case is the sequence of these; its state is derived from
//! them (`Case::replay`). Every event carries who, when, in which role, and why.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::process::Process;
use crate::access::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub at_millis: i64,
    /// the local date of `at_millis` where the service centre is: clocks count these days
    pub on: Date,
    pub actor: String,
    pub role: Role,
    pub change: Change,
    /// when the actor acts for someone else (代办): for whom, and in what capacity
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf: Option<OnBehalf>,
}

/// Someone acting for the applicant (代办), as recorded on each of their acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnBehalf {
    /// the organisation's unified social credit code; None for a natural person, whose id
    /// stays sealed with the applicant
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub capacity: crate::organisation::Capacity,
}

/// Where an application came in (seed 001: any channel, any general window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Window,
    Kiosk,
}

impl Channel {
    /// The exchange name, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Window => "window",
            Channel::Kiosk => "kiosk",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        [Channel::Online, Channel::Window, Channel::Kiosk]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Person,
    Organisation,
}

impl ApplicantKind {
    /// The exchange name, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantKind::Person => "person",
            ApplicantKind::Organisation => "organisation",
        }
    }

    pub fn parse(text: &str) -> Option<ApplicantKind> {
        [ApplicantKind::Person, ApplicantKind::Organisation]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A material as handed in: an uploaded file (by content hash) or marked as obtained by
/// data sharing, never demanded from the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialEntry {
    /// the guide's material name
    pub name: String,
    pub provided: Provided,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Provided {
    File {
        sha256: String,
    },
    /// to be obtained from this shared-data source (共享获取)
    Sharing {
        provider: String,
    },
    /// seen in paper at the window
    Paper,
}

/// One missing or defective material in the one-time correction notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub material: String,
    /// what is wrong or missing
    pub problem: String,
}

/// How a case was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Acceptance {
    Normal,
    /// 容缺受理: deferrable materials promised by a date
    WithDeficiencies {
        materials: Vec<String>,
        promised_on: Date,
    },
    /// 告知承诺: approved on the applicant's signed pledge at once, the pledge checked
    /// afterwards (事后核查) by this date
    OnPledge {
        #[serde(default)]
        post_check_by: Option<Date>,
    },
}

/// The closing codes seen in real exchange formats (domain §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosingCode {
    /// 出证办结: closed with a licence or certificate issued
    IssuedClosed,
    /// 退回办结: closed with a decision against the applicant
    ReturnedClosed,
    /// 作废办结: withdrawn or void
    VoidClosed,
    /// 转报办结: passed up to a higher level
    ForwardedClosed,
    /// 补正超时驳回: corrections not supplied in time
    CorrectionsTimeout,
    /// 办结: closed with an approval document
    Closed,
}

impl ClosingCode {
    pub fn name_zh(self) -> &'static str {
        match self {
            ClosingCode::IssuedClosed => "出证办结",
            ClosingCode::ReturnedClosed => "退回办结",
            ClosingCode::VoidClosed => "作废办结",
            ClosingCode::ForwardedClosed => "转报办结",
            ClosingCode::CorrectionsTimeout => "补正超时驳回",
            ClosingCode::Closed => "办结",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ClosingCode::IssuedClosed => "closed, licence issued",
            ClosingCode::ReturnedClosed => "closed, refused",
            ClosingCode::VoidClosed => "void",
            ClosingCode::ForwardedClosed => "forwarded",
            ClosingCode::CorrectionsTimeout => "corrections not supplied in time",
            ClosingCode::Closed => "closed",
        }
    }
}

/// What the applicant gets at closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CaseResult {
    Licence {
        number: String,
    },
    ApprovalDocument {
        number: String,
    },
    Certificate {
        number: String,
    },
    RefusalDecision {
        number: String,
    },
    /// nothing to hand over (void, timeout)
    None,
}

/// How the result reaches the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Delivery {
    /// handed over at a window, signed for
    Window {
        signed_by: String,
    },
    Mail {
        tracking_number: String,
    },
    /// downloaded from the portal
    Electronic,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Change {
    /// An application taken in, with everything the case needs fixed at this moment: the
    /// published implementation version, its process and limits.
    Submitted {
        implementation_code: String,
        implementation_version: i64,
        /// the department that owns it and decides
        department_id: i64,
        channel: Channel,
        applicant_kind: ApplicantKind,
        materials: Vec<MaterialEntry>,
        /// the guide's committed limit (0: 即办件)
        committed_limit_days: u32,
        /// joint or unified handling: the longer statutory extension applies
        joint_handling: bool,
        /// the guide allows 告知承诺
        pledge_allowed: bool,
        /// materials the guide lets be deferred (容缺)
        deferrable: Vec<String>,
        process: Process,
        /// the hall (its department) whose window took it in; None online. When that hall is
        /// in another region than the deciding department, this is 跨区通办: received here,
        /// decided there, the result handed over here or mailed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        received_at: Option<i64>,
    },
    /// 受理: starts the clock and issues the case number
    Accepted {
        case_number: String,
        acceptance: Acceptance,
    },
    /// 不予受理
    Refused {
        reason: String,
        legal_basis: String,
    },
    /// 补齐补正告知: every problem at once, with a deadline; at intake or from the back office
    CorrectionsRequested {
        items: Vec<Correction>,
        deadline: Date,
        /// the step that asked, when asked from the back office (the clock stops)
        step: Option<String>,
    },
    CorrectionsSupplied {
        materials: Vec<MaterialEntry>,
    },
    /// 事后核查 of a pledge done: whether what was pledged holds, and what was found
    PostCheckCompleted {
        compliant: bool,
        finding: String,
    },
    /// the deadline passed: the case closes as 补正超时驳回
    CorrectionsTimedOut,
    /// deferred materials handed in (容缺 made good)
    DeficienciesSupplied {
        materials: Vec<MaterialEntry>,
    },
    StepClaimed {
        step: String,
    },
    StepReleased {
        step: String,
    },
    StepApproved {
        step: String,
        opinion: String,
    },
    /// a decision against the applicant, with reason
    StepRejected {
        step: String,
        reason: String,
    },
    /// back to an earlier stage (None: back to intake)
    Returned {
        step: String,
        to_stage: Option<usize>,
        reason: String,
    },
    SpecialProcedureStarted {
        step: String,
        /// e.g. 专家评审
        name: String,
        /// art. 45: its time is not counted
        excluded_by_law: bool,
    },
    SpecialProcedureEnded {
        step: String,
    },
    ExtensionGranted {
        step: String,
        days: u32,
        approver: String,
        reason: String,
    },
    /// misrouted: the case goes to the right department, which becomes its owner
    Transferred {
        step: String,
        to_department_id: i64,
        reason: String,
    },
    /// 办结: with the result and its closing code
    Closed {
        code: ClosingCode,
        result: CaseResult,
    },
    Delivered {
        delivery: Delivery,
    },
}

impl Change {
    /// A stable name for logs, the audit chain and the timeline, e.g. `step_approved`.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Submitted { .. } => "submitted",
            Change::Accepted { .. } => "accepted",
            Change::Refused { .. } => "refused",
            Change::CorrectionsRequested { .. } => "corrections_requested",
            Change::CorrectionsSupplied { .. } => "corrections_supplied",
            Change::CorrectionsTimedOut => "corrections_timed_out",
            Change::PostCheckCompleted { .. } => "post_check_completed",
            Change::DeficienciesSupplied { .. } => "deficiencies_supplied",
            Change::StepClaimed { .. } => "step_claimed",
            Change::StepReleased { .. } => "step_released",
            Change::StepApproved { .. } => "step_approved",
            Change::StepRejected { .. } => "step_rejected",
            Change::Returned { .. } => "returned",
            Change::SpecialProcedureStarted { .. } => "special_procedure_started",
            Change::SpecialProcedureEnded { .. } => "special_procedure_ended",
            Change::ExtensionGranted { .. } => "extension_granted",
            Change::Transferred { .. } => "transferred",
            Change::Closed { .. } => "closed",
            Change::Delivered { .. } => "delivered",
        }
    }

    /// The materials this change handed in, if it is one that does.
    pub fn materials_handed_in(&self) -> &[MaterialEntry] {
        match self {
            Change::Submitted { materials, .. }
            | Change::CorrectionsSupplied { materials }
            | Change::DeficienciesSupplied { materials } => materials,
            _ => &[],
        }
    }
}

/// Who handed in the file with this content hash in a case's history, and as which
/// material: a case's files are read under the account that uploaded them, and only
/// through a case that cites them.
pub fn file_handed_in_by<'e>(
    events: &'e [CaseEvent],
    sha256: &str,
) -> Option<(&'e str, &'e MaterialEntry)> {
    events.iter().find_map(|event| {
        event
            .change
            .materials_handed_in()
            .iter()
            .find(|m| matches!(&m.provided, Provided::File { sha256: s } if s == sha256))
            .map(|m| (event.actor.as_str(), m))
    })
}
