//! Local settings: read by the reform office, supervisors and administrators, changed by the
//! reform office with a reason; a bad value names its field and changes nothing; a change
//! takes effect at once (here: a work order's due day) and is audited.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, extract_csrf, raw_count};

async fn the_reform_office_changes_a_setting_and_it_takes_effect(app: TestApp) {
    let reform = app.sign_in("reform").await;
    let page = app.get_as(&reform, "/admin/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("data-setting=\"work_order.limit.enquiry\"")
    );
    let csrf = extract_csrf(&page.body).unwrap();
    let path = "/admin/settings/work_order.limit.enquiry";

    // refused: not a number, and no reason; what was typed stays, nothing changes
    let bad = app
        .post_form(
            &reform,
            path,
            &[("csrf_token", &csrf), ("value", "两天"), ("reason", "试行")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("data-testid=\"setting-error\""));
    assert!(bad.body.contains("value=\"两天\""));
    let unreasoned = app
        .post_form(
            &reform,
            path,
            &[("csrf_token", &csrf), ("value", "2"), ("reason", " ")],
        )
        .await;
    assert_eq!(unreasoned.status, StatusCode::BAD_REQUEST);
    let untouched = "SELECT COUNT(*) FROM settings WHERE name = 'work_order.limit.enquiry'";
    assert_eq!(raw_count(&app.db_url, untouched).await, 0);

    let saved = app
        .post_form(
            &reform,
            path,
            &[
                ("csrf_token", &csrf),
                ("value", " 2 "),
                ("reason", "市政府要求咨询两个工作日内答复"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let listed = app
        .api(
            "GET",
            "/api/v1/admin/settings",
            Some(&app.token("supervisor").await),
            None,
        )
        .await
        .json();
    let enquiry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "work_order.limit.enquiry")
        .unwrap()
        .clone();
    assert_eq!(enquiry["value"], "2");
    assert_eq!(enquiry["default"], "5");
    assert_eq!(enquiry["stored"], true);

    // in force at once: an enquiry sent now is due in two working days
    let sent = app
        .api(
            "POST",
            "/api/v1/work-orders",
            None,
            Some(
                json!({"kind": "enquiry", "subject": "营业时间", "text": "周六办事大厅开门吗？",
                "department_id": 1, "contact_name": "李四", "contact_phone": "13800138000"}),
            ),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let due = tongban_domain::calendar::Calendar::built_in()
        .add_workdays(jiff::civil::date(2026, 11, 20), 2)
        .unwrap();
    assert_eq!(sent.json()["due_on"], due.to_string());
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'settings.change' \
                   AND subject = 'setting:work_order.limit.enquiry'";
    assert_eq!(raw_count(&app.db_url, audited).await, 1);
}

async fn only_the_reform_office_changes_settings(app: TestApp) {
    let supervisor = app.token("supervisor").await;
    let change = json!({"value": "3", "reason": "试"});
    let refused = app
        .api(
            "PUT",
            "/api/v1/admin/settings/login.max_failures",
            Some(&supervisor),
            Some(change.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let reform = app.token("reform").await;
    let unknown = app
        .api(
            "PUT",
            "/api/v1/admin/settings/no.such",
            Some(&reform),
            Some(change.clone()),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.json()["error"]["field"], "name");
    let flag = app
        .api(
            "PUT",
            "/api/v1/admin/settings/time_limit.restart_next_day",
            Some(&reform),
            Some(json!({"value": "maybe", "reason": "试"})),
        )
        .await;
    assert_eq!(flag.status, StatusCode::BAD_REQUEST);
    assert_eq!(flag.json()["error"]["field"], "value");
    let done = app
        .api(
            "PUT",
            "/api/v1/admin/settings/login.max_failures",
            Some(&reform),
            Some(change),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["value"], "3");
    assert_eq!(
        tongban_store::login::policy(&app.store)
            .await
            .unwrap()
            .max_failures,
        3
    );
    // the supervisor reads the page without the forms; a clerk not at all
    let page = app
        .get_as(&app.sign_in("supervisor").await, "/admin/settings")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("action=\"/admin/settings/"));
    let clerk = app
        .get_as(&app.sign_in("clerk").await, "/admin/settings")
        .await;
    assert_eq!(clerk.status, StatusCode::FORBIDDEN);
}

crate::on_both!(
    the_reform_office_changes_a_setting_and_it_takes_effect,
    only_the_reform_office_changes_settings,
);
