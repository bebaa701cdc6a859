//! Cases in the store, on both databases: the history is the record, acts are checked and
//! appended once, the applicant is sealed, and the audit chain covers every event.

use jiff::civil::{Date, date};
use tongban_domain::access::Actor;
use tongban_domain::case::{
    Acceptance, Acting, Applicant, ApplicantKind, Case, CaseError, Channel, MaterialEntry, Phase,
    Provided, Submission,
};
use tongban_store::cases::{self, ActError};
use tongban_store::catalog;
use tongban_store::sealed::DataKey;

use crate::helpers::{
    TestApp, key_inserts_held, market_item, raw_count, raw_execute, upload_case_file,
    uploaded_scan, wait_for,
};
use crate::on_both;

on_both!(
    a_case_is_its_history,
    a_case_moved_on_by_another_server_is_read_afresh,
    of_two_simultaneous_acts_exactly_one_wins,
    a_retried_act_does_not_act_twice,
    acts_at_once_are_each_written_once_on_an_intact_chain,
    applications_at_once_are_each_stored_once,
    an_act_read_before_a_tick_is_not_written_after_it,
    the_applicant_is_sealed_at_rest,
);

static CALENDAR: std::sync::LazyLock<tongban_domain::calendar::Calendar> =
    std::sync::LazyLock::new(tongban_domain::calendar::Calendar::built_in);
static SETTINGS: std::sync::LazyLock<tongban_domain::time_limit::TimeLimitSettings> =
    std::sync::LazyLock::new(Default::default);

pub fn context(key: &DataKey) -> cases::ActContext<'_> {
    cases::ActContext {
        key,
        calendar: &CALENDAR,
        settings: &SETTINGS,
        sms: false,
    }
}

pub const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

pub async fn actor(app: &TestApp, username: &str) -> Actor {
    tongban_store::accounts::authenticate(&app.store, username, "demo12345")
        .await
        .unwrap()
        .expect("demo account")
}

pub fn acting(actor: &Actor, on: Date) -> Acting<'_> {
    Acting {
        actor,
        role: actor.roles[0],
        at_millis: 1_772_000_000_000,
        on,
    }
}

fn applicant() -> Applicant {
    Applicant::parse(
        ApplicantKind::Organisation,
        "云溪市青禾餐饮有限公司",
        "91110000600037341L",
        "13800138000",
    )
    .unwrap()
}

/// Submits a complete online application for the demo market item; returns the case id.
pub async fn submitted(app: &TestApp, key: &DataKey, idempotency_key: Option<&str>) -> (i64, bool) {
    let code = market_item(app).await;
    let published = catalog::require_published(&app.store, &code).await.unwrap();
    let guide = published
        .snapshot()
        .guide
        .clone()
        .expect("the demo item has a guide");
    let materials = guide
        .materials
        .iter()
        .filter(|m| m.required && m.sharing_source.is_none())
        .map(|m| MaterialEntry {
            name: m.name.clone(),
            provided: Provided::File {
                sha256: "ab".repeat(32),
            },
        })
        .collect();
    let enterprise = actor(app, "enterprise").await;
    let submission = Submission {
        implementation_code: code,
        implementation_version: published.version(),
        department_id: published.snapshot().department_id,
        channel: Channel::Online,
        applicant_kind: ApplicantKind::Organisation,
        materials,
    };
    let event = Case::submit(&guide, submission, &acting(&enterprise, date(2026, 3, 2))).unwrap();
    cases::submit(
        &app.store,
        key,
        &published,
        &event,
        &applicant(),
        Some(enterprise.user_id),
        idempotency_key,
    )
    .await
    .unwrap()
}

/// A complete online application accepted at the window on 2 March 2026.
pub async fn accepted(app: &TestApp, key: &DataKey) -> i64 {
    let (id, _) = submitted(app, key, None).await;
    let clerk = actor(app, "clerk").await;
    let on = date(2026, 3, 2);
    let acted = cases::act(&app.store, &context(key), id, "clerk", None, |stored| {
        stored.case.accept(
            &acting(&clerk, on),
            &cases::case_number(stored.id, on),
            Acceptance::Normal,
        )
    })
    .await
    .unwrap();
    assert!(acted.query_password.is_some());
    id
}

/// An accepted case whose first step (承办) the reviewer claimed on 3 March 2026.
pub async fn claimed(app: &TestApp, key: &DataKey) -> i64 {
    let id = accepted(app, key).await;
    let reviewer = actor(app, "reviewer").await;
    cases::act(&app.store, &context(key), id, "reviewer", None, |s| {
        s.case
            .claim(&acting(&reviewer, date(2026, 3, 3)), "undertake")
    })
    .await
    .unwrap();
    id
}

/// Each server remembers the cases it loaded and acted on; one moved on elsewhere is not
/// answered as remembered.
async fn a_case_moved_on_by_another_server_is_read_afresh(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let id = accepted(&app, &key).await;
    let remembered = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(remembered.case.version, 2);
    let other_server = tongban_store::Store::connect(&app.db_url).await.unwrap();
    let reviewer = actor(&app, "reviewer").await;
    cases::act(&other_server, &context(&key), id, "reviewer", None, |s| {
        s.case
            .claim(&acting(&reviewer, date(2026, 3, 3)), "undertake")
    })
    .await
    .unwrap();
    for _ in 0..2 {
        let stored = cases::load(&app.store, id).await.unwrap().unwrap();
        assert_eq!(stored.case.version, 3, "the other server's act is seen");
        assert_eq!(stored.events.len(), 3);
        assert_eq!(stored.events[2].change.kind(), "step_claimed");
    }
}

async fn a_case_is_its_history(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let (id, _) = submitted(&app, &key, None).await;
    assert_eq!(
        cases::awaiting_intake(&app.store, None, 50).await.unwrap()[0].case_id,
        id
    );
    let clerk = actor(&app, "clerk").await;
    let reviewer = actor(&app, "reviewer").await;
    let approver = actor(&app, "approver").await;
    let on = date(2026, 3, 2);
    // Deciding before acceptance is refused and changes nothing.
    let early = cases::act(&app.store, &context(&key), id, "reviewer", None, |s| {
        s.case.approve(&acting(&reviewer, on), "undertake", "")
    })
    .await;
    assert!(matches!(
        early,
        Err(ActError::Refused(CaseError::OutOfOrder { .. }))
    ));
    let acted = cases::act(&app.store, &context(&key), id, "clerk", None, |s| {
        s.case.accept(
            &acting(&clerk, on),
            &cases::case_number(s.id, on),
            Acceptance::Normal,
        )
    })
    .await
    .unwrap();
    let number = acted.stored.case.case_number.clone().unwrap();
    let market = reviewer.department_id.unwrap();
    let inbox = cases::inbox(&app.store, market, reviewer.roles[0], 50)
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].step, "undertake");
    assert_eq!(inbox[0].case_number.as_deref(), Some(number.as_str()));
    assert!(
        cases::awaiting_intake(&app.store, None, 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(number, format!("TB20260302{id:08}"));
    let password = acted.query_password.unwrap();
    assert_eq!(password.len(), 6);
    for (step, who) in [
        ("undertake", &reviewer),
        ("review", &reviewer),
        ("approve", &approver),
    ] {
        cases::act(&app.store, &context(&key), id, &who.username, None, |s| {
            s.case.approve(&acting(who, date(2026, 3, 3)), step, "同意")
        })
        .await
        .unwrap();
    }
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(stored.case.phase, Phase::Decided { approved: true });
    for role in [reviewer.roles[0], approver.roles[0]] {
        assert!(
            cases::inbox(&app.store, market, role, 50)
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(stored.events.len(), 5);
    assert_eq!(stored.case.version, 5);
    assert_eq!(stored.applicant_name_masked, "云*********司");

    // Anyone with the number and password sees the progress; a wrong password sees nothing.
    let found = cases::look_up(&app.store, &key, &number, &password.to_lowercase())
        .await
        .unwrap()
        .expect("the right password opens the case");
    assert_eq!(found.id, id);
    assert!(
        cases::look_up(&app.store, &key, &number, "WRONG1")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(cases::id_of(&app.store, &number).await.unwrap(), Some(id));

    // Every event is in the audit chain, and altering one breaks it.
    assert!(matches!(
        tongban_store::audit::verify(&app.store).await.unwrap(),
        tongban_store::audit::Verification::Intact { .. }
    ));
    raw_execute(
        &app.db_url,
        "UPDATE audit_log SET detail = replace(detail, '同意', '驳回') WHERE action = 'case.step_approved'",
    )
    .await;
    assert!(matches!(
        tongban_store::audit::verify(&app.store).await.unwrap(),
        tongban_store::audit::Verification::Broken { .. }
    ));
}

async fn of_two_simultaneous_acts_exactly_one_wins(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let id = accepted(&app, &key).await;
    let reviewer = actor(&app, "reviewer").await;
    let on = date(2026, 3, 3);
    // Two clerks load the same case and both decide.
    let seen = cases::load(&app.store, id).await.unwrap().unwrap();
    let first = seen
        .case
        .approve(&acting(&reviewer, on), "undertake", "甲")
        .unwrap();
    let second = seen
        .case
        .return_to(&acting(&reviewer, on), "undertake", None, "乙")
        .unwrap();
    cases::append(
        &app.store,
        &context(&key),
        seen.clone(),
        first,
        "reviewer",
        None,
    )
    .await
    .unwrap();
    let lost = cases::append(&app.store, &context(&key), seen, second, "reviewer", None).await;
    let Err(ActError::Store(error)) = lost else {
        panic!("the second act must lose: {lost:?}")
    };
    assert!(matches!(error, tongban_store::StoreError::Conflict { .. }));
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(stored.events.len(), 3, "submitted, accepted, approved");

    // Racing for real: many tasks claim the same step; exactly one claim lands.
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let store = app.store.clone();
        let reviewer = reviewer.clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            cases::act(&store, &context(&key), id, "reviewer", None, |s| {
                s.case.claim(&acting(&reviewer, on), "review")
            })
            .await
            .is_ok()
        }));
    }
    let mut won = 0;
    for task in tasks {
        won += usize::from(task.await.unwrap());
    }
    assert_eq!(won, 1);
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(stored.events.len(), 4);
}

async fn a_retried_act_does_not_act_twice(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let (id, repeated) = submitted(&app, &key, Some("submit-7f3a")).await;
    assert!(!repeated);
    let (again, repeated) = submitted(&app, &key, Some("submit-7f3a")).await;
    assert_eq!(
        (again, repeated),
        (id, true),
        "the retry finds the first case"
    );
    let clerk = actor(&app, "clerk").await;
    let on = date(2026, 3, 2);
    for attempt in 0..2 {
        let acted = cases::act(
            &app.store,
            &context(&key),
            id,
            "clerk",
            Some("accept-1"),
            |s| {
                s.case.accept(
                    &acting(&clerk, on),
                    &cases::case_number(s.id, on),
                    Acceptance::Normal,
                )
            },
        )
        .await
        .unwrap();
        assert_eq!(acted.repeated, attempt == 1);
    }
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(stored.events.len(), 2);

    // A key is claimed with the act it names, in the act's own write: a retry that decided an
    // act that still fits the case as it is now (here, on the case as accepted) writes nothing.
    let reviewer = actor(&app, "reviewer").await;
    let claim = stored
        .case
        .claim(&acting(&reviewer, on), "undertake")
        .unwrap();
    let retried = cases::append(
        &app.store,
        &context(&key),
        stored,
        claim,
        "clerk",
        Some("accept-1"),
    )
    .await
    .unwrap();
    assert!(retried.repeated, "the key was used: nothing is done");
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(stored.events.len(), 2, "nothing was appended");
    assert_eq!(stored.case.version, 2, "the version's move was rolled back");
}

/// Acts sent at once: on SQLite those waiting for the writer share a transaction (group
/// commit), on PostgreSQL they write side by side. Either way each lands whole or not at all,
/// one act's trouble is not another's, and the audit chain stays intact.
async fn acts_at_once_are_each_written_once_on_an_intact_chain(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(submitted(&app, &key, None).await.0);
    }
    let (clerk, reviewer) = (actor(&app, "clerk").await, actor(&app, "reviewer").await);
    let on = date(2026, 3, 2);

    // Every case accepted, the first one twice at the same moment: one of those loses.
    let mut acts = Vec::new();
    for &id in ids.iter().chain([&ids[0]]) {
        let stored = cases::load(&app.store, id).await.unwrap().unwrap();
        let number = cases::case_number(id, on);
        let accept = stored
            .case
            .accept(&acting(&clerk, on), &number, Acceptance::Normal);
        acts.push((stored, accept.unwrap(), None));
    }
    let turn = app.store.write().await.unwrap();
    let outcomes = behind_a_held_write(&app, &key, turn, acts, let_go).await;
    assert_eq!(
        outcomes.iter().filter(|o| acted(o)).count(),
        8,
        "{outcomes:?}"
    );
    assert!(
        outcomes[0].is_ok() != outcomes[8].is_ok(),
        "one of the two landed"
    );
    let lost = if outcomes[0].is_ok() {
        &outcomes[8]
    } else {
        &outcomes[0]
    };
    assert!(
        matches!(
            lost,
            Err(ActError::Store(tongban_store::StoreError::Conflict { .. }))
        ),
        "{lost:?}"
    );

    // Claims of the first step, two of them sent with the same key: the second does nothing
    // (so its group is written again act by act) and says so, the others land.
    let mut acts = Vec::new();
    for (n, &id) in ids.iter().enumerate().take(4) {
        let stored = cases::load(&app.store, id).await.unwrap().unwrap();
        let claim = stored.case.claim(&acting(&reviewer, on), "undertake");
        acts.push((stored, claim.unwrap(), (n < 2).then_some("claim-1")));
    }
    let turn = app.store.write().await.unwrap();
    let outcomes = behind_a_held_write(&app, &key, turn, acts, let_go).await;
    assert!(acted(&outcomes[2]) && acted(&outcomes[3]), "{outcomes:?}");
    let keyed = &outcomes[..2];
    assert_eq!(keyed.iter().filter(|o| acted(o)).count(), 1, "{keyed:?}");
    assert!(keyed.iter().any(|o| o.as_ref().is_ok_and(|a| a.repeated)));

    for (n, &id) in ids.iter().enumerate() {
        let stored = cases::load(&app.store, id).await.unwrap().unwrap();
        let claimed = if n < 2 { acted(&outcomes[n]) } else { n < 4 };
        let events = 2 + usize::from(claimed);
        assert_eq!(
            stored.events.len(),
            events,
            "case {n}: each act written once"
        );
        assert_eq!(stored.case.version as usize, events);
    }
    let events = raw_count(&app.db_url, "SELECT COUNT(*) FROM case_events").await;
    assert_eq!(events, 8 + 8 + 3, "submissions, acceptances, claims");
    let moved_alone = raw_count(
        &app.db_url,
        "SELECT COUNT(*) FROM cases c WHERE c.version <> \
         (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id)",
    )
    .await;
    assert_eq!(moved_alone, 0, "no case's row moved without its event");
    let audited = raw_count(
        &app.db_url,
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('case.accepted', 'case.step_claimed')",
    )
    .await;
    assert_eq!(audited, 8 + 3, "each act audited once");
    if app.store.backend() == tongban_store::Backend::Postgres {
        // SQLite links each row as it is written
        let pending = raw_count(&app.db_url, "SELECT COUNT(*) FROM audit_log_pending").await;
        assert_eq!(
            pending, 0,
            "every act's audit row linked by the time it was answered"
        );
    }
    assert!(matches!(
        tongban_store::audit::verify(&app.store).await.unwrap(),
        tongban_store::audit::Verification::Intact { .. }
    ));
}

/// A tick that lands after an act read its case's standing alerts, and before the act is
/// written, moves those alerts: the act must not be written on them. The act waits, already
/// decided, behind a write the test holds as a tick holds it (alone), and the tick's move is
/// made in that write.
async fn an_act_read_before_a_tick_is_not_written_after_it(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let id = accepted(&app, &key).await;
    let reviewer = actor(&app, "reviewer").await;
    let on = date(2026, 3, 3);
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    let claim = stored
        .case
        .claim(&acting(&reviewer, on), "undertake")
        .unwrap();

    let tick = async |mut turn: tongban_store::WriteTx| {
        // What a tick moves when it covers a day; the act has read its standings already.
        sqlx::query("UPDATE supervision_ticks SET last_day = '2026-03-02' WHERE id = 1")
            .execute(&mut *turn)
            .await
            .unwrap();
        turn.commit().await.unwrap();
    };
    let turn = app.store.write_alone().await.unwrap();
    let outcomes = behind_a_held_write(&app, &key, turn, vec![(stored, claim, None)], tick).await;
    assert!(
        matches!(
            &outcomes[0],
            Err(ActError::Store(tongban_store::StoreError::Conflict { .. }))
        ),
        "{outcomes:?}"
    );
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(stored.events.len(), 2, "the claim was not written");
    // Decided again on the case as it now stands, it is.
    cases::act(&app.store, &context(&key), id, "reviewer", None, |s| {
        s.case.claim(&acting(&reviewer, on), "undertake")
    })
    .await
    .unwrap();
}

type Outcome = Result<cases::Acted, ActError>;

fn acted(outcome: &Outcome) -> bool {
    outcome.as_ref().is_ok_and(|a| !a.repeated)
}

/// Appends the acts at once behind `turn`, a write held open, then ends it with `end`. On
/// SQLite the acts wait, decided, until all of them are queued for the writer, so that they
/// are written in groups (the first taken alone or with those queued by then, the rest
/// together). On PostgreSQL each runs until it is written or waits for the held write (one
/// begun with `write_alone`).
async fn behind_a_held_write(
    app: &TestApp,
    key: &DataKey,
    turn: tongban_store::WriteTx,
    acts: Vec<(
        cases::StoredCase,
        tongban_domain::case::CaseEvent,
        Option<&'static str>,
    )>,
    end: impl AsyncFnOnce(tongban_store::WriteTx),
) -> Vec<Outcome> {
    let all = app.store.acts_queued() + acts.len();
    let tasks: Vec<_> = acts
        .into_iter()
        .map(|(stored, event, idempotency_key)| {
            let (store, key) = (app.store.clone(), key.clone());
            tokio::spawn(async move {
                let (context, actor) = (context(&key), event.actor.clone());
                cases::append(&store, &context, stored, event, &actor, idempotency_key).await
            })
        })
        .collect();
    match app.store.backend() {
        tongban_store::Backend::Sqlite => {
            let what = format!("{all} acts queued for the writer");
            wait_for(&what, async || app.store.acts_queued() >= all).await;
        }
        tongban_store::Backend::Postgres => {
            let waiting = "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database \
                           WHERE d.datname = current_database() AND l.locktype = 'advisory' \
                           AND NOT l.granted";
            let finished = || tasks.iter().filter(|t| t.is_finished()).count() as i64;
            let acts = tasks.len() as i64;
            let what = format!("{acts} acts written or waiting for the held write");
            wait_for(&what, async || {
                finished() + raw_count(&app.db_url, waiting).await >= acts
            })
            .await;
        }
    }
    end(turn).await;
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

/// Applications sent at once, three of them with the same idempotency key: one case for the
/// key, whose id all three answer, and one for each other. On PostgreSQL, whose writers work
/// side by side, the keyed ones are held at the key's insert (a lock on its table, which
/// reads pass) until all three have looked the key up and stored their case: then they race
/// to remember it, and the two that lose find the winner's case.
async fn applications_at_once_are_each_stored_once(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let release = key_inserts_held(&app, 3).await;
    let (a, b, c, d, e, ()) = tokio::join!(
        submitted(&app, &key, Some("apply-once")),
        submitted(&app, &key, None),
        submitted(&app, &key, Some("apply-once")),
        submitted(&app, &key, None),
        submitted(&app, &key, Some("apply-once")),
        release,
    );
    let keyed = [a, c, e];
    assert!(keyed.iter().all(|(id, _)| *id == a.0), "{keyed:?}");
    assert_eq!(keyed.iter().filter(|(_, repeated)| !repeated).count(), 1);
    assert!(!b.1 && !d.1 && b.0 != d.0 && b.0 != a.0 && d.0 != a.0);
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM cases").await,
        3
    );
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM case_events").await,
        3
    );
    assert!(matches!(
        tongban_store::audit::verify(&app.store).await.unwrap(),
        tongban_store::audit::Verification::Intact { .. }
    ));
}

/// Ends a held write having written nothing.
async fn let_go(turn: tongban_store::WriteTx) {
    turn.rollback().await.unwrap();
}

async fn the_applicant_is_sealed_at_rest(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let (id, _) = submitted(&app, &key, None).await;
    let opened = cases::applicant(&app.store, &key, id).await.unwrap();
    assert_eq!(opened, applicant());
    // The stored row holds neither the id number nor the phone in the clear.
    let stored = raw_count(&app.db_url, "SELECT COUNT(*) FROM cases").await;
    assert_eq!(stored, 1);
    let in_clear = raw_count(
        &app.db_url,
        "SELECT COUNT(*) FROM cases WHERE applicant_sealed LIKE '%91110000600037341L%' \
         OR applicant_sealed LIKE '%13800138000%' OR applicant_sealed LIKE '%青禾%' \
         OR applicant_name_masked LIKE '%青禾%'",
    )
    .await;
    assert_eq!(in_clear, 0);
    let other = DataKey::from_hex(&DataKey::generate_hex()).unwrap();
    assert!(cases::applicant(&app.store, &other, id).await.is_err());
    let events = cases::load(&app.store, id).await.unwrap().unwrap().events;
    let history = serde_json::to_string(&events).unwrap();
    assert!(!history.contains("91110000600037341L") && !history.contains("13800138000"));
}

on_both!(a_case_runs_through_the_api_from_application_to_delivery);

async fn a_case_runs_through_the_api_from_application_to_delivery(app: TestApp) {
    use axum::http::StatusCode;
    let code = market_item(&app).await;
    let published = catalog::require_published(&app.store, &code).await.unwrap();
    let guide = published.snapshot().guide.clone().unwrap();
    let enterprise = app.token("enterprise").await;
    let scan = uploaded_scan(&app, &enterprise).await;
    let materials: Vec<serde_json::Value> = guide
        .materials
        .iter()
        .filter(|m| m.required && m.sharing_source.is_none())
        .map(|m| serde_json::json!({"name": m.name, "sha256": scan}))
        .collect();
    let application = |materials: &[serde_json::Value]| {
        serde_json::json!({
            "implementation_code": code,
            "applicant": {"kind": "organisation", "name": "云溪市青禾餐饮有限公司",
                          "id_number": "91110000600037341L", "phone": "13800138000"},
            "materials": materials,
        })
    };
    let apply = |token: String, body: serde_json::Value, key: &'static str| {
        let app = &app;
        async move {
            let request = axum::http::Request::post("/api/v1/cases")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            app.send(request).await
        }
    };
    // Bad applications are refused naming the field; nothing is stored.
    let missing = apply(enterprise.clone(), application(&materials[..0]), "k0").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert_eq!(missing.json()["error"]["field"], "materials");
    let mut bad_id = application(&materials);
    bad_id["applicant"]["id_number"] = "91110000600037341X".into();
    let bad_id = apply(enterprise.clone(), bad_id, "k1").await;
    assert_eq!(bad_id.json()["error"]["field"], "applicant.id_number");
    let citizen = app.token("citizen").await;
    // A citizen applies for an organisation only as its representative or authorised agent.
    let wrong_kind = apply(citizen.clone(), application(&materials), "k2").await;
    assert_eq!(wrong_kind.json()["error"]["field"], "applicant.id_number");
    assert!(
        wrong_kind.body.contains("授权经办人"),
        "{}",
        wrong_kind.body
    );
    // A hash cites only a file this account uploaded, never someone else's document.
    let citizens = upload_case_file(
        &app,
        &app.token("citizen").await,
        "身份证.pdf",
        b"%PDF-1.7\n% someone else's document\n",
    )
    .await
    .json()["sha256"]
        .clone();
    // The last material cites it; the others cite the company's own scan, found uploaded.
    let mut foreign = materials.clone();
    let last = foreign.len() - 1;
    assert!(last > 0, "the guide asks for more than one material");
    foreign[last]["sha256"] = citizens;
    let foreign = apply(enterprise.clone(), application(&foreign), "k4").await;
    assert_eq!(foreign.status, StatusCode::BAD_REQUEST, "{}", foreign.body);
    assert_eq!(
        foreign.json()["error"]["field"],
        format!("materials[{last}].sha256")
    );
    let mut unknown = application(&materials);
    unknown["implementation_code"] = "11511301008778220W4510100100199".into();
    assert_eq!(
        apply(enterprise.clone(), unknown, "k3").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM cases").await,
        0
    );

    let created = apply(enterprise.clone(), application(&materials), "apply-1").await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let case = created.json();
    let id = case["id"].as_i64().unwrap();
    assert_eq!(case["phase"], "submitted");
    assert_eq!(case["applicant"], "云*********司");
    let again = apply(enterprise.clone(), application(&materials), "apply-1").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["id"], id);

    let act = |token: String, body: serde_json::Value| {
        let app = &app;
        async move {
            app.api(
                "POST",
                &format!("/api/v1/cases/{id}/acts"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let clerk = app.token("clerk").await;
    let inbox = app
        .api("GET", "/api/v1/inbox", Some(&clerk), None)
        .await
        .json();
    assert!(inbox.as_array().unwrap().iter().any(|t| t["case_id"] == id));
    let reviewer = app.token("reviewer").await;
    let early = act(
        reviewer.clone(),
        serde_json::json!({"act": "approve", "step": "undertake"}),
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    assert!(
        early.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("待受理")
    );
    let accepted = act(
        clerk.clone(),
        serde_json::json!({"act": "accept", "version": 1}),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let accepted = accepted.json();
    let number = accepted["case_number"].as_str().unwrap().to_owned();
    let password = accepted["query_password"].as_str().unwrap().to_owned();
    // The demo item's 30 working days from 20 November 2026 reach into 2027, whose notice
    // is not loaded: the clock says so instead of guessing; the first step's 15 days fit.
    let unavailable = accepted["clock"]["unavailable"].as_str().unwrap();
    assert!(unavailable.contains("2027"), "{accepted}");
    assert_eq!(accepted["open_steps"][0]["clock"]["due_on"], "2026-12-11");
    assert_eq!(accepted["open_steps"][0]["clock"]["level"], "none");

    // The applicant follows progress without signing in.
    let progress = app
        .get(&format!(
            "/api/v1/cases/progress?number={number}&password={password}"
        ))
        .await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.body);
    assert_eq!(progress.json()["phase"], "in_progress");
    let wrong = app
        .get(&format!(
            "/api/v1/cases/progress?number={number}&password=AAAAAA"
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // Only the applicant and the handlers see the case.
    assert_eq!(
        app.api("GET", &format!("/api/v1/cases/{id}"), Some(&citizen), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let seen = app
        .api(
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&enterprise),
            None,
        )
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.json()["timeline"].as_array().unwrap().len(), 2);

    let tasks = app
        .api("GET", "/api/v1/inbox", Some(&reviewer), None)
        .await
        .json();
    let task = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["case_id"] == id && t["step"] == "undertake")
        .expect("the reviewer's task");
    // The step's own clock: 15 working days from Friday 20 November 2026.
    assert_eq!(task["due_on"], "2026-12-11");
    assert_eq!(task["level"], "none");
    assert_eq!(task["step_name"], "承办");
    // Days to act: today (the day of acceptance, which the limit does not count) and the 15.
    assert_eq!(task["remaining_days"], 16);
    let stale = act(
        reviewer.clone(),
        serde_json::json!({"act": "approve", "step": "undertake", "version": 1}),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    for (token, step) in [(&reviewer, "undertake"), (&reviewer, "review")] {
        let done = act(
            token.clone(),
            serde_json::json!({"act": "approve", "step": step, "opinion": "同意"}),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    }
    let approver = app.token("approver").await;
    let decided = act(
        approver.clone(),
        serde_json::json!({"act": "approve", "step": "approve"}),
    )
    .await;
    assert_eq!(decided.json()["phase"], "decided");
    let closed = act(
        clerk.clone(),
        serde_json::json!({"act": "close", "result": {"kind": "licence", "number": "JY15113010000123"}}),
    )
    .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(closed.json()["phase"], "closed");
    let delivered = act(
        clerk.clone(),
        serde_json::json!({"act": "deliver", "delivery": {"kind": "electronic"}}),
    )
    .await;
    assert_eq!(delivered.json()["phase"], "delivered");
    let unknown_act = act(clerk.clone(), serde_json::json!({"act": "teleport"})).await;
    assert_eq!(unknown_act.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown_act.json()["error"]["field"], "act");
    let milestones = app
        .get(&format!(
            "/api/v1/cases/progress?number={number}&password={password}"
        ))
        .await
        .json();
    let kinds: Vec<&str> = milestones["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"submitted"));
    assert_eq!(kinds.last(), Some(&"delivered"));
}
