//! Cases in the store, on both databases: the history is the record, acts are checked and
//! appended once, the applicant is sealed, and the audit chain covers every event.

use jiff::civil::{Date, date};
use tongban_domain::access::Actor;
use tongban_domain::case::{
    Acceptance, Acting, Applicant, ApplicantKind, Case, CaseError, Channel, MaterialEntry, Phase,
    Process, Provided, Submission,
};
use tongban_store::cases::{self, ActError};
use tongban_store::catalog;
use tongban_store::sealed::DataKey;

use crate::helpers::{TestApp, market_item, raw_count, raw_execute};
use crate::on_both;

on_both!(
    a_case_is_its_history,
    of_two_simultaneous_acts_exactly_one_wins,
    a_retried_act_does_not_act_twice,
    the_applicant_is_sealed_at_rest,
);

const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

async fn actor(app: &TestApp, username: &str) -> Actor {
    tongban_store::accounts::authenticate(&app.store, username, "demo12345")
        .await
        .unwrap()
        .expect("demo account")
}

fn acting(actor: &Actor, on: Date) -> Acting<'_> {
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
async fn submitted(app: &TestApp, key: &DataKey, idempotency_key: Option<&str>) -> (i64, bool) {
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
        process: Process::standard(guide.committed_limit_days),
        joint_handling: false,
        pledge_allowed: false,
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

async fn accepted(app: &TestApp, key: &DataKey) -> i64 {
    let (id, _) = submitted(app, key, None).await;
    let clerk = actor(app, "clerk").await;
    let on = date(2026, 3, 2);
    let acted = cases::act(&app.store, id, "clerk", None, |stored| {
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

async fn a_case_is_its_history(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let (id, _) = submitted(&app, &key, None).await;
    let clerk = actor(&app, "clerk").await;
    let reviewer = actor(&app, "reviewer").await;
    let approver = actor(&app, "approver").await;
    let on = date(2026, 3, 2);
    // Deciding before acceptance is refused and changes nothing.
    let early = cases::act(&app.store, id, "reviewer", None, |s| {
        s.case.approve(&acting(&reviewer, on), "undertake", "")
    })
    .await;
    assert!(matches!(
        early,
        Err(ActError::Refused(CaseError::OutOfOrder { .. }))
    ));
    let acted = cases::act(&app.store, id, "clerk", None, |s| {
        s.case.accept(
            &acting(&clerk, on),
            &cases::case_number(s.id, on),
            Acceptance::Normal,
        )
    })
    .await
    .unwrap();
    let number = acted.stored.case.case_number.clone().unwrap();
    assert_eq!(number, format!("TB20260302{id:08}"));
    let password = acted.query_password.unwrap();
    assert_eq!(password.len(), 6);
    for (step, who) in [
        ("undertake", &reviewer),
        ("review", &reviewer),
        ("approve", &approver),
    ] {
        cases::act(&app.store, id, &who.username, None, |s| {
            s.case.approve(&acting(who, date(2026, 3, 3)), step, "同意")
        })
        .await
        .unwrap();
    }
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(stored.case.phase, Phase::Decided { approved: true });
    assert_eq!(stored.events.len(), 5);
    assert_eq!(stored.case.version, 5);
    assert_eq!(stored.applicant_name_masked, "云*********司");

    // Anyone with the number and password sees the progress; a wrong password sees nothing.
    let found = cases::look_up(&app.store, &number, &password.to_lowercase())
        .await
        .unwrap()
        .expect("the right password opens the case");
    assert_eq!(found.id, id);
    assert!(
        cases::look_up(&app.store, &number, "WRONG1")
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
    cases::append(&app.store, seen.clone(), first, "reviewer", None)
        .await
        .unwrap();
    let lost = cases::append(&app.store, seen, second, "reviewer", None).await;
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
        tasks.push(tokio::spawn(async move {
            cases::act(&store, id, "reviewer", None, |s| {
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
        let acted = cases::act(&app.store, id, "clerk", Some("accept-1"), |s| {
            s.case.accept(
                &acting(&clerk, on),
                &cases::case_number(s.id, on),
                Acceptance::Normal,
            )
        })
        .await
        .unwrap();
        assert_eq!(acted.repeated, attempt == 1);
    }
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    assert_eq!(stored.events.len(), 2);
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
