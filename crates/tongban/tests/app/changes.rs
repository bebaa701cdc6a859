//! Catalog change control: a department proposes, the reform office decides, approval
//! publishes a new version; everything else is refused with a reason.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, market_item};
use crate::on_both;

on_both!(
    approved_change_publishes_a_new_version,
    rejection_needs_a_reason_and_changes_nothing,
    only_the_owner_proposes_and_only_the_reform_office_decides,
    a_stale_proposal_cannot_be_approved,
    cancelled_items_cannot_be_applied_for,
    delegate_down_then_take_over,
);

async fn approved_change_publishes_a_new_version(app: TestApp) {
    let code = market_item(&app).await;
    let reviewer = app.token("reviewer").await;
    let reply = app
        .api("POST", "/api/v1/change-requests", Some(&reviewer), Some(json!({
            "kind": "change", "implementation_code": code, "name": "食品经营许可（含告知承诺）", "reason": "推行告知承诺制"
        })))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.json()["id"].as_i64().unwrap();
    let before = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}"),
            None,
            None,
        )
        .await
        .json();

    let reform = app.token("reform").await;
    let reply = app
        .api(
            "POST",
            &format!("/api/v1/change-requests/{id}/review"),
            Some(&reform),
            Some(json!({"decision": "approve", "comment": "同意"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["status"], "approved");

    let after = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(after["name"], "食品经营许可（含告知承诺）");
    assert_eq!(
        after["version"].as_i64().unwrap(),
        before["version"].as_i64().unwrap() + 1
    );
    assert!(
        after["guide"].is_object(),
        "the guide survives a catalog change"
    );
    let versions = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}/versions"),
            None,
            None,
        )
        .await
        .json();
    let last = versions.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["change_request_id"], id);
    assert!(
        last["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "name" && c["after"] == "食品经营许可（含告知承诺）")
    );

    let again = app
        .api(
            "POST",
            &format!("/api/v1/change-requests/{id}/review"),
            Some(&reform),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "a decided request cannot be decided again"
    );
}

async fn rejection_needs_a_reason_and_changes_nothing(app: TestApp) {
    let code = market_item(&app).await;
    let reviewer = app.token("reviewer").await;
    let reply = app
        .api(
            "POST",
            "/api/v1/change-requests",
            Some(&reviewer),
            Some(json!({"kind": "cancel", "implementation_code": code, "reason": "整合"})),
        )
        .await;
    let id = reply.json()["id"].as_i64().unwrap();
    let reform = app.token("reform").await;
    let reply = app
        .api(
            "POST",
            &format!("/api/v1/change-requests/{id}/review"),
            Some(&reform),
            Some(json!({"decision": "reject", "comment": " "})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"]["field"], "comment");
    let reply = app
        .api(
            "POST",
            &format!("/api/v1/change-requests/{id}/review"),
            Some(&reform),
            Some(json!({"decision": "reject", "comment": "该事项仍需本级实施"})),
        )
        .await;
    assert_eq!(reply.json()["status"], "rejected");
    let item = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(item["status"], "published");
}

async fn only_the_owner_proposes_and_only_the_reform_office_decides(app: TestApp) {
    // An item of another department: the market reviewer may not change it.
    let listing = app
        .api("GET", "/api/v1/implementations?limit=500", None, None)
        .await
        .json();
    let foreign = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !i["department"].as_str().unwrap().contains("市场监督管理局"))
        .unwrap()["implementation_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let reviewer = app.token("reviewer").await;
    let reply = app
        .api(
            "POST",
            "/api/v1/change-requests",
            Some(&reviewer),
            Some(json!({"kind": "cancel", "implementation_code": foreign, "reason": "x"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.json()["error"]["field"], "department");

    let clerk = app.token("clerk").await;
    let reply = app
        .api(
            "POST",
            "/api/v1/change-requests",
            Some(&clerk),
            Some(json!({"kind": "cancel", "implementation_code": foreign, "reason": "x"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let pending = app
        .api(
            "GET",
            "/api/v1/change-requests?status=pending",
            Some(&reviewer),
            None,
        )
        .await
        .json();
    let id = pending["items"][0]["id"]
        .as_i64()
        .expect("the demo city has a pending request");
    let approver = app.token("approver").await;
    let reply = app
        .api(
            "POST",
            &format!("/api/v1/change-requests/{id}/review"),
            Some(&approver),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "department staff cannot approve catalog changes"
    );
    let reply = app
        .api(
            "POST",
            "/api/v1/change-requests",
            None,
            Some(json!({"kind": "cancel"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

async fn a_stale_proposal_cannot_be_approved(app: TestApp) {
    let code = market_item(&app).await;
    let reviewer = app.token("reviewer").await;
    let propose =
        |name: &'static str| {
            let reviewer = reviewer.clone();
            let code = code.clone();
            let app = &app;
            async move {
                app.api("POST", "/api/v1/change-requests", Some(&reviewer), Some(json!({
                "kind": "change", "implementation_code": code, "name": name, "reason": "更名"
            })))
            .await
            .json()["id"]
                .as_i64()
                .unwrap()
            }
        };
    let first = propose("名称甲").await;
    let second = propose("名称乙").await;
    let reform = app.token("reform").await;
    let approve = |id: i64| {
        let path = format!("/api/v1/change-requests/{id}/review");
        let (app, reform) = (&app, reform.clone());
        async move {
            app.api(
                "POST",
                &path,
                Some(&reform),
                Some(json!({"decision": "approve"})),
            )
            .await
        }
    };
    assert_eq!(approve(first).await.status, StatusCode::OK);
    let reply = approve(second).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    let item = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(item["name"], "名称甲");
}

async fn cancelled_items_cannot_be_applied_for(app: TestApp) {
    let code = market_item(&app).await;
    assert!(
        tongban_store::catalog::require_published(&app.store, &code)
            .await
            .is_ok()
    );
    let reviewer = app.token("reviewer").await;
    let id = app
        .api(
            "POST",
            "/api/v1/change-requests",
            Some(&reviewer),
            Some(json!({"kind": "cancel", "implementation_code": code, "reason": "取消"})),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let reform = app.token("reform").await;
    app.api(
        "POST",
        &format!("/api/v1/change-requests/{id}/review"),
        Some(&reform),
        Some(json!({"decision": "approve"})),
    )
    .await;
    let refused = tongban_store::catalog::require_published(&app.store, &code).await;
    assert!(
        matches!(refused, Err(tongban_store::StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert!(
        tongban_store::catalog::require_published(&app.store, "NO-SUCH-CODE")
            .await
            .is_err()
    );
    let published = app
        .api("GET", "/api/v1/implementations?limit=500", None, None)
        .await
        .json();
    assert!(
        !published["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["implementation_code"] == code.as_str())
    );
}

async fn delegate_down_then_take_over(app: TestApp) {
    let code = market_item(&app).await;
    let reviewer = app.token("reviewer").await;
    let reform = app.token("reform").await;
    let id = app
        .api("POST", "/api/v1/change-requests", Some(&reviewer), Some(json!({"kind": "delegate_down", "implementation_code": code, "reason": "下放至区级实施"})))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let reply = app
        .api(
            "POST",
            &format!("/api/v1/change-requests/{id}/review"),
            Some(&reform),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let item = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(item["status"], "delegated");
    // A take-over by the same city-level department is refused: it must be a lower level.
    let reply = app
        .api("POST", "/api/v1/change-requests", Some(&reviewer), Some(json!({"kind": "take_over", "implementation_code": code, "new_code": "LOCAL-TAKEOVER-1", "reason": "承接"})))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.json()["error"]["field"], "exercise_level");
}
