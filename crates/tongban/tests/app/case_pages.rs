//! The clerks' pages: an application runs from the window's inbox to delivery through the
//! case page's forms alone, and an act the case does not allow is refused on the page with
//! nothing changed. On both databases.

use axum::http::StatusCode;

use crate::helpers::{
    TestApp, accepted_on_page, apply_online, department_staff, item_of, market_item, page_act,
};
use crate::on_both;

/// The idempotency key a case page's accept form carries.
fn extract_request_key(html: &str) -> String {
    html.split("name=\"request_key\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the accept form's key")
        .to_owned()
}

on_both!(a_case_runs_from_the_inbox_to_delivery_on_the_pages);

async fn a_case_runs_from_the_inbox_to_delivery_on_the_pages(app: TestApp) {
    let code = market_item(&app).await;
    let id = apply_online(&app, &code).await;
    let page = format!("/cases/{id}");
    let acts = format!("/cases/{id}/acts");

    let clerk = app.sign_in("clerk").await;
    let inbox = app.get_as(&clerk, "/inbox").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(
        inbox.body.contains(&format!("href=\"/cases/{id}\"")),
        "{}",
        inbox.body
    );
    let shown = app.get_as(&clerk, &page).await;
    assert!(shown.body.contains("data-testid=\"accept\""));
    let csrf = clerk.csrf.clone();
    let key = extract_request_key(&shown.body);
    let accept = [
        ("csrf_token", csrf.as_str()),
        ("act", "accept"),
        ("request_key", key.as_str()),
    ];
    let accepted = app.post_form(&clerk, &acts, &accept).await;
    // The window hands the query password over: with the number it shows progress to anyone.
    let password = accepted_on_page(&accepted);
    assert_eq!(
        accepted.headers[axum::http::header::CACHE_CONTROL],
        "no-store"
    );
    // The applicant's own list shows the case's due date and the working days left.
    let company = app.sign_in("enterprise").await;
    let mine = app.get_as(&company, "/account").await;
    let row = mine
        .body
        .split(&format!("href=\"/cases/{id}\""))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("the case in my cases: {}", mine.body));
    let due = row
        .split("data-label=\"办结期限\">")
        .nth(1)
        .and_then(|cell| cell.split("</td>").next())
        .unwrap_or_default();
    assert!(!due.trim().is_empty(), "{row}");
    // Sent again (a double click, a reload): nothing is done twice, the same password shows.
    let again = app.post_form(&clerk, &acts, &accept).await;
    assert_eq!(accepted_on_page(&again), password);
    let shown = app.get_as(&clerk, &format!("{page}?done=1")).await;
    assert!(shown.body.contains("data-testid=\"act-done\""));
    assert!(
        !shown.body.contains(&password),
        "the case's page keeps no password"
    );
    let token = app.token("clerk").await;
    let case = app
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&token), None)
        .await
        .json();
    let acceptances = case["timeline"]
        .as_array()
        .expect("the timeline")
        .iter()
        .filter(|e| e["kind"] == "accepted")
        .count();
    assert_eq!(acceptances, 1, "accepted once");
    assert!(shown.body.contains("办理中"), "{}", shown.body);
    assert!(shown.body.contains("data-testid=\"notice-acceptance\""));

    let reviewer = app.sign_in("reviewer").await;
    let inbox = app.get_as(&reviewer, "/inbox").await;
    assert!(inbox.body.contains(&format!("data-case=\"{id}\"")));
    assert!(inbox.body.contains("承办"), "the step by its name");
    // The approver's step is not the reviewer's: refused on the page, nothing changed.
    let refused = app
        .post_form(
            &reviewer,
            &acts,
            &[
                ("csrf_token", &reviewer.csrf),
                ("act", "approve"),
                ("step", "approve"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("data-testid=\"act-error\""));
    for step in ["undertake", "review"] {
        let shown = app.get_as(&reviewer, &page).await;
        assert!(
            shown
                .body
                .contains(&format!("data-testid=\"approve-{step}\"")),
            "{}",
            shown.body
        );
        let done = app
            .post_form(
                &reviewer,
                &acts,
                &[
                    ("csrf_token", &reviewer.csrf),
                    ("act", "approve"),
                    ("step", step),
                    ("text", "材料齐全，同意"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    }
    let approver = app.sign_in("approver").await;
    let done = app
        .post_form(
            &approver,
            &acts,
            &[
                ("csrf_token", &approver.csrf),
                ("act", "approve"),
                ("step", "approve"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    // Closing needs the licence number: without it, refused naming the field.
    let blank = app
        .post_form(
            &clerk,
            &acts,
            &[
                ("csrf_token", &csrf),
                ("act", "close"),
                ("kind", "licence"),
                ("number", ""),
            ],
        )
        .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST, "{}", blank.body);
    for fields in [
        vec![
            ("act", "close"),
            ("kind", "licence"),
            ("number", "JY15113010000999"),
        ],
        vec![("act", "deliver"), ("kind", "window"), ("text", "张三")],
    ] {
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend(fields);
        let done = app.post_form(&clerk, &acts, &all).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    }
    let shown = app.get_as(&clerk, &page).await;
    assert!(shown.body.contains("已送达"), "{}", shown.body);
    // The result as a document: what electronic delivery hands over, printed at a window.
    assert!(shown.body.contains("data-testid=\"notice-result\""));
    let result = app
        .get_as(&clerk, &format!("/api/v1/cases/{id}/notices/result"))
        .await;
    assert_eq!(result.status, StatusCode::OK, "{}", result.body);
    let text = crate::helpers::pdf_text(&result.bytes);
    assert!(
        text.contains("办理结果通知书") && text.contains("JY15113010000999"),
        "{text}"
    );

    // Without the form's CSRF token nothing is done.
    let forged = app.post_form(&clerk, &acts, &[("act", "accept")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

on_both!(a_window_takes_in_for_another_department_and_corrections_come_back);

/// The general window takes in a walk-in application for the health department's item with
/// a material missing, issues the one-time correction notice, takes the correction and
/// accepts: all on the pages.
async fn a_window_takes_in_for_another_department_and_corrections_come_back(app: TestApp) {
    let code = item_of(&app, "公共场所卫生许可", "云溪市卫生健康委员会").await;
    let clerk = app.sign_in("clerk").await;
    let form = app.get_as(&clerk, &format!("/intake?code={code}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("公共场所卫生许可申请表"),
        "{}",
        form.body
    );
    let csrf = clerk.csrf.clone();
    let brought = [
        ("material", "公共场所卫生许可申请表"),
        (
            "material",
            "公共场所地址方位示意图、平面图和卫生设施平面布局图",
        ),
        ("material", "公共场所卫生管理制度文本"),
    ];
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("code", code.as_str()),
        ("kind", "organisation"),
        ("name", ""),
        ("id_number", "91110000600037341L"),
        ("phone", "13800138000"),
    ];
    fields.extend(brought);
    let refused = app.post_form(&clerk, "/intake", &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("data-testid=\"intake-error\""));
    assert!(
        refused.body.contains("91110000600037341L"),
        "what was typed is kept"
    );
    fields[3] = ("name", "云溪市清泉浴场有限公司");
    let taken = app.post_form(&clerk, "/intake", &fields).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let page = taken.location().unwrap().to_owned();
    let acts = format!("{page}/acts");
    let shown = app.get_as(&clerk, &page).await;
    assert!(shown.body.contains("data-testid=\"request-corrections\""));
    assert!(
        !shown.body.contains("data-testid=\"case-clock\""),
        "no clock before acceptance"
    );

    let notice = app
        .post_form(
            &clerk,
            &acts,
            &[
                ("csrf_token", &csrf),
                ("act", "request_corrections"),
                ("text", "公共场所从业人员健康合格证明：未提交"),
                ("deadline", "2026-12-04"),
            ],
        )
        .await;
    assert_eq!(notice.status, StatusCode::SEE_OTHER, "{}", notice.body);
    let shown = app.get_as(&clerk, &page).await;
    assert!(shown.body.contains("待补正"), "{}", shown.body);
    assert!(shown.body.contains("data-testid=\"notice-corrections\""));
    assert!(
        !shown.body.contains("data-testid=\"request-corrections\""),
        "the notice goes out once"
    );
    let supplied = app
        .post_form(
            &clerk,
            &acts,
            &[
                ("csrf_token", &csrf),
                ("act", "supply_corrections"),
                ("material", "公共场所从业人员健康合格证明"),
            ],
        )
        .await;
    assert_eq!(supplied.status, StatusCode::SEE_OTHER, "{}", supplied.body);
    let accepted = app
        .post_form(&clerk, &acts, &[("csrf_token", &csrf), ("act", "accept")])
        .await;
    accepted_on_page(&accepted);
    let shown = app.get_as(&clerk, &page).await;
    assert!(shown.body.contains("办理中"), "{}", shown.body);
    assert!(
        !shown.body.contains("云溪市清泉浴场有限公司"),
        "the applicant is shown masked"
    );
    // From acceptance the case's clock runs: its due date and the working days left.
    assert!(
        shown.body.contains("data-testid=\"case-clock\""),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("剩余工作日"));

    // The window's day lists what this clerk did, newest first; another window's is its own.
    let day = app.get_as(&clerk, "/intake").await;
    let listed = day
        .body
        .split("data-testid=\"intake-today\"")
        .nth(1)
        .unwrap_or_else(|| panic!("today's intake: {}", day.body));
    assert!(listed.contains(&format!("href=\"{page}\"")), "{listed}");
    let (accepted_at, asked_at, taken_at) = (
        listed
            .find("<td data-label=\"办理\">受理")
            .expect("accepted"),
        listed.find("一次性告知补正").expect("corrections asked"),
        listed.find("提交申请").expect("taken in"),
    );
    assert!(
        accepted_at < asked_at && asked_at < taken_at,
        "newest first"
    );
    let other = app.sign_in("songxi").await;
    let theirs = app.get_as(&other, "/intake").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains(&format!("href=\"{page}\"")));
}

on_both!(a_window_accepts_with_deficiencies_on_the_page);

/// 容缺受理 on the page: the deferrable material the applicant did not bring is left for
/// later, with the date it is promised by; without that date nothing is done.
async fn a_window_accepts_with_deficiencies_on_the_page(app: TestApp) {
    let code = item_of(&app, "食品经营许可", "云溪市市场监督管理局").await;
    let deferred = "食品安全管理制度文本（含从业人员健康管理、进货查验记录、食品安全自查和食品安全事故处置制度）";
    let clerk = app.sign_in("clerk").await;
    let csrf = clerk.csrf.clone();
    let taken = app
        .post_form(
            &clerk,
            "/intake",
            &[
                ("csrf_token", &csrf),
                ("code", &code),
                ("kind", "organisation"),
                ("name", "云溪市青禾餐饮有限公司"),
                ("id_number", "91110000600037341L"),
                ("phone", "13800138000"),
                ("material", "食品经营许可申请书"),
                (
                    "material",
                    "经营场所平面布局图及主要设备设施布局、操作流程说明",
                ),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let page = taken.location().unwrap().to_owned();
    let acts = format!("{page}/acts");
    let shown = app.get_as(&clerk, &page).await;
    assert!(shown.body.contains("data-testid=\"accept-deferred\""));
    assert!(shown.body.contains(deferred));
    let undated = app
        .post_form(
            &clerk,
            &acts,
            &[
                ("csrf_token", &csrf),
                ("act", "accept"),
                ("material", deferred),
            ],
        )
        .await;
    assert_eq!(undated.status, StatusCode::BAD_REQUEST, "{}", undated.body);
    assert!(app.get_as(&clerk, &page).await.body.contains("待受理"));
    let accepted = app
        .post_form(
            &clerk,
            &acts,
            &[
                ("csrf_token", &csrf),
                ("act", "accept"),
                ("material", deferred),
                ("deadline", "2026-12-10"),
            ],
        )
        .await;
    accepted_on_page(&accepted);
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let case = tongban_store::cases::load(&app.store, id)
        .await
        .unwrap()
        .unwrap()
        .case;
    assert_eq!(case.deficiencies, [deferred]);
    assert!(matches!(
        case.acceptance,
        Some(tongban_domain::case::Acceptance::WithDeficiencies { .. })
    ));
}

on_both!(the_rarer_acts_run_from_the_case_page);

/// Special procedure, extension, return and transfer, each from its form on the case page.
async fn the_rarer_acts_run_from_the_case_page(app: TestApp) {
    let code = market_item(&app).await;
    let id = apply_online(&app, &code).await;
    let page = format!("/cases/{id}");
    let clerk = app.sign_in("clerk").await;
    let done = |reply: crate::helpers::Reply| {
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    };
    accepted_on_page(&page_act(&app, &clerk, id, &[("act", "accept")]).await);

    let reviewer = app.sign_in("reviewer").await;
    let shown = app.get_as(&reviewer, &page).await;
    for form in [
        "start-special-undertake",
        "transfer-undertake",
        "return-undertake",
    ] {
        assert!(
            shown.body.contains(&format!("data-testid=\"{form}\"")),
            "{form}"
        );
    }
    assert!(
        !shown.body.contains("data-testid=\"extend-"),
        "extensions are the head's"
    );
    done(
        page_act(
            &app,
            &reviewer,
            id,
            &[
                ("act", "start_special_procedure"),
                ("step", "undertake"),
                ("text", "现场核查"),
                ("excluded_by_law", "1"),
            ],
        )
        .await,
    );
    let shown = app.get_as(&reviewer, &page).await;
    assert!(shown.body.contains("data-testid=\"end-special-undertake\""));
    done(
        page_act(
            &app,
            &reviewer,
            id,
            &[("act", "end_special_procedure"), ("step", "undertake")],
        )
        .await,
    );
    done(
        page_act(
            &app,
            &reviewer,
            id,
            &[("act", "approve"), ("step", "undertake")],
        )
        .await,
    );

    // The head extends at the review step, once.
    let head = app.sign_in("head").await;
    let shown = app.get_as(&head, &page).await;
    assert!(
        shown.body.contains("data-testid=\"extend-review\""),
        "{}",
        shown.body
    );
    let blank = page_act(
        &app,
        &head,
        id,
        &[("act", "extend"), ("step", "review"), ("text", "")],
    )
    .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST, "{}", blank.body);
    done(
        page_act(
            &app,
            &head,
            id,
            &[
                ("act", "extend"),
                ("step", "review"),
                ("text", "需补充现场核查意见"),
            ],
        )
        .await,
    );
    assert!(
        !app.get_as(&head, &page)
            .await
            .body
            .contains("data-testid=\"extend-review\"")
    );

    // Review returns the case to the first stage; the undertaking step is open again.
    done(
        page_act(
            &app,
            &reviewer,
            id,
            &[
                ("act", "return"),
                ("step", "review"),
                ("to_stage", "0"),
                ("text", "核查意见不完整"),
            ],
        )
        .await,
    );
    let shown = app.get_as(&reviewer, &page).await;
    assert!(shown.body.contains("data-testid=\"approve-undertake\""));

    // Misrouted: transferred to the health commission, whose case it now is.
    let departments = tongban_store::catalog::departments(&app.store)
        .await
        .unwrap();
    let health = departments
        .iter()
        .find(|d| d.name == "云溪市卫生健康委员会")
        .expect("the demo health commission");
    done(
        page_act(
            &app,
            &reviewer,
            id,
            &[
                ("act", "transfer"),
                ("step", "undertake"),
                ("department", &health.id.to_string()),
                ("text", "属卫生健康部门职责"),
            ],
        )
        .await,
    );
    assert_eq!(
        app.get_as(&reviewer, &page).await.status,
        StatusCode::FORBIDDEN
    );
    let history = app.get_as(&clerk, &page).await.body;
    for what in ["特别程序", "延期", "退回", "转办"] {
        assert!(history.contains(what), "{what}: {history}");
    }
}

on_both!(a_township_hall_receives_for_a_city_department_and_hands_the_result_over);

/// 跨区通办: the 松溪镇 hall takes in for the city's market department; the department
/// decides; another hall cannot hand the result over, the receiving hall does.
async fn a_township_hall_receives_for_a_city_department_and_hands_the_result_over(app: TestApp) {
    use tongban_domain::access::Role;
    let code = market_item(&app).await;
    let guide = crate::helpers::published_guide(&app, &code).await;
    let brought: Vec<serde_json::Value> = crate::helpers::paper_materials(&guide);
    let hall = app.token("songxi").await;
    let other_hall = department_staff(
        &app,
        "binjiang",
        "临江区滨江街道便民服务中心",
        Role::WindowClerk,
    )
    .await;
    let created = app
        .api(
            "POST",
            "/api/v1/cases",
            Some(&hall),
            Some(serde_json::json!({
                "implementation_code": code,
                "applicant": {"kind": "organisation", "name": "松溪县松风茶业有限公司",
                              "id_number": "91110000600037341L", "phone": "13800138000"},
                "materials": brought,
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let case = created.json();
    let id = case["id"].as_i64().unwrap();
    let departments = tongban_store::catalog::departments(&app.store)
        .await
        .unwrap();
    let id_of = |name: &str| departments.iter().find(|d| d.name == name).unwrap().id;
    assert_eq!(case["received_at"], id_of("松溪县松溪镇便民服务中心"));
    assert_eq!(case["department_id"], id_of("云溪市市场监督管理局"));

    // Each hall's windows see the intakes they received; the centre's see all.
    let inbox = |token: String| {
        let app = &app;
        async move {
            app.api("GET", "/api/v1/inbox", Some(&token), None)
                .await
                .json()
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["case_id"] == id)
        }
    };
    assert!(inbox(hall.clone()).await);
    assert!(!inbox(other_hall.clone()).await);
    assert!(inbox(app.token("clerk").await).await);

    let act = |token: String, body: serde_json::Value| {
        let app = &app;
        async move {
            let reply = app
                .api(
                    "POST",
                    &format!("/api/v1/cases/{id}/acts"),
                    Some(&token),
                    Some(body),
                )
                .await;
            (reply.status, reply.body)
        }
    };
    let ok = |(status, body): (StatusCode, String)| assert_eq!(status, StatusCode::OK, "{body}");
    ok(act(hall.clone(), serde_json::json!({"act": "accept"})).await);
    // Routed to the deciding department: its inbox has the step.
    assert!(inbox(app.token("reviewer").await).await);
    let reviewer = app.token("reviewer").await;
    for step in ["undertake", "review"] {
        ok(act(
            reviewer.clone(),
            serde_json::json!({"act": "approve", "step": step}),
        )
        .await);
    }
    let approver = app.token("approver").await;
    ok(act(
        approver.clone(),
        serde_json::json!({"act": "approve", "step": "approve"}),
    )
    .await);
    ok(act(
        approver,
        serde_json::json!({"act": "close", "result": {"kind": "licence", "number": "JY1"}}),
    )
    .await);

    // The result waits at the receiving hall's windows (and the centre's), not elsewhere.
    assert!(inbox(hall.clone()).await, "to hand over at the hall");
    assert!(!inbox(other_hall.clone()).await);
    assert!(inbox(app.token("clerk").await).await);
    let clerk = app.sign_in("songxi").await;
    let listed = app.get_as(&clerk, "/inbox").await;
    assert!(listed.body.contains("待送达"), "{}", listed.body);
    let page = app.get_as(&clerk, &format!("/cases/{id}")).await;
    assert!(
        page.body.contains("data-testid=\"cross-region\""),
        "{}",
        page.body
    );
    let at_window = serde_json::json!({"act": "deliver",
        "delivery": {"kind": "window", "signed_by": "王松风"}});
    let (status, body) = act(other_hall, at_window.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("\"field\":\"delivery\""), "{body}");
    ok(act(hall.clone(), at_window).await);
    assert!(!inbox(hall).await, "handed over");
}

on_both!(a_pledge_is_approved_at_the_window_and_checked_by_the_department);

/// 告知承诺: where the guide allows it, the window approves on the signed pledge at once; the
/// deciding department finds the check in its inbox and records what it found.
async fn a_pledge_is_approved_at_the_window_and_checked_by_the_department(app: TestApp) {
    use tongban_domain::access::Role;
    let code = item_of(&app, "公共场所卫生许可", "云溪市卫生健康委员会").await;
    let guide = crate::helpers::published_guide(&app, &code).await;
    assert!(guide.pledge_allowed, "the demo allows the pledge here");
    let brought: Vec<serde_json::Value> = crate::helpers::paper_materials(&guide);
    let clerk_token = app.token("clerk").await;
    let created = app
        .api(
            "POST",
            "/api/v1/cases",
            Some(&clerk_token),
            Some(serde_json::json!({
                "implementation_code": code,
                "applicant": {"kind": "organisation", "name": "云溪市清泉浴场有限公司",
                              "id_number": "91110000600037341L", "phone": "13800138000"},
                "materials": brought,
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let page = format!("/cases/{id}");
    let clerk = app.sign_in("clerk").await;
    assert!(
        app.get_as(&clerk, &page)
            .await
            .body
            .contains("data-testid=\"accept-on-pledge\"")
    );
    let accepted = page_act(&app, &clerk, id, &[("act", "accept"), ("on_pledge", "1")]).await;
    accepted_on_page(&accepted);
    let case = app
        .api(
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&clerk_token),
            None,
        )
        .await
        .json();
    assert_eq!(case["phase"], "decided", "approved at once: {case}");
    // 20 working days from Friday 20 November 2026.
    assert_eq!(case["post_check_due_on"], "2026-12-18");

    let health = department_staff(
        &app,
        "health",
        "云溪市卫生健康委员会",
        Role::DepartmentReviewer,
    )
    .await;
    let inbox = app
        .api("GET", "/api/v1/inbox", Some(&health), None)
        .await
        .json();
    let task = inbox
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["case_id"] == id)
        .expect("the check is in the department's inbox")
        .clone();
    assert_eq!(task["step_name"], "事后核查");
    let reviewer = app.sign_in("health").await;
    let shown = app.get_as(&reviewer, &page).await;
    assert!(
        shown.body.contains("data-testid=\"complete-post-check\""),
        "{}",
        shown.body
    );
    let blank = page_act(
        &app,
        &reviewer,
        id,
        &[
            ("act", "complete_post_check"),
            ("compliant", "yes"),
            ("text", ""),
        ],
    )
    .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST, "{}", blank.body);
    let done = page_act(
        &app,
        &reviewer,
        id,
        &[
            ("act", "complete_post_check"),
            ("compliant", "yes"),
            ("text", "现场核查：卫生设施与承诺一致"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let case = app
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&health), None)
        .await
        .json();
    assert_eq!(case["post_check_compliant"], true);
    let inbox = app
        .api("GET", "/api/v1/inbox", Some(&health), None)
        .await
        .json();
    assert!(!inbox.as_array().unwrap().iter().any(|t| t["case_id"] == id));
    assert!(
        app.get_as(&clerk, &page)
            .await
            .body
            .contains("告知承诺事后核查")
    );
}

on_both!(a_window_refuses_with_a_common_reason);
/// A window refuses with one of the reform office's common reasons: chosen from the list,
/// reason and legal basis come with it; an empty reason without a choice is still refused.
async fn a_window_refuses_with_a_common_reason(app: TestApp) {
    let code = market_item(&app).await;
    let id = apply_online(&app, &code).await;
    let clerk = app.sign_in("clerk").await;
    let page = app.get_as(&clerk, &format!("/cases/{id}")).await;
    assert!(page.body.contains("data-testid=\"refuse-template\""));
    assert!(page.body.contains("申请事项依法不属于本行政机关职权范围"));
    let bare = page_act(
        &app,
        &clerk,
        id,
        &[
            ("act", "refuse"),
            ("template", ""),
            ("text", ""),
            ("basis", ""),
        ],
    )
    .await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST, "{}", bare.body);
    let chosen = page_act(
        &app,
        &clerk,
        id,
        &[
            ("act", "refuse"),
            ("template", "1"),
            ("text", ""),
            ("basis", ""),
        ],
    )
    .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    let token = app.token("clerk").await;
    let case = app
        .api("GET", &format!("/api/v1/cases/{id}"), Some(&token), None)
        .await
        .json();
    assert_eq!(case["phase"], "refused");
    let timeline = case["timeline"].to_string();
    assert!(timeline.contains("不属于本行政机关职权范围"), "{timeline}");
    assert!(
        timeline.contains("第三十二条第一款第（二）项"),
        "{timeline}"
    );
}

on_both!(the_back_office_sees_materials_beside_the_guide_and_returns_with_a_common_reason);
/// The reviewer's case page sets each material the guide asks for beside what was handed in
/// (a missing one marked), and offers the reform office's common reasons for returning; a
/// reason chosen and left empty is filled by the server.
async fn the_back_office_sees_materials_beside_the_guide_and_returns_with_a_common_reason(
    app: TestApp,
) {
    let code = market_item(&app).await;
    let guide = crate::helpers::published_guide(&app, &code).await;
    let id = apply_online(&app, &code).await;
    let clerk = app.sign_in("clerk").await;
    let accepted = page_act(&app, &clerk, id, &[("act", "accept")]).await;
    accepted_on_page(&accepted);

    let reviewer = app.sign_in("reviewer").await;
    let page = app.get_as(&reviewer, &format!("/cases/{id}")).await;
    assert!(page.body.contains("指南要求"), "{}", page.body);
    let table = page
        .body
        .split("data-testid=\"case-materials\"")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .expect("the materials table");
    for material in &guide.materials {
        assert!(table.contains(&material.name), "{}: {table}", material.name);
    }
    if guide
        .materials
        .iter()
        .any(|m| !m.required && m.sharing_source.is_none())
    {
        assert!(
            table.contains("未提交"),
            "an optional material not handed in"
        );
    }
    assert!(
        !table.contains("class=\"missing\""),
        "every required material was handed in"
    );
    assert!(table.contains(&format!("/api/v1/cases/{id}/files/")));

    let approved = page_act(
        &app,
        &reviewer,
        id,
        &[("act", "approve"), ("step", "undertake")],
    )
    .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let page = app.get_as(&reviewer, &format!("/cases/{id}")).await;
    assert!(
        page.body.contains("data-testid=\"return-review-template\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("申请材料的真实性需进一步核实"));
    assert!(
        !page
            .body
            .split("data-testid=\"return-review-template\"")
            .nth(1)
            .unwrap()
            .split("</select>")
            .next()
            .unwrap()
            .contains("转至有权部门"),
        "a transfer's reason is not offered for a return"
    );
    let returned = page_act(
        &app,
        &reviewer,
        id,
        &[
            ("act", "return"),
            ("step", "review"),
            ("to_stage", "0"),
            ("template", "1"),
            ("text", ""),
        ],
    )
    .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.body);
    let case = app
        .api(
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&app.token("reviewer").await),
            None,
        )
        .await
        .json();
    let timeline = case["timeline"].to_string();
    assert!(
        timeline.contains("申请材料的真实性需进一步核实"),
        "{timeline}"
    );
}
