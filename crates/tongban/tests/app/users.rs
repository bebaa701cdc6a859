//! Users and roles (the administrator's pages and API) and access monitoring.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, raw_count};
use crate::identity::token_of;

async fn department_id(app: &TestApp, name_part: &str) -> i64 {
    tongban_store::catalog::departments(&app.store)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.name.contains(name_part))
        .unwrap_or_else(|| panic!("a department named like {name_part}"))
        .id
}

async fn an_administrator_opens_staff_accounts(app: TestApp) {
    let admin = app.token("admin").await;
    let market = department_id(&app, "市场监督").await;
    let staff = |changes: serde_json::Value| {
        let mut body = json!({"username": "wangchuang", "display_name": "王窗口",
            "password": "Window-2026", "department_id": market, "roles": ["window_clerk"],
            "service_window": "3号窗口"});
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let users = "SELECT COUNT(*) FROM users";
    let before = raw_count(&app.db_url, users).await;
    for (change, field, status) in [
        (
            json!({"roles": ["citizen"]}),
            "roles",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"roles": ["no_such_role"]}),
            "roles",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"password": "12345678"}),
            "password",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"department_id": 999_999}),
            "department_id",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"display_name": " "}),
            "display_name",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"service_window": "窗".repeat(21)}),
            "service_window",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "clerk"}),
            "username",
            StatusCode::CONFLICT,
        ),
    ] {
        let reply = app
            .api(
                "POST",
                "/api/v1/admin/users",
                Some(&admin),
                Some(staff(change.clone())),
            )
            .await;
        assert_eq!(reply.status, status, "{change}: {}", reply.body);
        assert_eq!(reply.json()["error"]["field"], field, "{change}");
    }
    assert_eq!(
        raw_count(&app.db_url, users).await,
        before,
        "nothing stored"
    );

    let opened = app
        .api(
            "POST",
            "/api/v1/admin/users",
            Some(&admin),
            Some(staff(json!({}))),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    assert_eq!(opened.json()["roles"], json!(["window_clerk"]));
    assert_eq!(opened.json()["kind"], "staff");
    assert_eq!(opened.json()["service_window"], "3号窗口");
    // The new clerk signs in and takes in walk-ins.
    let clerk = token_of(&app, "wangchuang", "Window-2026").await;
    let me = app.api("GET", "/api/v1/account", Some(&clerk), None).await;
    assert_eq!(me.json()["roles"], json!(["window_clerk"]), "{}", me.body);
    let centre = app
        .get_as(
            &app.sign_in_as("wangchuang", "Window-2026").await,
            "/account",
        )
        .await;
    assert!(
        centre.body.contains("3号窗口"),
        "the clerk sees their window"
    );
    let listed = app
        .api(
            "GET",
            "/api/v1/admin/users?role=window_clerk&text=wang",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(listed.json()["total"], 1, "{}", listed.body);
    assert_eq!(listed.json()["items"][0]["username"], "wangchuang");
    let audited =
        "SELECT COUNT(*) FROM audit_log WHERE action = 'account.create' AND actor = 'admin'";
    assert_eq!(raw_count(&app.db_url, audited).await, 1);

    // Nobody else may.
    let head = app.token("head").await;
    let refused = app
        .api(
            "POST",
            "/api/v1/admin/users",
            Some(&head),
            Some(staff(json!({"username": "x"}))),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

async fn an_administrator_changes_roles_and_disables_with_a_reason(app: TestApp) {
    let admin = app.token("admin").await;
    let patch = |body: serde_json::Value| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.api(
                "PATCH",
                "/api/v1/admin/users/reviewer",
                Some(&admin),
                Some(body),
            )
            .await
        }
    };
    let no_reason = patch(json!({"roles": ["department_head"], "reason": " "})).await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_reason.json()["error"]["field"], "reason");

    let promoted = patch(json!({"roles": ["department_reviewer", "department_head"],
                                "reason": "任命为副局长"}))
    .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    assert_eq!(
        promoted.json()["roles"],
        json!(["department_head", "department_reviewer"])
    );
    let granted = "SELECT COUNT(*) FROM audit_log WHERE action = 'account.role_grant' \
                   AND detail LIKE '%任命为副局长%'";
    assert_eq!(raw_count(&app.db_url, granted).await, 1);

    // Taken off the department: no longer sees its inbox's cases.
    let moved = patch(json!({"department_id": null, "reason": "调离"})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.json()["department_id"], serde_json::Value::Null);
    let seated = patch(json!({"service_window": "5号窗口", "reason": "轮岗"})).await;
    assert_eq!(
        seated.json()["service_window"],
        "5号窗口",
        "{}",
        seated.body
    );
    let cleared = patch(json!({"service_window": null, "reason": "轮岗结束"})).await;
    assert_eq!(cleared.json()["service_window"], serde_json::Value::Null);
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'account.service_window'";
    assert_eq!(raw_count(&app.db_url, audited).await, 2);

    // Disabling ends every session and token at once, and sign-in is refused.
    let clerk = app.token("clerk").await;
    let clerk_page = app.sign_in("clerk").await;
    let disabled = app
        .api(
            "PATCH",
            "/api/v1/admin/users/clerk",
            Some(&admin),
            Some(json!({"disabled": true, "reason": "离职"})),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    assert_eq!(disabled.json()["disabled"], true);
    let after = app.api("GET", "/api/v1/account", Some(&clerk), None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_as(&clerk_page, "/inbox").await.status,
        StatusCode::SEE_OTHER
    );
    let again = app
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "clerk", "password": "demo12345"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    let enabled = app
        .api(
            "PATCH",
            "/api/v1/admin/users/clerk",
            Some(&admin),
            Some(json!({"disabled": false, "reason": "返聘"})),
        )
        .await;
    assert_eq!(enabled.status, StatusCode::OK);
    app.token("clerk").await;

    // An administrator cannot lock themselves out.
    for body in [
        json!({"disabled": true, "reason": "r"}),
        json!({"roles": ["supervisor"], "reason": "r"}),
    ] {
        let reply = app
            .api(
                "PATCH",
                "/api/v1/admin/users/admin",
                Some(&admin),
                Some(body),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    }
    let still = app
        .api("GET", "/api/v1/admin/users/admin", Some(&admin), None)
        .await;
    assert_eq!(still.json()["roles"], json!(["admin"]));
    assert_eq!(still.json()["disabled"], false);
    assert_eq!(
        app.api("GET", "/api/v1/admin/users/nobody", Some(&admin), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn the_user_pages_open_and_change_accounts(app: TestApp) {
    let admin = app.sign_in("admin").await;
    let list = app
        .get_as(&admin, "/admin/users?role=department_head")
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("/admin/users/head"), "{}", list.body);
    assert!(!list.body.contains("/admin/users/clerk\""));
    assert!(list.body.contains("data-testid=\"nav-users\""));

    // A weak first password: refused, naming it, keeping what was typed but the password.
    let weak = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("csrf_token", &admin.csrf),
                ("username", "zhaoshen"),
                ("display_name", "赵审"),
                ("roles", "department_reviewer"),
                ("password", "abcdefgh"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("data-testid=\"staff-error\""));
    assert!(weak.body.contains("value=\"zhaoshen\""));
    assert!(!weak.body.contains("abcdefgh"));
    let opened = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("csrf_token", &admin.csrf),
                ("username", "zhaoshen"),
                ("display_name", "赵审"),
                ("roles", "department_reviewer"),
                ("roles", "department_approver"),
                ("password", "Review-2026"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let page = app.get_as(&admin, opened.location().unwrap()).await;
    assert!(page.body.contains("data-testid=\"user-notice\""));
    assert!(
        page.body.contains("部门审核人员") || page.body.contains("审核"),
        "{}",
        page.body
    );

    let changed = app
        .post_form(
            &admin,
            "/admin/users/zhaoshen",
            &[
                ("csrf_token", &admin.csrf),
                ("roles", "department_approver"),
                ("department_id", ""),
                ("reason", "岗位调整"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let reviewer_left = "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id \
         WHERE u.username = 'zhaoshen' AND r.role = 'department_reviewer'";
    assert_eq!(raw_count(&app.db_url, reviewer_left).await, 0);
    // Without the CSRF token nothing changes.
    let forged = app
        .post_form(
            &admin,
            "/admin/users/zhaoshen",
            &[("disabled", "1"), ("reason", "forged")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Without a reason: refused on the page, naming it.
    let no_reason = app
        .post_form(
            &admin,
            "/admin/users/zhaoshen",
            &[("csrf_token", &admin.csrf), ("disabled", "1")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    assert!(
        no_reason
            .body
            .contains("id=\"reason\" name=\"reason\" required aria-invalid=\"true\"")
    );
}

async fn access_monitoring_shows_sign_ins_refusals_and_data_views(app: TestApp) {
    // A failed sign-in and a refusal.
    let failed = app
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "clerk", "password": "wrong-password"})),
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    let citizen = app.token("citizen").await;
    let refused = app
        .api("GET", "/api/v1/admin/users", Some(&citizen), None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    for watcher in ["admin", "supervisor"] {
        let token = app.token(watcher).await;
        let denials = app
            .api(
                "GET",
                "/api/v1/admin/access-log?kind=denials",
                Some(&token),
                None,
            )
            .await;
        assert_eq!(denials.status, StatusCode::OK, "{}", denials.body);
        let entries = denials.json()["entries"].as_array().unwrap().clone();
        assert!(
            entries.iter().all(|e| e["action"] == "auth.denied"),
            "{entries:?}"
        );
        assert!(
            entries.iter().any(|e| e["actor"] == "citizen"),
            "{entries:?}"
        );
        let logins = app
            .api(
                "GET",
                "/api/v1/admin/access-log?kind=logins",
                Some(&token),
                None,
            )
            .await;
        let logins = logins.json();
        assert!(
            logins["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "auth.login_failed" && e["actor"] == "clerk"),
            "{logins}"
        );
        assert!(
            logins["last_24_hours"]["auth.login_failed"]
                .as_i64()
                .unwrap()
                >= 1
        );
    }
    let admin = app.token("admin").await;
    let bad = app
        .api(
            "GET",
            "/api/v1/admin/access-log?kind=everything",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["field"], "kind");
    let page = app
        .get_as(&app.sign_in("supervisor").await, "/admin/access-log")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("登录失败"), "{}", page.body);
    assert!(page.body.contains("拒绝访问"));
    // The clerk may not look.
    let clerk = app.token("clerk").await;
    assert_eq!(
        app.api("GET", "/api/v1/admin/access-log", Some(&clerk), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

crate::on_both!(
    an_administrator_opens_staff_accounts,
    an_administrator_changes_roles_and_disables_with_a_reason,
    the_user_pages_open_and_change_accounts,
    access_monitoring_shows_sign_ins_refusals_and_data_views,
);
