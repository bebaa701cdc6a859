//! The written notices of intake (行政许可法 第32条; seed 001): 受理通知书, 不予受理通知书 and
//! 补齐补正告知书. Each names the case, the item and the department, says what was decided and
//! why, tells the applicant their rights, and carries the QR code of the case's progress page.

use std::rc::Rc;

use crate::document::{Sections, head, key_values};
use crate::font::Metrics;
use crate::labels::or_dash;
use crate::layout::{BODY, Flow};
use crate::qr::QrMatrix;
use crate::render::{DocumentInfo, render};
use crate::{CaseNotice, NoticeKind, PublishError};

const QR_CAPTION: &str = "扫码查询办件进度";

impl NoticeKind {
    pub fn title(&self) -> &'static str {
        match self {
            NoticeKind::Acceptance { .. } => "受理通知书",
            NoticeKind::Refusal { .. } => "不予受理通知书",
            NoticeKind::Corrections { .. } => "补齐补正告知书",
            NoticeKind::Result { .. } => "办理结果通知书",
        }
    }
}

pub(crate) fn build(notice: &CaseNotice) -> Result<Vec<u8>, PublishError> {
    let metrics = Metrics::load()?;
    let qr = Rc::new(QrMatrix::encode(&notice.progress_url)?);
    let mut flow = Flow::new(&metrics);
    let title = notice.kind.title();
    head(
        &mut flow,
        title,
        None,
        &[
            format!("文书编号：{}", or_dash(&notice.reference)),
            format!("申请人：{}", or_dash(&notice.applicant)),
            format!("申请事项：{}", or_dash(&notice.item_name)),
        ],
        (Rc::clone(&qr), QR_CAPTION),
    );
    let mut sections = Sections::new(12.0);
    flow.paragraph(
        &format!(
            "{}：\n你（单位）于{}提出的“{}”申请，本机关已收悉。经审查，",
            or_dash(&notice.applicant),
            or_dash(&notice.submitted_on),
            or_dash(&notice.item_name)
        ),
        BODY,
    );
    match &notice.kind {
        NoticeKind::Acceptance {
            case_number,
            accepted_on,
            committed_limit_days,
            due_on,
            query_password,
            deferred,
        } => {
            flow.paragraph("申请材料齐全、符合法定形式，决定予以受理。", BODY);
            sections.heading(&mut flow, "办件信息");
            let mut rows = vec![
                ("办件编号", case_number.clone()),
                ("受理日期", accepted_on.clone()),
                (
                    "承诺办结时限",
                    if *committed_limit_days == 0 {
                        "即办".to_owned()
                    } else {
                        format!("{committed_limit_days}个工作日")
                    },
                ),
                ("预计办结日期", or_dash(due_on.as_deref().unwrap_or(""))),
            ];
            if let Some(password) = query_password {
                rows.push(("查询密码", password.clone()));
            }
            key_values(&mut flow, rows, 96.0);
            if let Some((materials, promised_on)) = deferred {
                sections.heading(&mut flow, "容缺受理");
                flow.paragraph(
                    &format!(
                        "以下材料容缺受理，请于{promised_on}前补齐：{}。逾期未补齐的，本机关将依承诺处理。",
                        materials.join("、")
                    ),
                    BODY,
                );
            }
            sections.heading(&mut flow, "告知事项");
            flow.numbered(
                &[
                    "办理时限自受理之日起按工作日计算，依法需要听证、检验、检测、鉴定、专家评审等特别程序的，所需时间不计入时限。".to_owned(),
                    "你可凭办件编号和查询密码在政务服务网、自助终端或扫描本页二维码查询办理进度。".to_owned(),
                    format!(
                        "对办理过程有意见或建议的，可拨打监督投诉电话{}。",
                        or_dash(&notice.complaint_phone)
                    ),
                ],
                BODY,
            );
        }
        NoticeKind::Refusal { reason, basis } => {
            flow.paragraph("决定不予受理。", BODY);
            sections.heading(&mut flow, "不予受理的理由");
            flow.paragraph(&or_dash(reason), BODY);
            sections.heading(&mut flow, "依据");
            flow.paragraph(&or_dash(basis), BODY);
            sections.heading(&mut flow, "权利告知");
            flow.paragraph(
                "如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。",
                BODY,
            );
        }
        NoticeKind::Corrections { items, deadline } => {
            flow.paragraph(
                "申请材料不齐全或者不符合法定形式，现一次性告知需要补齐补正的全部内容：",
                BODY,
            );
            sections.heading(&mut flow, "需要补齐补正的材料");
            let lines: Vec<String> = items
                .iter()
                .map(|(material, problem)| format!("{}：{}", or_dash(material), or_dash(problem)))
                .collect();
            flow.numbered(&lines, BODY);
            sections.heading(&mut flow, "告知事项");
            flow.numbered(
                &[
                    format!("请于{deadline}前一次性补齐补正上述材料，逾期未补正的，视为撤回申请。"),
                    "补齐补正后，本机关将依法作出是否受理的决定；本次告知以外的材料，本机关不再要求补正。".to_owned(),
                    format!(
                        "对本告知有意见的，可拨打监督投诉电话{}。",
                        or_dash(&notice.complaint_phone)
                    ),
                ],
                BODY,
            );
        }
        NoticeKind::Result {
            result_name,
            number,
            approved,
            reason,
        } => {
            if *approved {
                flow.paragraph("符合法定条件、标准，决定准予办理，办理结果如下。", BODY);
            } else {
                flow.paragraph("不符合法定条件、标准，决定不予办理，办理结果如下。", BODY);
            }
            sections.heading(&mut flow, "办理结果");
            key_values(
                &mut flow,
                vec![
                    ("结果名称", or_dash(result_name)),
                    ("文号", or_dash(number)),
                ],
                96.0,
            );
            if let Some(reason) = reason {
                sections.heading(&mut flow, "理由");
                flow.paragraph(&or_dash(reason), BODY);
            }
            sections.heading(&mut flow, "告知事项");
            let mut lines = Vec::new();
            if !*approved {
                lines.push("如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。".to_owned());
            }
            lines.push(format!(
                "对办理结果有意见或建议的，可拨打监督投诉电话{}，或对本次服务进行评价。",
                or_dash(&notice.complaint_phone)
            ));
            flow.numbered(&lines, BODY);
        }
    }
    flow.gap(18.0);
    flow.paragraph(&format!("{}（印章）", or_dash(&notice.department)), BODY);
    flow.paragraph(&or_dash(&notice.issued_on), BODY);
    let outline = flow.outline();
    let pages = flow.finish(
        &format!("{title}·{}", or_dash(&notice.reference)),
        &format!("出具日期：{}", notice.issued_on.trim()),
    );
    render(
        &pages,
        &metrics,
        &DocumentInfo {
            title: format!("{title} {}", notice.reference),
            date: notice.issued_on.clone(),
            outline,
        },
    )
}
