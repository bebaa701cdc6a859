//! A process published with the guide (办理流程定义) runs as published: the demo city's
//! 娱乐场所经营许可 has its culture, public-security and safety reviews in parallel across
//! three departments, through the API, on both databases.

use axum::http::StatusCode;
use serde_json::{Value, json};
use tongban_domain::access::Role;
use tongban_store::catalog;

use crate::helpers::{TestApp, apply_online, department_staff as staff, item_of};
use crate::on_both;

on_both!(parallel_reviews_in_three_departments_pass_together);

const ITEM: &str = "娱乐场所经营许可";

async fn item_code(app: &TestApp) -> String {
    item_of(app, ITEM, "云溪市文化广电旅游局").await
}

fn tasks_of(inbox: &Value, id: i64) -> Vec<String> {
    inbox
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["case_id"] == id)
        .map(|t| t["step"].as_str().unwrap().to_owned())
        .collect()
}

async fn parallel_reviews_in_three_departments_pass_together(app: TestApp) {
    let code = item_code(&app).await;
    let guide = catalog::require_published(&app.store, &code)
        .await
        .unwrap()
        .snapshot()
        .guide
        .clone()
        .unwrap();
    let stages: Vec<usize> = guide
        .case_process()
        .stages
        .iter()
        .map(|s| s.steps.len())
        .collect();
    assert_eq!(stages, [1, 3, 1], "the published process");

    let culture = staff(
        &app,
        "culture",
        "云溪市文化广电旅游局",
        Role::DepartmentReviewer,
    )
    .await;
    let head = staff(
        &app,
        "culture_head",
        "云溪市文化广电旅游局",
        Role::DepartmentApprover,
    )
    .await;
    let police = staff(&app, "police", "云溪市公安局", Role::DepartmentReviewer).await;
    let safety = staff(&app, "safety", "云溪市应急管理局", Role::DepartmentReviewer).await;
    let clerk = app.token("clerk").await;

    let id = apply_online(&app, &code).await;
    let act = |token: &str, body: Value| {
        let (app, token) = (&app, token.to_owned());
        async move {
            let reply = app
                .api(
                    "POST",
                    &format!("/api/v1/cases/{id}/acts"),
                    Some(&token),
                    Some(body),
                )
                .await;
            (reply.status, reply.json())
        }
    };
    let (status, _) = act(&clerk, json!({"act": "accept"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, case) = act(&culture, json!({"act": "approve", "step": "undertake"})).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let open: Vec<&str> = case["open_steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        open,
        ["culture_review", "public_security_review", "safety_review"]
    );

    // Each department finds its own step in its inbox, and only that one.
    for (token, step) in [
        (&culture, "culture_review"),
        (&police, "public_security_review"),
        (&safety, "safety_review"),
    ] {
        let inbox = app.api("GET", "/api/v1/inbox", Some(token), None).await;
        assert_eq!(tasks_of(&inbox.json(), id), [step]);
    }
    let (status, refused) = act(&police, json!({"act": "approve", "step": "safety_review"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

    // The stage passes only when the last of the three approves.
    for (token, step) in [
        (&police, "public_security_review"),
        (&safety, "safety_review"),
    ] {
        let (status, case) = act(token, json!({"act": "approve", "step": step})).await;
        assert_eq!(status, StatusCode::OK, "{case}");
        assert_eq!(case["phase"], "in_progress");
        assert_eq!(case["open_steps"].as_array().unwrap().len(), 3);
    }
    let (_, case) = act(
        &culture,
        json!({"act": "approve", "step": "culture_review"}),
    )
    .await;
    assert_eq!(case["open_steps"][0]["key"], "approve");
    let inbox = app.api("GET", "/api/v1/inbox", Some(&head), None).await;
    assert_eq!(tasks_of(&inbox.json(), id), ["approve"]);
    let (_, case) = act(&head, json!({"act": "approve", "step": "approve"})).await;
    assert_eq!(case["phase"], "decided");
    let (_, case) = act(
        &clerk,
        json!({"act": "close", "result": {"kind": "licence", "number": "YL-2026-0001"}}),
    )
    .await;
    assert_eq!(case["phase"], "closed", "{case}");
    let (_, case) = act(
        &clerk,
        json!({"act": "deliver", "delivery": {"kind": "electronic"}}),
    )
    .await;
    assert_eq!(case["phase"], "delivered", "{case}");
}

on_both!(the_guide_editor_keeps_the_process_it_shows);

/// The department edits the process in the guide editor: the page shows it stage by stage,
/// and saving the page as shown keeps it exactly.
async fn the_guide_editor_keeps_the_process_it_shows(app: TestApp) {
    use crate::helpers::form_fields;
    let code = item_code(&app).await;
    staff(
        &app,
        "culture",
        "云溪市文化广电旅游局",
        Role::DepartmentReviewer,
    )
    .await;
    let culture = app.sign_in("culture").await;
    let edit = format!("/catalog/items/{code}/guide/edit");
    let page = app.get_as(&culture, &edit).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let fields = form_fields(&page.body);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let police = catalog::departments(&app.store)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.name == "云溪市公安局")
        .unwrap()
        .id;
    assert_eq!(field("back_office.2.key"), "public_security_review");
    assert_eq!(field("back_office.2.stage"), "2");
    assert_eq!(field("back_office.2.department"), police.to_string());
    assert_eq!(field("back_office.4.role"), "department_approver");

    // A browser submits the first option of a select left unchosen (blank rows).
    let mut submitted: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| k != "csrf_token" && k != "reason")
        .map(|(k, v)| {
            let v = if k.ends_with(".role") && v.is_empty() {
                "department_reviewer".to_owned()
            } else {
                v
            };
            (k, v)
        })
        .collect();
    submitted.push(("csrf_token".into(), culture.csrf.clone()));
    submitted.push(("action".into(), "save".into()));
    let pairs: Vec<(&str, &str)> = submitted
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = app.post_form(&culture, &edit, &pairs).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let (draft, _) = tongban_store::guides::draft(&app.store, &code)
        .await
        .unwrap()
        .expect("a draft");
    let published = catalog::require_published(&app.store, &code)
        .await
        .unwrap()
        .snapshot()
        .guide
        .clone()
        .unwrap();
    assert_eq!(draft.back_office, published.back_office);
    assert!(draft.back_office.is_some());
}

on_both!(parallel_approvals_at_the_same_moment_all_land);

/// Three departments approve their parallel steps at the same moment: each act is decided
/// again on the case as it stands when another landed first, so all three land, while of two
/// approvals of the same step exactly one does.
async fn parallel_approvals_at_the_same_moment_all_land(app: TestApp) {
    let code = item_code(&app).await;
    let department = "云溪市文化广电旅游局";
    let culture = staff(&app, "culture", department, Role::DepartmentReviewer).await;
    let culture2 = staff(&app, "culture2", department, Role::DepartmentReviewer).await;
    let police = staff(&app, "police", "云溪市公安局", Role::DepartmentReviewer).await;
    let safety = staff(&app, "safety", "云溪市应急管理局", Role::DepartmentReviewer).await;
    let clerk = app.token("clerk").await;
    let id = apply_online(&app, &code).await;
    let act = |token: &str, body: Value| {
        let (app, token) = (&app, token.to_owned());
        async move {
            app.api(
                "POST",
                &format!("/api/v1/cases/{id}/acts"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    act(&clerk, json!({"act": "accept"})).await;
    act(&culture, json!({"act": "approve", "step": "undertake"})).await;
    let approve = |step: &str| json!({"act": "approve", "step": step});
    let (a, b, c, d) = tokio::join!(
        act(&culture, approve("culture_review")),
        act(&culture2, approve("culture_review")),
        act(&police, approve("public_security_review")),
        act(&safety, approve("safety_review")),
    );
    assert_eq!(
        [c.status, d.status],
        [StatusCode::OK, StatusCode::OK],
        "{} {}",
        c.body,
        d.body
    );
    let won = [&a, &b]
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(won, 1, "{} / {}", a.body, b.body);
    let shown = app
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&clerk), None)
        .await
        .json();
    assert_eq!(shown["open_steps"][0]["key"], "approve", "{shown}");
    let approvals = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "step_approved")
        .count();
    assert_eq!(approvals, 4, "undertake and the three reviews, once each");
}
