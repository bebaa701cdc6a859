//! Background jobs of a running server. Every app server runs them; the store makes running
//! them on several servers at once safe (alerts are unique per clock, level and day; outbox
//! messages are claimed for a lease; an act on a case that moved on is refused as a conflict).

use std::sync::Arc;
use std::time::Duration;

use jiff::civil::Date;
use tongban_domain::access::{Actor, Role};
use tongban_domain::case::Acting;
use tongban_domain::clock::Clock;
use tongban_domain::time_limit::local_date;
use tongban_store::cases::{self, ActContext, ActError};
use tongban_store::sealed::DataKey;
use tongban_store::{Store, StoreError, application_drafts, bundles, supervision};

use crate::notify::Notifier;

/// The actor supervision acts as when it closes a case itself.
fn supervision_actor() -> Actor {
    Actor {
        user_id: 0,
        username: "system:supervision".to_owned(),
        display_name: "电子监察 / electronic supervision".to_owned(),
        roles: vec![Role::Supervisor],
        department_id: None,
    }
}

/// Electronic supervision, every `interval`: close the cases whose correction deadline passed
/// (when the setting says so), raise the alerts that have come due, deliver the messages;
/// and delete application drafts kept past their time.
pub async fn supervise(
    store: Store,
    clock: Arc<dyn Clock>,
    zone: jiff::tz::TimeZone,
    interval: Duration,
    key: DataKey,
    notifier: Notifier,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // At start, every unsettled bundle application is looked at once.
    let mut bundles_seen_until = 0;
    loop {
        ticks.tick().await;
        let now = clock.now();
        let today = local_date(now, &zone);
        // Cases closed for a missed deadline first, so no one is alerted about them.
        match close_timed_out_corrections(
            &store,
            &key,
            notifier.texts(),
            today,
            now.as_millisecond(),
        )
        .await
        {
            Ok(0) => {}
            Ok(closed) => tracing::info!(closed, "cases closed as 补正超时"),
            Err(error) => tracing::error!(%error, "closing timed-out corrections failed"),
        }
        match supervision::tick(&store, today, now.as_millisecond()).await {
            Ok(report) if report.raised > 0 => {
                tracing::info!(
                    from = %report.from,
                    to = %report.to,
                    raised = report.raised,
                    notifications = report.notifications,
                    "supervision tick"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "supervision tick failed"),
        }
        match advance_bundles(&store, bundles_seen_until, today, now.as_millisecond()).await {
            Ok(started) => {
                if started > 0 {
                    tracing::info!(started, "bundle members started");
                }
                bundles_seen_until = now.as_millisecond();
            }
            Err(error) => tracing::error!(%error, "advancing bundle applications failed"),
        }
        if let Err(error) = notifier.deliver(&store, now.as_millisecond()).await {
            tracing::error!(%error, "delivering messages failed");
        }
        match application_drafts::expire(&store, now.as_millisecond()).await {
            Ok(0) => {}
            Ok(gone) => tracing::info!(gone, "expired application drafts deleted"),
            Err(error) => tracing::error!(%error, "deleting expired drafts failed"),
        }
    }
}

/// Starts the bundle members whose prerequisites were approved since `since_millis` and
/// settles finished applications (after an act, the request does this itself; this catches
/// what an interrupted request left). Returns how many members started.
pub async fn advance_bundles(
    store: &Store,
    since_millis: i64,
    today: Date,
    now_millis: i64,
) -> Result<usize, StoreError> {
    let mut started = 0;
    for id in bundles::touched_since(store, since_millis).await? {
        let advanced = bundles::advance(store, id, now_millis, today).await?;
        for (code, why) in &advanced.not_started {
            tracing::warn!(
                application_id = id,
                code,
                why,
                "a bundle member could not start"
            );
        }
        started += advanced.started.len();
    }
    Ok(started)
}

/// Closes as 补正超时 every case still waiting for corrections after its deadline, if the
/// `supervision.close_on_corrections_timeout` setting is on (else the red card raised for the
/// deadline stays with the department). Returns how many were closed.
pub async fn close_timed_out_corrections(
    store: &Store,
    key: &DataKey,
    sms: bool,
    today: Date,
    now_millis: i64,
) -> Result<usize, StoreError> {
    let settings = cases::time_limit_settings(store).await?;
    if !settings.close_on_corrections_timeout {
        return Ok(0);
    }
    let due = supervision::corrections_timed_out(store, today).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let calendar = tongban_store::calendar::load(store).await?.1;
    let context = ActContext {
        key,
        calendar: &calendar,
        settings: &settings,
        sms,
    };
    let actor = supervision_actor();
    let acting = Acting {
        actor: &actor,
        role: Role::Supervisor,
        at_millis: now_millis,
        on: today,
    };
    let mut closed = 0;
    for id in due {
        match cases::act(store, &context, id, &actor.username, None, |stored| {
            stored.case.time_out_corrections(&acting)
        })
        .await
        {
            Ok(_) => closed += 1,
            // the applicant or a clerk got there first (corrections supplied, case moved on)
            Err(ActError::Refused(_)) => {}
            Err(ActError::Store(StoreError::Conflict { .. })) => {}
            Err(ActError::Store(error)) => return Err(error),
        }
    }
    Ok(closed)
}
