//! Electronic supervision (电子监察): the watch index over open case clocks, the tick that
//! raises and escalates alerts, and the figures the supervisor's dashboard shows.
//!
//! An act on a case rewrites its watches (`rewatch`, inside the act's transaction) with the
//! days each clock's level rises. A tick is a few set-based statements over the watches whose
//! next rise has come: it never reads a case that did not cross a threshold. Ticks take turns
//! on the tick row and alerts are unique per clock, level and day, so app servers ticking
//! together raise each alert once.

use jiff::civil::Date;
use sqlx::{Any, Row as _};
use tongban_domain::case::{Flag, Watch, WatchedClock};
use tongban_domain::message::FieldError;
use tongban_domain::time_limit::AlertLevel;

use crate::batch::{Batch, Row, Statement, Writes};
use crate::outbox::{DIGEST_DEPARTMENT, DIGEST_OWN_STEPS};
use crate::{Backend, Store, StoreError, WriteTx};

pub fn level_rank(level: AlertLevel) -> i64 {
    match level {
        AlertLevel::None => 0,
        AlertLevel::Warning => 1,
        AlertLevel::Yellow => 2,
        AlertLevel::Red => 3,
    }
}

pub fn level_of_rank(rank: i64) -> AlertLevel {
    match rank {
        1 => AlertLevel::Warning,
        2 => AlertLevel::Yellow,
        3 => AlertLevel::Red,
        _ => AlertLevel::None,
    }
}

/// The level a watch row reads on day `$1`, in SQL.
const LEVEL_ON: &str = "CASE WHEN red_on <= $1 THEN 3 WHEN yellow_on <= $1 THEN 2 \
                        WHEN warning_on <= $1 THEN 1 ELSE 0 END";

/// The level a watch row's clock stands alerted at, ticks covered up to day `{last}` (an SQL
/// placeholder): the level of the last act, or what a tick raised since. A tick leaves the
/// watches alone, so what it raised is read off the thresholds.
/// `w` qualifies the watch's columns (`"w."`, or empty).
fn alerted_level(last: &str, w: &str) -> String {
    format!(
        "CASE WHEN {w}red_on <= {last} AND {w}level < 3 THEN 3 \
         WHEN {w}yellow_on <= {last} AND {w}level < 2 THEN 2 \
         WHEN {w}warning_on <= {last} AND {w}level < 1 THEN 1 ELSE {w}level END"
    )
}

/// The day the alert at [`alerted_level`] was raised: the act's (kept on the watch), or the
/// first day a tick covered after the level's threshold came.
fn alerted_day(last: &str, w: &str) -> String {
    let ticked_from = |threshold: &str| {
        format!("(SELECT MIN(day) FROM alert_days WHERE ticked = 1 AND day >= {w}{threshold})")
    };
    format!(
        "CASE WHEN {w}red_on <= {last} AND {w}level < 3 THEN {red} \
         WHEN {w}yellow_on <= {last} AND {w}level < 2 THEN {yellow} \
         WHEN {w}warning_on <= {last} AND {w}level < 1 THEN {warning} ELSE {w}alerted_on END",
        red = ticked_from("red_on"),
        yellow = ticked_from("yellow_on"),
        warning = ticked_from("warning_on"),
    )
}

/// How a raise treats an alert already stored under its key (day, clock and level).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Duplicates {
    /// skip it: another writer may have raised it at the same time
    Skip,
    /// fail: none is expected, and checking each row first would cost a third of a large tick
    Fail,
}

/// Raises, for the watch rows `watches` (a row source of `case_watch` columns that may use
/// `$1`, the day, and `$3`), an alert at the level each reads on day `$1` where that is above
/// the level already alerted, and records the day. Returns how many it raised.
async fn raise(
    tx: &mut impl Writes,
    watches: &str,
    duplicates: Duplicates,
    day: &str,
    now_millis: i64,
    extra: &str,
) -> Result<u64, StoreError> {
    let on_conflict = match duplicates {
        Duplicates::Skip => "ON CONFLICT (raised_on, case_id, step, level) DO NOTHING",
        Duplicates::Fail => "",
    };
    let raised = Statement::new(format!(
        "INSERT INTO alerts (case_id, step, step_name, level, raised_on, raised_at, department_id, responsible) \
         SELECT case_id, step, step_name, {LEVEL_ON}, $1, $2, department_id, responsible \
         FROM {watches} WHERE {LEVEL_ON} > level {on_conflict}"
    ))
    .with(day)
    .with(now_millis)
    .with(extra);
    tx.execute(raised).await
}

/// Records that alerts were raised on `day` (by a tick covering the days up to it, when
/// `ticked`): a case's alerts are found day by day, and a tick's raise day from it.
async fn record_day(tx: &mut impl Writes, day: &str, ticked: bool) -> Result<(), StoreError> {
    let sql = if ticked {
        "INSERT INTO alert_days (day, ticked) VALUES ($1, 1) ON CONFLICT (day) DO UPDATE SET ticked = 1"
    } else {
        "INSERT INTO alert_days (day, ticked) VALUES ($1, 0) ON CONFLICT (day) DO NOTHING"
    };
    tx.execute(Statement::new(sql).with(day)).await?;
    Ok(())
}

/// After alerts were raised on day `day` at `now_millis`, queues one digest per person on
/// each channel that reaches them — the clerk holding a step, for their own steps, and each
/// head (department approver) of a department concerned, for the department's. An act's
/// raise names its case: its alerts are then found through the key by day and case, not
/// among every alert of the day (thousands after a tick; the digest took 5.6 ms an act).
/// Returns the messages queued.
async fn notify(
    tx: &mut impl Writes,
    day: &str,
    now_millis: i64,
    case_id: Option<i64>,
) -> Result<u64, StoreError> {
    let of_case = match case_id {
        Some(_) => "AND case_id = $3",
        None => "",
    };
    let digests = Statement::new(format!(
        // the raise's alerts are read once, down to who holds them and where
        "WITH concerned AS (SELECT DISTINCT responsible, department_id FROM alerts \
           WHERE raised_on = $1 {of_case} AND raised_at = $2) \
         INSERT INTO outbox (channel, recipient, subject, body, batch_on, batch_at, created_at, attempts, next_attempt_at) \
         SELECT c.channel, p.recipient, p.subject, '', $1, $2, $2, 0, $2 FROM ( \
           SELECT DISTINCT responsible AS recipient, '{DIGEST_OWN_STEPS}' AS subject FROM concerned \
           WHERE responsible IS NOT NULL \
           UNION \
           SELECT u.username, '{DIGEST_DEPARTMENT}' FROM users u \
           JOIN user_roles r ON r.user_id = u.id AND r.role = 'department_approver' \
           WHERE u.disabled = 0 AND u.department_id IN (SELECT department_id FROM concerned) \
         ) p LEFT JOIN users e ON e.username = p.recipient AND e.email IS NOT NULL \
         JOIN (SELECT 'log' AS channel UNION ALL SELECT 'email') c \
         ON c.channel = 'log' OR e.id IS NOT NULL"
    ))
    .with(day)
    .with(now_millis);
    let digests = match case_id {
        Some(case_id) => digests.with(case_id),
        None => digests,
    };
    tx.execute(digests).await
}

/// Raises the flags of an act (a red card each, held by the actor) and notifies, after
/// running `batch`, the act's writes so far.
pub(crate) async fn flag(
    tx: &mut impl Writes,
    batch: &mut Batch,
    case_id: i64,
    // the department and the person holding the red cards
    (department_id, actor): (i64, &str),
    flags: &[Flag],
    on: Date,
    at_millis: i64,
) -> Result<(), StoreError> {
    if flags.is_empty() {
        return Ok(());
    }
    // The digests read the alerts the act's earlier writes may resolve: those go first.
    std::mem::take(batch).run(tx).await?;
    let day = on.to_string();
    for flag in flags {
        let card = Statement::new(
            "INSERT INTO alerts (case_id, step, step_name, level, raised_on, raised_at, department_id, responsible) \
             VALUES ($1, $2, '', $3, $4, $5, $6, $7) ON CONFLICT (raised_on, case_id, step, level) DO NOTHING",
        )
        .with(case_id)
        .with(flag.key())
        .with(level_rank(AlertLevel::Red))
        .with(&day)
        .with(at_millis)
        .with(department_id)
        .with(actor);
        tx.execute(card).await?;
    }
    record_day(tx, &day, false).await?;
    notify(tx, &day, at_millis, Some(case_id)).await?;
    Ok(())
}

/// A watched clock's standing alert before an act: its level and the day it was raised.
struct Standing {
    step: String,
    level: i64,
    raised_on: Option<String>,
}

/// A case's clocks' standing alerts, read before an act's write transaction so that the one
/// writer of SQLite does not wait on the read. They change only with an act on the case
/// (which moves its version) and with a tick (which moves `ticked_to`): the act's write
/// checks both (see [`Standings::ticked_to`]).
pub(crate) struct Standings {
    /// the last day a tick covered when they were read
    pub(crate) ticked_to: String,
    clocks: Vec<Standing>,
}

/// Reads a case's [`Standings`] (on every act).
pub(crate) async fn standings(store: &Store, case_id: i64) -> Result<Standings, StoreError> {
    standings_of(&store.read_now(standings_statement(case_id)).await?)
}

/// [`standings`] inside a write transaction.
pub(crate) async fn standings_in(tx: &mut WriteTx, case_id: i64) -> Result<Standings, StoreError> {
    standings_of(&tx.read(standings_statement(case_id)).await?)
}

fn standings_statement(case_id: i64) -> Statement {
    Statement::new(format!(
        // a level a supervisor resolved counts as alerted: a later act must not raise it again
        "SELECT t.last_day, w.step, {}, {} FROM supervision_ticks t \
         LEFT JOIN case_watch w ON w.case_id = $1 WHERE t.id = 1",
        alerted_level("t.last_day", "w."),
        alerted_day("t.last_day", "w."),
    ))
    .with(case_id)
}

fn standings_of(rows: &[Row]) -> Result<Standings, StoreError> {
    let ticked_to = match rows.first() {
        Some(row) => row.get(0)?,
        None => return Err(StoreError::corrupt("the supervision tick row is missing")),
    };
    let mut clocks = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(step) = r.get::<Option<String>>(1)? {
            clocks.push(Standing {
                step,
                level: r.get(2)?,
                raised_on: r.get(3)?,
            });
        }
    }
    Ok(Standings { ticked_to, clocks })
}

/// Replaces a case's watches after an act on day `on`, and raises at once what its clocks
/// already reached. A level already alerted stays alerted while the clock still reads it (or
/// is stopped); alerts above what the clock now reads (an extension, a passed step, a closed
/// case) are resolved as acted on, and those a higher one replaces as escalated. The alerts
/// are found from the watches (see [`alerted_level`]), never by case. The writes go into
/// `batch`; it is run here only if something is raised.
pub(crate) async fn rewatch(
    tx: &mut impl Writes,
    batch: &mut Batch,
    case_id: i64,
    (standings, watches): (&Standings, &[Watch]),
    on: Date,
    at_millis: i64,
) -> Result<(), StoreError> {
    let standing = &standings.clocks;
    // What each new watch keeps of its clock's standing alert: the level (no higher than the
    // clock now reads) and, when that alert still stands, the day it was raised.
    let mut kept: Vec<(i64, Option<&str>)> = Vec::with_capacity(watches.len());
    for watch in watches {
        let before = standing.iter().find(|s| s.step == watch.clock.key());
        let level = before.map_or(0, |s| s.level);
        let level = match &watch.dates {
            Some(dates) => level.min(level_rank(dates.level_on(on))),
            None => level,
        };
        let raised_on = before
            .filter(|s| s.level == level && level > 0)
            .and_then(|s| s.raised_on.as_deref());
        kept.push((level, raised_on));
    }
    for old in standing {
        let still = watches
            .iter()
            .zip(&kept)
            .any(|(w, (level, _))| w.clock.key() == old.step && old.level <= *level);
        if let (false, Some(raised_on)) = (still, &old.raised_on) {
            resolve_standing(batch, case_id, old, raised_on, "acted", at_millis);
        }
    }
    batch
        .statement("DELETE FROM case_watch WHERE case_id = $1")
        .bind(case_id);
    if !watches.is_empty() {
        // One statement for all the watches: each statement is a round trip.
        let sql = format!(
            "INSERT INTO case_watch (case_id, step, step_name, department_id, responsible, level, \
             warning_on, yellow_on, red_on, alerted_on) VALUES {}",
            crate::db::value_lists(watches.len(), 10)
        );
        let day = |d: Option<Date>| d.map(|d| d.to_string());
        let insert = batch.statement(sql);
        for (watch, (level, raised_on)) in watches.iter().zip(&kept) {
            insert
                .bind(case_id)
                .bind(watch.clock.key())
                .bind(watch.step_name.as_str())
                .bind(watch.department_id)
                .bind(watch.responsible.as_deref())
                .bind(*level)
                .bind(day(watch.dates.map(|d| d.warning_on)))
                .bind(day(watch.dates.map(|d| d.yellow_on)))
                .bind(day(watch.dates.map(|d| d.red_on)))
                .bind(*raised_on);
        }
    }
    // What the clocks already reached on the day of the act is raised now, not at a tick; the
    // alerts it replaces are escalated. Most acts find nothing to raise, known from the
    // watches in hand (the rule `LEVEL_ON > level` below), without asking the database.
    let reached = watches.iter().zip(&kept).any(|(watch, (level, _))| {
        watch
            .dates
            .is_some_and(|dates| level_rank(dates.level_on(on)) > *level)
    });
    if !reached {
        return Ok(());
    }
    std::mem::take(batch).run(tx).await?;
    let day = on.to_string();
    let raised = raise(
        tx,
        "(SELECT * FROM case_watch WHERE case_id = CAST($3 AS BIGINT)) w",
        // a tick may be raising the same clock's alert right now
        Duplicates::Skip,
        &day,
        at_millis,
        &case_id.to_string(),
    )
    .await?;
    if raised == 0 {
        return Ok(());
    }
    let escalated = Statement::new(format!(
        "UPDATE alerts SET resolved_at = $3, resolution = 'escalated' WHERE resolved_at IS NULL \
         AND (raised_on, case_id, step, level) IN (SELECT alerted_on, case_id, step, level \
         FROM case_watch WHERE case_id = $2 AND alerted_on IS NOT NULL AND {LEVEL_ON} > level)"
    ))
    .with(&day)
    .with(case_id)
    .with(at_millis);
    tx.execute(escalated).await?;
    let alerted = Statement::new(format!(
        "UPDATE case_watch SET level = {LEVEL_ON}, alerted_on = $1 WHERE case_id = $2 AND {LEVEL_ON} > level"
    ))
    .with(&day)
    .with(case_id);
    tx.execute(alerted).await?;
    record_day(tx, &day, false).await?;
    notify(tx, &day, at_millis, Some(case_id)).await?;
    Ok(())
}

/// Resolves a clock's standing alert, found by its key.
fn resolve_standing(
    batch: &mut Batch,
    case_id: i64,
    standing: &Standing,
    raised_on: &str,
    resolution: &str,
    at_millis: i64,
) {
    batch
        .statement(
            "UPDATE alerts SET resolved_at = $1, resolution = $2 WHERE raised_on = $3 \
             AND case_id = $4 AND step = $5 AND level = $6 AND resolved_at IS NULL",
        )
        .bind(at_millis)
        .bind(resolution)
        .bind(raised_on)
        .bind(case_id)
        .bind(standing.step.as_str())
        .bind(standing.level);
}

/// The watches whose level rose on a day after `$3` up to `$1`, each once: the lowest level
/// that rose names the branch (warning ≤ yellow ≤ red, so a higher threshold in the span with
/// the lower ones before it means the lower ones were crossed earlier). Three branches, not
/// one `OR`, so each reads only its covering threshold index (migration 0016) and no table page.
const CROSSED: &str = "(SELECT * FROM case_watch WHERE warning_on > $3 AND warning_on <= $1 \
     UNION ALL SELECT * FROM case_watch WHERE yellow_on > $3 AND yellow_on <= $1 AND warning_on <= $3 \
     UNION ALL SELECT * FROM case_watch WHERE red_on > $3 AND red_on <= $1 AND yellow_on <= $3) w";

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// the days the tick covered: after `from`, up to and including `to`
    pub from: String,
    pub to: String,
    pub raised: u64,
    pub notifications: u64,
}

/// Raises the alerts of the days since the last tick, up to `day`: each clock that crossed a
/// threshold on those days gets an alert at the level it reads on `day` (see [`raise`]).
/// Only the clocks whose threshold days fall in that span are read, through their indexes.
///
/// A tick writes alone (see [`Store::write_alone`]), so two servers never raise the same
/// span, and an act decided on the alerts as they stood before a tick is refused after it.
/// An act written before it may have raised one of the span's alerts itself (see
/// [`rewatch`]): the tick then fails on the alert's unique key and runs again, skipping what
/// is already there.
pub async fn tick(store: &Store, day: Date, now_millis: i64) -> Result<TickReport, StoreError> {
    match tick_once(store, day, now_millis, Duplicates::Fail).await {
        Err(e) if e.is_unique_violation() => {
            tick_once(store, day, now_millis, Duplicates::Skip).await
        }
        done => done,
    }
}

async fn tick_once(
    store: &Store,
    day: Date,
    now_millis: i64,
    duplicates: Duplicates,
) -> Result<TickReport, StoreError> {
    let day = day.to_string();
    let report_from = |last: String| TickReport {
        from: last,
        to: day.clone(),
        ..TickReport::default()
    };
    // Most ticks (one a minute on every server) find the day covered; they need not hold
    // every write still to see it.
    let last = last_day(store.pool()).await?;
    if last >= day {
        return Ok(report_from(last));
    }
    // Alone: no act is written while the tick reads the clocks, nor another tick.
    let mut tx = store.write_alone().await?;
    if store.backend() == Backend::Postgres {
        // What a tick writes is derived: were it lost in a crash, the next tick raises it again
        // (last_day would be lost with it), so it need not wait for the WAL flush.
        sqlx::query::<Any>("SET LOCAL synchronous_commit = off")
            .execute(&mut *tx)
            .await?;
    }
    // Again: another server's tick may have covered the day meanwhile.
    let last = last_day(&mut *tx).await?;
    let mut report = report_from(last.clone());
    if last < day {
        record_day(&mut tx, &day, true).await?;
        report.raised = raise(&mut tx, CROSSED, duplicates, &day, now_millis, &last).await?;
        if report.raised > 0 {
            escalate(&mut tx, &day, now_millis, &last).await?;
            report.notifications = notify(&mut tx, &day, now_millis, None).await?;
        }
        sqlx::query::<Any>(
            "UPDATE supervision_ticks SET last_day = $1, last_at = $2 WHERE id = 1 AND last_day < $1",
        )
        .bind(&day)
        .bind(now_millis)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// The last day a tick covered.
async fn last_day<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
) -> Result<String, StoreError> {
    Ok(
        sqlx::query::<Any>("SELECT last_day FROM supervision_ticks WHERE id = 1")
            .fetch_one(executor)
            .await?
            .try_get(0)?,
    )
}

/// Resolves as escalated the alerts that the ones a tick raised on `day` (at `now_millis`,
/// ticks covered up to `last` before it) replace: each clock's standing alert, found from its
/// watch. A 预警 is a clock's first alert, so only the higher levels are looked at.
async fn escalate(
    tx: &mut WriteTx,
    day: &str,
    now_millis: i64,
    last: &str,
) -> Result<(), StoreError> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "UPDATE alerts SET resolved_at = $2, resolution = 'escalated' WHERE resolved_at IS NULL \
         AND (raised_on, case_id, step, level) IN (SELECT {day_then}, w.case_id, w.step, {level_then} \
         FROM case_watch w JOIN alerts n ON n.case_id = w.case_id AND n.step = w.step \
         WHERE n.raised_on = $1 AND n.raised_at = $2 AND n.level > 1 \
         AND {level_then} BETWEEN 1 AND n.level - 1)",
        day_then = alerted_day("$3", "w."),
        level_then = alerted_level("$3", "w."),
    )))
    .bind(day)
    .bind(now_millis)
    .bind(last)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One alert, for lists and the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub case_id: i64,
    pub case_number: Option<String>,
    /// empty: the whole case
    pub step: String,
    pub step_name: String,
    pub level: AlertLevel,
    pub raised_on: String,
    pub raised_at: i64,
    pub department_id: i64,
    pub department: String,
    pub responsible: Option<String>,
    pub notified: Vec<String>,
    pub resolved_at: Option<i64>,
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
}

/// Alerts, newest first: open ones only, or all; optionally of one department or case.
pub async fn alerts(
    store: &Store,
    open_only: bool,
    department_id: Option<i64>,
    case_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Alert>, StoreError> {
    // Alerts are keyed by day: a case's are found day by day.
    let of_case = match case_id {
        Some(_) => "a.case_id = $3 AND a.raised_on IN (SELECT day FROM alert_days)",
        None => "$3 = 0",
    };
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.case_id, c.case_number, a.step, a.level, a.raised_on, a.raised_at, \
         a.department_id, d.name, a.responsible, a.resolved_at, a.resolution, a.step_name, a.resolved_by, a.resolution_note FROM alerts a \
         JOIN cases c ON c.id = a.case_id JOIN departments d ON d.id = a.department_id \
         WHERE ($1 = 0 OR a.resolved_at IS NULL) AND ($2 = 0 OR a.department_id = $2) \
         AND {of_case} ORDER BY a.raised_on DESC, a.raised_at DESC, a.id DESC LIMIT $4"
    )))
    .bind(i64::from(open_only))
    .bind(department_id.unwrap_or(0))
    .bind(case_id.unwrap_or(0))
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    // Who was told of these alerts: the digests of their raises, one read for the page.
    let raises: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get(6))
        .collect::<Result<_, _>>()?;
    let digests = digests_between(
        store,
        raises.iter().copied().min().unwrap_or(0),
        raises.iter().copied().max().unwrap_or(0),
    )
    .await?;
    let mut alerts = Vec::with_capacity(rows.len());
    for r in &rows {
        let raised_at: i64 = r.try_get(6)?;
        let department_id: i64 = r.try_get(7)?;
        let responsible: Option<String> = r.try_get(9)?;
        let mut notified: Vec<String> = digests
            .iter()
            .filter(|d| d.batch_at == raised_at && d.covers(department_id, responsible.as_deref()))
            .map(|d| d.recipient.clone())
            .collect();
        notified.dedup();
        alerts.push(Alert {
            id: r.try_get(0)?,
            case_id: r.try_get(1)?,
            case_number: r.try_get(2)?,
            step: r.try_get(3)?,
            level: level_of_rank(r.try_get(4)?),
            raised_on: r.try_get(5)?,
            raised_at,
            department_id,
            department: r.try_get(8)?,
            responsible,
            notified,
            resolved_at: r.try_get(10)?,
            resolution: r.try_get(11)?,
            resolved_by: r.try_get(13)?,
            resolution_note: r.try_get(14)?,
            step_name: r.try_get(12)?,
        });
    }
    Ok(alerts)
}

/// Open case clocks by department and current level, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentFigures {
    pub department_id: i64,
    pub department: String,
    pub open_cases: i64,
    pub warning: i64,
    pub yellow: i64,
    pub red: i64,
}

/// Each department's open cases and how many stand at each level on `day` (whole-case clocks).
pub async fn figures(store: &Store, day: Date) -> Result<Vec<DepartmentFigures>, StoreError> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT department_id, name, COUNT(*), SUM(CASE WHEN lv = 1 THEN 1 ELSE 0 END), \
         SUM(CASE WHEN lv = 2 THEN 1 ELSE 0 END), SUM(CASE WHEN lv = 3 THEN 1 ELSE 0 END) \
         FROM (SELECT w.department_id, d.name, {LEVEL_ON} AS lv FROM case_watch w \
         JOIN departments d ON d.id = w.department_id WHERE w.step = '') levels \
         GROUP BY department_id, name ORDER BY name"
    )))
    .bind(day.to_string())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(DepartmentFigures {
            department_id: r.try_get(0)?,
            department: r.try_get(1)?,
            open_cases: r.try_get(2)?,
            warning: r.try_get(3)?,
            yellow: r.try_get(4)?,
            red: r.try_get(5)?,
        })
    })
    .collect()
}

/// Alerts raised per day and level since `from` (inclusive): the trend.
pub async fn raised_per_day(
    store: &Store,
    from: Date,
) -> Result<Vec<(String, AlertLevel, i64)>, StoreError> {
    sqlx::query::<Any>(
        "SELECT raised_on, level, COUNT(*) FROM alerts WHERE raised_on >= $1 \
         GROUP BY raised_on, level ORDER BY raised_on, level",
    )
    .bind(from.to_string())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, level_of_rank(r.try_get(1)?), r.try_get(2)?)))
    .collect()
}

/// A digest queued for a raise: whom it went to, and which alerts it covers.
struct Digest {
    batch_at: i64,
    recipient: String,
    /// for a department digest, the recipient's department
    department_id: Option<i64>,
    own_steps: bool,
}

impl Digest {
    fn covers(&self, department_id: i64, responsible: Option<&str>) -> bool {
        if self.own_steps {
            responsible == Some(self.recipient.as_str())
        } else {
            self.department_id == Some(department_id)
        }
    }
}

/// The digests (on any channel, once per person) of the raises between two instants.
async fn digests_between(store: &Store, from: i64, to: i64) -> Result<Vec<Digest>, StoreError> {
    sqlx::query::<Any>(
        "SELECT DISTINCT o.batch_at, o.recipient, o.subject, u.department_id FROM outbox o \
         LEFT JOIN users u ON u.username = o.recipient \
         WHERE o.batch_at BETWEEN $1 AND $2 AND o.subject LIKE 'supervision.%' \
         ORDER BY o.batch_at, o.recipient",
    )
    .bind(from)
    .bind(to)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        let subject: String = r.try_get(2)?;
        Ok(Digest {
            batch_at: r.try_get(0)?,
            recipient: r.try_get(1)?,
            department_id: r.try_get(3)?,
            own_steps: subject == DIGEST_OWN_STEPS,
        })
    })
    .collect()
}

/// A supervisor closes an open alert with a note (a flag no act will resolve, or one seen to).
/// Returns false when there was no such open alert.
pub async fn resolve(
    store: &Store,
    alert_id: i64,
    by: &str,
    note: &str,
    at_millis: i64,
) -> Result<bool, StoreError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(StoreError::Invalid(FieldError::new(
            "note",
            "请填写核处说明",
            "say how the alert was dealt with",
        )));
    }
    let mut tx = store.write().await?;
    let done = sqlx::query::<Any>(
        "UPDATE alerts SET resolved_at = $1, resolution = 'resolved', resolved_by = $2, \
         resolution_note = $3 WHERE id = $4 AND resolved_at IS NULL",
    )
    .bind(at_millis)
    .bind(by)
    .bind(note)
    .bind(alert_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(done == 1)
}

/// The cases whose correction deadline passed by `day` (the day after it has come) and that
/// still wait for the corrections: supervision closes them as 补正超时, as the setting says.
pub async fn corrections_timed_out(store: &Store, day: Date) -> Result<Vec<i64>, StoreError> {
    // The key is written into the text so the partial index on it can be used.
    let key = WatchedClock::CorrectionsDeadline.key();
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT case_id FROM case_watch WHERE red_on <= $1 AND step = '{key}' ORDER BY case_id"
    )))
    .bind(day.to_string())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| Ok(r.try_get(0)?))
    .collect()
}
