//! Rules on 申请材料: G002 (no vague catch-all), G003 (proofs only from the retained-proof
//! catalogue), G005 (nothing a department can fetch by data sharing), G019 (a specification).
//!
//! Material names are free text, so each rule is a small set of readable word rules over the
//! name, with tests of both kinds (catch-alls and concrete documents that look alike).

use super::{Findings, ReferenceLists, SharingSource, blank, compact, msg};
use crate::guide::{Guide, Material, MaterialSource};

pub(super) fn check(guide: &Guide, lists: &ReferenceLists, out: &mut Findings) {
    for (i, material) in guide.materials.iter().enumerate() {
        vague(i, material, out);
        proof(i, material, lists, out);
        shared(i, material, lists, out);
        if blank(&material.spec) {
            let name = material.name.trim();
            out.push(
                "G019",
                format!("materials[{i}].spec"),
                msg(
                    format!("申请材料「{name}」未写明材料规格"),
                    format!("Material “{name}” has no specification (材料规格)"),
                ),
                "写明纸张规格或电子文件格式，如“A4纸”“PDF电子文件”",
                "State the paper size or file format, e.g. “A4纸” or “PDF电子文件”.",
            );
        }
    }
}

// ---- G002: vague catch-alls -------------------------------------------------------------

/// Words that only say "which" or "how": 需要提交的, 相关, 有关… A name built only from
/// these and a generic noun names no document.
const FILLERS: &[&str] = &[
    "相关", "有关", "其他", "其它", "必要", "必需", "需要", "所需", "需", "应当", "应", "要求",
    "规定", "提交", "提供", "补充", "证明", "的",
];

/// Generic nouns: a document class, not a document.
const GENERIC_NOUNS: &[&str] = &["材料", "资料", "文件", "证明", "证件", "手续"];

/// Words after which a generic tail makes a catch-all: "其他材料", "相关证明材料",
/// "身份证、户口簿等", "等材料".
const CATCH_ALL_MARKERS: &[&str] = &["其他", "其它", "相关", "有关", "等"];

/// Markers that are a catch-all even at the very end of a name ("……等", "……及其他").
const CATCH_ALL_AT_END: &[&str] = &["其他", "其它", "等"];

/// Whether `rest` is fillers followed by exactly one generic noun ("需要提供的材料").
fn generic_tail(rest: &str) -> bool {
    GENERIC_NOUNS.contains(&rest)
        || FILLERS.iter().any(|filler| {
            rest.strip_prefix(filler)
                .is_some_and(|after| !after.is_empty() && generic_tail(after))
        })
}

/// Whether a material name is a vague catch-all rather than a concrete document.
///
/// Catch-alls: a name made only of generic words ("材料", "证明材料", "相关材料"); any name
/// containing "兜底"; 其他/其它/相关/有关/等 followed only by generic words ("其他相关材料",
/// "法律法规规定的其他材料", "与申请有关的材料", "土地权属证明等相关材料"); a name ending
/// in 其他/其它/等. Not catch-alls: "其他组织登记证书", "有关部门出具的消防安全检查合格证",
/// "普通话水平测试等级证书", where the marker is followed by a concrete document.
pub(super) fn is_vague(name: &str) -> bool {
    let name = without_trailing_brackets(&compact(name));
    if name.is_empty() {
        return false;
    }
    if name.contains("兜底") || generic_tail(&name) {
        return true;
    }
    if CATCH_ALL_AT_END.iter().any(|marker| name.ends_with(marker)) {
        return true;
    }
    CATCH_ALL_MARKERS.iter().any(|marker| {
        name.match_indices(marker)
            .any(|(at, _)| generic_tail(&name[at + marker.len()..]))
    })
}

fn vague(i: usize, material: &Material, out: &mut Findings) {
    let name = material.name.trim();
    if name.is_empty() {
        out.push(
            "G002",
            format!("materials[{i}].name"),
            msg(
                format!("第{}项申请材料没有名称", i + 1),
                format!("Material {} has no name", i + 1),
            ),
            "写明材料的具体名称；不需要的材料予以删除",
            "Name the document, or delete the entry.",
        );
    } else if is_vague(name) {
        out.push(
            "G002",
            format!("materials[{i}].name"),
            msg(
                format!("申请材料「{name}」属于“其他”“有关”类模糊兜底表述，申请人无法据此准备材料"),
                format!(
                    "Material “{name}” is a vague catch-all: an applicant cannot tell what to bring"
                ),
            ),
            "逐项写明具体材料名称及其设定依据；没有依据的，予以删除",
            "Name each concrete document with its legal basis; drop anything without a basis.",
        );
    }
}

// ---- G003: proofs -----------------------------------------------------------------------

/// Endings of a form the applicant fills in: "无犯罪记录证明申请表" asks for the form, not the
/// proof.
const FORM_ENDINGS: &[&str] = &[
    "表",
    "申请书",
    "申请单",
    "承诺书",
    "声明书",
    "告知书",
    "委托书",
];

/// Whether a material name asks for a proof (证明, 证明材料, 证明书). A form about a proof
/// ("居住证明申请表") is not one, nor is "身份证明", which means an identity document.
pub(super) fn is_proof(name: &str) -> bool {
    let name = compact(name);
    let stem = without_trailing_brackets(&name);
    if FORM_ENDINGS.iter().any(|ending| stem.ends_with(ending)) {
        return false;
    }
    name.replace("身份证明", "").contains("证明")
}

fn proof(i: usize, material: &Material, lists: &ReferenceLists, out: &mut Findings) {
    // a proof fetched by data sharing is not demanded from anyone; a vague name is G002's
    if material.sharing_source.is_some() || !is_proof(&material.name) || is_vague(&material.name) {
        return;
    }
    let name = compact(&material.name);
    let retained = lists
        .retained_proofs
        .iter()
        .map(|p| compact(p))
        .any(|proof| !proof.is_empty() && (name == proof || name.contains(proof.as_ref())));
    if !retained {
        let name = material.name.trim();
        out.push(
            "G003",
            format!("materials[{i}].name"),
            msg(
                format!("证明材料「{name}」不在保留证明事项目录内，不得要求申请人提供"),
                format!(
                    "Proof “{name}” is not in the retained-proof catalogue and may not be demanded"
                ),
            ),
            "取消该证明，改为告知承诺、部门核查或数据共享；确需保留的，报审改办列入保留证明事项目录",
            "Drop the proof in favour of a pledge, a check by the department or data sharing; if \
             it must stay, ask the reform office to add it to the retained-proof catalogue.",
        );
    }
}

// ---- G005: data sharing -----------------------------------------------------------------

/// What may follow a document's name when the material still is that document:
/// "营业执照副本", "居民身份证（原件）", "结婚证及复印件", "营业执照、章程".
const SAME_DOCUMENT_FOLLOWERS: &[&str] = &[
    "复印件",
    "原件",
    "副本",
    "正本",
    "及",
    "和",
    "与",
    "或",
    "、",
    "，",
    ",",
    "；",
    ";",
    "/",
];

/// Words saying the applicant hands the physical document back: data sharing cannot do that.
const SURRENDER_WORDS: &[&str] = &["交回", "缴回", "交还", "收回", "缴销"];

/// Whether a material name demands the shared document itself: the document's name is the
/// material's head noun ("法定代表人居民身份证", "营业执照（副本）") or one of a list
/// ("营业执照及章程"), not a modifier of another document ("居民身份证申领登记表",
/// "社会保障卡补换卡申请表").
pub(super) fn names_document(material_name: &str, document: &str) -> bool {
    let (name, document) = (compact(material_name), compact(document));
    if document.is_empty() {
        return false;
    }
    name.match_indices(document.as_ref()).any(|(at, _)| {
        let rest = strip_leading_brackets(&name[at + document.len()..]);
        rest.is_empty()
            || SAME_DOCUMENT_FOLLOWERS
                .iter()
                .any(|follower| rest.starts_with(follower))
    })
}

/// The sharing source a material's name demands, if any (the longest name wins).
pub(super) fn sharing_match<'a>(
    material_name: &str,
    sources: &'a [SharingSource],
) -> Option<&'a SharingSource> {
    sources
        .iter()
        .filter(|source| names_document(material_name, &source.name))
        .max_by_key(|source| source.name.chars().count())
}

fn shared(i: usize, material: &Material, lists: &ReferenceLists, out: &mut Findings) {
    if material.source != MaterialSource::Applicant || material.sharing_source.is_some() {
        return;
    }
    let surrendered = SURRENDER_WORDS.iter().any(|word| {
        material.name.contains(word) || material.note.as_deref().is_some_and(|n| n.contains(word))
    });
    if surrendered {
        return;
    }
    let Some(source) = sharing_match(&material.name, &lists.sharing_sources) else {
        return;
    };
    let (name, document, provider) = (material.name.trim(), &source.name, &source.provider);
    out.push(
        "G005",
        format!("materials[{i}].source"),
        msg(
            format!(
                "申请材料「{name}」可通过{provider}共享获取「{document}」，不得再要求申请人提供"
            ),
            format!(
                "Material “{name}” can be fetched as “{document}” from {provider} by data \
                 sharing, yet it is demanded from the applicant"
            ),
        ),
        format!("将材料来源改为部门共享获取，共享数据来源填写「{document}」"),
        format!("Set the source to the department and the sharing source to “{document}”."),
    );
}

// ---- names ------------------------------------------------------------------------------

fn is_open(c: char) -> bool {
    matches!(c, '（' | '(' | '【' | '[' | '〔')
}

fn is_close(c: char) -> bool {
    matches!(c, '）' | ')' | '】' | ']' | '〕')
}

/// "其他材料（如有）" → "其他材料": drops bracketed remarks at the end of a name.
fn without_trailing_brackets(name: &str) -> String {
    let mut name = name.trim_end().to_owned();
    while name.ends_with(is_close) {
        let mut depth = 0usize;
        let mut cut = None;
        for (at, c) in name.char_indices().rev() {
            if is_close(c) {
                depth += 1;
            } else if is_open(c) {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    cut = Some(at);
                    break;
                }
            }
        }
        match cut {
            Some(at) if at > 0 => name.truncate(at),
            _ => break,
        }
        name.truncate(name.trim_end().len());
    }
    name
}

/// "（需交回）及复印件" → "及复印件": drops bracketed remarks at the start of a text.
fn strip_leading_brackets(mut text: &str) -> &str {
    while text.starts_with(is_open) {
        let mut depth = 0usize;
        let mut end = None;
        for (at, c) in text.char_indices() {
            if is_open(c) {
                depth += 1;
            } else if is_close(c) {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = Some(at + c.len_utf8());
                    break;
                }
            }
        }
        match end {
            Some(end) => text = &text[end..],
            None => break,
        }
    }
    text
}
