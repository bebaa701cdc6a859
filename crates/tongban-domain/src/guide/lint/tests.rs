//! Data-driven tests: every case modifies one complete, valid guide (食品经营许可 of a city
//! market-regulation bureau) and names the rules it must trip; the same helper checks that
//! every finding is well formed.

use super::materials::{is_proof, is_vague, names_document};
use super::*;
use crate::guide::{
    CaseKind, Faq, Fee, Material, MaterialForm, MaterialSource, OnlineDepth, ProcessStep,
    ResultInfo, ResultKind, SpecialProcedure,
};

fn material(name: &str, note: &str) -> Material {
    Material {
        name: name.into(),
        electronic_required: true,
        basis: Some("《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）".into()),
        note: (!note.is_empty()).then(|| note.into()),
        ..Material::default()
    }
}

fn shared(name: &str, source: &str) -> Material {
    Material {
        form: MaterialForm::Electronic,
        spec: "电子证照（系统共享调取）".into(),
        source: MaterialSource::Department,
        sharing_source: Some(source.into()),
        ..material(name, "通过数据共享获取，申请人无需提交")
    }
}

fn step(name: &str, limit_days: u32, description: &str) -> ProcessStep {
    ProcessStep {
        name: name.into(),
        limit_days,
        description: description.into(),
    }
}

/// A complete, standard guide: 食品经营许可 by 云溪市市场监督管理局.
pub(crate) fn food_licence() -> Guide {
    Guide {
        name: "食品经营许可".into(),
        basic_code: "000117021000".into(),
        power_source: "法定本级行使".into(),
        item_type: "01".into(),
        case_kind: CaseKind::Committed,
        exercise_level: 3,
        implementing_organ: "云溪市市场监督管理局".into(),
        service_objects: vec!["企业法人".into(), "非法人企业".into(), "自然人".into()],
        intermediary_services: vec![],
        fees: vec![],
        visits: 0,
        visits_reason: None,
        legal_limit_days: 10,
        committed_limit_days: 5,
        result: ResultInfo {
            name: "食品经营许可证".into(),
            kind: ResultKind::Licence,
            sample_attachment: None,
            sample: Some("食品经营许可证（样本）.pdf".into()),
        },
        office_hours:
            "网上申报7×24小时受理；窗口工作日上午9:00-12:00，下午13:30-17:30（法定节假日除外）"
                .into(),
        consultation_phone: "0839-3312315".into(),
        complaint_phone: "12315".into(),
        locations: vec![
            "云溪市政务服务中心二楼A区市场准入综合窗口（1-8号）".into(),
            "网上办理：四川政务服务网（云溪市站点）或“天府通办”APP".into(),
        ],
        conditions: vec![
            "申请人已依法取得营业执照等合法主体资格".into(),
            "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所".into(),
            "配备食品安全总监、食品安全员等食品安全管理人员，建立保证食品安全的规章制度".into(),
        ],
        process: vec![
            step(
                "受理",
                1,
                "材料齐全、符合法定形式的，予以受理并出具受理通知书",
            ),
            step("审核", 2, "承办人员对申请材料进行审查，必要时开展现场核查"),
            step("审批", 1, "分管负责人作出准予许可或者不予许可的决定"),
            step("办结", 0, "制作《食品经营许可证》并同步生成电子证照"),
            step("送达", 1, "窗口领取、免费邮寄或下载电子证照"),
        ],
        materials: vec![
            Material {
                sample: Some("食品经营许可申请书（示范文本）.pdf".into()),
                blank_form: Some("食品经营许可申请书（样表）.docx".into()),
                ..material("食品经营许可申请书", "在线填报的，系统自动生成申请书")
            },
            shared("营业执照", "营业执照"),
            shared("法定代表人（负责人）居民身份证", "居民身份证"),
            material("经营场所平面布局图及主要设备设施布局、操作流程说明", ""),
            Material {
                deferrable: true,
                ..material("食品安全管理制度文本", "可容缺受理，领取许可证前补齐")
            },
            Material {
                required: false,
                ..material("授权委托书", "委托他人代为办理的提供")
            },
            material("从业人员健康证明", "从事接触直接入口食品工作的从业人员提供"),
        ],
        legal_basis: vec![
            "《中华人民共和国食品安全法》第三十五条".into(),
            "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）".into(),
        ],
        faqs: vec![Faq {
            question: "只卖预包装食品，还需要办理食品经营许可证吗？".into(),
            answer: "不需要，办理仅销售预包装食品备案即可。".into(),
        }],
        special_procedures: vec![],
        online: OnlineDepth::FullyOnline,
        online_payment: false,
        pledge_allowed: false,
        back_office: None,
    }
}

fn lists() -> ReferenceLists {
    let names = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    ReferenceLists {
        retained_proofs: names(&[
            "出生医学证明",
            "无犯罪记录证明",
            "从业人员健康证明",
            "居住证明",
            "死亡医学证明（推断）书",
        ]),
        intermediary_services: names(&["施工图设计文件审查", "安全评价", "房产测绘"]),
        fees: names(&["不动产登记费", "居民身份证工本费"]),
        sharing_sources: [
            ("居民身份证", "公安人口库"),
            ("居民户口簿", "公安人口库"),
            ("营业执照", "市场主体登记信息库"),
            ("社会保障卡", "人力资源社会保障信息库"),
            ("食品经营许可证", "市场监管电子证照库"),
        ]
        .iter()
        .map(|(name, provider)| SharingSource {
            name: name.to_string(),
            provider: provider.to_string(),
        })
        .collect(),
    }
}

/// Lints the modified guide and checks every finding is well formed.
fn findings_with(settings: &LintSettings, modify: impl FnOnce(&mut Guide)) -> Vec<Finding> {
    let mut guide = food_licence();
    modify(&mut guide);
    let findings = lint(&guide, &lists(), settings);
    for finding in &findings {
        well_formed(finding);
    }
    let mut sorted = findings.clone();
    sorted.sort_by(order);
    assert_eq!(findings, sorted, "findings are not in order");
    findings
}

fn well_formed(finding: &Finding) {
    let rule = rule_by_id(finding.rule).unwrap_or_else(|| panic!("{finding:?}: unknown rule"));
    assert_eq!(rule.severity, finding.severity, "{finding:?}");
    for text in [
        &finding.element,
        &finding.zh,
        &finding.en,
        &finding.hint_zh,
        &finding.hint_en,
    ] {
        assert!(!text.trim().is_empty(), "{finding:?}: empty text");
    }
    assert!(
        finding
            .zh
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{finding:?}: Chinese message without Chinese"
    );
    assert!(
        finding.en.chars().any(|c| c.is_ascii_alphabetic()),
        "{finding:?}: English message without English"
    );
}

fn ids(findings: &[Finding]) -> Vec<&'static str> {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    ids.dedup();
    ids
}

/// The one helper: modify the valid guide, expect exactly these rules (any order).
#[track_caller]
fn check(modify: impl FnOnce(&mut Guide), expected: &[&str]) {
    check_with(&LintSettings::default(), modify, expected);
}

#[track_caller]
fn check_with(settings: &LintSettings, modify: impl FnOnce(&mut Guide), expected: &[&str]) {
    let findings = findings_with(settings, modify);
    let mut got = ids(&findings);
    got.sort();
    got.dedup();
    let mut expected = expected.to_vec();
    expected.sort();
    assert_eq!(got, expected, "findings: {findings:#?}");
}

/// A change to the valid guide.
type Modify = fn(&mut Guide);

/// The elements the findings of one rule point at.
fn elements(modify: impl FnOnce(&mut Guide), rule: &str) -> Vec<String> {
    findings_with(&LintSettings::default(), modify)
        .into_iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.element)
        .collect()
}

fn set_material_name(name: &'static str) -> impl FnOnce(&mut Guide) {
    move |g: &mut Guide| g.materials[3].name = name.into()
}

// ---- the catalogue ----------------------------------------------------------------------

#[test]
fn the_valid_guide_has_no_findings() {
    let findings = lint(&food_licence(), &lists(), &LintSettings::default());
    assert_eq!(findings, vec![]);
    assert!(!has_errors(&findings));
    assert!(is_complete(&findings));
}

#[test]
fn rule_ids_are_unique_and_in_order() {
    for (i, rule) in RULES.iter().enumerate() {
        assert_eq!(rule.id, format!("G{:03}", i + 1), "{rule:?}");
        for text in [rule.element, rule.title_zh, rule.title_en, rule.source] {
            assert!(!text.trim().is_empty(), "{rule:?}");
        }
    }
    assert!(RULES.len() >= 18);
    assert_eq!(
        rule_by_id("G007").map(|r| r.severity),
        Some(Severity::Warning)
    );
    assert!(rule_by_id("G999").is_none());
}

#[test]
fn severities_have_names() {
    assert_eq!(Severity::Error.as_str(), "error");
    assert_eq!(Severity::Warning.as_str(), "warning");
    assert!(Severity::Error < Severity::Warning);
}

#[test]
fn findings_are_ordered_by_severity_rule_and_element() {
    let findings = findings_with(&LintSettings::default(), |g| {
        g.committed_limit_days = 6; // G007 warning
        for i in 0..9 {
            g.materials.push(material(&format!("材料{i}"), ""));
        }
        g.materials[2].copies = 0; // G016
        g.materials[12].copies = 0; // G016
        g.materials[3].name = "其他材料".into(); // G002
        g.complaint_phone = "0839 331 2315".into(); // G011
    });
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.rule, f.element.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("G002", "materials[3].name"),
            ("G011", "complaint_phone"),
            ("G016", "materials[2].copies"),
            ("G016", "materials[12].copies"),
            ("G007", "committed_limit_days"),
        ]
    );
    assert!(has_errors(&findings));
    assert!(is_complete(&findings));
}

#[test]
fn natural_order_of_paths() {
    assert_eq!(natural_cmp("materials[2]", "materials[10]"), Ordering::Less);
    assert_eq!(
        natural_cmp("materials[10].name", "materials[9].spec"),
        Ordering::Greater
    );
    assert_eq!(natural_cmp("faqs", "faqs[0].answer"), Ordering::Less);
    assert_eq!(natural_cmp("name", "name"), Ordering::Equal);
}

// ---- G001 -------------------------------------------------------------------------------

#[test]
fn g001_required_elements() {
    let blanked: [(&str, Modify); 17] = [
        ("name", |g| g.name = " ".into()),
        ("basic_code", |g| g.basic_code.clear()),
        ("power_source", |g| g.power_source.clear()),
        ("item_type", |g| g.item_type.clear()),
        ("exercise_level", |g| g.exercise_level = 0),
        ("implementing_organ", |g| {
            g.implementing_organ = "\u{3000}".into()
        }),
        ("service_objects", |g| g.service_objects.clear()),
        ("result.name", |g| g.result.name.clear()),
        ("office_hours", |g| g.office_hours.clear()),
        ("consultation_phone", |g| g.consultation_phone.clear()),
        ("locations", |g| g.locations = vec![String::new()]),
        ("complaint_phone", |g| g.complaint_phone.clear()),
        ("conditions", |g| g.conditions.clear()),
        ("process", |g| g.process.clear()),
        ("materials", |g| g.materials.clear()),
        ("legal_basis", |g| g.legal_basis.clear()),
        ("faqs", |g| g.faqs.clear()),
    ];
    for (path, blank) in blanked {
        check(blank, &["G001"]);
        assert_eq!(elements(blank, "G001"), [path]);
    }
    // one finding per missing element
    let all = findings_with(&LintSettings::default(), |g| *g = Guide::default());
    let missing = all.iter().filter(|f| f.rule == "G001").count();
    assert_eq!(missing, 17, "{all:#?}");
    assert!(!is_complete(&all));
}

#[test]
fn g001_blank_entries_inside_lists() {
    let blank_entry = |g: &mut Guide| g.conditions.push(" ".into());
    check(blank_entry, &["G001"]);
    assert_eq!(elements(blank_entry, "G001"), ["conditions[3]"]);
    let faq = |g: &mut Guide| g.faqs[0].answer.clear();
    assert_eq!(elements(faq, "G001"), ["faqs[0].answer"]);
    let step = |g: &mut Guide| g.process[1].name.clear();
    // the unnamed step is also no longer a 审核 step
    check(step, &["G001", "G015"]);
    assert_eq!(elements(step, "G001"), ["process[1].name"]);
    let fee = |g: &mut Guide| {
        g.fees.push(Fee::default());
    };
    assert_eq!(elements(fee, "G001"), ["fees[0].name", "fees[0].standard"]);
    let procedure = |g: &mut Guide| {
        g.special_procedures.push(SpecialProcedure {
            limit_days: 5,
            basis: "《中华人民共和国行政许可法》第四十五条".into(),
            ..SpecialProcedure::default()
        })
    };
    check(procedure, &["G001"]);
    // lists with values, free items and items without intermediaries are complete
    check(|g| g.intermediary_services.clear(), &[]);
    check(|g| g.fees.clear(), &[]);
}

// ---- G002 -------------------------------------------------------------------------------

#[test]
fn g002_vague_materials() {
    for name in [
        "其他材料",
        "其它材料",
        "其他相关材料",
        "其他有关材料",
        "有关材料",
        "相关材料",
        "相关证明材料",
        "等材料",
        "其他",
        "其它",
        "兜底材料",
        "法律、法规规定的其他材料",
        "审批机关认为需要提供的其他材料",
        "其它需要提交的资料",
        "与申请事项有关的材料",
        "土地权属来源证明等相关材料",
        "身份证、户口簿等",
        "场地证明等材料",
        "其他材料（如有）",
        "证明材料",
    ] {
        check(set_material_name(name), &["G002"]);
        assert!(is_vague(name), "{name}");
    }
    check(set_material_name(""), &["G002"]);
    assert_eq!(
        elements(set_material_name(" "), "G002"),
        ["materials[3].name"]
    );
}

#[test]
fn g002_concrete_documents_that_look_vague() {
    for name in [
        "其他组织登记证书",
        "其他组织负责人任职文件",
        "有关部门出具的消防安全检查合格证",
        "相关部门批准文件",
        "有关情况说明",
        "普通话水平测试等级证书",
        "经营场所平面布局图及主要设备设施布局、操作流程说明",
        "设备、设施清单",
    ] {
        check(set_material_name(name), &[]);
        assert!(!is_vague(name), "{name}");
    }
}

// ---- G003 -------------------------------------------------------------------------------

#[test]
fn g003_proofs_not_retained() {
    for name in ["收入证明", "无房证明", "场地使用证明材料", "婚姻状况证明书"]
    {
        check(set_material_name(name), &["G003"]);
    }
    assert_eq!(
        elements(set_material_name("收入证明"), "G003"),
        ["materials[3].name"]
    );
    // a vague proof is reported once, as vague
    check(set_material_name("其他证明材料"), &["G002"]);
}

#[test]
fn g003_retained_proofs_and_look_alikes() {
    for name in [
        "从业人员健康证明",         // exact
        "食品从业人员健康证明",     // contains a retained proof
        "无犯罪记录证明（原件）",   // contains a retained proof
        "死亡医学证明（推断）书",   // exact, brackets and all
        "居住证明申请表",           // a form, not the proof
        "无犯罪记录证明开具申请书", // a form
        "申请人身份证明",           // an identity document
        "户口簿首页及本人页",       // no proof at all
    ] {
        check(set_material_name(name), &[]);
    }
    // fetched by data sharing: not demanded from anyone
    check(
        |g| {
            g.materials[3].name = "收入证明".into();
            g.materials[3].sharing_source = Some("收入证明".into());
        },
        &[],
    );
    assert!(is_proof("证明"));
    assert!(!is_proof("身份证明"));
    assert!(!is_proof("居住证明申请表（样表）"));
}

// ---- G004 -------------------------------------------------------------------------------

#[test]
fn g004_intermediary_services() {
    check(|g| g.intermediary_services = vec!["安全评价".into()], &[]);
    check(
        |g| g.intermediary_services = vec![" 安全 评价 ".into()],
        &[],
    );
    let unlisted = |g: &mut Guide| {
        g.intermediary_services = vec!["安全评价".into(), "食品安全管理体系咨询".into()]
    };
    check(unlisted, &["G004"]);
    assert_eq!(elements(unlisted, "G004"), ["intermediary_services[1]"]);
}

// ---- G005 -------------------------------------------------------------------------------

#[test]
fn g005_shared_documents_demanded() {
    for name in [
        "经营者居民身份证",
        "营业执照",
        "营业执照副本",
        "营业执照（副本）复印件",
        "营业执照及章程",
        "居民户口簿",
    ] {
        check(set_material_name(name), &["G005"]);
    }
    let demanded = |g: &mut Guide| {
        g.materials[2].source = MaterialSource::Applicant;
        g.materials[2].sharing_source = None;
    };
    check(demanded, &["G005"]);
    assert_eq!(elements(demanded, "G005"), ["materials[2].source"]);
    let finding = findings_with(&LintSettings::default(), demanded).remove(0);
    assert!(finding.zh.contains("公安人口库"), "{finding:?}");
}

#[test]
fn g005_not_the_shared_document() {
    for name in [
        "居民身份证申领登记表",   // a form about the document
        "社会保障卡补换卡申请表", // a form about the document
        "食品经营许可证申请书",   // a form about the document
        "原居民身份证（需交回）", // the physical card is handed back
        "损坏的社会保障卡",       // see the note below
        "营业场所租赁合同",       // nothing shared
    ] {
        check(
            |g| {
                g.materials[3].name = name.into();
                if name == "损坏的社会保障卡" {
                    g.materials[3].note = Some("损坏换卡的交回原卡".into());
                }
            },
            &[],
        );
    }
    // the material names its sharing source: fine, whoever is marked as the source
    check(|g| g.materials[2].source = MaterialSource::Applicant, &[]);
    assert!(names_document(
        "法定代表人（负责人）居民身份证",
        "居民身份证"
    ));
    assert!(!names_document("居民身份证明", "居民身份证"));
    assert!(!names_document("营业执照", ""));
}

// ---- limits -----------------------------------------------------------------------------

#[test]
fn g006_committed_above_legal() {
    check(|g| g.committed_limit_days = 10, &["G007"]);
    let late = |g: &mut Guide| g.committed_limit_days = 12;
    check(late, &["G006"]); // not also G007
    assert_eq!(elements(late, "G006"), ["committed_limit_days"]);
    // no legal limit to compare with
    check(
        |g| {
            g.legal_limit_days = 0;
            g.committed_limit_days = 12;
        },
        &[],
    );
}

#[test]
fn g007_committed_ratio_target() {
    check(|g| g.committed_limit_days = 6, &["G007"]);
    check(|g| g.committed_limit_days = 5, &[]);
    let lenient = LintSettings {
        committed_ratio_target_percent: 80,
        ..LintSettings::default()
    };
    check_with(&lenient, |g| g.committed_limit_days = 8, &[]);
    check_with(&lenient, |g| g.committed_limit_days = 9, &["G007"]);
    let finding = findings_with(&LintSettings::default(), |g| g.committed_limit_days = 6);
    assert!(finding[0].en.contains("local"), "{finding:?}");
    assert!(finding[0].hint_zh.contains("本地"), "{finding:?}");
}

fn immediate(g: &mut Guide) {
    g.case_kind = CaseKind::Immediate;
    g.committed_limit_days = 0;
    for step in &mut g.process {
        step.limit_days = 0;
    }
}

#[test]
fn g008_immediate_and_committed() {
    check(immediate, &[]);
    check(
        |g| {
            immediate(g);
            g.committed_limit_days = 1;
        },
        &["G008"],
    );
    check(
        |g| {
            immediate(g);
            g.case_kind = CaseKind::Committed;
        },
        &["G008"],
    );
    assert_eq!(
        elements(|g| g.case_kind = CaseKind::Immediate, "G008"),
        ["case_kind"]
    );
}

#[test]
fn g013_step_limits_add_up() {
    check(|g| g.process[1].limit_days = 3, &["G013"]);
    check(
        |g| {
            g.process[1].limit_days = 3;
            g.committed_limit_days = 6;
        },
        &["G007"],
    );
    // an immediate item whose steps take time
    check(
        |g| {
            immediate(g);
            g.process[0].limit_days = 1;
        },
        &["G013"],
    );
}

#[test]
fn g016_absurd_limits_and_copies() {
    check(|g| g.legal_limit_days = 365, &[]);
    let absurd_legal = |g: &mut Guide| g.legal_limit_days = 400;
    check(absurd_legal, &["G016"]);
    assert_eq!(elements(absurd_legal, "G016"), ["legal_limit_days"]);
    check(
        |g| {
            g.legal_limit_days = 2000;
            g.committed_limit_days = 1000;
        },
        &["G016"],
    );
    let absurd_step = |g: &mut Guide| {
        g.legal_limit_days = 1000;
        g.committed_limit_days = 500;
        g.process[2].limit_days = 400;
    };
    check(absurd_step, &["G016"]);
    assert_eq!(
        elements(absurd_step, "G016"),
        [
            "committed_limit_days",
            "legal_limit_days",
            "process[2].limit_days"
        ]
    );
    let procedure = |days: u32| {
        move |g: &mut Guide| {
            g.special_procedures.push(SpecialProcedure {
                name: "现场核查".into(),
                limit_days: days,
                basis: "《中华人民共和国行政许可法》第四十五条".into(),
                charged: false,
                counted_in_limit: false,
            })
        }
    };
    check(procedure(5), &[]);
    check(procedure(0), &["G016"]);
    check(procedure(366), &["G016"]);
    assert_eq!(
        elements(procedure(0), "G016"),
        ["special_procedures[0].limit_days"]
    );
    let no_copies = |g: &mut Guide| g.materials[0].copies = 0;
    check(no_copies, &["G016"]);
    assert_eq!(elements(no_copies, "G016"), ["materials[0].copies"]);
    let strict = LintSettings {
        max_limit_days: 60,
        ..LintSettings::default()
    };
    check_with(&strict, |g| g.legal_limit_days = 61, &["G016"]);
}

// ---- delivery ---------------------------------------------------------------------------

#[test]
fn g009_visits_need_a_reason() {
    let visits = |reason: Option<&'static str>| {
        move |g: &mut Guide| {
            g.online = OnlineDepth::PartlyOnline;
            g.visits = 1;
            g.visits_reason = reason.map(Into::into);
        }
    };
    check(visits(Some("领取许可证时核验原件")), &[]);
    check(visits(None), &["G009"]);
    check(visits(Some(" ")), &["G009"]);
    assert_eq!(elements(visits(None), "G009"), ["visits_reason"]);
}

#[test]
fn g010_fully_online_means_no_visit() {
    let visit = |g: &mut Guide| {
        g.visits = 1;
        g.visits_reason = Some("核验原件".into());
    };
    check(visit, &["G010"]);
    assert_eq!(elements(visit, "G010"), ["visits"]);
    check(
        |g| {
            visit(g);
            g.online = OnlineDepth::Offline;
        },
        &[],
    );
    check(|g| g.visits = 2, &["G009", "G010"]);
}

#[test]
fn g011_consultation_and_complaint_phones_differ() {
    for complaint in ["0839-3312315", "0839 331 2315", " 08393312315 "] {
        check(|g| g.complaint_phone = complaint.into(), &["G011"]);
    }
    check(|g| g.complaint_phone = "0839-3312345".into(), &[]);
    assert_eq!(
        elements(|g| g.complaint_phone = "0839-3312315".into(), "G011"),
        ["complaint_phone"]
    );
}

#[test]
fn g012_licence_results() {
    let not_marked = |g: &mut Guide| g.result.kind = ResultKind::Certificate;
    check(not_marked, &["G012"]);
    assert_eq!(elements(not_marked, "G012"), ["result.kind"]);
    let no_sample = |g: &mut Guide| g.result.sample = None;
    assert_eq!(elements(no_sample, "G012"), ["result.sample"]);
    check(|g| g.result.sample = Some(String::new()), &["G012"]);
    check(
        |g| {
            g.result.name = "不动产权证书".into();
            g.result.kind = ResultKind::Other;
            g.result.sample = None;
        },
        &["G012"],
    );
    // marked as a licence whatever its name
    check(
        |g| {
            g.result.name = "准予许可决定书".into();
            g.result.sample = None;
        },
        &["G012"],
    );
    // not a licence
    for name in ["准予许可决定书", "户籍注销证明", "备案回执"] {
        check(
            |g| {
                g.result = ResultInfo {
                    name: name.into(),
                    kind: ResultKind::ApprovalDocument,
                    sample_attachment: None,
                    sample: None,
                }
            },
            &[],
        );
    }
}

#[test]
fn g014_free_items_take_no_payment() {
    check(|g| g.online_payment = true, &["G014"]);
    assert_eq!(
        elements(|g| g.online_payment = true, "G014"),
        ["online_payment"]
    );
    check(
        |g| {
            g.online_payment = true;
            g.fees = vec![Fee {
                name: "居民身份证工本费".into(),
                standard: "每证20元".into(),
                basis: "发改价格〔2003〕2322号".into(),
            }];
        },
        &[],
    );
}

#[test]
fn g015_licence_steps() {
    let without = |names: &'static [&'static str]| {
        move |g: &mut Guide| g.process.retain(|s| !names.contains(&s.name.as_str()))
    };
    check(without(&["送达"]), &["G015"]);
    let findings = findings_with(&LintSettings::default(), without(&["审核", "送达"]));
    assert_eq!(ids(&findings), ["G015"]);
    assert!(findings[0].zh.contains("审核、送达"), "{findings:?}");
    assert!(!findings[0].zh.contains("受理"), "{findings:?}");
    // synonyms and longer step names count
    check(
        |g| {
            g.process[1].name = "审查".into();
            g.process[2].name = "决定".into();
            g.process[0].name = "窗口受理".into();
        },
        &[],
    );
    // only licences are held to the five steps
    check(
        |g| {
            g.item_type = "07".into();
            without(&["送达"])(g);
        },
        &[],
    );
}

#[test]
fn g018_fees_from_the_fee_list() {
    let fee = |name: &'static str| {
        move |g: &mut Guide| {
            g.fees = vec![Fee {
                name: name.into(),
                standard: "每证10元".into(),
                basis: "某文件".into(),
            }];
        }
    };
    check(fee("居民身份证工本费"), &[]);
    check(fee("许可证工本费"), &["G018"]);
    assert_eq!(elements(fee("许可证工本费"), "G018"), ["fees[0].name"]);
}

#[test]
fn g019_material_specification() {
    let no_spec = |g: &mut Guide| g.materials[4].spec = " ".into();
    check(no_spec, &["G019"]);
    assert_eq!(elements(no_spec, "G019"), ["materials[4].spec"]);
    check(|g| g.materials[4].spec = "PDF电子文件".into(), &[]);
}

#[test]
fn g020_special_procedure_basis() {
    let procedure = |basis: &'static str| {
        move |g: &mut Guide| {
            g.special_procedures.push(SpecialProcedure {
                name: "专家评审".into(),
                limit_days: 10,
                basis: basis.into(),
                charged: false,
                counted_in_limit: false,
            })
        }
    };
    check(procedure("《中华人民共和国行政许可法》第四十五条"), &[]);
    check(procedure(""), &["G020"]);
    assert_eq!(
        elements(procedure(""), "G020"),
        ["special_procedures[0].basis"]
    );
}

#[test]
fn g021_codes() {
    check(|g| g.item_type = "99".into(), &[]);
    check(|g| g.item_type = "1".into(), &["G021"]);
    check(|g| g.item_type = "行政许可".into(), &["G021"]);
    check(|g| g.exercise_level = 6, &[]);
    check(|g| g.exercise_level = 7, &["G021"]);
}

#[test]
fn g022_back_office_process() {
    use crate::case::Process;
    check(|g| g.back_office = Some(Process::standard(5)), &[]);
    let too_long = |g: &mut Guide| g.back_office = Some(Process::standard(8));
    check(too_long, &["G022"]);
    assert_eq!(elements(too_long, "G022"), ["back_office.stages"]);
    let no_approve = |g: &mut Guide| {
        let mut process = Process::standard(5);
        process.stages[1].steps[0].actions.clear();
        g.back_office = Some(process);
    };
    assert_eq!(
        elements(no_approve, "G022"),
        ["back_office.stages[1].steps[0].actions"]
    );
}

// ---- text -------------------------------------------------------------------------------

#[test]
fn g017_text_length() {
    check(|g| g.office_hours = "时".repeat(4000), &[]);
    let long = |g: &mut Guide| g.office_hours = "时".repeat(4001);
    check(long, &["G017"]);
    assert_eq!(elements(long, "G017"), ["office_hours"]);
    let long_answer = |g: &mut Guide| g.materials[5].note = Some("注".repeat(4001));
    assert_eq!(elements(long_answer, "G017"), ["materials[5].note"]);
    let short = LintSettings {
        max_text_chars: 100,
        ..LintSettings::default()
    };
    check_with(&short, |g| g.faqs[0].answer = "答".repeat(101), &["G017"]);
}
