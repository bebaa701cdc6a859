//! The guide linter (办事指南规范性检查): checks one guide against the standardization rules of
//! the reform office (seeds 000, 003, 004, the provincial quality checker) and returns findings
//! a department can act on, in both languages, each pointing at the element it concerns as a
//! path into the guide's exchange JSON (`materials[2].name`, `committed_limit_days`).
//!
//! A guide is *complete* when no G001 finding exists and *standard* when it has no error.
//! The reference lists (retained proofs, intermediary services, fees, sharing sources) and the
//! local settings are inputs: they are data kept by the reform office, never constants here.
//!
//! The rules live in groups, one file each: `completeness` (elements present and coded
//! values valid), `materials` (申请材料), `limits` (时限), `service` (how the item is
//! delivered: visits, online, phones, result, process, fees) and `text` (lengths). The
//! rule that the same basic code has the same name, type and basis everywhere compares
//! implementations, not one guide, and lives in `catalog::consistency`.

mod completeness;
mod limits;
mod materials;
mod service;
mod text;

#[cfg(test)]
pub(crate) mod tests;

use std::cmp::Ordering;

use super::Guide;
use crate::message::Bilingual;

/// How bad a finding is: an error blocks publication as a standard guide, a warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The exchange name ("error" / "warning").
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "提示",
        }
    }
    pub fn name_en(self) -> &'static str {
        self.as_str()
    }
}

/// One thing wrong with one element of a guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// stable rule id, "G001" …
    pub rule: &'static str,
    pub severity: Severity,
    /// the element it points at, as a path into the exchange JSON: "materials[2].name"
    pub element: String,
    /// what is wrong, naming the concrete value
    pub zh: String,
    pub en: String,
    /// how to fix it
    pub hint_zh: String,
    pub hint_en: String,
}

impl Bilingual for Finding {
    fn zh(&self) -> String {
        self.zh.clone()
    }
    fn en(&self) -> String {
        self.en.clone()
    }
}

/// One rule of the catalogue, for documentation, the standardization page and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// the element(s) the rule looks at
    pub element: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    /// where the rule comes from: "seed 000", "行政许可法 第42条", "local setting"
    pub source: &'static str,
}

const fn rule(
    id: &'static str,
    severity: Severity,
    element: &'static str,
    title_zh: &'static str,
    title_en: &'static str,
    source: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        element,
        title_zh,
        title_en,
        source,
    }
}

use Severity::{Error, Warning};

/// The catalogue of rules, in id order.
pub const RULES: &[Rule] = &[
    rule(
        "G001",
        Error,
        "name, basic_code, power_source, item_type, exercise_level, implementing_organ, \
         service_objects, result.name, office_hours, consultation_phone, locations, \
         complaint_phone, conditions, process, materials, legal_basis, faqs",
        "必备要素缺失或为空",
        "A required element is missing or blank",
        "seed 000 (西安市政务服务标准化管理办法)",
    ),
    rule(
        "G002",
        Error,
        "materials[].name",
        "申请材料名称为空或含“其他”“有关”等模糊兜底表述",
        "A material is unnamed or a vague catch-all (“其他材料”, “有关材料”)",
        "seed 000; seed 003",
    ),
    rule(
        "G003",
        Error,
        "materials[].name",
        "证明材料不在保留证明事项目录内",
        "A proof (证明) is not in the retained-proof catalogue",
        "seed 000 (保留证明事项目录)",
    ),
    rule(
        "G004",
        Error,
        "intermediary_services[]",
        "中介服务不在中介服务事项清单内",
        "An intermediary service is not in the intermediary-service list",
        "seed 004 (中介服务事项清单)",
    ),
    rule(
        "G005",
        Error,
        "materials[].source",
        "可通过数据共享获取的材料仍要求申请人提供",
        "A material departments can obtain by data sharing is demanded from the applicant",
        "seed 000; seed 004",
    ),
    rule(
        "G006",
        Error,
        "committed_limit_days",
        "承诺办结时限超过法定办结时限",
        "The committed time limit exceeds the legal time limit",
        "行政许可法 第42条; provincial quality checker",
    ),
    rule(
        "G007",
        Warning,
        "committed_limit_days",
        "承诺办结时限未压缩至法定时限的目标比例",
        "The committed time limit is above the local target share of the legal limit",
        "seed 003 (local setting)",
    ),
    rule(
        "G008",
        Error,
        "case_kind",
        "办件类型与承诺时限不一致（即办件应承诺即办）",
        "Case kind and committed limit disagree (immediate ⇔ committed limit 0)",
        "provincial quality checker",
    ),
    rule(
        "G009",
        Error,
        "visits_reason",
        "需到现场办理但未说明理由",
        "Visits are required but no reason is given",
        "seed 003; provincial quality checker",
    ),
    rule(
        "G010",
        Error,
        "visits",
        "全程网办事项到现场次数应为0",
        "A fully online item requires visits",
        "seed 004; provincial quality checker",
    ),
    rule(
        "G011",
        Error,
        "complaint_phone",
        "咨询电话与监督投诉电话相同",
        "The consultation phone is the complaint phone",
        "provincial quality checker",
    ),
    rule(
        "G012",
        Error,
        "result.kind, result.sample",
        "办理结果为证照但未按证照类填报或缺少结果样本",
        "A licence result is not marked as a licence or has no sample",
        "seed 000; provincial quality checker",
    ),
    rule(
        "G013",
        Error,
        "process[].limit_days",
        "各环节时限之和超过承诺办结时限",
        "The process steps' limits add up to more than the committed limit",
        "seed 003; provincial quality checker",
    ),
    rule(
        "G014",
        Error,
        "online_payment",
        "不收费事项不应开通网上缴费",
        "A free item offers online payment",
        "provincial quality checker",
    ),
    rule(
        "G015",
        Warning,
        "process",
        "行政许可办理流程未包含受理、审核、审批、办结、送达环节",
        "A licence item's process lacks one of 受理, 审核, 审批, 办结, 送达",
        "seed 003 (行政许可标准化指引)",
    ),
    rule(
        "G016",
        Error,
        "legal_limit_days, committed_limit_days, process[].limit_days, \
         special_procedures[].limit_days, materials[].copies",
        "时限或份数明显不合理",
        "An absurd limit or number of copies",
        "local setting (max_limit_days)",
    ),
    rule(
        "G017",
        Error,
        "any text element",
        "文字要素超出长度上限",
        "A text element is over-long",
        "local setting (max_text_chars)",
    ),
    rule(
        "G018",
        Warning,
        "fees[].name",
        "收费项目不在收费清单内",
        "A fee is not in the fee list",
        "seed 004 (收费清单)",
    ),
    rule(
        "G019",
        Error,
        "materials[].spec",
        "申请材料未写明材料规格",
        "A material has no specification (材料规格)",
        "seed 000",
    ),
    rule(
        "G020",
        Warning,
        "special_procedures[].basis",
        "特别程序未写明法定依据",
        "A special procedure has no legal basis",
        "行政许可法 第45条; seed 000",
    ),
    rule(
        "G021",
        Error,
        "item_type, exercise_level",
        "事项类型或行使层级不是规定的代码",
        "The item type or exercise level is not a valid code",
        "GB/T 39554.1-2020",
    ),
    rule(
        "G022",
        Error,
        "back_office",
        "办理流程定义无法执行（环节缺角色或“通过”、标识重复，或时限超过承诺时限）",
        "The back-office process cannot run (a step lacks a role or approve, keys repeat, \
         or the steps exceed the committed limit)",
        "seed 001 (统一收件流转程序); 行政许可法 第42条",
    ),
];

/// Looks a rule up by id.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

/// Reference lists maintained by the reform office (names as published).
#[derive(Debug, Clone, Default)]
pub struct ReferenceLists {
    /// 保留证明事项目录
    pub retained_proofs: Vec<String>,
    /// 中介服务事项清单
    pub intermediary_services: Vec<String>,
    /// 收费清单 (fee names)
    pub fees: Vec<String>,
    /// documents departments can fetch by data sharing
    pub sharing_sources: Vec<SharingSource>,
}

/// A document a department can fetch by data sharing instead of asking the applicant.
#[derive(Debug, Clone)]
pub struct SharingSource {
    /// e.g. "居民身份证"
    pub name: String,
    /// e.g. "公安人口库"
    pub provider: String,
}

/// Local settings (data, not code).
#[derive(Debug, Clone)]
pub struct LintSettings {
    /// committed limit as a share of the legal limit, in percent (seed 003: 50)
    pub committed_ratio_target_percent: u32,
    /// a time limit above this many working days is absurd
    pub max_limit_days: u32,
    /// a text element above this many characters is over-long
    pub max_text_chars: usize,
}

impl Default for LintSettings {
    fn default() -> Self {
        Self {
            committed_ratio_target_percent: 50,
            max_limit_days: 365,
            max_text_chars: 4000,
        }
    }
}

/// Checks one guide. Findings are ordered by severity (errors first), then rule id, then
/// element (indices in numeric order).
pub fn lint(guide: &Guide, lists: &ReferenceLists, settings: &LintSettings) -> Vec<Finding> {
    let mut out = Findings::default();
    completeness::check(guide, &mut out);
    materials::check(guide, lists, &mut out);
    limits::check(guide, settings, &mut out);
    service::check(guide, lists, &mut out);
    text::check(guide, settings, &mut out);
    out.into_sorted()
}

/// Whether any finding is an error (the guide is not standard).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Whether the guide has every required element (no G001 finding).
pub fn is_complete(findings: &[Finding]) -> bool {
    !findings.iter().any(|f| f.rule == "G001")
}

/// Collects findings; the severity always comes from [`RULES`].
#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn push(
        &mut self,
        rule: &'static str,
        element: impl Into<String>,
        (zh, en): (String, String),
        hint_zh: impl Into<String>,
        hint_en: impl Into<String>,
    ) {
        let severity = rule_by_id(rule)
            .unwrap_or_else(|| panic!("rule {rule} missing from RULES"))
            .severity;
        self.0.push(Finding {
            rule,
            severity,
            element: element.into(),
            zh,
            en,
            hint_zh: hint_zh.into(),
            hint_en: hint_en.into(),
        });
    }

    fn into_sorted(mut self) -> Vec<Finding> {
        self.0.sort_by(order);
        self.0
    }
}

fn order(a: &Finding, b: &Finding) -> Ordering {
    a.severity
        .cmp(&b.severity)
        .then_with(|| a.rule.cmp(b.rule))
        .then_with(|| natural_cmp(&a.element, &b.element))
}

/// Compares element paths with their indices as numbers: `materials[2]` before `materials[10]`.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digits = None;
        for (i, c) in s.char_indices() {
            let is_digit = c.is_ascii_digit();
            if digits.is_some_and(|d| d != is_digit) {
                out.push((digits.unwrap_or(false), &s[start..i]));
                start = i;
            }
            digits = Some(is_digit);
        }
        if start < s.len() {
            out.push((digits.unwrap_or(false), &s[start..]));
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, sa), (db, sb)) in ca.iter().zip(cb.iter()) {
        let ordering = if *da && *db {
            let (ta, tb) = (sa.trim_start_matches('0'), sb.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        } else {
            sa.cmp(sb)
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    ca.len().cmp(&cb.len())
}

/// A pair of messages, Chinese first.
fn msg(zh: impl Into<String>, en: impl Into<String>) -> (String, String) {
    (zh.into(), en.into())
}

/// Whether a text is empty once whitespace (including the full-width space) is removed.
fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// A name as compared against the reference lists: without any whitespace.
fn compact(text: &str) -> std::borrow::Cow<'_, str> {
    // Most names have no spaces: borrow them rather than copy (the rules call this per list
    // entry per material).
    if text.chars().any(char::is_whitespace) {
        std::borrow::Cow::Owned(text.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
