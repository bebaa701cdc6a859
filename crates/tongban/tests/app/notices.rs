//! The written notices of intake decisions as PDF (受理通知书, 不予受理通知书, 补齐补正告知书)
//! and the public progress page their QR code leads to, on both databases.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, market_item, pdf_text};
use crate::on_both;

on_both!(each_intake_decision_prints_its_notice_and_progress_is_public);

/// A walk-in application taken at the window with what the applicant brought.
async fn walk_in(app: &TestApp, clerk: &str, code: &str, materials: &[Value]) -> i64 {
    let created = app
        .api(
            "POST",
            "/api/v1/cases",
            Some(clerk),
            Some(json!({
                "implementation_code": code,
                "applicant": {"kind": "organisation", "name": "云溪市青禾餐饮有限公司",
                              "id_number": "91110000600037341L", "phone": "13800138000"},
                "materials": materials,
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.json()["id"].as_i64().unwrap()
}

async fn each_intake_decision_prints_its_notice_and_progress_is_public(app: TestApp) {
    let code = market_item(&app).await;
    let guide = crate::helpers::published_guide(&app, &code).await;
    let all: Vec<Value> = guide
        .materials
        .iter()
        .filter(|m| m.required && m.sharing_source.is_none())
        .map(|m| json!({"name": m.name, "paper": true}))
        .collect();
    let clerk = app.token("clerk").await;
    let act = |id: i64, body: Value| {
        let (app, clerk) = (&app, clerk.clone());
        async move {
            app.api(
                "POST",
                &format!("/api/v1/cases/{id}/acts"),
                Some(&clerk),
                Some(body),
            )
            .await
        }
    };
    let notice = |id: i64, kind: &'static str, token: String| {
        let app = &app;
        async move {
            app.api(
                "GET",
                &format!("/api/v1/cases/{id}/notices/{kind}"),
                Some(&token),
                None,
            )
            .await
        }
    };

    // Accepted: the notice names the case; anyone with number and password sees progress.
    let accepted = walk_in(&app, &clerk, &code, &all).await;
    let reply = act(accepted, json!({"act": "accept"})).await.json();
    let number = reply["case_number"].as_str().unwrap().to_owned();
    let password = reply["query_password"].as_str().unwrap().to_owned();
    let pdf = notice(accepted, "acceptance", clerk.clone()).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let text = pdf_text(&pdf.bytes);
    assert!(
        text.contains("受理通知书") && text.contains(&number),
        "{text}"
    );
    assert!(text.contains("扫码查询办件进度"));
    let citizen = app.token("citizen").await;
    assert_eq!(
        notice(accepted, "acceptance", citizen).await.status,
        StatusCode::FORBIDDEN,
        "not the applicant's case"
    );
    assert_eq!(
        notice(accepted, "refusal", clerk.clone()).await.status,
        StatusCode::NOT_FOUND,
        "the case was not refused"
    );
    let page = app
        .get(&format!("/progress?number={number}&password={password}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("办理中") && page.body.contains("受理"),
        "{}",
        page.body
    );
    let wrong = app
        .get(&format!("/progress?number={number}&password=AAAAAA"))
        .await;
    assert!(wrong.body.contains("data-testid=\"progress-not-found\""));
    assert!(!wrong.body.contains("办理中"));

    // Refused: reason, basis and the rights of appeal.
    let refused = walk_in(&app, &clerk, &code, &all).await;
    let reply = act(
        refused,
        json!({"act": "refuse", "reason": "申请事项依法不属于本机关职权范围",
               "legal_basis": "《中华人民共和国行政许可法》第三十二条第一款第（二）项"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let text = pdf_text(&notice(refused, "refusal", clerk.clone()).await.bytes);
    assert!(text.contains("不予受理通知书") && text.contains("不属于本机关职权范围"));
    assert!(
        text.contains("行政复议") && text.contains("行政诉讼"),
        "{text}"
    );

    // Corrections: every item at once, with the deadline.
    let incomplete = walk_in(&app, &clerk, &code, &all[..1]).await;
    let missing = all[1]["name"].as_str().unwrap().to_owned();
    let reply = act(
        incomplete,
        json!({"act": "request_corrections", "deadline": "2026-12-04",
               "items": [{"material": missing, "problem": "未提交"}]}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let text = pdf_text(&notice(incomplete, "corrections", clerk.clone()).await.bytes);
    assert!(
        text.contains("补齐补正告知书") && text.contains("2026-12-04"),
        "{text}"
    );
    assert!(
        text.contains(
            &missing
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        )
    );
}
