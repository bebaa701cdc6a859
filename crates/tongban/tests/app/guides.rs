//! Service guides: the editor saves drafts that are never lost, the checks block a guide
//! with errors from publication, the reform office publishes the fixed version; figures
//! and the consistency report reflect the catalog.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, form_fields, market_item, set};
use crate::on_both;

on_both!(
    a_guide_with_errors_is_kept_as_a_draft_but_not_published,
    standardization_figures_count_every_published_guide,
    consistency_lists_items_that_differ_across_levels,
    only_staff_see_guide_quality,
    the_reform_office_publishes_reference_lists,
    a_reference_list_is_imported_from_xlsx_row_by_row,
);

async fn a_guide_with_errors_is_kept_as_a_draft_but_not_published(app: TestApp) {
    let code = market_item(&app).await;
    let edit = format!("/catalog/items/{code}/guide/edit");
    let reviewer = app.sign_in("reviewer").await;
    let page = app.get_as(&reviewer, &edit).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mut fields = form_fields(&page.body);
    // A vague catch-all material in the first blank row.
    let blank = (0..20)
        .find(|i| {
            fields
                .iter()
                .any(|(k, v)| *k == format!("materials.{i}.name") && v.is_empty())
        })
        .unwrap();
    set(
        &mut fields,
        &format!("materials.{blank}.name"),
        "其他相关材料",
    );
    let submit = |action: &str, fields: &[(String, String)]| {
        let mut all: Vec<(String, String)> = fields
            .iter()
            .filter(|(k, _)| k != "csrf_token" && k != "reason")
            .cloned()
            .collect();
        all.push(("csrf_token".into(), reviewer.csrf.clone()));
        all.push(("action".into(), action.into()));
        all
    };
    let save = submit("save", &fields);
    let pairs: Vec<(&str, &str)> = save.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = app.post_form(&reviewer, &edit, &pairs).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(
        saved.body.contains("data-testid=\"saved\"") && saved.body.contains("G002"),
        "the draft is saved and the vague material found"
    );

    let propose = submit("propose", &fields);
    let pairs: Vec<(&str, &str)> = propose
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = app.post_form(&reviewer, &edit, &pairs).await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "errors block publishing"
    );
    assert!(refused.body.contains("G002") && refused.body.contains("其他相关材料"));
    let again = app.get_as(&reviewer, &edit).await;
    assert!(
        again.body.contains("其他相关材料"),
        "the draft was not lost"
    );

    // Fixed: a concrete material. Proposed, approved, published.
    set(
        &mut fields,
        &format!("materials.{blank}.name"),
        "食品安全管理制度文本",
    );
    let propose = submit("propose", &fields);
    let pairs: Vec<(&str, &str)> = propose
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let proposed = app.post_form(&reviewer, &edit, &pairs).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let id: i64 = proposed
        .location()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let reform = app.token("reform").await;
    let reply = app
        .api(
            "POST",
            &format!("/api/v1/change-requests/{id}/review"),
            Some(&reform),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let published = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}"),
            None,
            None,
        )
        .await
        .json();
    let materials = published["guide"]["materials"].as_array().unwrap();
    assert!(
        materials
            .iter()
            .any(|m| m["name"] == "食品安全管理制度文本")
    );
    assert!(
        app.get(&format!("/catalog/items/{code}"))
            .await
            .body
            .contains("食品安全管理制度文本")
    );

    // Another department's staff cannot open this editor.
    let citizen = app.sign_in("citizen").await;
    assert_eq!(
        app.get_as(&citizen, &edit).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn standardization_figures_count_every_published_guide(app: TestApp) {
    let reform = app.token("reform").await;
    let figures = app
        .api("GET", "/api/v1/guides/standardization", Some(&reform), None)
        .await;
    assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
    let figures = figures.json();
    let published = app
        .api("GET", "/api/v1/implementations?limit=1", None, None)
        .await
        .json()["total"]
        .as_u64()
        .unwrap();
    assert_eq!(
        figures["overall"]["implementations"].as_u64().unwrap(),
        published
    );
    let coverage = figures["overall"]["coverage"].as_f64().unwrap();
    assert!(
        coverage > 0.5 && coverage < 1.0,
        "the demo city has a few flawed guides: {coverage}"
    );
    let count = |rule: &str| {
        figures["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == rule)
            .unwrap()["findings"]
            .as_u64()
            .unwrap()
    };
    assert!(count("G002") >= 1, "the vague material in the demo city");
    assert!(
        count("G007") >= 1,
        "the committed limit above the local target"
    );
    assert!(count("G009") >= 1, "visits without a reason");
    assert!(figures["departments"].as_array().unwrap().len() >= 15);
    let page = app
        .get_as(&app.sign_in("reform").await, "/guides/standardization")
        .await;
    assert!(page.body.contains("data-testid=\"coverage\"") && page.body.contains("G002"));
}

async fn consistency_lists_items_that_differ_across_levels(app: TestApp) {
    let reform = app.token("reform").await;
    let before = app
        .api("GET", "/api/v1/guides/consistency", Some(&reform), None)
        .await
        .json();
    assert_eq!(
        before.as_array().unwrap().len(),
        0,
        "the demo city is consistent: {before}"
    );
    // Rename the city-level implementation of an item the districts implement too.
    let items = app
        .api("GET", "/api/v1/catalog-items?limit=500", None, None)
        .await
        .json();
    let mut shared = None;
    for item in items["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["implementations"].as_i64() >= Some(2))
    {
        let basic = item["basic_code"].as_str().unwrap();
        let detail = app
            .api("GET", &format!("/api/v1/catalog-items/{basic}"), None, None)
            .await
            .json();
        let city_market = detail["implementations_list"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| {
                i["exercise_level"] == 3
                    && i["department"]
                        .as_str()
                        .is_some_and(|d| d.starts_with("云溪市市场监督管理局"))
            });
        if let Some(city) = city_market {
            shared = Some((
                city["implementation_code"].as_str().unwrap().to_owned(),
                basic.to_owned(),
            ));
            break;
        }
    }
    let (code, basic) = shared
        .expect("the demo city implements a market-regulation item at city and district level");
    let reviewer = app.token("reviewer").await;
    let id = app
        .api("POST", "/api/v1/change-requests", Some(&reviewer), Some(json!({"kind": "change", "implementation_code": code, "name": "改名后的事项", "reason": "测试"})))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    app.api(
        "POST",
        &format!("/api/v1/change-requests/{id}/review"),
        Some(&reform),
        Some(json!({"decision": "approve"})),
    )
    .await;
    let after = app
        .api("GET", "/api/v1/guides/consistency", Some(&reform), None)
        .await
        .json();
    let found = after
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["basic_code"] == basic.as_str() && i["field"] == "name")
        .expect("the difference is listed");
    assert!(
        found["variants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["value"] == "改名后的事项")
    );
    let page = app
        .get_as(&app.sign_in("reform").await, "/guides/consistency")
        .await;
    assert!(page.body.contains("改名后的事项"));
}

async fn only_staff_see_guide_quality(app: TestApp) {
    let citizen = app.token("citizen").await;
    for path in [
        "/api/v1/guides/standardization",
        "/api/v1/guides/consistency",
    ] {
        assert_eq!(
            app.api("GET", path, Some(&citizen), None).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.api("GET", path, None, None).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let supervisor = app.token("supervisor").await;
    assert_eq!(
        app.api(
            "GET",
            "/api/v1/guides/standardization",
            Some(&supervisor),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
}

async fn the_reform_office_publishes_reference_lists(app: TestApp) {
    let reform = app.sign_in("reform").await;
    let page = app.get_as(&reform, "/guides/lists").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"list-retained_proof\""));
    let token = app.token("reform").await;
    let errors = || async {
        app.api("GET", "/api/v1/guides/standardization", Some(&token), None)
            .await
            .json()["overall"]["errors"]
            .as_u64()
            .unwrap()
    };
    let errors_before = errors().await;

    // Emptying the retained-proof catalog makes every demanded proof an error (G003).
    let reply = app
        .post_form(
            &reform,
            "/guides/lists/retained_proof",
            &[("csrf_token", &reform.csrf), ("entries", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(
        errors().await > errors_before,
        "checks read the published list"
    );

    let reply = app
        .post_form(
            &reform,
            "/guides/lists/fee",
            &[
                ("csrf_token", &reform.csrf),
                ("entries", "工本费 | 每证10元 | 依据 | 多余的一列"),
            ],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "a malformed line is refused"
    );
    let reply = app
        .post_form(
            &reform,
            "/guides/lists/fee",
            &[
                ("csrf_token", &reform.csrf),
                ("entries", "工本费 | 每证10元 | 国家发展改革委文件"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        app.get_as(&reform, "/guides/lists")
            .await
            .body
            .contains("每证10元")
    );

    let reviewer = app.sign_in("reviewer").await;
    let reply = app
        .post_form(
            &reviewer,
            "/guides/lists/fee",
            &[("csrf_token", &reviewer.csrf), ("entries", "x")],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "only the reform office publishes lists"
    );
}

async fn a_reference_list_is_imported_from_xlsx_row_by_row(app: TestApp) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["收费清单（2026年）", "", ""],
        ["收费项目", "收费标准", "政策依据"],
        ["不动产登记费", "每件80元", "发改价格规〔2016〕2559号"],
        ["", "10元", "没有名称的一行"],
        ["不动产登记费", "重复", ""],
        ["证书工本费", "每本10元", "财税〔2016〕79号"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let reform = app.sign_in("reform").await;
    let fields = vec![("csrf_token".to_owned(), reform.csrf.clone())];
    let reply = app
        .post_multipart(
            &reform,
            "/guides/lists/fee/import",
            &fields,
            &[("file", "收费清单.xlsx", &bytes)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("data-testid=\"import-report\""));
    assert!(
        reply.body.contains("第4行") && reply.body.contains("第5行"),
        "{}",
        reply.body
    );
    let page = app.get_as(&reform, "/guides/lists").await;
    assert!(page.body.contains("每本10元") && page.body.contains("每件80元"));

    // A file that is not a table is refused whole and the list stays as it was.
    let reply = app
        .post_multipart(
            &reform,
            "/guides/lists/fee/import",
            &fields,
            &[("file", "收费清单.xlsx", b"not a workbook")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        app.get_as(&reform, "/guides/lists")
            .await
            .body
            .contains("每本10元")
    );

    // Only the reform office imports lists.
    let clerk = app.sign_in("reviewer").await;
    let fields = vec![("csrf_token".to_owned(), clerk.csrf.clone())];
    let reply = app
        .post_multipart(
            &clerk,
            "/guides/lists/fee/import",
            &fields,
            &[("file", "a.xlsx", &bytes)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}
