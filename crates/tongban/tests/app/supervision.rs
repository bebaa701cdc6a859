//! Electronic supervision on both databases: alerts rise on the days the clocks say, once
//! each however many servers tick, reach the clerk and the department head, escalate, and
//! are resolved when the case moves on; a tick touches only the clocks that crossed.

use jiff::civil::date;
use tongban_domain::case::CaseEvent;
use tongban_domain::time_limit::AlertLevel;
use tongban_store::cases;
use tongban_store::sealed::DataKey;
use tongban_store::supervision;

use crate::cases::{KEY, accepted, acting, actor, context};
use crate::helpers::TestApp;
use crate::on_both;

on_both!(
    alerts_rise_escalate_and_resolve_with_the_case,
    an_act_raises_what_its_clocks_already_reached,
    the_supervisor_sees_the_dashboard_and_the_api
);

async fn act(
    app: &TestApp,
    key: &DataKey,
    id: i64,
    by: &str,
    decide: impl FnOnce(&cases::StoredCase) -> Result<CaseEvent, tongban_domain::case::CaseError>,
) {
    cases::act(&app.store, &context(key), id, by, None, decide)
        .await
        .unwrap_or_else(|e| panic!("{by}: {e:?}"));
}

async fn alerts_rise_escalate_and_resolve_with_the_case(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let reviewer = actor(&app, "reviewer").await;
    // Two cases accepted on Monday 2 March 2026; the demo item allows 30 working days and
    // its first step (承办) 15.
    let mut ids = Vec::new();
    for _ in 0..2 {
        ids.push(accepted(&app, &key).await);
    }
    let (first, second) = (ids[0], ids[1]);
    act(&app, &key, first, "reviewer", |s| {
        s.case
            .claim(&acting(&reviewer, date(2026, 3, 3)), "undertake")
    })
    .await;
    let stored = cases::load(&app.store, first).await.unwrap().unwrap();
    let step_clock = &stored.case.open_steps[0].clock;
    let dates = step_clock
        .level_dates(
            &tongban_domain::calendar::Calendar::built_in(),
            &Default::default(),
        )
        .unwrap()
        .unwrap();
    // 15 working days from 2 March: due Monday 23 March.
    assert_eq!(dates.red_on, date(2026, 3, 24));

    // Nothing crossed a threshold yet; each tick covers the days since the one before.
    let report = supervision::tick(&app.store, date(2026, 3, 3), 1)
        .await
        .unwrap();
    assert_eq!(report.raised, 0);
    let quiet = supervision::tick(&app.store, date(2026, 3, 4), 2)
        .await
        .unwrap();
    assert_eq!((quiet.from.as_str(), quiet.raised), ("2026-03-03", 0));

    // On the day the step reaches 预警 both cases' steps are alerted, once, however many
    // servers tick at the same time.
    let warning_day = dates.warning_on;
    let (a, b) = tokio::join!(
        supervision::tick(&app.store, warning_day, 10),
        supervision::tick(&app.store, warning_day, 11),
    );
    let raised = a.unwrap().raised + b.unwrap().raised;
    assert_eq!(raised, 2, "one warning per case step");
    let open = supervision::alerts(&app.store, true, None, Some(first), 50)
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].level, AlertLevel::Warning);
    assert_eq!(open[0].step, "undertake");
    assert_eq!(open[0].responsible.as_deref(), Some("reviewer"));
    assert!(
        open[0].notified.contains(&"reviewer".to_owned())
            && open[0].notified.contains(&"approver".to_owned()),
        "the clerk who holds it and the department head: {:?}",
        open[0].notified
    );
    let unclaimed = supervision::alerts(&app.store, true, None, Some(second), 50)
        .await
        .unwrap();
    assert_eq!(unclaimed[0].notified, vec!["approver".to_owned()]);
    assert_eq!(
        supervision::deliver_log_messages(&app.store, 20)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        supervision::deliver_log_messages(&app.store, 21)
            .await
            .unwrap(),
        0
    );

    // Past the due date: 红牌, and the lower alert is resolved as escalated.
    let red = supervision::tick(&app.store, dates.red_on, 30)
        .await
        .unwrap();
    assert_eq!(red.raised, 2);
    let all = supervision::alerts(&app.store, false, None, Some(first), 50)
        .await
        .unwrap();
    let red_alert = all.iter().find(|a| a.level == AlertLevel::Red).unwrap();
    assert!(red_alert.resolved_at.is_none());
    let warning = all.iter().find(|a| a.level == AlertLevel::Warning).unwrap();
    assert_eq!(warning.resolution.as_deref(), Some("escalated"));

    let figures = supervision::figures(&app.store, dates.red_on)
        .await
        .unwrap();
    let market = figures
        .iter()
        .find(|f| f.department.contains("市场监督管理局"))
        .unwrap();
    assert_eq!(market.open_cases, 2);
    let trend = supervision::raised_per_day(&app.store, date(2026, 3, 1))
        .await
        .unwrap();
    assert!(
        trend
            .iter()
            .any(|(_, level, n)| *level == AlertLevel::Red && *n == 2)
    );

    // The step is passed: its alerts are resolved as acted on.
    act(&app, &key, first, "reviewer", |s| {
        s.case
            .approve(&acting(&reviewer, dates.red_on), "undertake", "同意")
    })
    .await;
    let open = supervision::alerts(&app.store, true, None, Some(first), 50)
        .await
        .unwrap();
    assert!(
        open.iter().all(|a| a.step != "undertake"),
        "resolved when the step passed: {open:?}"
    );
    let acted = supervision::alerts(&app.store, false, None, Some(first), 50)
        .await
        .unwrap();
    assert!(
        acted
            .iter()
            .any(|a| a.level == AlertLevel::Red && a.resolution.as_deref() == Some("acted"))
    );
}

async fn the_supervisor_sees_the_dashboard_and_the_api(app: TestApp) {
    use axum::http::StatusCode;
    let key = DataKey::from_hex(KEY).unwrap();
    let id = accepted(&app, &key).await;
    supervision::tick(&app.store, date(2026, 3, 3), 1)
        .await
        .unwrap();
    let red = supervision::tick(&app.store, date(2026, 3, 24), 2)
        .await
        .unwrap();
    assert_eq!(red.raised, 1, "the 承办 step is overdue");

    let supervisor = app.sign_in("supervisor").await;
    let page = app.get_as(&supervisor, "/supervision").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("data-testid=\"overdue\""));
    assert!(page.body.contains(&format!("/supervision/cases/{id}")));
    assert!(
        page.body.contains("<svg role=\"img\""),
        "charts drawn on the server"
    );
    assert!(
        page.body.contains("href=\"/supervision\""),
        "in the navigation"
    );
    let drill = app
        .get_as(&supervisor, &format!("/supervision/cases/{id}"))
        .await;
    assert_eq!(drill.status, StatusCode::OK);
    assert!(drill.body.contains("受理") && drill.body.contains("红牌"));
    let english = app
        .get_as(&supervisor, "/preferences?lang=en&back=/supervision")
        .await;
    assert_eq!(english.status, StatusCode::SEE_OTHER);
    let clerk_browser = app.sign_in("clerk").await;
    assert_eq!(
        app.get_as(&clerk_browser, "/supervision").await.status,
        StatusCode::FORBIDDEN
    );

    let token = app.token("supervisor").await;
    let alerts = app
        .api("GET", "/api/v1/supervision/alerts", Some(&token), None)
        .await;
    assert_eq!(alerts.status, StatusCode::OK, "{}", alerts.body);
    let alerts = alerts.json();
    assert_eq!(alerts[0]["level"], "red");
    assert_eq!(alerts[0]["case_id"], id);
    let figures = app
        .api("GET", "/api/v1/supervision/figures", Some(&token), None)
        .await
        .json();
    assert!(
        figures["departments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["open_cases"] == 1)
    );
    // Department staff see their own department's alerts, not another's.
    let reviewer = app.token("reviewer").await;
    let own = app
        .api("GET", "/api/v1/supervision/alerts", Some(&reviewer), None)
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let other = app
        .api(
            "GET",
            "/api/v1/supervision/alerts?department_id=999",
            Some(&reviewer),
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let citizen = app.token("citizen").await;
    assert_eq!(
        app.api("GET", "/api/v1/supervision/figures", Some(&citizen), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn an_act_raises_what_its_clocks_already_reached(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let reviewer = actor(&app, "reviewer").await;
    let id = accepted(&app, &key).await;
    // No tick has run; the reviewer claims the 承办 step two days after its due date.
    act(&app, &key, id, "reviewer", |s| {
        s.case
            .claim(&acting(&reviewer, date(2026, 3, 25)), "undertake")
    })
    .await;
    let open = supervision::alerts(&app.store, true, None, Some(id), 10)
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].level, AlertLevel::Red);
    assert_eq!(open[0].raised_on, "2026-03-25");
    assert_eq!(open[0].responsible.as_deref(), Some("reviewer"));
    // The first tick covers every day up to its own, and raises nothing twice.
    let report = supervision::tick(&app.store, date(2026, 3, 26), 5)
        .await
        .unwrap();
    assert_eq!(report.raised, 0, "{report:?}");
}
