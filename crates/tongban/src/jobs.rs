//! Background jobs of a running server. Every app server runs them; the store makes running
//! them on several servers at once safe (alerts are unique per clock, level and day).

use std::sync::Arc;
use std::time::Duration;

use tongban_domain::clock::Clock;
use tongban_domain::time_limit::local_date;
use tongban_store::{Store, supervision};

/// Electronic supervision: raise the alerts that have come due and deliver the messages,
/// every `interval`.
pub async fn supervise(
    store: Store,
    clock: Arc<dyn Clock>,
    zone: jiff::tz::TimeZone,
    interval: Duration,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = clock.now();
        let today = local_date(now, &zone);
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
        if let Err(error) = supervision::deliver_log_messages(&store, now.as_millisecond()).await {
            tracing::error!(%error, "delivering messages failed");
        }
    }
}
