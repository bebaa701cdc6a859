//! The printouts read back: text extracted from the PDFs (with `pdf-extract`, no system font
//! or tool needed) must be the guide's own characters, long guides must paginate without
//! losing anything, and the files must stay small.

mod common;

use common::{
    COMPLAINT_PHONE, CONSULTATION_PHONE, food_licence, header, long_guide, long_material_name,
    pages, text,
};
use tongban_publish::{PublishError, guide_pdf, notification_sheet_pdf};

#[test]
fn guide_pdf_text_extracts_as_the_right_chinese() {
    let pdf = guide_pdf(&food_licence(), &header()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text(&pdf);
    for expected in [
        "食品经营许可（新办）",
        "办事指南",
        "11330100MB0000000X4000117021000",
        "示例市市场监督管理局",
        "扫码查看最新办事指南",
        // Every section, in order.
        "一、基本信息",
        "二、受理条件",
        "三、申请材料",
        "四、办理流程",
        "五、收费标准",
        "六、特别程序",
        "七、办结时限",
        "八、办理结果",
        "九、办理地点和时间",
        "十、咨询和监督投诉",
        "十一、设定依据",
        "十二、常见问题",
        "食品经营许可申请书",
        "免提交：市场主体登记注册系统",
        "行政许可（01）",
        "不收费。",
        "申请人整改",
        "特别程序所需时间不计入办结时限。",
        "食品经营许可证",
        CONSULTATION_PHONE,
        COMPLAINT_PHONE,
        "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        "问2：食品经营许可证的有效期是多久？",
        "第1页/共",
        "打印日期：2026-11-22",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    let order: Vec<usize> = [
        "一、基本信息",
        "三、申请材料",
        "七、办结时限",
        "十二、常见问题",
    ]
    .iter()
    .map(|heading| text.find(heading).unwrap())
    .collect();
    assert!(order.is_sorted(), "sections out of order");
}

#[test]
fn notification_sheet_text_extracts_and_fits_one_page() {
    let pdf = notification_sheet_pdf(&food_licence(), &header()).unwrap();
    let text = text(&pdf);
    for expected in [
        "一次性告知单",
        "食品经营许可（新办）",
        "示例市市场监督管理局",
        "需要提交的材料（共7项，请逐项核对）",
        "食品经营许可申请书",
        "可容缺",
        "无需提交的材料（由部门通过数据共享获取）",
        "营业执照或者其他主体资格证明文件（共享来源：市场主体登记注册系统）",
        "承诺办结时限：5个工作日；法定办结时限：10个工作日",
        "不收费。",
        "工作日上午9:00—12:00",
        CONSULTATION_PHONE,
        "窗口工作人员（签字）：",
        "告知日期：",
        "扫码查看最新办事指南",
        "第1页/共1页",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert_eq!(pages(&text), 1);
    // Shared materials are listed as not to bring, never in the checklist.
    let checklist_end = text.find("无需提交的材料").unwrap();
    assert!(!text[..checklist_end].contains("法定代表人（负责人）居民身份证"));
}

#[test]
fn a_long_guide_paginates_and_loses_nothing() {
    let guide = long_guide();
    let pdf = guide_pdf(&guide, &header()).unwrap();
    let text = text(&pdf);
    let total = pages(&text);
    assert!(total > 2, "{total} pages");
    for n in 1..=total {
        assert!(
            text.contains(&format!("第{n}页/共{total}页")),
            "footer of page {n}"
        );
    }
    for n in 1..=40 {
        assert!(text.contains(&long_material_name(n)), "material {n} lost");
    }
    assert!(text.contains("第12个常见问题"));
    // The materials table's header is repeated on the pages it continues on.
    assert!(text.matches("免提交（共享来源）").count() >= 2);

    let sheet = notification_sheet_pdf(&guide, &header()).unwrap();
    let sheet_text = common::text(&sheet);
    assert!(pages(&sheet_text) > 1);
    for n in 1..=40 {
        assert!(
            sheet_text.contains(&long_material_name(n)),
            "material {n} lost from the sheet"
        );
    }
    assert!(sheet_text.contains("窗口工作人员（签字）："));
}

#[test]
fn an_empty_guide_still_prints_every_section() {
    let guide = tongban_publish::Guide::default();
    let text = text(&guide_pdf(&guide, &header()).unwrap());
    assert!(text.contains("十二、常见问题"));
    assert!(text.contains("无需提交材料。"));
    let text = common::text(&notification_sheet_pdf(&guide, &header()).unwrap());
    assert!(text.contains("一次性告知单"));
}

#[test]
fn characters_outside_the_font_do_not_break_the_printout() {
    let mut guide = food_licence();
    guide.name = "𠀀字号食品经营许可".into();
    let pdf = guide_pdf(&guide, &header()).unwrap();
    assert!(text(&pdf).contains("字号食品经营许可"));
}

#[test]
fn a_bad_qr_address_is_refused() {
    let mut bad = header();
    bad.qr_url = "/guides/1".into();
    assert!(matches!(
        guide_pdf(&food_licence(), &bad),
        Err(PublishError::QrUrl { .. })
    ));
    assert!(matches!(
        notification_sheet_pdf(&food_licence(), &bad),
        Err(PublishError::QrUrl { .. })
    ));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let first = guide_pdf(&food_licence(), &header()).unwrap();
    let second = guide_pdf(&food_licence(), &header()).unwrap();
    assert!(first == second, "guide PDF is not deterministic");
}

/// Run with `--nocapture` to see the sizes (and `cargo run -p tongban-publish --example print
/// -- DIR` to look at the files). The bound guards font subsetting: the whole font is 5 MB.
#[test]
fn pdfs_stay_small() {
    let guide = guide_pdf(&food_licence(), &header()).unwrap();
    let sheet = notification_sheet_pdf(&food_licence(), &header()).unwrap();
    let long = guide_pdf(&long_guide(), &header()).unwrap();
    println!(
        "PDF sizes: guide {} bytes ({} pages), notification sheet {} bytes, \
         long guide (40 materials) {} bytes ({} pages)",
        guide.len(),
        pages(&text(&guide)),
        sheet.len(),
        long.len(),
        pages(&text(&long)),
    );
    for pdf in [&guide, &sheet, &long] {
        assert!(pdf.len() < 300_000, "{} bytes", pdf.len());
    }
}
