//! Rules on how the item is delivered: G004 (intermediary services from the list), G009 and
//! G010 (visits), G011 (phones), G012 (licence results), G014 (online payment), G015 (the
//! five steps of a licence), G018 (fees from the fee list), G020 (special procedures' basis),
//! G022 (the back-office process can run).

use super::{Findings, ReferenceLists, blank, compact, msg};
use crate::guide::{Guide, OnlineDepth, ResultKind};

pub(super) fn check(guide: &Guide, lists: &ReferenceLists, out: &mut Findings) {
    intermediary_services(guide, lists, out);
    visits(guide, out);
    phones(guide, out);
    licence_result(guide, out);
    payment(guide, out);
    licence_steps(guide, out);
    fees(guide, lists, out);
    special_procedures(guide, out);
    back_office(guide, out);
}

/// G022: a process the department defined must be one a case can finish within its limit.
fn back_office(guide: &Guide, out: &mut Findings) {
    let Some(process) = &guide.back_office else {
        return;
    };
    if let Err(error) = process.validate(guide.case_limit_days()) {
        out.push(
            "G022",
            format!("back_office.{}", error.field),
            (error.zh, error.en),
            "按“阶段—环节”编制办理流程：每个环节有办理角色、允许“通过”，各阶段最长环节时限之和不超过承诺时限",
            "Lay the process out as stages of steps: each step has a role and allows approve, \
             and the slowest step of each stage, summed, fits the committed limit.",
        );
    }
}

fn listed(name: &str, list: &[String]) -> bool {
    let name = compact(name);
    list.iter().any(|entry| compact(entry) == name)
}

/// G004
fn intermediary_services(guide: &Guide, lists: &ReferenceLists, out: &mut Findings) {
    for (i, service) in guide.intermediary_services.iter().enumerate() {
        if listed(service, &lists.intermediary_services) {
            continue;
        }
        let name = service.trim();
        out.push(
            "G004",
            format!("intermediary_services[{i}]"),
            msg(
                format!("中介服务「{name}」不在中介服务事项清单内，不得作为受理条件"),
                format!(
                    "Intermediary service “{name}” is not in the intermediary-service list and may \
                     not be required"
                ),
            ),
            "删除该中介服务，改由部门自行开展或申请人自行编制；名称有误的，按清单名称填写",
            "Remove it (the department does the work, or the applicant prepares it); if only the \
             name differs, use the name as published in the list.",
        );
    }
}

/// G009, G010
fn visits(guide: &Guide, out: &mut Findings) {
    let visits = guide.visits;
    if visits == 0 {
        return;
    }
    if guide.visits_reason.as_deref().is_none_or(blank) {
        out.push(
            "G009",
            "visits_reason",
            msg(
                format!("到办事现场次数为{visits}次，但未说明需要到现场的理由"),
                format!("Applicants must come {visits} time(s), but no reason is given"),
            ),
            "写明必须到现场的理由（如核验原件、现场采集照片指纹）；能网办的改为0次",
            "State why a visit is needed (e.g. checking originals, taking fingerprints); if it \
             is not, set visits to 0.",
        );
    }
    if guide.online == OnlineDepth::FullyOnline {
        out.push(
            "G010",
            "visits",
            msg(
                format!("网办深度为全程网办，但到办事现场次数为{visits}次"),
                format!("The item is fully online, yet applicants must come {visits} time(s)"),
            ),
            "全程网办事项的到现场次数应为0；确需到现场的，改为部分网办",
            "A fully online item needs no visit: set visits to 0, or mark it partly online.",
        );
    }
}

/// Phone numbers compared without spaces and dashes: "0839-331 2315" = "08393312315".
fn phone_digits(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '—' | '–'))
        .collect()
}

/// G011
fn phones(guide: &Guide, out: &mut Findings) {
    let consultation = phone_digits(&guide.consultation_phone);
    if consultation.is_empty() || consultation != phone_digits(&guide.complaint_phone) {
        return;
    }
    let phone = guide.complaint_phone.trim();
    out.push(
        "G011",
        "complaint_phone",
        msg(
            format!("监督投诉电话与咨询电话相同（{phone}），投诉无法独立于办理部门"),
            format!(
                "The complaint phone is the consultation phone ({phone}): complaints would go to \
                 the office complained about"
            ),
        ),
        "填写独立的监督投诉电话，如本级政务服务管理部门的投诉电话或12345热线",
        "Give an independent complaint line, e.g. the service-hall administration's or 12345.",
    );
}

/// Endings of a result name that is a licence (证照): "食品经营许可证", "不动产权证书".
const LICENCE_ENDINGS: &[&str] = &["证", "证书", "许可证", "执照"];

/// G012
fn licence_result(guide: &Guide, out: &mut Findings) {
    let name = guide.result.name.trim();
    let named_licence = LICENCE_ENDINGS.iter().any(|e| name.ends_with(e));
    if !named_licence && guide.result.kind != ResultKind::Licence {
        return;
    }
    if guide.result.kind != ResultKind::Licence {
        out.push(
            "G012",
            "result.kind",
            msg(
                format!("办理结果「{name}」是证照，但结果类型未填为证照"),
                format!("Result “{name}” is a licence but is not marked as one"),
            ),
            "将结果类型改为“证照”，以便生成电子证照",
            "Set the result kind to licence, so that an electronic licence can be issued.",
        );
    }
    if guide.result.sample.as_deref().is_none_or(blank) {
        let shown = if name.is_empty() { "证照" } else { name };
        out.push(
            "G012",
            "result.sample",
            msg(
                format!("办理结果「{shown}」是证照，但未提供结果样本"),
                format!("Result “{shown}” is a licence but has no sample"),
            ),
            "上传证照样本（可加“样本”水印）",
            "Upload a sample of the licence (watermarked “样本” if need be).",
        );
    }
}

/// G014
fn payment(guide: &Guide, out: &mut Findings) {
    if guide.fees.is_empty() && guide.online_payment {
        out.push(
            "G014",
            "online_payment",
            msg(
                "本事项不收费，却标注支持网上缴费",
                "The item is free, yet it offers online payment",
            ),
            "不收费的事项取消网上缴费；收费的，补充收费标准",
            "Turn online payment off, or enter the fees if the item is not free.",
        );
    }
}

/// The five steps of a licence (seed 003): the name shown, and the words that count as it.
const LICENCE_STEPS: &[(&str, &str, &[&str])] = &[
    ("受理", "acceptance", &["受理"]),
    ("审核", "review", &["审核", "审查"]),
    ("审批", "decision", &["审批", "决定"]),
    ("办结", "closing", &["办结"]),
    ("送达", "delivery", &["送达"]),
];

/// G015
fn licence_steps(guide: &Guide, out: &mut Findings) {
    // an empty process is G001's
    if guide.item_type.trim() != "01" || guide.process.is_empty() {
        return;
    }
    let missing: Vec<(&str, &str)> = LICENCE_STEPS
        .iter()
        .filter(|(_, _, words)| {
            !guide
                .process
                .iter()
                .any(|step| words.iter().any(|w| step.name.contains(w)))
        })
        .map(|&(zh, en, _)| (zh, en))
        .collect();
    if missing.is_empty() {
        return;
    }
    let zh: Vec<&str> = missing.iter().map(|(zh, _)| *zh).collect();
    let en: Vec<String> = missing
        .iter()
        .map(|(zh, en)| format!("{zh} ({en})"))
        .collect();
    out.push(
        "G015",
        "process",
        msg(
            format!("行政许可事项的办理流程缺少{}环节", zh.join("、")),
            format!("The licence item's process lacks {}", en.join(", ")),
        ),
        "按受理、审核、审批（决定）、办结、送达五个环节编制办理流程，并写明各环节时限",
        "Lay the process out as 受理, 审核, 审批 (决定), 办结, 送达, each with its limit.",
    );
}

/// G018
fn fees(guide: &Guide, lists: &ReferenceLists, out: &mut Findings) {
    for (i, fee) in guide.fees.iter().enumerate() {
        // a blank name is G001's
        if blank(&fee.name) || listed(&fee.name, &lists.fees) {
            continue;
        }
        let name = fee.name.trim();
        out.push(
            "G018",
            format!("fees[{i}].name"),
            msg(
                format!("收费项目「{name}」不在收费清单内"),
                format!("Fee “{name}” is not in the fee list"),
            ),
            "核对收费清单：名称有误的按清单填写；清单外的收费予以取消",
            "Check the fee list: use the listed name, or drop a fee that is not listed.",
        );
    }
}

/// G020 (a special procedure with no name is G001's)
fn special_procedures(guide: &Guide, out: &mut Findings) {
    for (i, procedure) in guide.special_procedures.iter().enumerate() {
        if !blank(&procedure.basis) {
            continue;
        }
        let name = procedure.name.trim();
        out.push(
            "G020",
            format!("special_procedures[{i}].basis"),
            msg(
                format!("特别程序「{name}」未写明法定依据"),
                format!("Special procedure “{name}” cites no legal basis"),
            ),
            "写明设定该特别程序的法律法规条款（如《行政许可法》第四十五条）；没有依据的予以删除",
            "Cite the article that provides for the procedure (e.g. 行政许可法 art. 45), or \
             delete it.",
        );
    }
}
