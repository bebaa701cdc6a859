//! The working-day calendar as the service centre uses it: public answers, a year added by
//! the reform office (API, page or another app server) taking effect everywhere at once.

use axum::http::StatusCode;
use tongban_domain::calendar::HolidayNotice;
use tongban_store::catalog::ImportActor;

use crate::cli::NOTICE_2027;
use crate::helpers::TestApp;
use crate::on_both;

on_both!(
    anyone_asks_the_calendar,
    the_reform_office_adds_a_year_over_the_api,
    a_year_imported_on_another_server_is_used_at_once,
    the_calendar_page_computes_due_dates_and_imports_notices,
);

async fn anyone_asks_the_calendar(app: TestApp) {
    let day = app.get("/api/v1/calendar/day?date=2026-02-16&add=1").await;
    assert_eq!(day.status, StatusCode::OK, "{}", day.body);
    let day = day.json();
    assert_eq!(day["is_workday"], false);
    assert_eq!(day["holiday"], "春节");
    assert_eq!(day["after_workdays"], "2026-02-24");
    let span = app
        .get("/api/v1/calendar/workdays?from=2025-01-01&to=2026-01-01")
        .await
        .json();
    assert_eq!(span["workdays"], 248);
    let years = app.get("/api/v1/calendar/years").await.json();
    let years = years.as_array().unwrap();
    assert_eq!(years.len(), 8, "2019–2026 ship");
    assert!(years.iter().all(|y| y["source"] == "built_in"));
    let notice = app.get("/api/v1/calendar/years/2025").await.json();
    assert_eq!(notice["year"], 2025);
    assert!(notice["days"].as_array().unwrap().len() > 20);

    let unloaded = app.get("/api/v1/calendar/day?date=2027-03-01").await;
    assert_eq!(unloaded.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = &unloaded.json()["error"];
    assert_eq!(error["field"], "date");
    assert!(error["message"].as_str().unwrap().contains("2027"));
    assert!(error["message_en"].as_str().unwrap().contains("2027"));
    let malformed = app
        .get("/api/v1/calendar/workdays?from=2026-1-1&to=x")
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json()["error"]["field"], "from");
}

async fn the_reform_office_adds_a_year_over_the_api(app: TestApp) {
    let notice: serde_json::Value = serde_json::from_str(NOTICE_2027).unwrap();
    let path = "/api/v1/calendar/years/2027";
    assert_eq!(
        app.api("PUT", path, None, Some(notice.clone()))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let clerk = app.token("clerk").await;
    assert_eq!(
        app.api("PUT", path, Some(&clerk), Some(notice.clone()))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let reform = app.token("reform").await;
    let wrong_year = app
        .api(
            "PUT",
            "/api/v1/calendar/years/2028",
            Some(&reform),
            Some(notice.clone()),
        )
        .await;
    assert_eq!(wrong_year.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_year.json()["error"]["field"], "year");
    let mut bad = notice.clone();
    bad["days"][1]["date"] = "2027-14-01".into();
    let bad = app.api("PUT", path, Some(&reform), Some(bad)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(
        app.get("/api/v1/calendar/day?date=2027-02-04").await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refused notice loads nothing"
    );

    let imported = app.api("PUT", path, Some(&reform), Some(notice)).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let imported = imported.json();
    assert_eq!(imported["source"], "imported");
    assert_eq!(imported["imported_by"], "reform");
    assert_eq!(imported["days_off"], 6);
    assert_eq!(imported["make_up_workdays"], 1);
    let day = app
        .get("/api/v1/calendar/day?date=2027-02-04&add=1")
        .await
        .json();
    assert_eq!(day["after_workdays"], "2027-02-12");
    // Counting across the year boundary now works: 2026-12-31 (Thu) to 2027-01-05.
    let span = app
        .get("/api/v1/calendar/workdays?from=2026-12-31&to=2027-01-05")
        .await
        .json();
    assert_eq!(span["workdays"], 2, "31 Dec and 4 Jan");
    let audit = tongban_store::audit::verify(&app.store).await.unwrap();
    assert!(matches!(
        audit,
        tongban_store::audit::Verification::Intact { .. }
    ));
    let recent = tongban_store::audit::recent(&app.store, 5).await.unwrap();
    assert!(recent.iter().any(
        |(_, _, actor, _, action, _)| action == "calendar.notice.import" && actor == "reform"
    ));
}

async fn a_year_imported_on_another_server_is_used_at_once(app: TestApp) {
    assert_eq!(
        app.get("/api/v1/calendar/day?date=2026-03-02").await.json()["is_workday"],
        true
    );
    // Another app server on the same database amends 2026: 2 March becomes a day off.
    let mut notice = tongban_domain::calendar::Calendar::built_in()
        .notice(2026)
        .unwrap()
        .clone();
    notice.days.push(tongban_domain::calendar::NoticeDay {
        name: "测试".into(),
        date: "2026-03-02".parse().unwrap(),
        is_off_day: true,
    });
    let notice = HolidayNotice::parse(&serde_json::to_string(&notice).unwrap()).unwrap();
    let actor = ImportActor {
        user_id: None,
        name: "other-server",
    };
    tongban_store::calendar::import_notice(&app.store, &actor, "operator", &notice, 0)
        .await
        .unwrap();
    let day = app.get("/api/v1/calendar/day?date=2026-03-02").await.json();
    assert_eq!(day["is_workday"], false);
    assert_eq!(day["holiday"], "测试");
    let years = app.get("/api/v1/calendar/years").await.json();
    let y2026 = years
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2026)
        .unwrap()
        .clone();
    assert_eq!(y2026["source"], "imported");
    assert_eq!(y2026["imported_by"], "other-server");
}

async fn the_calendar_page_computes_due_dates_and_imports_notices(app: TestApp) {
    let page = app.get("/calendar").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("2026 节假日安排"), "the current year");
    assert!(
        page.body.contains("2月15日–2月23日"),
        "Spring Festival 2026"
    );
    assert!(page.body.contains("2月14日、2月28日"), "its make-up days");
    assert!(
        !page.body.contains("/calendar/import"),
        "only the reform office imports"
    );
    // Friday 13 February 2026: the next working day is the make-up Saturday.
    let answer = app.get("/calendar?start=2026-02-13&workdays=1").await;
    assert!(
        answer
            .body
            .contains("data-testid=\"due-date\"><strong>2026-02-14</strong>"),
        "{}",
        answer.body
    );
    let refused = app.get("/calendar?start=2026-12-31&workdays=5").await;
    assert!(refused.body.contains("data-testid=\"calendar-error\""));
    assert!(refused.body.contains("2027"));
    let english = app
        .get("/calendar?year=2025&start=2026-02-13&workdays=x")
        .await;
    assert!(english.body.contains("0至9999"), "a bad number is named");

    let clerk = app.sign_in("clerk").await;
    let fields = vec![("csrf_token".to_owned(), clerk.csrf.clone())];
    let denied = app
        .post_multipart(
            &clerk,
            "/calendar/import",
            &fields,
            &[("file", "2027.json", NOTICE_2027.as_bytes())],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    let reform = app.sign_in("reform").await;
    let page = app.get_as(&reform, "/calendar").await;
    assert!(page.body.contains("action=\"/calendar/import\""));
    let fields = vec![("csrf_token".to_owned(), reform.csrf.clone())];
    let bad = app
        .post_multipart(
            &reform,
            "/calendar/import",
            &fields,
            &[("file", "2027.json", b"{\"year\": 2027")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("JSON"), "{}", bad.body);
    let imported = app
        .post_multipart(
            &reform,
            "/calendar/import",
            &fields,
            &[("file", "2027.json", NOTICE_2027.as_bytes())],
        )
        .await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
    let shown = app.get_as(&reform, imported.location().unwrap()).await;
    assert!(shown.body.contains("data-testid=\"calendar-notice\""));
    assert!(
        shown.body.contains("2月5日、2月8日–2月11日"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("审改办导入（reform"));
    let pasted_fields = vec![
        ("csrf_token".to_owned(), reform.csrf.clone()),
        (
            "notice".to_owned(),
            NOTICE_2027.replace("2027-02-20", "2027-02-21"),
        ),
    ];
    let pasted = app
        .post_multipart(&reform, "/calendar/import", &pasted_fields, &[])
        .await;
    assert_eq!(pasted.status, StatusCode::SEE_OTHER, "{}", pasted.body);
    let day = app.get("/api/v1/calendar/day?date=2027-02-21").await.json();
    assert_eq!(
        day["is_workday"], true,
        "the pasted notice replaced the uploaded one"
    );
}
