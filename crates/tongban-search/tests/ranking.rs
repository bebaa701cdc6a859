//! Ranking over a small catalog, for each way people ask: words, colloquial phrases,
//! pinyin, initials, typos, homophones, traditional characters, region, filters.

use tongban_search::{Dictionary, Filters, SearchDocument, SearchIndex, Viewer};

const CITY: &str = "519900000000";
const DISTRICT: &str = "519902000000";
const COUNTY: &str = "519921000000";

fn item(
    code: &str,
    name: &str,
    department: &str,
    region: &str,
    details: &[&str],
) -> SearchDocument {
    SearchDocument {
        implementation_code: code.into(),
        basic_code: code.split('-').next().unwrap_or(code).into(),
        name: name.into(),
        department_id: department.len() as i64,
        department: department.into(),
        region_code: region.into(),
        region_name: String::new(),
        exercise_level: if region == CITY { 3 } else { 4 },
        item_type: if name.ends_with("许可") {
            "01".into()
        } else {
            "20".into()
        },
        online: !name.contains("护照"),
        details: details.iter().map(|d| (*d).into()).collect(),
        popularity: 0,
    }
}

fn catalog() -> SearchIndex {
    let documents = vec![
        item(
            "F1-city",
            "食品经营许可",
            "市场监督管理局",
            CITY,
            &["营业执照", "食品安全管理制度"],
        ),
        item(
            "F1-district",
            "食品经营许可",
            "临江区市场监督管理局",
            DISTRICT,
            &["营业执照"],
        ),
        item(
            "F1-county",
            "食品经营许可",
            "松溪县市场监督管理局",
            COUNTY,
            &["营业执照"],
        ),
        item("F2", "仅销售预包装食品备案", "市场监督管理局", CITY, &[]),
        item(
            "C1",
            "公司设立登记",
            "市场监督管理局",
            CITY,
            &["公司章程", "营业执照"],
        ),
        item(
            "C2",
            "个体工商户设立登记",
            "市场监督管理局",
            CITY,
            &["经营者身份证明"],
        ),
        item(
            "P1",
            "居民身份证换领",
            "公安局",
            CITY,
            &["居民户口簿", "有效期满或损坏的换领"],
        ),
        item(
            "P2",
            "居民身份证挂失申报",
            "公安局",
            CITY,
            &["身份证丢失后的挂失"],
        ),
        item(
            "P3",
            "出生登记",
            "公安局",
            CITY,
            &["出生医学证明", "新生儿落户"],
        ),
        item("P4", "普通护照签发", "公安局", CITY, &["出境"]),
        item("P5", "无犯罪记录证明开具", "公安局", CITY, &[]),
        item(
            "P6",
            "亲属关系证明开具",
            "公安局",
            CITY,
            &["证明申请人与亲属的关系"],
        ),
        item(
            "H1",
            "失业保险金申领",
            "人力资源和社会保障局",
            CITY,
            &["失业后领取失业保险金"],
        ),
        item(
            "H2",
            "社会保障卡补领",
            "人力资源和社会保障局",
            CITY,
            &["社保卡遗失补办"],
        ),
        item(
            "H3",
            "企业职工基本养老保险正常退休申请",
            "人力资源和社会保障局",
            CITY,
            &["达到法定退休年龄"],
        ),
        item("M1", "内地居民结婚登记", "民政局", CITY, &[]),
        item("M2", "高龄津贴发放", "民政局", CITY, &["80周岁以上老年人"]),
        item("M3", "最低生活保障对象认定", "民政局", CITY, &[]),
        item("W1", "医师执业注册", "卫生健康委员会", CITY, &[]),
        item(
            "W2",
            "公共场所卫生许可",
            "卫生健康委员会",
            CITY,
            &["宾馆", "美容美发场所"],
        ),
        item("T1", "道路货物运输经营许可", "交通运输局", CITY, &[]),
        item("T2", "营业性演出许可证注销", "文化广电旅游局", CITY, &[]),
        // the stages of one licence, the later ones first so that a tie would favour them
        item("Y3", "烟草专卖零售许可证注销", "烟草专卖局", CITY, &[]),
        item("Y2", "烟草专卖零售许可证延续", "烟草专卖局", CITY, &[]),
        item("Y1", "烟草专卖零售许可证新办", "烟草专卖局", CITY, &[]),
        item("C3", "个体工商户变更登记", "市场监督管理局", CITY, &[]),
    ];
    SearchIndex::build(documents, Dictionary::default_entries()).unwrap()
}

fn top(index: &SearchIndex, query: &str) -> Vec<String> {
    ranked(index, query, &Viewer::default())
}

fn ranked(index: &SearchIndex, query: &str, viewer: &Viewer) -> Vec<String> {
    index
        .search(query, &Filters::default(), viewer, 5)
        .unwrap()
        .into_iter()
        .map(|h| h.document.name.clone())
        .collect()
}

#[track_caller]
fn assert_first(index: &SearchIndex, query: &str, name: &str) {
    let found = top(index, query);
    assert_eq!(
        found.first().map(String::as_str),
        Some(name),
        "{query} → {found:?}"
    );
}

#[test]
fn official_words_and_parts_of_words_find_the_item() {
    let index = catalog();
    assert_first(&index, "食品经营许可", "食品经营许可");
    assert_first(&index, "结婚登记", "内地居民结婚登记");
    assert_first(&index, "护照", "普通护照签发");
    assert_first(&index, "社会保障卡", "社会保障卡补领");
}

#[test]
fn colloquial_phrases_reach_the_official_item() {
    let index = catalog();
    assert_first(&index, "开饭馆要办什么证", "食品经营许可");
    assert_first(&index, "身份证丢了怎么办", "居民身份证挂失申报");
    assert_first(&index, "生孩子了要办什么", "出生登记");
    assert_first(&index, "怎么证明我爸是我爸", "亲属关系证明开具");
    assert_first(&index, "没工作了能领钱吗", "失业保险金申领");
    assert_first(&index, "想开个公司", "公司设立登记");
}

#[test]
fn a_service_named_without_a_stage_means_getting_it_the_first_time() {
    let index = catalog();
    assert_first(&index, "烟草专卖零售许可证", "烟草专卖零售许可证新办");
    assert_first(&index, "烟草专卖零售许可证注销", "烟草专卖零售许可证注销");
    assert_first(&index, "烟草专卖零售许可证快到期", "烟草专卖零售许可证延续");
    assert_first(&index, "个体工商户", "个体工商户设立登记");
}

#[test]
fn phrases_are_recognised_with_the_little_words_in_between() {
    let index = catalog();
    // the dictionary knows 换地址; people type 换了地址
    assert_first(&index, "个体户换了地址", "个体工商户变更登记");
}

#[test]
fn pinyin_spellings_and_initials_find_the_item() {
    let index = catalog();
    assert_first(&index, "hu zhao", "普通护照签发");
    assert_first(&index, "huzhao", "普通护照签发");
    assert_first(&index, "shiyebaoxianjin", "失业保险金申领");
    assert!(
        top(&index, "sfz")
            .iter()
            .take(2)
            .all(|n| n.contains("身份证"))
    );
    assert_first(&index, "sbk", "社会保障卡补领");
}

#[test]
fn typos_homophones_and_traditional_characters_are_forgiven() {
    let index = catalog();
    assert_first(&index, "失业保线金", "失业保险金申领");
    assert_first(&index, "普通户照", "普通护照签发");
    assert_first(&index, "结昏登记", "内地居民结婚登记");
    assert_first(&index, "居民身份證換領", "居民身份证换领");
    assert_first(&index, "ＳＢＫ", "社会保障卡补领");
}

#[test]
fn the_askers_own_region_comes_first() {
    let index = catalog();
    let search = |region: Option<&str>| {
        index
            .search(
                "食品经营许可",
                &Filters::default(),
                &Viewer {
                    region_code: region.map(str::to_owned),
                },
                1,
            )
            .unwrap()[0]
            .document
            .implementation_code
            .clone()
    };
    assert_eq!(search(Some(DISTRICT)), "F1-district");
    assert_eq!(search(Some(COUNTY)), "F1-county");
    // a township of the district sees its district before the city
    assert_eq!(search(Some("519902001000")), "F1-district");
    assert_eq!(search(None), "F1-city");
    assert_eq!(
        ranked(&index, "食品经营许可", &Viewer::default())
            .iter()
            .filter(|n| *n == "食品经营许可")
            .count(),
        1,
        "one line per item name"
    );
}

#[test]
fn filters_narrow_the_results() {
    let index = catalog();
    let only = |filters: Filters| -> Vec<String> {
        index
            .search("许可", &filters, &Viewer::default(), 20)
            .unwrap()
            .into_iter()
            .map(|h| h.document.implementation_code.clone())
            .collect()
    };
    let county = only(Filters {
        region_code: Some(COUNTY.into()),
        ..Filters::default()
    });
    assert_eq!(county, ["F1-county"]);
    let permits = only(Filters {
        item_type: Some("01".into()),
        ..Filters::default()
    });
    assert!(permits.len() >= 3 && !permits.contains(&"T2".to_owned()));
    assert!(
        !only(Filters {
            online: Some(true),
            ..Filters::default()
        })
        .is_empty()
    );
}

#[test]
fn codes_find_their_item_and_nonsense_finds_nothing() {
    let index = catalog();
    assert_first(&index, "P4", "普通护照签发");
    assert!(top(&index, "zzzzqqq").is_empty());
    assert!(top(&index, "   ").is_empty());
    assert!(top(&index, "？！").is_empty());
}

#[test]
fn suggestions_complete_what_is_being_typed() {
    let index = catalog();
    let names = index.suggest("居民身份", &Viewer::default(), 5);
    assert!(
        names.len() >= 2 && names[..2].iter().all(|n| n.starts_with("居民身份证")),
        "names beginning with what was typed come first: {names:?}"
    );
    assert!(index.suggest("", &Viewer::default(), 5).is_empty());
}
