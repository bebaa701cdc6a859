//! Electronic supervision on both databases: alerts rise on the days the clocks say, once
//! each however many servers tick, reach the clerk and the department head, escalate, and
//! are resolved when the case moves on; a tick touches only the clocks that crossed.

use std::time::Duration;

use axum::http::StatusCode;
use jiff::civil::date;
use tongban::notify::Notifier;
use tongban_domain::case::{CaseEvent, ClosingCode, Correction, Phase};
use tongban_domain::time_limit::AlertLevel;
use tongban_store::cases;
use tongban_store::sealed::DataKey;
use tongban_store::supervision;

use crate::cases::{KEY, accepted, acting, actor, context, submitted};
use crate::helpers::{TestApp, raw_execute};
use crate::on_both;

on_both!(
    alerts_rise_escalate_and_resolve_with_the_case,
    an_act_raises_what_its_clocks_already_reached,
    a_tick_skips_the_alert_an_act_raised_at_the_same_moment,
    an_alert_standing_through_acts_is_escalated_by_a_later_tick,
    the_supervisor_sees_the_dashboard_and_the_api,
    a_refusal_without_reason_is_flagged_until_a_supervisor_resolves_it,
    past_the_correction_deadline_the_case_times_out
);

fn log_only() -> Notifier {
    Notifier::new(
        None,
        "Tongban <noreply@example.org>",
        Duration::from_secs(60),
        Duration::from_secs(3600),
    )
    .unwrap()
}

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

/// The reviewer claims case `id`'s 承办 step on Tuesday 3 March 2026; the days its level rises.
async fn claimed_step_dates(
    app: &TestApp,
    key: &DataKey,
    id: i64,
) -> tongban_domain::time_limit::LevelDates {
    let reviewer = actor(app, "reviewer").await;
    act(app, key, id, "reviewer", |s| {
        s.case
            .claim(&acting(&reviewer, date(2026, 3, 3)), "undertake")
    })
    .await;
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    stored.case.open_steps[0]
        .clock
        .level_dates(
            &tongban_domain::calendar::Calendar::built_in(),
            &Default::default(),
        )
        .unwrap()
        .unwrap()
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
    let dates = claimed_step_dates(&app, &key, first).await;
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
    // A tick that finds its day covered (one a minute on every server) writes nothing, so it
    // holds no write back: it answers while one is open. (Were it to write, it would wait
    // for this one for ever; the timeout only turns that into a failure.)
    let open_write = app.store.write().await.unwrap();
    let covered = tokio::time::timeout(
        Duration::from_secs(30),
        supervision::tick(&app.store, warning_day, 12),
    )
    .await
    .expect("a tick finding its day covered does not wait for a write")
    .unwrap();
    assert_eq!((covered.from, covered.raised), (warning_day.to_string(), 0));
    open_write.rollback().await.unwrap();
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
    // One digest each: the clerk's lists their step, the head's the department's two.
    let notifier = log_only();
    let delivered = notifier.deliver(&app.store, 20).await.unwrap();
    assert_eq!((delivered.sent, delivered.failed), (2, 0));
    assert_eq!(notifier.deliver(&app.store, 21).await.unwrap().sent, 0);

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
    // The act's digests, found through its case: the clerk holding the step and the head.
    assert_eq!(
        open[0].notified,
        vec!["approver".to_owned(), "reviewer".to_owned()]
    );
    // The first tick covers every day up to its own, and raises nothing twice.
    let report = supervision::tick(&app.store, date(2026, 3, 26), 5)
        .await
        .unwrap();
    assert_eq!(report.raised, 0, "{report:?}");
    // A supervisor sees to it; a later act on the still-late step does not raise it again.
    assert!(
        supervision::resolve(&app.store, open[0].id, "supervisor", "已督办", 6)
            .await
            .unwrap()
    );
    act(&app, &key, id, "reviewer", |s| {
        s.case
            .release(&acting(&reviewer, date(2026, 3, 27)), "undertake")
    })
    .await;
    assert!(
        supervision::alerts(&app.store, true, None, Some(id), 10)
            .await
            .unwrap()
            .is_empty(),
        "resolved stays resolved"
    );
}

async fn a_tick_skips_the_alert_an_act_raised_at_the_same_moment(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let id = accepted(&app, &key).await;
    let warning_day = claimed_step_dates(&app, &key, id).await.warning_on;
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    // An act on another server raised the step's 预警 and committed just after the tick read
    // the watch (which still says nothing was alerted): the tick's own insert meets it.
    raw_execute(
        &app.db_url,
        &format!(
            "INSERT INTO alerts (case_id, step, step_name, level, raised_on, raised_at, \
             department_id, responsible) VALUES ({id}, 'undertake', '承办', 1, '{warning_day}', 7, \
             {}, 'reviewer')",
            stored.case.department_id
        ),
    )
    .await;
    let report = supervision::tick(&app.store, warning_day, 8).await.unwrap();
    assert_eq!(report.to, warning_day.to_string(), "the span is covered");
    let alerts = supervision::alerts(&app.store, false, None, Some(id), 10)
        .await
        .unwrap();
    let warnings: Vec<_> = alerts
        .iter()
        .filter(|a| a.step == "undertake" && a.level == AlertLevel::Warning)
        .collect();
    assert_eq!(warnings.len(), 1, "raised once: {alerts:?}");
    assert_eq!(warnings[0].raised_at, 7, "the act's alert stands");
    let again = supervision::tick(&app.store, warning_day, 9).await.unwrap();
    assert_eq!(again.raised, 0);
}

async fn an_alert_standing_through_acts_is_escalated_by_a_later_tick(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let reviewer = actor(&app, "reviewer").await;
    let id = accepted(&app, &key).await;
    let dates = claimed_step_dates(&app, &key, id).await;
    assert!(dates.warning_on < dates.yellow_on, "{dates:?}");
    // A tick raises the 预警; then two acts rewrite the step's watch while it stands, the first
    // on the day after, the second before the 黄牌 comes.
    let warned = supervision::tick(&app.store, dates.warning_on, 1)
        .await
        .unwrap();
    assert_eq!(warned.raised, 1);
    let next = dates.warning_on.tomorrow().unwrap();
    act(&app, &key, id, "reviewer", |s| {
        s.case.release(&acting(&reviewer, next), "undertake")
    })
    .await;
    act(&app, &key, id, "reviewer", |s| {
        s.case.claim(&acting(&reviewer, next), "undertake")
    })
    .await;
    let open = supervision::alerts(&app.store, true, None, Some(id), 10)
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "the 预警 stands through the acts: {open:?}");
    assert_eq!(open[0].raised_on, dates.warning_on.to_string());
    // The tick that raises the 黄牌 finds the standing 预警 through the watch and escalates it.
    let yellow = supervision::tick(&app.store, dates.yellow_on, 2)
        .await
        .unwrap();
    assert_eq!(yellow.raised, 1);
    let all = supervision::alerts(&app.store, false, None, Some(id), 10)
        .await
        .unwrap();
    let level_of = |level| all.iter().find(|a| a.level == level).unwrap();
    assert_eq!(
        level_of(AlertLevel::Warning).resolution.as_deref(),
        Some("escalated"),
        "{all:?}"
    );
    assert!(level_of(AlertLevel::Yellow).resolved_at.is_none());
}

async fn a_refusal_without_reason_is_flagged_until_a_supervisor_resolves_it(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let clerk = actor(&app, "clerk").await;
    let on = date(2026, 3, 2);
    let (reasoned, _) = submitted(&app, &key, None).await;
    act(&app, &key, reasoned, "clerk", |s| {
        s.case.refuse(
            &acting(&clerk, on),
            "申请事项依法不需要取得行政许可，应向住所地街道办事处备案",
            "《中华人民共和国行政许可法》第三十二条第一款第（一）项",
        )
    })
    .await;
    let (bare, _) = submitted(&app, &key, None).await;
    act(&app, &key, bare, "clerk", |s| {
        s.case
            .refuse(&acting(&clerk, on), "不符合条件", "行政许可法")
    })
    .await;
    assert!(
        supervision::alerts(&app.store, true, None, Some(reasoned), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let flagged = supervision::alerts(&app.store, true, None, Some(bare), 10)
        .await
        .unwrap();
    assert_eq!(flagged.len(), 1);
    let flag = &flagged[0];
    assert_eq!(
        (flag.step.as_str(), flag.level, flag.responsible.as_deref()),
        ("@refusal", AlertLevel::Red, Some("clerk"))
    );
    assert_eq!(
        flag.notified,
        vec!["approver".to_owned(), "clerk".to_owned()],
        "the clerk who refused and the head are told"
    );
    // No tick undoes it; a supervisor resolves it with a note, through the API…
    supervision::tick(&app.store, date(2026, 3, 10), 5)
        .await
        .unwrap();
    let path = format!("/api/v1/supervision/alerts/{}/resolve", flag.id);
    let reviewer = app.token("reviewer").await;
    let forbidden = app
        .api(
            "POST",
            &path,
            Some(&reviewer),
            Some(serde_json::json!({"note": "看过了"})),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let supervisor = app.token("supervisor").await;
    let blank = app
        .api(
            "POST",
            &path,
            Some(&supervisor),
            Some(serde_json::json!({"note": " "})),
        )
        .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert_eq!(blank.json()["error"]["field"], "note");
    let listed = app
        .api(
            "GET",
            &format!("/api/v1/supervision/alerts?case_id={bare}"),
            Some(&supervisor),
            None,
        )
        .await
        .json();
    assert_eq!(listed[0]["subject"], "不予受理未说明理由");
    let done = app
        .api(
            "POST",
            &path,
            Some(&supervisor),
            Some(serde_json::json!({"note": "已约谈窗口人员，重新出具告知书"})),
        )
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
    let again = app
        .api(
            "POST",
            &path,
            Some(&supervisor),
            Some(serde_json::json!({"note": "again"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "resolved once");
    let resolved = supervision::alerts(&app.store, false, None, Some(bare), 10)
        .await
        .unwrap();
    assert_eq!(resolved[0].resolution.as_deref(), Some("resolved"));
    assert_eq!(resolved[0].resolved_by.as_deref(), Some("supervisor"));
    // …or on the case page, where the note is shown afterwards.
    let (second, _) = submitted(&app, &key, None).await;
    act(&app, &key, second, "clerk", |s| {
        s.case.refuse(&acting(&clerk, on), "不符合", "行政许可法")
    })
    .await;
    let browser = app.sign_in("supervisor").await;
    let page = app
        .get_as(&browser, &format!("/supervision/cases/{second}"))
        .await;
    assert!(page.body.contains("不予受理未说明理由"), "{}", page.body);
    let alert_id = supervision::alerts(&app.store, true, None, Some(second), 10)
        .await
        .unwrap()[0]
        .id;
    let form = format!("/supervision/alerts/{alert_id}/resolve");
    let second_text = second.to_string();
    let without_token = app
        .post_form(
            &browser,
            &form,
            &[("case_id", &second_text), ("note", "已纠正")],
        )
        .await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN, "CSRF");
    let posted = app
        .post_form(
            &browser,
            &form,
            &[
                ("csrf_token", &browser.csrf),
                ("case_id", &second_text),
                ("note", "已纠正并补发告知书"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    let page = app
        .get_as(&browser, &format!("/supervision/cases/{second}"))
        .await;
    assert!(page.body.contains("已纠正并补发告知书"));
    // The shortest acceptable reason is a setting.
    raw_execute(
        &app.db_url,
        "INSERT INTO settings (name, value, updated_at) VALUES ('supervision.refusal_reason_min_chars', '3', 0)",
    )
    .await;
    let settings = cases::time_limit_settings(&app.store).await.unwrap();
    assert_eq!(settings.refusal_reason_min_chars, 3);
    let calendar = tongban_domain::calendar::Calendar::built_in();
    let lenient = cases::ActContext {
        key: &key,
        calendar: &calendar,
        settings: &settings,
        sms: false,
    };
    let (short, _) = submitted(&app, &key, None).await;
    cases::act(&app.store, &lenient, short, "clerk", None, |s| {
        s.case.refuse(&acting(&clerk, on), "不符合", "行政许可法")
    })
    .await
    .unwrap();
    assert!(
        supervision::alerts(&app.store, true, None, Some(short), 10)
            .await
            .unwrap()
            .is_empty(),
        "three characters are enough under this setting"
    );
}

async fn past_the_correction_deadline_the_case_times_out(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let clerk = actor(&app, "clerk").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (id, _) = submitted(&app, &key, None).await;
        act(&app, &key, id, "clerk", |s| {
            s.case.request_corrections(
                &acting(&clerk, date(2026, 3, 2)),
                None,
                vec![Correction {
                    material: "营业执照".into(),
                    problem: "复印件不清晰".into(),
                }],
                date(2026, 3, 9),
            )
        })
        .await;
        ids.push(id);
    }
    let timed_out = || async {
        let day = date(2026, 3, 10);
        supervision::tick(&app.store, day, 100).await.unwrap();
        tongban::jobs::close_timed_out_corrections(&app.store, &key, false, day, 101)
            .await
            .unwrap()
    };
    // On the deadline itself nothing happens.
    assert!(
        supervision::corrections_timed_out(&app.store, date(2026, 3, 9))
            .await
            .unwrap()
            .is_empty()
    );
    // With the setting off, the day after raises a red card and leaves the case to the clerk.
    raw_execute(
        &app.db_url,
        "INSERT INTO settings (name, value, updated_at) VALUES ('supervision.close_on_corrections_timeout', 'false', 0)",
    )
    .await;
    assert_eq!(timed_out().await, 0);
    let alert = &supervision::alerts(&app.store, true, None, Some(ids[0]), 10)
        .await
        .unwrap()[0];
    assert_eq!(
        (alert.step.as_str(), alert.level),
        ("@corrections", AlertLevel::Red)
    );
    // With it on (the default), supervision closes both as 补正超时 and the alert is done.
    raw_execute(
        &app.db_url,
        "DELETE FROM settings WHERE name = 'supervision.close_on_corrections_timeout'",
    )
    .await;
    assert_eq!(timed_out().await, 2);
    for id in &ids {
        let stored = cases::load(&app.store, *id).await.unwrap().unwrap();
        assert_eq!(
            stored.case.phase,
            Phase::Closed {
                code: ClosingCode::CorrectionsTimeout
            }
        );
        assert_eq!(stored.events.last().unwrap().actor, "system:supervision");
    }
    assert!(
        supervision::alerts(&app.store, true, None, Some(ids[0]), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(timed_out().await, 0, "nothing left to close");
}
