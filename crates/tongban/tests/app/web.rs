//! The web adapter end to end: operations endpoints, the OpenAPI document, paging, pages in
//! both languages, sign-in, CSRF, and deny-by-default access.

use axum::http::StatusCode;

use crate::helpers::{Browser, TestApp, extract_csrf, market_item};
use crate::on_both;

on_both!(
    operations_endpoints_answer,
    implementations_are_paged_the_same_way,
    pages_render_in_both_languages,
    a_department_proposes_and_the_reform_office_approves_in_the_browser,
    forms_without_a_csrf_token_are_refused,
    access_is_denied_by_default,
    bad_input_gets_bilingual_errors,
);

async fn operations_endpoints_answer(app: TestApp) {
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let openapi = app.get("/api/openapi.json").await.json();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/implementations",
        "/api/v1/change-requests/{id}/review",
        "/api/v1/auth/token",
        "/api/v1/catalog-items",
    ] {
        assert!(
            openapi["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    let docs = app.get("/api/docs/").await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(
        docs.body.contains("swagger"),
        "the API reference is served by the binary"
    );
    let reply = app.get("/").await;
    assert!(reply.headers.contains_key("x-request-id"));
}

async fn implementations_are_paged_the_same_way(app: TestApp) {
    let first = app
        .api(
            "GET",
            "/api/v1/implementations?limit=5&offset=0",
            None,
            None,
        )
        .await
        .json();
    let total = first["total"].as_i64().unwrap();
    assert!(
        total >= 60,
        "the demo city publishes at least 60 implementations: {total}"
    );
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    let item = &first["items"][0];
    for field in [
        "implementation_code",
        "basic_code",
        "name",
        "item_type",
        "department",
        "status",
    ] {
        assert!(item[field].is_string(), "{field} missing: {item}");
    }
    let second = app
        .api(
            "GET",
            "/api/v1/implementations?limit=5&offset=5",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(second["total"], total);
    assert_ne!(
        first["items"][0]["implementation_code"],
        second["items"][0]["implementation_code"]
    );
    let types: std::collections::HashSet<String> = app
        .api("GET", "/api/v1/implementations?limit=500", None, None)
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item_type"].as_str().unwrap().to_owned())
        .collect();
    assert!(types.len() >= 8, "{types:?}");
    let licences = app
        .api(
            "GET",
            "/api/v1/implementations?item_type=1&limit=500",
            None,
            None,
        )
        .await
        .json();
    assert!(
        licences["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["item_type"] == "01")
    );
    let items = app
        .api("GET", "/api/v1/catalog-items?limit=3", None, None)
        .await
        .json();
    assert_eq!(items["items"].as_array().unwrap().len(), 3);
    assert!(items["total"].as_i64().unwrap() > 0);
    // The same catalog item at several levels: one basic code, implementations at each.
    let all = app
        .api("GET", "/api/v1/catalog-items?limit=500", None, None)
        .await
        .json();
    let mut across_levels = 0;
    for shared in all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["implementations"].as_i64() >= Some(2))
    {
        let basic = shared["basic_code"].as_str().unwrap();
        let detail = app
            .api("GET", &format!("/api/v1/catalog-items/{basic}"), None, None)
            .await
            .json();
        let list = detail["implementations_list"].as_array().unwrap();
        assert_eq!(
            list.len() as i64,
            shared["implementations"].as_i64().unwrap(),
            "{detail}"
        );
        let levels: std::collections::HashSet<i64> = list
            .iter()
            .map(|i| i["exercise_level"].as_i64().unwrap())
            .collect();
        across_levels += usize::from(levels.len() >= 2);
    }
    assert!(
        across_levels >= 8,
        "the demo city implements at least 8 items at city and district level: {across_levels}"
    );
    assert_eq!(
        app.api("GET", "/api/v1/catalog-items/000000000000", None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let regions = app.api("GET", "/api/v1/regions", None, None).await.json();
    assert!(regions.as_array().unwrap().len() >= 3, "{regions}");
}

async fn pages_render_in_both_languages(app: TestApp) {
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("lang=\"zh-CN\"") && home.body.contains("事项类型"));
    // Pages run only the server's own script and load nothing from elsewhere.
    let policy = home.headers[axum::http::header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        policy.contains("default-src 'self'") && policy.contains("script-src 'self';"),
        "{policy}"
    );
    let catalog = app.get("/catalog?item_type=01").await;
    assert!(catalog.body.contains("行政许可"));
    let code = market_item(&app).await;
    let item = app.get(&format!("/catalog/items/{code}")).await;
    assert_eq!(item.status, StatusCode::OK);
    assert!(item.body.contains("申请材料") && item.body.contains("data-testid=\"materials\""));
    assert_eq!(
        app.get(&format!("/catalog/items/{code}/history"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/catalog/items/NO-SUCH-CODE").await.status,
        StatusCode::NOT_FOUND
    );

    let switch = app.get("/preferences?lang=en&back=/catalog").await;
    assert_eq!(switch.location(), Some("/catalog"));
    let lang = switch.cookie("tongban_lang").expect("language cookie");
    let english = Browser {
        cookies: vec![("tongban_lang".into(), lang)],
        csrf: String::new(),
    };
    let page = app.get_as(&english, "/catalog").await;
    assert!(page.body.contains("lang=\"en\"") && page.body.contains("Government service catalog"));
    let home = app.get_as(&english, "/").await.body;
    assert!(
        home.contains("administrative licence") && !home.contains("事项类型"),
        "the home page speaks English"
    );
    let evil = app.get("/preferences?lang=en&back=//evil.example").await;
    assert_eq!(evil.location(), Some("/"), "no open redirect");
    let large = app
        .get("/preferences?large=1&back=/")
        .await
        .cookie("tongban_large")
        .unwrap();
    let big = Browser {
        cookies: vec![("tongban_large".into(), large)],
        csrf: String::new(),
    };
    assert!(
        app.get_as(&big, "/")
            .await
            .body
            .contains("class=\"large-type\"")
    );
}

async fn a_department_proposes_and_the_reform_office_approves_in_the_browser(app: TestApp) {
    let code = market_item(&app).await;
    let reviewer = app.sign_in("reviewer").await;
    let form = app.get_as(&reviewer, "/changes/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let reply = app
        .post_form(
            &reviewer,
            "/changes",
            &[
                ("csrf_token", &reviewer.csrf),
                ("kind", "change"),
                ("implementation_code", &code),
                ("name", "食品经营许可（浏览器变更）"),
                ("reason", "规范事项名称"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.location().unwrap().to_owned();
    let reform = app.sign_in("reform").await;
    let review = app.get_as(&reform, &location).await;
    assert!(
        review.body.contains("食品经营许可（浏览器变更）")
            && review.body.contains("data-testid=\"approve\"")
    );
    let reply = app
        .post_form(
            &reform,
            &format!("{location}/review"),
            &[
                ("csrf_token", &reform.csrf),
                ("decision", "approve"),
                ("comment", "同意"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(
        app.get(&format!("/catalog/items/{code}"))
            .await
            .body
            .contains("食品经营许可（浏览器变更）")
    );
    // The reviewer cannot review, even with a valid token.
    let reply = app
        .post_form(
            &reviewer,
            &format!("{location}/review"),
            &[("csrf_token", &reviewer.csrf), ("decision", "approve")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let logout = app
        .post_form(&reform, "/logout", &[("csrf_token", &reform.csrf)])
        .await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert!(
        app.get_as(&reform, "/changes")
            .await
            .location()
            .is_some_and(|l| l.starts_with("/login")),
        "signed out"
    );
}

async fn forms_without_a_csrf_token_are_refused(app: TestApp) {
    let reviewer = app.sign_in("reviewer").await;
    let reply = app
        .post_form(
            &reviewer,
            "/changes",
            &[
                ("kind", "cancel"),
                ("implementation_code", "x"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = app
        .post_form(
            &reviewer,
            "/changes",
            &[("csrf_token", "0".repeat(64).as_str()), ("kind", "cancel")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let anonymous = Browser::default();
    let reply = app
        .post_form(
            &anonymous,
            "/login",
            &[("username", "reform"), ("password", "demo12345")],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "sign-in itself needs the token"
    );
    let page = app.get("/login").await;
    assert!(extract_csrf(&page.body).is_some());
}

async fn access_is_denied_by_default(app: TestApp) {
    let anonymous = app.get("/changes").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().unwrap().starts_with("/login?next="));
    let citizen = app.sign_in("citizen").await;
    assert_eq!(
        app.get_as(&citizen, "/changes").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_as(&citizen, "/changes/new").await.status,
        StatusCode::FORBIDDEN
    );
    let token = app.token("citizen").await;
    assert_eq!(
        app.api("GET", "/api/v1/change-requests", Some(&token), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api("GET", "/api/v1/change-requests", Some("forged"), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Every API operation the OpenAPI document describes has an access declaration.
    let openapi = app.get("/api/openapi.json").await.json();
    for (path, operations) in openapi["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let method: axum::http::Method = method.to_uppercase().parse().unwrap();
            assert!(
                tongban_web::access::rule_for(&method, path).is_some(),
                "{method} {path} has no access declaration"
            );
        }
    }
    // Every route in the access table is answered by the router (no stale declarations).
    for (method, path, _) in tongban_web::access::ROUTES {
        let concrete = crate::helpers::concrete_path(path);
        let reply = app.api(method, &concrete, None, None).await;
        assert_ne!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        if reply.status == StatusCode::NOT_FOUND {
            assert!(
                !reply.body.contains("/api/") || concrete.contains("/X") || concrete.contains("/1"),
                "{method} {path}: {}",
                reply.body
            );
        }
    }
    let wrong = app
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(serde_json::json!({"username": "reform", "password": "wrong-password"})),
        )
        .await;
    let unknown = app
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(serde_json::json!({"username": "nobody", "password": "wrong-password"})),
        )
        .await;
    assert_eq!(
        (wrong.status, unknown.status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(
        wrong.body, unknown.body,
        "no hint whether an account exists"
    );
}

async fn bad_input_gets_bilingual_errors(app: TestApp) {
    let reviewer = app.token("reviewer").await;
    let reply = app
        .api("POST", "/api/v1/change-requests", Some(&reviewer), Some(serde_json::json!({"kind": "add", "new_code": "11519900MB0000000X3000101001000", "name": "新事项", "item_type": "01", "reason": "新增"})))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let error = &reply.json()["error"];
    assert_eq!(error["field"], "new_code");
    assert!(
        !error["message"].as_str().unwrap().is_empty()
            && !error["message_en"].as_str().unwrap().is_empty()
    );
    let reply = app
        .api(
            "POST",
            "/api/v1/change-requests",
            Some(&reviewer),
            Some(serde_json::json!({"kind": "rename", "reason": "x"})),
        )
        .await;
    assert_eq!(reply.json()["error"]["field"], "kind");
    let reply = app
        .api(
            "POST",
            "/api/v1/change-requests",
            Some(&reviewer),
            Some(
                serde_json::json!({"kind": "cancel", "implementation_code": "NOPE", "reason": ""}),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = app
        .api("GET", "/api/v1/implementations?status=bogus", None, None)
        .await;
    assert_eq!(reply.json()["error"]["field"], "status");
}
