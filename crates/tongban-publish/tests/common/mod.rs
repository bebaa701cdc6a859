//! Test helpers: a realistic guide (食品经营许可, after 《食品经营许可和备案管理办法》), a long
//! one, and text extraction from the PDFs with `pdf-extract`.

#![allow(dead_code)]

use tongban_domain::guide::{
    CaseKind, Faq, Guide, Material, MaterialForm, MaterialSource, OnlineDepth, ProcessStep,
    ResultInfo, ResultKind, SpecialProcedure,
};
use tongban_publish::GuideHeader;

pub const CONSULTATION_PHONE: &str = "0571-87001234";
pub const COMPLAINT_PHONE: &str = "12345";

pub fn header() -> GuideHeader {
    GuideHeader {
        implementation_code: "11330100MB0000000X4000117021000".into(),
        department: "示例市市场监督管理局".into(),
        qr_url: "https://zwfw.example.gov.cn/guides/11330100MB0000000X4000117021000".into(),
        printed_on: "2026-11-22".into(),
    }
}

fn material(name: &str) -> Material {
    Material {
        name: name.into(),
        ..Material::default()
    }
}

pub fn food_licence() -> Guide {
    Guide {
        name: "食品经营许可（新办）".into(),
        basic_code: "000117021000".into(),
        power_source: "法定本级行使".into(),
        item_type: "01".into(),
        case_kind: CaseKind::Committed,
        exercise_level: 3,
        implementing_organ: "示例市市场监督管理局".into(),
        service_objects: vec!["企业法人".into(), "个体工商户".into(), "事业单位法人".into()],
        intermediary_services: vec![],
        fees: vec![],
        visits: 0,
        visits_reason: None,
        legal_limit_days: 10,
        committed_limit_days: 5,
        result: ResultInfo {
            name: "食品经营许可证".into(),
            kind: ResultKind::Licence,
            sample: Some("食品经营许可证（样本）.pdf".into()),
            sample_attachment: None,
        },
        office_hours: "工作日上午9:00—12:00，下午13:30—17:00（法定节假日除外）".into(),
        consultation_phone: CONSULTATION_PHONE.into(),
        complaint_phone: COMPLAINT_PHONE.into(),
        locations: vec!["示例市市民中心B座二楼市场监管综合窗口（示例市解放东路18号）".into()],
        conditions: vec![
            "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，\
             保持该场所环境整洁，并与有毒、有害场所以及其他污染源保持规定的距离。"
                .into(),
            "具有与经营的食品品种、数量相适应的经营设备或者设施，有相应的消毒、更衣、盥洗、\
             采光、照明、通风、防腐、防尘、防蝇、防鼠、防虫、洗涤以及处理废水、存放垃圾和\
             废弃物的设备或者设施。"
                .into(),
            "有专职或者兼职的食品安全总监、食品安全员等食品安全管理人员和保证食品安全的规章制度。"
                .into(),
            "具有合理的设备布局和工艺流程，防止待加工食品与直接入口食品、原料与成品交叉污染，\
             避免食品接触有毒物、不洁物。"
                .into(),
        ],
        process: vec![
            ProcessStep {
                name: "受理".into(),
                limit_days: 1,
                description: "窗口工作人员核对申请材料，材料齐全、符合法定形式的，当场受理并出具《受理通知书》；\
                              材料不齐全的，一次性告知需要补正的全部内容。"
                    .into(),
            },
            ProcessStep {
                name: "审查".into(),
                limit_days: 3,
                description: "对申请材料进行审查，需要对申请材料的实质内容进行核实的，进行现场核查。"
                    .into(),
            },
            ProcessStep {
                name: "决定".into(),
                limit_days: 1,
                description: "作出准予或者不予许可的决定；不予许可的，书面说明理由。".into(),
            },
            ProcessStep {
                name: "送达".into(),
                limit_days: 0,
                description: "窗口领取、邮寄送达或者电子证照推送。".into(),
            },
        ],
        materials: vec![
            Material {
                blank_form: Some("食品经营许可申请书.docx".into()),
                sample: Some("食品经营许可申请书（示范文本）.pdf".into()),
                basis: Some("《食品经营许可和备案管理办法》第十二条".into()),
                ..material("食品经营许可申请书")
            },
            Material {
                form: MaterialForm::Copy,
                source: MaterialSource::Department,
                sharing_source: Some("市场主体登记注册系统".into()),
                ..material("营业执照或者其他主体资格证明文件")
            },
            Material {
                form: MaterialForm::OriginalAndCopy,
                sharing_source: Some("电子证照库（居民身份证）".into()),
                ..material("法定代表人（负责人）居民身份证")
            },
            material("与食品经营相适应的主要设备设施、经营布局、操作流程等文件"),
            Material {
                note: Some("包括食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等".into()),
                ..material("食品安全管理制度目录清单")
            },
            Material {
                deferrable: true,
                note: Some("注明职务、身份证号码及培训考核情况".into()),
                ..material("食品安全总监、食品安全员等食品安全管理人员基本情况")
            },
            Material {
                spec: "A3或A4纸".into(),
                deferrable: true,
                ..material("经营场所平面布局图（标明面积及各功能区域）")
            },
            Material {
                required: false,
                form: MaterialForm::OriginalAndCopy,
                ..material("委托他人办理的，提交授权委托书及受托人居民身份证")
            },
            Material {
                required: false,
                electronic_required: true,
                ..material("利用自动设备从事食品经营的，提交每台设备的放置地点、经营者联系方式和食品安全风险管控方案")
            },
        ],
        legal_basis: vec![
            "《中华人民共和国食品安全法》第三十五条".into(),
            "《中华人民共和国食品安全法实施条例》".into(),
            "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）".into(),
        ],
        faqs: vec![
            Faq {
                question: "仅销售预包装食品，还需要办理食品经营许可吗？".into(),
                answer: "仅销售预包装食品的，不需要取得许可，应当在开展经营活动之日起十个工作日内\
                         向所在地县级以上地方市场监督管理部门备案。"
                    .into(),
            },
            Faq {
                question: "食品经营许可证的有效期是多久？".into(),
                answer: "食品经营许可证有效期为五年。需要延续的，应当在有效期届满前九十个工作日至\
                         十五个工作日期间提出延续申请。"
                    .into(),
            },
        ],
        special_procedures: vec![SpecialProcedure {
            name: "申请人整改".into(),
            limit_days: 20,
            basis: "《食品经营许可和备案管理办法》第二十条".into(),
            charged: false,
            counted_in_limit: false,
        }],
        online: OnlineDepth::FullyOnline,
        online_payment: false,
        pledge_allowed: false,
        back_office: None,
    }
}

/// 40 materials with long names, some shared, long enough to need several pages.
pub fn long_guide() -> Guide {
    let mut guide = food_licence();
    guide.materials = (1..=40)
        .map(|n| Material {
            sharing_source: (n % 7 == 0).then(|| format!("第{n}号共享数据来源")),
            deferrable: n % 5 == 0,
            note: (n % 3 == 0)
                .then(|| "需加盖申请单位公章，复印件应注明“与原件一致”并由经办人签字".into()),
            ..material(&long_material_name(n))
        })
        .collect();
    guide.faqs = (1..=12)
        .map(|n| Faq {
            question: format!("第{n}个常见问题：申请材料中的复印件是否需要加盖公章？"),
            answer: "需要。复印件应当清晰完整，并由申请人签字或者加盖公章，注明“与原件一致”。"
                .repeat(3),
        })
        .collect();
    guide
}

pub fn long_material_name(n: usize) -> String {
    format!(
        "第{n}号材料：申请人从事食品经营活动所需的与所经营食品品种、数量相适应的场所、设备设施及管理制度说明文件"
    )
}

/// The PDF's text, whitespace removed (extractors put spaces and line breaks where glyphs
/// jump; the characters themselves must come back exactly).
pub fn text(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text extracts");
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Page count, from the footer "第 n 页 / 共 m 页" of the extracted text.
pub fn pages(text: &str) -> usize {
    let start = text.find("页/共").expect("a page footer") + "页/共".len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a page count")
}
