//! Applicants who walked in, with no account, are texted at each milestone through the SMS
//! gateway: an HTTP endpoint started here that records what it is sent and refuses the first
//! message, so the retry after the back-off is seen too. On both databases.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use jiff::civil::date;
use serde_json::Value;
use tongban::notify::Notifier;
use tongban_domain::case::{
    Acceptance, Applicant, ApplicantKind, Case, Channel, MaterialEntry, Provided, Submission,
};
use tongban_store::sealed::DataKey;
use tongban_store::{cases, catalog, outbox};

use crate::cases::{KEY, acting, actor, context};
use crate::helpers::{TestApp, market_item};
use crate::on_both;

on_both!(a_walk_in_applicant_is_texted_and_a_refused_text_is_retried);

/// A gateway that answers 503 to its first message and 200 after, keeping every body.
async fn gateway() -> (String, Arc<Mutex<Vec<Value>>>) {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let kept = received.clone();
    let app = axum::Router::new().route(
        "/send",
        axum::routing::post(move |Json(body): Json<Value>| {
            let kept = kept.clone();
            async move {
                let mut all = kept.lock().unwrap();
                all.push(body);
                if all.len() == 1 {
                    (StatusCode::SERVICE_UNAVAILABLE, "busy")
                } else {
                    (StatusCode::OK, "ok")
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/send"), received)
}

async fn a_walk_in_applicant_is_texted_and_a_refused_text_is_retried(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    let code = market_item(&app).await;
    let published = catalog::require_published(&app.store, &code).await.unwrap();
    let guide = published.snapshot().guide.clone().unwrap();
    let clerk = actor(&app, "clerk").await;
    let on = date(2026, 11, 20);
    let event = Case::submit(
        &guide,
        Submission {
            implementation_code: code.clone(),
            implementation_version: published.version(),
            department_id: published.snapshot().department_id,
            channel: Channel::Window,
            applicant_kind: ApplicantKind::Person,
            materials: guide
                .materials
                .iter()
                .filter(|m| m.required && m.sharing_source.is_none())
                .map(|m| MaterialEntry {
                    name: m.name.clone(),
                    provided: Provided::Paper,
                })
                .collect(),
        },
        &acting(&clerk, on),
    )
    .unwrap();
    let walk_in = Applicant::parse(
        ApplicantKind::Person,
        "王秀兰",
        "11010519491231002X",
        "13908391234",
    )
    .unwrap();
    let (id, _) = cases::submit(&app.store, &key, &published, &event, &walk_in, None, None)
        .await
        .unwrap();
    let texting = cases::ActContext {
        sms: true,
        ..context(&key)
    };
    cases::act(&app.store, &texting, id, "clerk", None, |s| {
        s.case.accept(
            &acting(&clerk, on),
            &cases::case_number(s.id, on),
            Acceptance::Normal,
        )
    })
    .await
    .unwrap();

    let (url, received) = gateway().await;
    let notifier = Notifier::new(
        None,
        "Tongban <noreply@example.org>",
        Duration::from_secs(60),
        Duration::from_secs(3600),
    )
    .unwrap()
    .with_sms(&url, key.clone())
    .unwrap();
    assert!(notifier.texts());
    let now = 1_779_300_000_000;
    let first = notifier.deliver(&app.store, now).await.unwrap();
    assert_eq!((first.sent, first.failed), (0, 1), "the gateway was busy");
    let failing = outbox::failing(&app.store, 10).await.unwrap();
    assert!(
        failing
            .iter()
            .any(|(message, error)| message.channel == "sms" && error.contains("503")),
        "{failing:?}"
    );
    let early = notifier.deliver(&app.store, now + 30_000).await.unwrap();
    assert_eq!(early.sent + early.failed, 0, "not before the back-off");
    let retried = notifier.deliver(&app.store, now + 61_000).await.unwrap();
    assert_eq!((retried.sent, retried.failed), (1, 0));

    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    let number = cases::load(&app.store, id)
        .await
        .unwrap()
        .unwrap()
        .case
        .case_number
        .unwrap();
    assert_eq!(
        bodies[1]["to"], "13908391234",
        "the phone, opened only to send"
    );
    let text = bodies[1]["text"].as_str().unwrap();
    assert!(text.contains(&number) && text.contains("受理"), "{text}");
}
