//! A window's day (今日收件): the intake a clerk did between two instants — applications
//! taken in, accepted, refused or sent back for corrections — for the clerk's own tally and
//! hand-over at the end of the day. Read from the case history, newest first.

use sqlx::{Any, Row};

use crate::{Store, StoreError};

/// The intake events a window records.
const INTAKE_KINDS: &str = "'submitted', 'accepted', 'refused', 'corrections_requested'";

/// One intake act, with the case as it now stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeAct {
    pub case_id: i64,
    pub case_number: Option<String>,
    pub item_name: String,
    pub applicant_name_masked: String,
    /// the event's kind: submitted, accepted, refused, corrections_requested
    pub kind: String,
    pub at_millis: i64,
    /// the case's phase now
    pub phase: String,
}

/// What `actor` did at intake in [from, to) (milliseconds), newest first, at most `limit`.
pub async fn done_by(
    store: &Store,
    actor: &str,
    (from, to): (i64, i64),
    limit: i64,
) -> Result<Vec<IntakeAct>, StoreError> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT c.id, c.case_number, COALESCE(i.name, c.implementation_code), \
         c.applicant_name_masked, e.kind, e.at, c.phase \
         FROM case_events e JOIN cases c ON c.id = e.case_id \
         LEFT JOIN implementations i ON i.code = c.implementation_code \
         WHERE e.actor = $1 AND e.at >= $2 AND e.at < $3 AND e.kind IN ({INTAKE_KINDS}) \
         ORDER BY e.at DESC, e.case_id DESC LIMIT $4"
    )))
    .bind(actor)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(IntakeAct {
            case_id: r.try_get(0)?,
            case_number: r.try_get(1)?,
            item_name: r.try_get(2)?,
            applicant_name_masked: r.try_get(3)?,
            kind: r.try_get(4)?,
            at_millis: r.try_get(5)?,
            phase: r.try_get(6)?,
        })
    })
    .collect()
}
