//! G001 (every required element present and not blank) and G021 (coded values valid).
//!
//! Of the 23 elements of seed 000, 办件类型, 到办事现场次数 and the two time limits always
//! have a value in the model; an empty 中介服务 list means "none" and empty 收费标准 means
//! "free", so those are not checked here. Lists must hold at least one non-blank entry, and a
//! blank entry inside a list is reported on its own.

use super::{Findings, blank, msg};
use crate::guide::Guide;

/// A required element: its path, its names and how to fill it in.
struct Element {
    path: &'static str,
    zh: &'static str,
    en: &'static str,
    hint_zh: &'static str,
    hint_en: &'static str,
}

const NAME: Element = Element {
    path: "name",
    zh: "事项名称",
    en: "item name",
    hint_zh: "按目录清单填写事项名称",
    hint_en: "Enter the item name as in the catalogue.",
};
const BASIC_CODE: Element = Element {
    path: "basic_code",
    zh: "基本编码",
    en: "basic code",
    hint_zh: "填写目录清单中的12位基本编码",
    hint_en: "Enter the 12-character basic code from the catalogue.",
};
const POWER_SOURCE: Element = Element {
    path: "power_source",
    zh: "权力来源",
    en: "power source",
    hint_zh: "填写法定本级行使、上级下放、上级授权或同级授权",
    hint_en: "Enter 法定本级行使, 上级下放, 上级授权 or 同级授权.",
};
const ITEM_TYPE: Element = Element {
    path: "item_type",
    zh: "事项类型",
    en: "item type",
    hint_zh: "填写两位事项类型代码，如01（行政许可）、20（公共服务）",
    hint_en: "Enter the two-digit item type, e.g. 01 (licence) or 20 (public service).",
};
const IMPLEMENTING_ORGAN: Element = Element {
    path: "implementing_organ",
    zh: "实施主体",
    en: "implementing organ",
    hint_zh: "填写实施机关的全称",
    hint_en: "Enter the full name of the implementing organ.",
};
const RESULT_NAME: Element = Element {
    path: "result.name",
    zh: "办理结果",
    en: "result",
    hint_zh: "写明办理结果的名称，如“食品经营许可证”",
    hint_en: "Name the result, e.g. “食品经营许可证”.",
};
const OFFICE_HOURS: Element = Element {
    path: "office_hours",
    zh: "办理时间",
    en: "office hours",
    hint_zh: "写明窗口受理的工作日和时段，以及网上申报时间",
    hint_en: "State the window's working days and hours, and when online applications are taken.",
};
const CONSULTATION_PHONE: Element = Element {
    path: "consultation_phone",
    zh: "咨询方式",
    en: "consultation phone",
    hint_zh: "填写带区号的咨询电话",
    hint_en: "Enter a consultation phone number with its area code.",
};
const COMPLAINT_PHONE: Element = Element {
    path: "complaint_phone",
    zh: "监督投诉方式",
    en: "complaint phone",
    hint_zh: "填写监督投诉电话（可为12345热线）",
    hint_en: "Enter a complaint phone number (the 12345 hotline will do).",
};
const SERVICE_OBJECTS: Element = Element {
    path: "service_objects",
    zh: "服务对象",
    en: "service objects",
    hint_zh: "选择自然人、企业法人、事业法人、社会组织法人、非法人企业、行政机关或其他组织",
    hint_en: "Choose who may apply: 自然人, 企业法人, 事业法人, 社会组织法人, 非法人企业, 行政机关, 其他组织.",
};
const LOCATIONS: Element = Element {
    path: "locations",
    zh: "办理地点",
    en: "locations",
    hint_zh: "写明窗口的详细地址；可网办的，写明网上办理入口",
    hint_en: "Give the window's full address, and the online entry if it can be done online.",
};
const CONDITIONS: Element = Element {
    path: "conditions",
    zh: "受理条件",
    en: "conditions",
    hint_zh: "逐条列明申请人应当具备的条件",
    hint_en: "List, one by one, the conditions an applicant must meet.",
};
const PROCESS: Element = Element {
    path: "process",
    zh: "办理流程",
    en: "process",
    hint_zh: "列明受理、审核、审批、办结、送达等环节及各环节时限",
    hint_en: "List the steps (受理, 审核, 审批, 办结, 送达) with each step's limit.",
};
const MATERIALS: Element = Element {
    path: "materials",
    zh: "申请材料",
    en: "materials",
    hint_zh: "逐项列明申请材料；确实无需材料的，应列明申请表",
    hint_en: "List every material; an item that needs none still lists its application form.",
};
const LEGAL_BASIS: Element = Element {
    path: "legal_basis",
    zh: "设定依据",
    en: "legal basis",
    hint_zh: "写明设定依据的法律法规名称及条款",
    hint_en: "Cite the law or regulation and its article.",
};
const FAQS: Element = Element {
    path: "faqs",
    zh: "常见问题解答",
    en: "FAQs",
    hint_zh: "至少提供一条申请人常问的问题及解答",
    hint_en: "Give at least one question applicants often ask, with its answer.",
};

const EXERCISE_LEVEL: Element = Element {
    path: "exercise_level",
    zh: "行使层级",
    en: "exercise level",
    hint_zh: "填写行使层级：1国家级、2省级、3市级、4县级、5乡镇（街道）级、6村（社区）级",
    hint_en: "Enter the level: 1 national, 2 province, 3 city, 4 county, 5 township, 6 village.",
};

pub(super) fn check(guide: &Guide, out: &mut Findings) {
    for (element, value) in [
        (&NAME, &guide.name),
        (&BASIC_CODE, &guide.basic_code),
        (&POWER_SOURCE, &guide.power_source),
        (&ITEM_TYPE, &guide.item_type),
        (&IMPLEMENTING_ORGAN, &guide.implementing_organ),
        (&RESULT_NAME, &guide.result.name),
        (&OFFICE_HOURS, &guide.office_hours),
        (&CONSULTATION_PHONE, &guide.consultation_phone),
        (&COMPLAINT_PHONE, &guide.complaint_phone),
    ] {
        if blank(value) {
            missing(out, element);
        }
    }
    if guide.exercise_level == 0 {
        missing(out, &EXERCISE_LEVEL);
    }

    // Lists: each entry's path and whether it is blank.
    let strings = |items: &[String], element: &Element| -> Vec<(String, bool)> {
        let path = element.path;
        items
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("{path}[{i}]"), blank(s)))
            .collect()
    };
    let process = guide
        .process
        .iter()
        .enumerate()
        .map(|(i, step)| (format!("process[{i}].name"), blank(&step.name)))
        .collect();
    let faqs = guide
        .faqs
        .iter()
        .enumerate()
        .flat_map(|(i, faq)| {
            [
                (format!("faqs[{i}].question"), blank(&faq.question)),
                (format!("faqs[{i}].answer"), blank(&faq.answer)),
            ]
        })
        .collect();
    // a material's blank name is G002's business; only an empty list is missing here
    let materials = (0..guide.materials.len())
        .map(|i| (format!("materials[{i}]"), false))
        .collect();
    for (element, entries) in [
        (
            &SERVICE_OBJECTS,
            strings(&guide.service_objects, &SERVICE_OBJECTS),
        ),
        (&LOCATIONS, strings(&guide.locations, &LOCATIONS)),
        (&CONDITIONS, strings(&guide.conditions, &CONDITIONS)),
        (&PROCESS, process),
        (&MATERIALS, materials),
        (&LEGAL_BASIS, strings(&guide.legal_basis, &LEGAL_BASIS)),
        (&FAQS, faqs),
    ] {
        if entries.iter().all(|(_, is_blank)| *is_blank) {
            missing(out, element);
            continue;
        }
        for (path, _) in entries.into_iter().filter(|(_, is_blank)| *is_blank) {
            let (zh, en) = (element.zh, element.en);
            out.push(
                "G001",
                path.clone(),
                msg(
                    format!("「{zh}」中有一项内容为空（{path}）"),
                    format!("An entry of the {en} is blank ({path})"),
                ),
                "补全该项内容，或删除该空项",
                "Fill the entry in or delete it.",
            );
        }
    }

    for (i, fee) in guide.fees.iter().enumerate() {
        for (field, zh, en, value) in [
            ("name", "收费项目名称", "fee name", &fee.name),
            ("standard", "收费标准", "fee standard", &fee.standard),
        ] {
            if blank(value) {
                let path = format!("fees[{i}].{field}");
                out.push(
                    "G001",
                    path.clone(),
                    msg(
                        format!("第{}项收费缺少{zh}（{path}）", i + 1),
                        format!("Fee {} has no {en} ({path})", i + 1),
                    ),
                    "按收费清单填写收费项目名称和收费标准；不收费的，删除该项",
                    "Copy the fee's name and standard from the fee list; delete the entry if \
                     the item is free.",
                );
            }
        }
    }

    for (i, procedure) in guide.special_procedures.iter().enumerate() {
        if blank(&procedure.name) {
            let path = format!("special_procedures[{i}].name");
            out.push(
                "G001",
                path.clone(),
                msg(
                    format!("第{}项特别程序缺少环节名称（{path}）", i + 1),
                    format!("Special procedure {} has no name ({path})", i + 1),
                ),
                "写明特别程序的名称，如听证、专家评审、现场核查",
                "Name the procedure, e.g. 听证 (hearing), 专家评审 (expert review).",
            );
        }
    }

    codes(guide, out);
}

fn missing(out: &mut Findings, element: &Element) {
    let (zh, en) = (element.zh, element.en);
    out.push(
        "G001",
        element.path,
        msg(
            format!("办事指南缺少必备要素「{zh}」"),
            format!("The guide has no {en} ({zh}), a required element"),
        ),
        element.hint_zh,
        element.hint_en,
    );
}

/// G021: coded values must be codes of GB/T 39554.1 (a blank item type is G001's).
fn codes(guide: &Guide, out: &mut Findings) {
    let item_type = guide.item_type.trim();
    let two_digits = item_type.len() == 2 && item_type.bytes().all(|b| b.is_ascii_digit());
    if !item_type.is_empty() && !two_digits {
        out.push(
            "G021",
            "item_type",
            msg(
                format!("事项类型「{item_type}」不是两位数字代码"),
                format!("Item type “{item_type}” is not a two-digit code"),
            ),
            "填写两位事项类型代码：01行政许可、02行政处罚……10其他行政权力、20公共服务",
            "Use the two-digit code: 01 licence, 02 penalty … 10 other power, 20 public service.",
        );
    }
    if guide.exercise_level > 6 {
        let level = guide.exercise_level;
        out.push(
            "G021",
            "exercise_level",
            msg(
                format!("行使层级「{level}」不在1至6之间"),
                format!("Exercise level {level} is not between 1 and 6"),
            ),
            "填写1国家级、2省级、3市级、4县级、5乡镇（街道）级或6村（社区）级",
            "Use 1 national, 2 province, 3 city, 4 county, 5 township or 6 village.",
        );
    }
}
