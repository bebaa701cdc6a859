//! A bundle (一件事一次办) end to end through the API, on both databases: the demo city's
//! 开办餐饮店一件事 asks each material once, starts company registration, and once that is
//! approved runs the food licence (market) and the hygiene licence (health) in parallel,
//! closing when every member has delivered.

use axum::http::StatusCode;
use serde_json::{Value, json};
use tongban_domain::access::Role;
use tongban_store::bundles;

use crate::cases::{KEY, context};
use crate::helpers::{
    SCAN, TestApp, department_staff, form_fields, key_inserts_held, raw_count, set, uploaded_scan,
};
use crate::on_both;

on_both!(
    a_bundle_runs_its_members_after_their_prerequisite_in_parallel,
    the_job_starts_members_an_interrupted_request_left,
    a_citizen_applies_for_a_bundle_on_the_portal,
    members_started_later_are_received_at_the_hall_that_took_the_bundle_in,
    a_bundle_applied_for_at_once_with_one_key_is_stored_once,
);

const BUNDLE: &str = "open-restaurant";

async fn health_staff(app: &TestApp, username: &str, role: Role) -> String {
    department_staff(app, username, "云溪市卫生健康委员会", role).await
}

/// The bundle's merged list, and a complete application for it.
async fn application(app: &TestApp) -> (Value, Value) {
    let bundle = app
        .api("GET", &format!("/api/v1/bundles/{BUNDLE}"), None, None)
        .await;
    assert_eq!(bundle.status, StatusCode::OK, "{}", bundle.body);
    let bundle = bundle.json();
    let scan = uploaded_scan(app, &app.token("citizen").await).await;
    let materials: Vec<Value> = bundle["materials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["required"] == true)
        .map(|m| json!({"name": m["name"], "sha256": scan}))
        .collect();
    let body = json!({
        "applicant": {"kind": "person", "name": "刘市民", "id_number": "11010519491231002X",
                      "phone": "13800138000"},
        "materials": materials,
    });
    (bundle, body)
}

async fn progress_of(app: &TestApp, id: i64, token: &str) -> Value {
    app.api(
        "GET",
        &format!("/api/v1/bundle-applications/{id}"),
        Some(token),
        None,
    )
    .await
    .json()
}

fn member<'a>(progress: &'a Value, name: &str) -> &'a Value {
    progress["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("member {name} in {progress}"))
}

async fn act(app: &TestApp, token: &str, case: i64, body: Value) -> Value {
    let reply = app
        .api(
            "POST",
            &format!("/api/v1/cases/{case}/acts"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

/// Runs a member's case through the standard process to delivery.
async fn run_to_delivery(app: &TestApp, case: i64, staff: (&str, &str), clerk: &str) {
    let (reviewer, approver) = staff;
    for step in ["undertake", "review"] {
        act(app, reviewer, case, json!({"act": "approve", "step": step})).await;
    }
    act(
        app,
        approver,
        case,
        json!({"act": "approve", "step": "approve"}),
    )
    .await;
    act(
        app,
        clerk,
        case,
        json!({"act": "close", "result": {"kind": "licence", "number": format!("L-{case}")}}),
    )
    .await;
    act(
        app,
        clerk,
        case,
        json!({"act": "deliver", "delivery": {"kind": "electronic"}}),
    )
    .await;
}

async fn a_bundle_runs_its_members_after_their_prerequisite_in_parallel(app: TestApp) {
    let listed = app.api("GET", "/api/v1/bundles", None, None).await.json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["key"] == BUNDLE && b["members"].as_array().unwrap().len() == 3)
    );
    let (bundle, body) = application(&app).await;
    let names: Vec<&str> = bundle["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "each material once: {names:?}");
    let licence = bundle["materials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "营业执照")
        .expect("the business licence");
    assert_eq!(
        licence["required"], false,
        "fetched by sharing, never asked"
    );
    assert_eq!(licence["used_by"].as_array().unwrap().len(), 2);

    let citizen = app.token("citizen").await;
    let apply = |body: Value, key: &'static str| {
        let (app, citizen) = (&app, citizen.clone());
        async move {
            let request =
                axum::http::Request::post(format!("/api/v1/bundles/{BUNDLE}/applications"))
                    .header("authorization", format!("Bearer {citizen}"))
                    .header("content-type", "application/json")
                    .header("idempotency-key", key)
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap();
            app.send(request).await
        }
    };
    // A material the hygiene licence needs is missing: refused naming it, nothing stored.
    let mut short = body.clone();
    short["materials"]
        .as_array_mut()
        .unwrap()
        .retain(|m| m["name"] != "公共场所卫生管理制度文本");
    let refused = apply(short, "b0").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let error = &refused.json()["error"];
    assert_eq!(error["field"], "materials");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("公共场所卫生许可")
    );
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM bundle_applications").await,
        0
    );

    let created = apply(body.clone(), "b1").await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let progress = created.json();
    let id = progress["id"].as_i64().unwrap();
    assert_eq!(member(&progress, "公司设立登记")["state"], "submitted");
    assert_eq!(member(&progress, "食品经营许可")["state"], "waiting");
    assert_eq!(member(&progress, "公共场所卫生许可")["state"], "waiting");
    assert_eq!(
        (progress["done"].as_u64(), progress["total"].as_u64()),
        (Some(0), Some(3))
    );
    let again = apply(body, "b1").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["id"], id);

    let clerk = app.token("clerk").await;
    let reviewer = app.token("reviewer").await;
    let approver = app.token("approver").await;
    let company = member(&progress, "公司设立登记")["case_id"]
        .as_i64()
        .unwrap();
    act(&app, &clerk, company, json!({"act": "accept"})).await;
    for step in ["undertake", "review"] {
        act(
            &app,
            &reviewer,
            company,
            json!({"act": "approve", "step": step}),
        )
        .await;
    }
    act(
        &app,
        &approver,
        company,
        json!({"act": "approve", "step": "approve"}),
    )
    .await;

    // Approved: both dependants start at once, each in its own department.
    let progress = progress_of(&app, id, &citizen).await;
    assert_eq!(member(&progress, "公司设立登记")["state"], "decided");
    let food = member(&progress, "食品经营许可")["case_id"]
        .as_i64()
        .expect("food started");
    let hygiene = member(&progress, "公共场所卫生许可")["case_id"]
        .as_i64()
        .expect("hygiene started");
    let health = health_staff(&app, "health", Role::DepartmentReviewer).await;
    let health_head = health_staff(&app, "health_head", Role::DepartmentApprover).await;
    for case in [food, hygiene] {
        act(&app, &clerk, case, json!({"act": "accept"})).await;
    }
    let inbox = |token: String| {
        let app = &app;
        async move {
            let tasks = app
                .api("GET", "/api/v1/inbox", Some(&token), None)
                .await
                .json();
            tasks
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|t| t["case_id"].as_i64())
                .collect::<Vec<i64>>()
        }
    };
    let market_tasks = inbox(reviewer.clone()).await;
    let health_tasks = inbox(health.clone()).await;
    assert!(market_tasks.contains(&food) && !market_tasks.contains(&hygiene));
    assert!(health_tasks.contains(&hygiene) && !health_tasks.contains(&food));
    // Someone outside the bundle's departments does not see it.
    let police = department_staff(&app, "police", "云溪市公安局", Role::DepartmentReviewer).await;
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/bundle-applications/{id}"),
            Some(&police),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    run_to_delivery(&app, hygiene, (&health, &health_head), &clerk).await;
    run_to_delivery(&app, food, (&reviewer, &approver), &clerk).await;
    let progress = progress_of(&app, id, &citizen).await;
    assert_eq!(progress["done"], 2, "{progress}");
    assert_eq!(
        progress["settled"], false,
        "company registration is not delivered yet"
    );
    act(
        &app,
        &clerk,
        company,
        json!({"act": "close", "result": {"kind": "licence", "number": "C-1"}}),
    )
    .await;
    act(
        &app,
        &clerk,
        company,
        json!({"act": "deliver", "delivery": {"kind": "electronic"}}),
    )
    .await;
    let progress = progress_of(&app, id, &citizen).await;
    assert_eq!(
        (progress["done"].as_u64(), progress["settled"].as_bool()),
        (Some(3), Some(true))
    );
}

async fn the_job_starts_members_an_interrupted_request_left(app: TestApp) {
    let (_, body) = application(&app).await;
    let citizen = app.token("citizen").await;
    let created = app
        .api(
            "POST",
            &format!("/api/v1/bundles/{BUNDLE}/applications"),
            Some(&citizen),
            Some(body),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let progress = created.json();
    let id = progress["id"].as_i64().unwrap();
    let company = member(&progress, "公司设立登记")["case_id"]
        .as_i64()
        .unwrap();

    // The company case is decided by acts on the store alone, as if each request stopped
    // right after its act: nothing has started the dependants.
    let key = tongban_store::sealed::DataKey::from_hex(KEY).unwrap();
    let on = jiff::civil::date(2026, 11, 20);
    for (username, act) in [
        ("clerk", "accept"),
        ("reviewer", "undertake"),
        ("reviewer", "review"),
        ("approver", "approve"),
    ] {
        let actor = crate::cases::actor(&app, username).await;
        let acting = crate::cases::acting(&actor, on);
        tongban_store::cases::act(
            &app.store,
            &context(&key),
            company,
            username,
            None,
            |s| match act {
                "accept" => s.case.accept(
                    &acting,
                    &tongban_store::cases::case_number(s.id, on),
                    tongban_domain::case::Acceptance::Normal,
                ),
                step => s.case.approve(&acting, step, ""),
            },
        )
        .await
        .unwrap();
    }
    let before = bundles::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(before.cases.len(), 1);

    // The job finds the application and starts both; running it again starts nothing more.
    let started = tongban::jobs::advance_bundles(&app.store, 0, on, 1_779_300_000_000)
        .await
        .unwrap();
    assert_eq!(started, 2);
    let again = tongban::jobs::advance_bundles(&app.store, 0, on, 1_779_300_000_000)
        .await
        .unwrap();
    assert_eq!(again, 0);
    let after = bundles::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(after.cases.len(), 3);
    let timeline = app
        .api(
            "GET",
            &format!("/api/v1/cases/{}", after.cases[1].1.id),
            Some(&citizen),
            None,
        )
        .await
        .json();
    assert_eq!(
        timeline["timeline"][0]["actor"], "citizen",
        "submitted in the applicant's name"
    );
}

/// The portal's bundle pages: the list, one bundle with its order and single material list,
/// one application form with a file per material, and the combined progress.
async fn a_citizen_applies_for_a_bundle_on_the_portal(app: TestApp) {
    let listed = app.get("/bundles").await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(
        listed.body.contains(&format!("href=\"/bundles/{BUNDLE}\"")),
        "{}",
        listed.body
    );
    let path = format!("/bundles/{BUNDLE}");
    let anonymous = app.get(&path).await;
    assert!(anonymous.body.contains("data-testid=\"bundle-materials\""));
    assert!(!anonymous.body.contains("multipart/form-data"));
    let (bundle, _) = application(&app).await;
    let materials = bundle["materials"].as_array().unwrap();

    let citizen = app.sign_in("citizen").await;
    let form = app.get_as(&citizen, &path).await;
    assert_eq!(form.status, StatusCode::OK);
    let mut fields = form_fields(&form.body);
    set(&mut fields, "name", "刘市民");
    set(&mut fields, "id_number", "11010519491231002X");
    set(&mut fields, "phone", "13800138000");
    let names: Vec<String> = (0..materials.len())
        .filter(|&i| materials[i]["required"] == true && materials[i]["sharing_source"].is_null())
        .map(|i| format!("file.{i}"))
        .collect();
    assert!(!names.is_empty());
    for name in &names {
        assert!(form.body.contains(&format!("name=\"{name}\"")), "{name}");
    }
    // Without the files: refused on the page, nothing applied for.
    let missing = app.post_multipart(&citizen, &path, &fields, &[]).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert!(missing.body.contains("data-testid=\"apply-error\""));
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM bundle_applications").await,
        0
    );
    let files: Vec<(&str, &str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), "材料.pdf", SCAN))
        .collect();
    let applied = app.post_multipart(&citizen, &path, &fields, &files).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let progress = applied.location().unwrap().to_owned();
    assert!(progress.starts_with("/bundle-applications/"));
    let shown = app.get_as(&citizen, &progress).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("0 / 3"), "{}", shown.body);
    assert!(
        shown.body.contains("data-state=\"submitted\""),
        "the first member started"
    );
    assert!(
        shown.body.contains("data-state=\"waiting\""),
        "the others wait for it"
    );
    // Another applicant does not see it.
    let stranger = app.sign_in("enterprise").await;
    assert_eq!(
        app.get_as(&stranger, &progress).await.status,
        StatusCode::FORBIDDEN
    );
}

/// A bundle taken in at a township hall (跨区通办): the members that start after the
/// registration is approved are received at that hall too, so it hands their results over.
async fn members_started_later_are_received_at_the_hall_that_took_the_bundle_in(app: TestApp) {
    let (bundle, body) = application(&app).await;
    let paper: Vec<Value> = bundle["materials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["required"] == true)
        .map(|m| json!({"name": m["name"], "paper": true}))
        .collect();
    let hall = app.token("songxi").await;
    let created = app
        .api(
            "POST",
            &format!("/api/v1/bundles/{BUNDLE}/applications"),
            Some(&hall),
            Some(json!({"applicant": body["applicant"], "materials": paper})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let progress = created.json();
    let id = progress["id"].as_i64().unwrap();
    let company = member(&progress, "公司设立登记")["case_id"]
        .as_i64()
        .unwrap();
    let received_at = |case: Value| case["received_at"].clone();
    let first = act(&app, &hall, company, json!({"act": "accept"})).await;
    let songxi = received_at(first);
    assert!(songxi.is_i64(), "received at the hall");
    let reviewer = app.token("reviewer").await;
    for step in ["undertake", "review"] {
        act(
            &app,
            &reviewer,
            company,
            json!({"act": "approve", "step": step}),
        )
        .await;
    }
    let approver = app.token("approver").await;
    act(
        &app,
        &approver,
        company,
        json!({"act": "approve", "step": "approve"}),
    )
    .await;
    let progress = progress_of(&app, id, &hall).await;
    for name in ["食品经营许可", "公共场所卫生许可"] {
        let case = member(&progress, name)["case_id"].as_i64().unwrap();
        let shown = app
            .api("GET", &format!("/api/v1/cases/{case}"), Some(&hall), None)
            .await
            .json();
        assert_eq!(received_at(shown), songxi, "{name}");
    }
}

/// The same application sent three times at once with one idempotency key: stored once, and
/// each answer names it. On PostgreSQL the three are held at the key's insert until all have
/// stored their application (see `key_inserts_held`).
async fn a_bundle_applied_for_at_once_with_one_key_is_stored_once(app: TestApp) {
    let (_, body) = application(&app).await;
    let citizen = app.token("citizen").await;
    let apply = || {
        let request = axum::http::Request::post(format!("/api/v1/bundles/{BUNDLE}/applications"))
            .header("authorization", format!("Bearer {citizen}"))
            .header("content-type", "application/json")
            .header("idempotency-key", "bundle-once")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        app.send(request)
    };
    let release = key_inserts_held(&app, 3).await;
    let (a, b, c, ()) = tokio::join!(apply(), apply(), apply(), release);
    let answers = [a, b, c];
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{:?}", answers.map(|a| a.body));
    let id = &answers[0].json()["id"];
    for answer in &answers {
        assert!(answer.status.is_success(), "{}", answer.body);
        assert_eq!(&answer.json()["id"], id);
    }
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM bundle_applications").await,
        1
    );
}
