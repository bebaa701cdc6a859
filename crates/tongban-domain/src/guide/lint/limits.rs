//! Rules on time limits (working days): G006 (committed ≤ legal), G007 (the local target
//! share of the legal limit), G008 (即办件 ⇔ committed 0), G013 (steps add up to at most the
//! committed limit) and G016 (absurd limits and copies).

use super::{Findings, LintSettings, msg};
use crate::guide::{CaseKind, Guide};

pub(super) fn check(guide: &Guide, settings: &LintSettings, out: &mut Findings) {
    let (legal, committed) = (guide.legal_limit_days, guide.committed_limit_days);

    if legal > 0 && committed > legal {
        out.push(
            "G006",
            "committed_limit_days",
            msg(
                format!("承诺办结时限{committed}个工作日超过法定办结时限{legal}个工作日"),
                format!(
                    "The committed limit of {committed} working days exceeds the legal limit of \
                     {legal}"
                ),
            ),
            "承诺时限不得超过法定时限，请压缩承诺时限或核对法定时限",
            "The committed limit may not exceed the legal one: shorten it or check the legal \
             limit.",
        );
    } else if legal > 0
        && committed > 0
        && u64::from(committed) * 100
            > u64::from(legal) * u64::from(settings.committed_ratio_target_percent)
    {
        let target = settings.committed_ratio_target_percent;
        let percent = u64::from(committed) * 100 / u64::from(legal);
        out.push(
            "G007",
            "committed_limit_days",
            msg(
                format!(
                    "承诺办结时限{committed}个工作日为法定时限{legal}个工作日的{percent}%，\
                     未压缩至本地设定的{target}%以内"
                ),
                format!(
                    "The committed limit of {committed} working days is {percent}% of the legal \
                     limit of {legal}, above the local target of {target}%"
                ),
            ),
            format!(
                "将承诺时限压缩至法定时限的{target}%以内（本地目标，由审改办按“承诺时限压缩至法定期限\
                 50%”的要求设定），或通过充分授权窗口改为即办件"
            ),
            format!(
                "Shorten the committed limit to at most {target}% of the legal limit (a local \
                 target set by the reform office after the 50% rule of seed 003), or make the \
                 item immediate by empowering the window."
            ),
        );
    }

    match (guide.case_kind, committed) {
        (CaseKind::Immediate, days) if days > 0 => out.push(
            "G008",
            "case_kind",
            msg(
                format!("办件类型为即办件，但承诺办结时限为{days}个工作日"),
                format!("The item is immediate, but its committed limit is {days} working days"),
            ),
            "即办件的承诺时限应为即办（0）；需要时限的，改为承诺件",
            "An immediate item is committed to 0 days; if it needs time, make it committed.",
        ),
        (CaseKind::Committed, 0) => out.push(
            "G008",
            "case_kind",
            msg(
                "办件类型为承诺件，但承诺办结时限为即办（0个工作日）",
                "The item is committed, but its committed limit is 0 days (immediate)",
            ),
            "当场办结的改为即办件；否则填写承诺办结时限",
            "Make it immediate if it is decided on the spot; otherwise enter the committed limit.",
        ),
        _ => {}
    }

    let steps: u64 = guide.process.iter().map(|s| u64::from(s.limit_days)).sum();
    if steps > u64::from(committed) {
        out.push(
            "G013",
            "process",
            msg(
                format!("各环节时限合计{steps}个工作日，超过承诺办结时限{committed}个工作日"),
                format!(
                    "The steps' limits add up to {steps} working days, more than the committed \
                     limit of {committed}"
                ),
            ),
            "压缩各环节时限，使其合计不超过承诺办结时限",
            "Shorten the step limits so that they add up to no more than the committed limit.",
        );
    }

    absurd(guide, settings, out);
}

/// G016: limits beyond the local maximum, special procedures of 0 days, 0 copies.
fn absurd(guide: &Guide, settings: &LintSettings, out: &mut Findings) {
    let max = settings.max_limit_days;
    let too_long = |out: &mut Findings, path: String, what_zh: &str, what_en: &str, days: u32| {
        out.push(
            "G016",
            path,
            msg(
                format!("{what_zh}{days}个工作日明显不合理（本地上限为{max}个工作日）"),
                format!("{what_en} of {days} working days is absurd (the local maximum is {max})"),
            ),
            "核对时限是否误填（时限以工作日计）",
            "Check the limit for a typing error (limits count working days).",
        );
    };
    if guide.legal_limit_days > max {
        let days = guide.legal_limit_days;
        too_long(
            out,
            "legal_limit_days".into(),
            "法定办结时限",
            "A legal limit",
            days,
        );
    }
    if guide.committed_limit_days > max {
        let days = guide.committed_limit_days;
        too_long(
            out,
            "committed_limit_days".into(),
            "承诺办结时限",
            "A committed limit",
            days,
        );
    }
    for (i, step) in guide.process.iter().enumerate() {
        if step.limit_days > max {
            let (zh, en) = (
                format!("环节「{}」的时限", step.name.trim()),
                format!("The limit of step “{}”", step.name.trim()),
            );
            too_long(
                out,
                format!("process[{i}].limit_days"),
                &zh,
                &en,
                step.limit_days,
            );
        }
    }
    for (i, procedure) in guide.special_procedures.iter().enumerate() {
        let name = procedure.name.trim();
        if procedure.limit_days == 0 {
            out.push(
                "G016",
                format!("special_procedures[{i}].limit_days"),
                msg(
                    format!("特别程序「{name}」的所需时限为0个工作日"),
                    format!("Special procedure “{name}” takes 0 working days"),
                ),
                "填写特别程序所需的工作日数；不需要的特别程序予以删除",
                "Enter the working days the procedure takes, or delete it.",
            );
        } else if procedure.limit_days > max {
            let (zh, en) = (
                format!("特别程序「{name}」的所需时限"),
                format!("Special procedure “{name}”"),
            );
            too_long(
                out,
                format!("special_procedures[{i}].limit_days"),
                &zh,
                &en,
                procedure.limit_days,
            );
        }
    }
    for (i, material) in guide.materials.iter().enumerate() {
        if material.copies == 0 {
            let name = material.name.trim();
            out.push(
                "G016",
                format!("materials[{i}].copies"),
                msg(
                    format!("申请材料「{name}」的份数为0"),
                    format!("Material “{name}” is asked for in 0 copies"),
                ),
                "填写需要提交的份数；不需要的材料予以删除",
                "Enter how many copies are needed, or delete the material.",
            );
        }
    }
}
