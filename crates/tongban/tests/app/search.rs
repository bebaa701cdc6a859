//! Finding services: the API, the portal pages, the queries that found nothing, the phrase
//! dictionary, and the quality of search on the project's own query set.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, extract_csrf, raw_count};

const CITY: &str = "519900000000";
const LINJIANG: &str = "519902000000";
const SONGXI: &str = "519921000000";

fn path(base: &str, pairs: &[(&str, &str)]) -> String {
    format!("{base}?{}", serde_urlencoded::to_string(pairs).unwrap())
}

async fn search(app: &TestApp, pairs: &[(&str, &str)]) -> Vec<serde_json::Value> {
    let reply = app.get(&path("/api/v1/search", pairs)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["results"].as_array().unwrap().clone()
}

async fn first_name(app: &TestApp, query: &str) -> String {
    search(app, &[("q", query)]).await[0]["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn people_find_services_the_way_they_ask(app: TestApp) {
    // colloquial, pinyin, initials, typo, traditional characters, all without signing in
    assert_eq!(first_name(&app, "开饭馆要办什么证").await, "食品经营许可");
    assert_eq!(first_name(&app, "huzhao").await, "普通护照签发");
    assert_eq!(first_name(&app, "sbk").await, "社会保障卡补领");
    assert_eq!(first_name(&app, "失业保线金").await, "失业保险金申领");
    assert_eq!(first_name(&app, "居民身份證換領").await, "居民身份证换领");
    let hit = &search(&app, &[("q", "护照")]).await[0];
    for field in ["implementation_code", "basic_code", "department", "score"] {
        assert!(!hit[field].is_null(), "{field} in {hit}");
    }
    let guide = app.get(hit["guide_url"].as_str().unwrap()).await;
    assert_eq!(guide.status, StatusCode::OK);
    assert!(guide.body.contains("普通护照签发"));
    // a cancelled item is never offered
    let cancelled = search(&app, &[("q", "亲属关系证明开具")]).await;
    assert!(cancelled.iter().all(|h| h["name"] != "亲属关系证明开具"));
    let bad = app
        .get(&path("/api/v1/search", &[("q", "护照"), ("limit", "0")]))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["field"], "limit");
    let empty = search(&app, &[("q", "  ")]).await;
    assert!(empty.is_empty());
}

async fn the_askers_region_comes_first_and_filters_narrow(app: TestApp) {
    let region_of_first =
        |hits: Vec<serde_json::Value>| hits[0]["region_code"].as_str().unwrap().to_owned();
    for (near, expected) in [
        (LINJIANG, LINJIANG),
        (SONGXI, SONGXI),
        ("519921101000", SONGXI),
    ] {
        let hits = search(&app, &[("q", "食品经营许可"), ("near", near)]).await;
        assert_eq!(region_of_first(hits), expected, "near {near}");
    }
    assert_eq!(
        region_of_first(search(&app, &[("q", "食品经营许可")]).await),
        CITY
    );
    let in_songxi = search(&app, &[("q", "登记"), ("region", SONGXI), ("limit", "50")]).await;
    assert!(!in_songxi.is_empty());
    assert!(
        in_songxi.iter().all(|h| h["region_code"] == SONGXI),
        "{in_songxi:?}"
    );
    let online = search(&app, &[("q", "许可"), ("online", "true"), ("limit", "50")]).await;
    assert!(online.iter().all(|h| h["online"] == true));
    let permits = search(&app, &[("q", "登记"), ("item_type", "01"), ("limit", "50")]).await;
    assert!(permits.iter().all(|h| h["item_type"] == "01"));
}

async fn queries_that_find_nothing_are_kept_for_the_reform_office(app: TestApp) {
    for query in ["量子纠缠", "量子纠缠", "量子纠缠 110101199003074512"] {
        assert!(search(&app, &[("q", query)]).await.is_empty(), "{query}");
    }
    // nothing under a filter says nothing about the catalog
    assert!(
        search(&app, &[("q", "量子纠缠护照"), ("region", SONGXI)])
            .await
            .is_empty()
    );
    let reform = app.token("reform").await;
    let misses = app
        .api("GET", "/api/v1/admin/search/misses", Some(&reform), None)
        .await;
    assert_eq!(misses.status, StatusCode::OK, "{}", misses.body);
    let items = misses.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["query"], "量子纠缠");
    assert_eq!(items[0]["times"], 2);
    assert_eq!(
        raw_count(
            &app.db_url,
            "SELECT COUNT(*) FROM search_misses WHERE query LIKE '%110101%'"
        )
        .await,
        0,
        "a query with an id number is never kept"
    );
    let page = app
        .get_as(&app.sign_in("supervisor").await, "/admin/search")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("量子纠缠"));
    let citizen = app.token("citizen").await;
    assert_eq!(
        app.api("GET", "/api/v1/admin/search/misses", Some(&citizen), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bad = app
        .api(
            "GET",
            "/api/v1/admin/search/misses?days=0",
            Some(&reform),
            None,
        )
        .await;
    assert_eq!(bad.json()["error"]["field"], "days");
    // the portal shows help and themes instead of an empty page
    let nothing = app.get(&path("/search", &[("q", "外星人")])).await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(nothing.body.contains("search-nothing"));
    assert!(nothing.body.contains("个人办事") && nothing.body.contains("出生"));
}

async fn the_reform_office_edits_the_dictionary_and_search_follows(app: TestApp) {
    let reform = app.token("reform").await;
    let shipped = app
        .api(
            "GET",
            "/api/v1/admin/search/dictionary",
            Some(&reform),
            None,
        )
        .await;
    assert_eq!(shipped.json()["id"], 0);
    let text = shipped.json()["text"].as_str().unwrap().to_owned();
    assert!(search(&app, &[("q", "量子纠缠")]).await.is_empty());
    // a bad line is refused by number, and nothing is stored
    let bad = app
        .api(
            "PUT",
            "/api/v1/admin/search/dictionary",
            Some(&reform),
            Some(json!({"text": format!("{text}\n没有箭头的一行\n"), "reason": "试"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["field"], "text");
    let line = format!("{text}\n没有箭头的一行\n")
        .lines()
        .position(|l| l == "没有箭头的一行")
        .unwrap()
        + 1;
    assert!(bad.body.contains(&format!("line {line}")), "{}", bad.body);
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM search_dictionary").await,
        0
    );
    let no_reason = app
        .api(
            "PUT",
            "/api/v1/admin/search/dictionary",
            Some(&reform),
            Some(json!({"text": text, "reason": " "})),
        )
        .await;
    assert_eq!(no_reason.json()["error"]["field"], "reason");
    let saved = app
        .api(
            "PUT",
            "/api/v1/admin/search/dictionary",
            Some(&reform),
            Some(json!({"text": format!("{text}\n量子纠缠 => 普通护照\n"), "reason": "群众常问"})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["saved_by"], "reform");
    assert_eq!(
        first_name(&app, "量子纠缠").await,
        "普通护照签发",
        "search uses the new dictionary at once"
    );
    assert_eq!(
        raw_count(
            &app.db_url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'search.dictionary.save'"
        )
        .await,
        1
    );
    // the same through the page, and only the reform office may
    let browser = app.sign_in("reform").await;
    let page = app.get_as(&browser, "/admin/search").await;
    let csrf = extract_csrf(&page.body).unwrap();
    let posted = app
        .post_form(
            &browser,
            "/admin/search/dictionary",
            &[
                ("csrf_token", &csrf),
                ("text", "[其他] 坏 => 行"),
                ("reason", "试试"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::BAD_REQUEST);
    assert!(posted.body.contains("第1行"), "the page names the line");
    assert!(
        posted.body.contains("[其他] 坏 =&#62; 行"),
        "what was typed is kept"
    );
    let clerk = app.token("clerk").await;
    let refused = app
        .api(
            "PUT",
            "/api/v1/admin/search/dictionary",
            Some(&clerk),
            Some(json!({"text": text, "reason": "x"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // a reindex asked for from the command line moves the stamp every server watches
    let before = tongban_store::search::stamp(&app.store).await.unwrap();
    tongban_store::search::request_reindex(&app.store, 1)
        .await
        .unwrap();
    assert_ne!(
        tongban_store::search::stamp(&app.store).await.unwrap(),
        before
    );
}

async fn the_portal_searches_with_filters_and_completions(app: TestApp) {
    let page = app
        .get(&path("/search", &[("q", "开饭馆"), ("near", LINJIANG)]))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("search-results"));
    assert!(page.body.contains("食品经营许可"));
    let home = app.get("/").await;
    assert!(home.body.contains("action=\"/search\""));
    let suggest = app
        .get(&path("/api/v1/search/suggest", &[("q", "居民身份")]))
        .await;
    assert_eq!(suggest.status, StatusCode::OK);
    assert_eq!(suggest.json()["suggestions"][0], "居民身份证换领");
}

/// The project's own query set over the demo catalog (`demo/search-queries.tsv`).
async fn search_quality_on_the_projects_own_queries(app: TestApp) {
    let queries =
        tongban_search::eval::parse_tsv(include_str!("../../demo/search-queries.tsv")).unwrap();
    let index = tongban_store::search::build_index(&app.store)
        .await
        .unwrap();
    let report = tongban_search::eval::evaluate(&queries, |q| {
        index
            .search(q, &Default::default(), &Default::default(), 10)
            .unwrap()
            .into_iter()
            .map(|h| h.document.name.clone())
            .collect()
    });
    assert!(
        report.overall.top3 >= 0.9 && report.overall.mrr >= 0.8,
        "{:?}; missed: {:?}",
        report.overall,
        report.misses
    );
}

/// The general window finds the item in the applicant's words before taking it in.
async fn the_window_finds_items_in_the_applicants_words(app: TestApp) {
    let clerk = app.sign_in("clerk").await;
    let page = app
        .get_as(&clerk, &path("/intake", &[("q", "开饭馆要办什么证")]))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let found = &page.body[page
        .body
        .find("data-testid=\"intake-found\"")
        .expect("results")..];
    let first = &found[found.find("<a href=\"/intake?code=").unwrap()..];
    assert!(
        first[..first.find("</a>").unwrap()].ends_with("食品经营许可"),
        "{first}"
    );
    let nothing = app
        .get_as(&clerk, &path("/intake", &[("q", "量子纠缠")]))
        .await;
    assert!(nothing.body.contains("data-testid=\"intake-found-none\""));
}

crate::on_both!(
    the_window_finds_items_in_the_applicants_words,
    people_find_services_the_way_they_ask,
    the_askers_region_comes_first_and_filters_narrow,
    queries_that_find_nothing_are_kept_for_the_reform_office,
    the_reform_office_edits_the_dictionary_and_search_follows,
    the_portal_searches_with_filters_and_completions,
    search_quality_on_the_projects_own_queries,
);
