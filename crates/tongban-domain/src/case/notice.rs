//! What the applicant is told at each milestone of their case (seed 001: the applicant is
//! informed at every step): accepted, refused, corrections needed or timed out, a special
//! procedure or an extension (行政许可法 art. 42 and 45 ask that the applicant be told), decided
//! and closed, delivered. The text is Chinese, then English.

use super::event::{Acceptance, Change, ClosingCode, Delivery};

/// One message to the applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantNotice {
    /// a short name for the milestone, e.g. `accepted`
    pub milestone: &'static str,
    pub subject: String,
    pub body: String,
}

impl Change {
    /// What the applicant is told of this act, if anything; `case` names the case (its
    /// number once accepted).
    pub fn applicant_notice(&self, case: &str) -> Option<ApplicantNotice> {
        let (milestone, zh, en) = match self {
            Change::Accepted { acceptance, .. } => {
                let (zh, en) = match acceptance {
                    Acceptance::WithDeficiencies {
                        materials,
                        promised_on,
                    } => (
                        format!(
                            "已容缺受理。请于{promised_on}前补交：{}。",
                            materials.join("、")
                        ),
                        format!(
                            "accepted with deficiencies; hand in by {promised_on}: {}.",
                            materials.join(", ")
                        ),
                    ),
                    Acceptance::OnPledge { .. } => (
                        "已按告知承诺受理并准予，承诺内容将接受事后核查。".to_owned(),
                        "accepted and approved on your signed pledge, which will be checked afterwards.".to_owned(),
                    ),
                    Acceptance::Normal => ("已受理。".to_owned(), "accepted.".to_owned()),
                };
                ("accepted", zh, en)
            }
            Change::Refused {
                reason,
                legal_basis,
            } => (
                "refused",
                format!(
                    "不予受理。理由：{reason}；依据：{legal_basis}。您可依法申请行政复议或提起行政诉讼。"
                ),
                format!(
                    "not accepted. Reason: {reason}; basis: {legal_basis}. You may apply for administrative reconsideration or sue."
                ),
            ),
            Change::CorrectionsRequested {
                items, deadline, ..
            } => {
                let zh: Vec<String> = items
                    .iter()
                    .map(|c| format!("{}（{}）", c.material, c.problem))
                    .collect();
                let en: Vec<String> = items
                    .iter()
                    .map(|c| format!("{} ({})", c.material, c.problem))
                    .collect();
                (
                    "corrections_needed",
                    format!("需要补正，请于{deadline}前一次性补齐：{}。", zh.join("；")),
                    format!(
                        "corrections needed by {deadline}, all at once: {}.",
                        en.join("; ")
                    ),
                )
            }
            Change::CorrectionsTimedOut => (
                "corrections_timed_out",
                "补正期限已过，未收到补正材料，本件按补正超时办结。".to_owned(),
                "the correction deadline passed without the corrections; the case is closed."
                    .to_owned(),
            ),
            Change::SpecialProcedureStarted { name, .. } => (
                "special_procedure",
                format!("进入特别程序：{name}，所需时间不计入办理时限。"),
                format!("a special procedure ({name}) started; its time is not counted."),
            ),
            Change::ExtensionGranted { days, reason, .. } => (
                "extended",
                format!("经批准延长{days}个工作日。理由：{reason}。"),
                format!("extended by {days} working days. Reason: {reason}."),
            ),
            Change::Closed { code, .. } => {
                let collect =
                    !matches!(code, ClosingCode::VoidClosed | ClosingCode::ForwardedClosed);
                (
                    "decided",
                    format!(
                        "已办结（{}）。{}",
                        code.name_zh(),
                        if collect {
                            "请按选择的方式领取结果。"
                        } else {
                            ""
                        }
                    ),
                    format!(
                        "closed ({}).{}",
                        code.name_en(),
                        if collect {
                            " Collect the result as chosen."
                        } else {
                            ""
                        }
                    ),
                )
            }
            Change::Delivered { delivery } => {
                let (zh, en) = match delivery {
                    Delivery::Window { .. } => {
                        ("已在窗口领取", "collected at the window".to_owned())
                    }
                    Delivery::Mail { tracking_number } => (
                        "已邮寄",
                        format!("sent by post, tracking number {tracking_number}"),
                    ),
                    Delivery::Electronic => ("电子结果已可下载", "ready to download".to_owned()),
                };
                let zh = match delivery {
                    Delivery::Mail { tracking_number } => {
                        format!("{zh}，运单号{tracking_number}。")
                    }
                    _ => format!("{zh}。"),
                };
                ("delivered", zh, format!("{en}."))
            }
            _ => return None,
        };
        Some(ApplicantNotice {
            milestone,
            subject: format!("【办件通知】{case} / case {case}"),
            body: format!("您的办件{case}{zh}\nYour case {case}: {en}\n"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Correction;
    use jiff::civil::date;

    #[test]
    fn the_applicant_is_told_what_matters_and_not_the_clerks_steps() {
        let corrections = Change::CorrectionsRequested {
            items: vec![
                Correction {
                    material: "营业执照".into(),
                    problem: "复印件不清晰".into(),
                },
                Correction {
                    material: "健康证明".into(),
                    problem: "已过期".into(),
                },
            ],
            deadline: date(2026, 3, 9),
            step: None,
        };
        let notice = corrections.applicant_notice("TB2026030200000001").unwrap();
        assert_eq!(notice.milestone, "corrections_needed");
        assert!(
            notice
                .body
                .contains("营业执照（复印件不清晰）；健康证明（已过期）")
        );
        assert!(notice.body.contains("2026-03-09"));
        let refused = Change::Refused {
            reason: "不属于本机关职权范围".into(),
            legal_basis: "《行政许可法》第三十二条".into(),
        };
        assert!(
            refused
                .applicant_notice("#7")
                .unwrap()
                .body
                .contains("行政复议")
        );
        let mail = Change::Delivered {
            delivery: Delivery::Mail {
                tracking_number: "SF1234567890".into(),
            },
        };
        assert!(
            mail.applicant_notice("#7")
                .unwrap()
                .body
                .contains("SF1234567890")
        );
        assert_eq!(
            Change::StepClaimed {
                step: "review".into()
            }
            .applicant_notice("#7"),
            None
        );
    }
}
