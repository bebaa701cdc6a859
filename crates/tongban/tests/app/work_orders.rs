//! Work orders (工单): a complaint about an item reaches the item's department and no other,
//! the contact is sealed and masked, the answer is given once and reaches the public by
//! number and password or in the user centre; bad input names its field and stores nothing.

use axum::http::StatusCode;
use serde_json::json;
use tongban_domain::access::Role;

use crate::helpers::{TestApp, department_staff, extract_csrf, market_item, raw_count};

const PHONE: &str = "13800138000";

fn complaint(item_code: &str) -> serde_json::Value {
    json!({
        "kind": "complaint",
        "subject": "窗口要求提交指南以外的材料",
        "text": "上午在市民中心办理时，窗口要求提供指南没有列出的房屋产权证明。",
        "item_code": item_code,
        "contact_name": "王小明",
        "contact_phone": "138-0013-8000",
    })
}

async fn a_complaint_reaches_the_items_department_and_is_answered_once(app: TestApp) {
    let code = market_item(&app).await;
    let submitted = app
        .api("POST", "/api/v1/work-orders", None, Some(complaint(&code)))
        .await;
    assert_eq!(submitted.status, StatusCode::CREATED, "{}", submitted.body);
    let submitted = submitted.json();
    let id = submitted["id"].as_i64().unwrap();
    let number = submitted["number"].as_str().unwrap().to_owned();
    let password = submitted["query_password"].as_str().unwrap().to_owned();
    assert!(number.starts_with("GD20261120"), "{number}");
    assert_eq!(password.len(), 6);
    assert_eq!(submitted["department"], "云溪市市场监督管理局");
    // a complaint has 15 working days by default, counted on the working-day calendar
    let due = tongban_domain::calendar::Calendar::built_in()
        .add_workdays(jiff::civil::date(2026, 11, 20), 15)
        .unwrap();
    assert_eq!(submitted["due_on"], due.to_string());

    // the phone and the name are sealed at rest
    let plain = format!(
        "SELECT COUNT(*) FROM work_orders WHERE contact_sealed LIKE '%{PHONE}%' OR contact_sealed LIKE '%王小明%'"
    );
    assert_eq!(raw_count(&app.db_url, &plain).await, 0);

    // the item's department sees it, masked; another department does not
    let reviewer = app.token("reviewer").await;
    let listed = app
        .api(
            "GET",
            "/api/v1/work-orders?open=true",
            Some(&reviewer),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let listed = listed.json();
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .expect("listed for the department");
    assert_eq!(mine["contact_phone"], "138****8000");
    assert_eq!(mine["contact_name"], "王**");
    let other = department_staff(
        &app,
        "health-clerk",
        "云溪市卫生健康委员会",
        Role::DepartmentReviewer,
    )
    .await;
    let path = format!("/api/v1/work-orders/{id}");
    let answer_path = format!("{path}/answer");
    let hidden = app.api("GET", &path, Some(&other), None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let answer = json!({"answer": "经核查，该材料不属于申请材料，已对窗口人员批评教育。"});
    let refused = app
        .api("POST", &answer_path, Some(&other), Some(answer.clone()))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    // a supervisor reads every one and answers none; a window clerk has no desk
    let supervisor = app.token("supervisor").await;
    assert_eq!(
        app.api("GET", &path, Some(&supervisor), None).await.status,
        StatusCode::OK
    );
    let read_only = app
        .api(
            "POST",
            &answer_path,
            Some(&supervisor),
            Some(answer.clone()),
        )
        .await;
    assert_eq!(read_only.status, StatusCode::FORBIDDEN);
    let clerk = app.token("clerk").await;
    assert_eq!(
        app.api("GET", "/api/v1/work-orders", Some(&clerk), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // the public looks it up with the password only
    let look_up = |password: &str| {
        format!(
            "/api/v1/work-orders/lookup?{}",
            serde_urlencoded::to_string([("number", number.as_str()), ("password", password)])
                .unwrap()
        )
    };
    assert_eq!(
        app.get(&look_up("WRONG1")).await.status,
        StatusCode::NOT_FOUND
    );
    let waiting = app.get(&look_up(&password.to_lowercase())).await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.body);
    assert!(waiting.json()["answer"].is_null());

    // answered once, by the department; a second answer is a conflict, an empty one a field error
    let empty = app
        .api(
            "POST",
            &answer_path,
            Some(&reviewer),
            Some(json!({"answer": " "})),
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.json()["error"]["field"], "answer");
    let answered = app
        .api("POST", &answer_path, Some(&reviewer), Some(answer.clone()))
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert_eq!(answered.json()["answered_by"], "reviewer");
    let again = app
        .api("POST", &answer_path, Some(&reviewer), Some(answer))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let read = app.get(&look_up(&password)).await.json();
    assert!(read["answer"].as_str().unwrap().contains("批评教育"));

    // both acts are in the audit chain, which still verifies
    let acts = raw_count(
        &app.db_url,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE subject = 'work_order:{id}' \
             AND action IN ('work_order.submit', 'work_order.answer')"
        ),
    )
    .await;
    assert_eq!(acts, 2);
    assert!(matches!(
        tongban_store::audit::verify(&app.store).await.unwrap(),
        tongban_store::audit::Verification::Intact { .. }
    ));
}

async fn bad_input_names_the_field_and_stores_nothing(app: TestApp) {
    let code = market_item(&app).await;
    let mut cases = Vec::new();
    for (field, change) in [
        ("kind", json!({"kind": "praise"})),
        ("subject", json!({"subject": ""})),
        ("text", json!({"text": "   "})),
        ("contact_phone", json!({"contact_phone": "12345"})),
        ("contact_name", json!({"contact_name": ""})),
        ("item_code", json!({"item_code": "NO-SUCH-ITEM"})),
        ("department_id", json!({"item_code": null})),
    ] {
        let mut body = complaint(&code);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        cases.push((field, body));
    }
    for (field, body) in cases {
        let reply = app
            .api("POST", "/api/v1/work-orders", None, Some(body))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{field}: {}",
            reply.body
        );
        let error = &reply.json()["error"];
        assert_eq!(error["field"], field, "{error}");
        assert!(!error["message"].as_str().unwrap().is_empty());
        assert!(!error["message_en"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM work_orders").await,
        0
    );
}

async fn a_signed_in_citizen_asks_on_the_portal_and_reads_the_answer_at_home(app: TestApp) {
    let code = market_item(&app).await;
    let citizen = app.sign_in("citizen").await;
    let form = app
        .get_as(&citizen, &format!("/contact?item={code}&kind=enquiry"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("data-testid=\"contact-item\""));
    let csrf = extract_csrf(&form.body).unwrap();
    // refused: the demo citizen registered no phone, so the form asks for one; the text stays
    let question = "请问个体工商户办理需要本人到场吗？";
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("kind", "enquiry"),
        ("subject", "是否需要本人到场"),
        ("text", question),
        ("item_code", code.as_str()),
        ("contact_name", ""),
        ("contact_phone", ""),
    ];
    let refused = app.post_form(&citizen, "/contact", &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("data-testid=\"contact-error\""));
    assert!(refused.body.contains(question), "what was typed stays");
    assert!(
        refused
            .body
            .contains("name=\"contact_phone\" type=\"tel\" autocomplete=\"tel\" maxlength=\"20\" value=\"\" aria-invalid=\"true\"")
    );
    let mut fields = fields.to_vec();
    fields[6] = ("contact_phone", "13900139000");
    let done = app.post_form(&citizen, "/contact", &fields).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("data-testid=\"work-order-number\""));

    // the hotline answers on its page (直办), with CSRF like every form
    let hotline = app.sign_in("hotline").await;
    let desk = app.get_as(&hotline, "/work-orders?open=1").await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(desk.body.contains("是否需要本人到场"));
    let id: i64 = first_listed_id(&desk.body);
    let page = app.get_as(&hotline, &format!("/work-orders/{id}")).await;
    assert!(page.body.contains("139****9000"), "the phone is masked");
    assert!(!page.body.contains("13900139000"));
    let csrf = extract_csrf(&page.body).unwrap();
    let answered = app
        .post_form(
            &hotline,
            &format!("/work-orders/{id}/answer"),
            &[
                ("csrf_token", csrf.as_str()),
                ("answer", "可委托他人办理，需携带授权委托书。"),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);

    // the citizen reads it in the user centre, with a message
    let home = app.get_as(&citizen, "/account").await;
    assert!(home.body.contains("可委托他人办理"), "the answer at home");
    assert!(home.body.contains("您的咨询已答复"), "a portal message");
}

/// The first work order linked from a desk page.
fn first_listed_id(html: &str) -> i64 {
    let start = html
        .find("href=\"/work-orders/")
        .expect("a listed work order")
        + 19;
    html[start..]
        .split('"')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("an id")
}

crate::on_both!(
    a_complaint_reaches_the_items_department_and_is_answered_once,
    bad_input_names_the_field_and_stores_nothing,
    a_signed_in_citizen_asks_on_the_portal_and_reads_the_answer_at_home,
);
