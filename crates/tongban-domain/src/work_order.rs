//! Work orders (工单): what the public asks, reports or proposes outside a case — enquiries,
//! requests for help, complaints, reports and suggestions (GB/T 33358 request types). The
//! portal takes them in and routes each to the department that owns the matter; the
//! department answers. The hotline's full loop (dispatch, return, supervision, follow-up)
//! builds on these records.

use crate::FieldError;
use crate::access::{Actor, Role};
use crate::account::MobilePhone;

/// The request types of GB/T 33358 (`domain.md` §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// 咨询
    Enquiry,
    /// 求助
    Help,
    /// 投诉
    Complaint,
    /// 举报
    Report,
    /// 建议
    Suggestion,
}

impl RequestKind {
    pub const ALL: [RequestKind; 5] = [
        RequestKind::Enquiry,
        RequestKind::Help,
        RequestKind::Complaint,
        RequestKind::Report,
        RequestKind::Suggestion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Enquiry => "enquiry",
            RequestKind::Help => "help",
            RequestKind::Complaint => "complaint",
            RequestKind::Report => "report",
            RequestKind::Suggestion => "suggestion",
        }
    }

    pub fn parse(text: &str) -> Option<RequestKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RequestKind::Enquiry => "咨询",
            RequestKind::Help => "求助",
            RequestKind::Complaint => "投诉",
            RequestKind::Report => "举报",
            RequestKind::Suggestion => "建议",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            RequestKind::Enquiry => "enquiry",
            RequestKind::Help => "request for help",
            RequestKind::Complaint => "complaint",
            RequestKind::Report => "report",
            RequestKind::Suggestion => "suggestion",
        }
    }

    /// The setting that holds the working days a department has to answer this kind.
    pub fn limit_setting(self) -> String {
        format!("work_order.limit.{}", self.as_str())
    }
}

/// Working days a department has to answer each kind. Local rules (domain §8: enquiries
/// 1–5, complaints 10–15); these defaults are overridden by the settings
/// `work_order.limit.<kind>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerLimits {
    pub enquiry: u32,
    pub help: u32,
    pub complaint: u32,
    pub report: u32,
    pub suggestion: u32,
}

impl Default for AnswerLimits {
    fn default() -> Self {
        Self {
            enquiry: 5,
            help: 5,
            complaint: 15,
            report: 15,
            suggestion: 15,
        }
    }
}

impl AnswerLimits {
    pub fn days(&self, kind: RequestKind) -> u32 {
        match kind {
            RequestKind::Enquiry => self.enquiry,
            RequestKind::Help => self.help,
            RequestKind::Complaint => self.complaint,
            RequestKind::Report => self.report,
            RequestKind::Suggestion => self.suggestion,
        }
    }

    pub fn days_mut(&mut self, kind: RequestKind) -> &mut u32 {
        match kind {
            RequestKind::Enquiry => &mut self.enquiry,
            RequestKind::Help => &mut self.help,
            RequestKind::Complaint => &mut self.complaint,
            RequestKind::Report => &mut self.report,
            RequestKind::Suggestion => &mut self.suggestion,
        }
    }
}

/// Whose work orders a member of staff sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskScope {
    /// their own department's (department staff)
    Department(i64),
    /// every department's (hotline agents, supervisors)
    Every,
}

/// The capability to read work orders, and perhaps to answer them: department staff for
/// their department; hotline agents for any (直办, answering on the department's behalf);
/// supervisors read every one and answer none.
#[derive(Debug, Clone, Copy)]
pub struct WorkOrderDesk<'a> {
    pub actor: &'a Actor,
    pub scope: DeskScope,
    pub role: Role,
    pub may_answer: bool,
}

impl<'a> WorkOrderDesk<'a> {
    pub fn of(actor: &'a Actor) -> Option<WorkOrderDesk<'a>> {
        if let Some(role) = actor.acting_role(&[Role::HotlineAgent]) {
            return Some(WorkOrderDesk {
                actor,
                scope: DeskScope::Every,
                role,
                may_answer: true,
            });
        }
        if let Some(staff) = actor.department_staff() {
            return Some(WorkOrderDesk {
                actor,
                scope: DeskScope::Department(staff.department_id),
                role: staff.role,
                may_answer: true,
            });
        }
        let role = actor.acting_role(&[Role::Supervisor])?;
        Some(WorkOrderDesk {
            actor,
            scope: DeskScope::Every,
            role,
            may_answer: false,
        })
    }

    /// Whether a work order routed to `department_id` is this desk's to see.
    pub fn covers(&self, department_id: i64) -> bool {
        match self.scope {
            DeskScope::Department(own) => own == department_id,
            DeskScope::Every => true,
        }
    }
}

/// The longest subject and text a work order keeps, in characters.
pub const SUBJECT_MAX: usize = 60;
pub const TEXT_MAX: usize = 2000;
pub const CONTACT_NAME_MAX: usize = 40;

/// What a person typed into the form, before any check.
#[derive(Debug, Clone, Default)]
pub struct WorkOrderInput<'a> {
    pub kind: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    /// the department chosen, when no item is named
    pub department_id: Option<i64>,
    /// the service item it is about, if any: it decides the department
    pub item_code: Option<&'a str>,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
}

/// A checked submission; where it goes is settled by the store (an item's department wins
/// over the department chosen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOrderSubmission {
    pub kind: RequestKind,
    pub subject: String,
    pub text: String,
    pub department_id: Option<i64>,
    pub item_code: Option<String>,
    pub contact_name: String,
    pub contact_phone: MobilePhone,
}

/// A required text, named in both languages so the message says which field it is about.
fn required(
    field: &str,
    (name_zh, name_en): (&str, &str),
    value: &str,
    max: usize,
) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(
            field,
            format!("请填写{name_zh}"),
            format!("fill in the {name_en}"),
        ));
    }
    let length = value.chars().count();
    if length > max {
        return Err(FieldError::new(
            field,
            format!("{name_zh}最多{max}个字（现有{length}个）"),
            format!("the {name_en} has at most {max} characters (it has {length})"),
        ));
    }
    Ok(value.to_owned())
}

impl WorkOrderSubmission {
    /// Checks every field; the first bad one is named in both languages.
    pub fn parse(input: &WorkOrderInput<'_>) -> Result<WorkOrderSubmission, FieldError> {
        let kind = RequestKind::parse(input.kind).ok_or_else(|| {
            FieldError::new(
                "kind",
                "请选择类型：咨询、求助、投诉、举报或建议",
                "choose a kind: enquiry, help, complaint, report or suggestion",
            )
        })?;
        let subject = required("subject", ("标题", "subject"), input.subject, SUBJECT_MAX)?;
        let text = required("text", ("内容", "text"), input.text, TEXT_MAX)?;
        let item_code = input
            .item_code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        if item_code.is_none() && input.department_id.is_none() {
            return Err(FieldError::new(
                "department_id",
                "请选择受理部门，或从办事指南页面进入以指定事项",
                "choose the department, or start from the service guide it is about",
            ));
        }
        let contact_name = required(
            "contact_name",
            ("联系人姓名", "contact name"),
            input.contact_name,
            CONTACT_NAME_MAX,
        )?;
        let contact_phone =
            MobilePhone::parse(input.contact_phone).map_err(|e| e.named("contact_phone"))?;
        Ok(WorkOrderSubmission {
            kind,
            subject,
            text,
            department_id: input.department_id,
            item_code,
            contact_name,
            contact_phone,
        })
    }
}

/// A department's answer: required, and as long as the form allows.
pub fn check_answer(text: &str) -> Result<String, FieldError> {
    required("answer", ("答复", "answer"), text, TEXT_MAX)
}

/// What every work order number starts with (工单), as case numbers start with TB: one
/// look-up box tells them apart.
pub const NUMBER_PREFIX: &str = "GD";

/// The number a work order is known by: prefix, date and id, unique by construction.
pub fn work_order_number(id: i64, on: jiff::civil::Date) -> String {
    format!("{NUMBER_PREFIX}{}{id:08}", on.strftime("%Y%m%d"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::test_actor as actor;

    fn input() -> WorkOrderInput<'static> {
        WorkOrderInput {
            kind: "complaint",
            subject: "窗口人员态度",
            text: "上午十点在市民中心三号窗口办理时被要求提交指南以外的材料。",
            department_id: Some(3),
            item_code: None,
            contact_name: "张三",
            contact_phone: "138 0013 8000",
        }
    }

    #[test]
    fn a_complete_form_is_taken() {
        let taken = WorkOrderSubmission::parse(&input()).unwrap();
        assert_eq!(taken.kind, RequestKind::Complaint);
        assert_eq!(taken.contact_phone.as_str(), "13800138000");
        assert_eq!(taken.department_id, Some(3));
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: [(&str, WorkOrderInput<'static>); 6] = [
            (
                "kind",
                WorkOrderInput {
                    kind: "praise",
                    ..input()
                },
            ),
            (
                "subject",
                WorkOrderInput {
                    subject: "  ",
                    ..input()
                },
            ),
            (
                "text",
                WorkOrderInput {
                    text: "",
                    ..input()
                },
            ),
            (
                "department_id",
                WorkOrderInput {
                    department_id: None,
                    ..input()
                },
            ),
            (
                "contact_name",
                WorkOrderInput {
                    contact_name: "",
                    ..input()
                },
            ),
            (
                "contact_phone",
                WorkOrderInput {
                    contact_phone: "12345",
                    ..input()
                },
            ),
        ];
        for (field, bad) in cases {
            let error = WorkOrderSubmission::parse(&bad).unwrap_err();
            assert_eq!(error.field, field);
            assert!(!error.zh.is_empty() && !error.en.is_empty());
        }
    }

    #[test]
    fn an_item_routes_without_a_department() {
        let taken = WorkOrderSubmission::parse(&WorkOrderInput {
            department_id: None,
            item_code: Some(" 11100000000000000A3000117003000 "),
            ..input()
        })
        .unwrap();
        assert_eq!(
            taken.item_code.as_deref(),
            Some("11100000000000000A3000117003000")
        );
    }

    #[test]
    fn long_text_is_refused_with_its_length() {
        let long = "长".repeat(SUBJECT_MAX + 1);
        let error = WorkOrderSubmission::parse(&WorkOrderInput {
            subject: &long,
            ..input()
        })
        .unwrap_err();
        assert_eq!(error.field, "subject");
        assert!(error.zh.contains("61"));
    }

    #[test]
    fn desks_follow_roles() {
        let staff = actor(&[Role::DepartmentReviewer], Some(3));
        let desk = WorkOrderDesk::of(&staff).unwrap();
        assert!(desk.covers(3) && !desk.covers(4) && desk.may_answer);
        let agent = actor(&[Role::HotlineAgent], None);
        let desk = WorkOrderDesk::of(&agent).unwrap();
        assert!(desk.covers(3) && desk.covers(4) && desk.may_answer);
        let supervisor = actor(&[Role::Supervisor], None);
        let desk = WorkOrderDesk::of(&supervisor).unwrap();
        assert!(desk.covers(4) && !desk.may_answer);
        for role in [
            Role::WindowClerk,
            Role::Citizen,
            Role::Admin,
            Role::ReformOffice,
        ] {
            assert!(
                WorkOrderDesk::of(&actor(&[role], Some(3))).is_none(),
                "{role:?}"
            );
        }
    }

    #[test]
    fn limits_are_per_kind() {
        let mut limits = AnswerLimits::default();
        *limits.days_mut(RequestKind::Enquiry) = 3;
        assert_eq!(limits.days(RequestKind::Enquiry), 3);
        assert_eq!(limits.days(RequestKind::Complaint), 15);
    }

    #[test]
    fn kinds_round_trip_and_name_their_setting() {
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(
            RequestKind::Complaint.limit_setting(),
            "work_order.limit.complaint"
        );
        assert_eq!(
            work_order_number(42, jiff::civil::date(2026, 12, 3)),
            "GD2026120300000042"
        );
    }
}
