//! Cases: the append-only event history of each case, the derived row for inboxes and
//! look-ups, the sealed applicant, and idempotent acts.
//!
//! An act is: load the case, let the domain check the act and make its event, append it as
//! event `version + 1`. Appending first moves the row's version from what was read; if
//! another clerk got there first no row matches, and the act is refused as a conflict.
//! So of two simultaneous acts exactly one wins, on either backend and across app servers.

use jiff::civil::Date;
use rand::Rng;
use sqlx::{Any, Row};
use tongban_domain::access::Role;
use tongban_domain::case::{
    Applicant, Case, CaseError, CaseEvent, Change, StepStatus, WatchedClock,
};

mod group_commit;
mod memory;
mod turns;
pub(crate) use group_commit::ActQueue;
pub(crate) use memory::CaseMemory;
pub use turns::CaseTurn;
pub(crate) use turns::CaseTurns;

use crate::audit::{self, AuditEntry};
use crate::batch::{Batch, Statement, Writes};
use crate::catalog::PublishedImplementation;
use crate::sealed::DataKey;
use crate::{Store, StoreError};
use tongban_domain::time_limit::{LevelDates, TimeLimitSettings};

/// A case as stored: its id, derived state and history.
#[derive(Debug, Clone)]
pub struct StoredCase {
    pub id: i64,
    pub case: Case,
    pub events: Vec<CaseEvent>,
    pub applicant_name_masked: String,
    pub applicant_user_id: Option<i64>,
    /// the bundle application (一件事) the case is a member of
    pub bundle_application_id: Option<i64>,
}

/// Why an act did not happen.
#[derive(Debug)]
pub enum ActError {
    /// the domain refused the act (bad input, out of order, someone else's step…)
    Refused(CaseError),
    Store(StoreError),
}

impl From<StoreError> for ActError {
    fn from(error: StoreError) -> Self {
        ActError::Store(error)
    }
}

impl From<sqlx::Error> for ActError {
    fn from(error: sqlx::Error) -> Self {
        ActError::Store(error.into())
    }
}

/// What an act needs besides the case: the data key (query passwords), and the calendar
/// and settings its clocks are read with (the supervision index).
#[derive(Debug, Clone, Copy)]
pub struct ActContext<'a> {
    pub key: &'a DataKey,
    pub calendar: &'a tongban_domain::calendar::Calendar,
    pub settings: &'a TimeLimitSettings,
    /// an SMS gateway is configured: every applicant is told of milestones by text message
    pub sms: bool,
}

/// What an act did.
#[derive(Debug, Clone)]
pub struct Acted {
    pub stored: StoredCase,
    /// the same idempotency key was seen before: nothing was done this time
    pub repeated: bool,
    /// at acceptance: the query password, shown once to be printed on the notice
    pub query_password: Option<String>,
}

/// The case number issued at acceptance: date and case id, unique by construction.
pub fn case_number(id: i64, on: jiff::civil::Date) -> String {
    format!("TB{}{id:08}", on.strftime("%Y%m%d"))
}

/// What is stored of a query password: keyed with the data key, so the small password space
/// cannot be searched offline from a copy of the database, and cheap to check online.
/// `purpose` keeps the passwords of different records (cases, work orders) apart.
pub(crate) fn query_password_fingerprint(
    key: &DataKey,
    purpose: &str,
    id: i64,
    password: &str,
) -> String {
    key.fingerprint(purpose, &format!("{id}:{password}"))
}

/// The id of the record in `table` whose number (in `number_column`) and query password
/// (fingerprinted for `purpose`) are these, under the current key or a retired one: a key
/// rotation keeps old passwords working. A wrong pair is simply none.
pub(crate) async fn find_by_query_password(
    store: &Store,
    key: &DataKey,
    (table, number_column, purpose): (&str, &str, &str),
    number: &str,
    password: &str,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT id, query_password_hash FROM {table} WHERE {number_column} = $1"
    )))
    .bind(number.trim().to_uppercase())
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get(0)?;
    let Some(stored) = row.try_get::<Option<String>, _>(1)? else {
        return Ok(None);
    };
    let given = format!("{id}:{}", password.trim().to_uppercase());
    let matches = key
        .fingerprints(purpose, &given)
        .iter()
        .any(|f| constant_time_eq(f.as_bytes(), stored.as_bytes()));
    Ok(matches.then_some(id))
}

const QUERY_PASSWORD_PURPOSE: &str = "query-password";

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Six characters from an alphabet without look-alikes (no 0/O, 1/I/L).
pub(crate) fn new_query_password() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..6)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The case a request with this idempotency key acted on, if the actor made one before.
pub(crate) async fn remembered(
    tx: &mut impl Writes,
    actor: &str,
    key: Option<&str>,
) -> Result<Option<i64>, StoreError> {
    match key {
        Some(key) => tx.fetch_number(remembered_case(actor, key)).await,
        None => Ok(None),
    }
}

fn remembered_case(actor: &str, key: &str) -> Statement {
    Statement::new("SELECT case_id FROM idempotency_keys WHERE actor = $1 AND key = $2")
        .with(actor)
        .with(key)
}

/// The answer to a request whose idempotency key another request took while it was written
/// (PostgreSQL's writers work side by side): `found`, that request's id, looked up after this
/// one's write was rolled back, answered as any repeated request is.
pub(crate) fn answer_of_key_taken(found: Option<i64>) -> Result<(i64, bool), StoreError> {
    found.map(|id| (id, true)).ok_or_else(|| {
        StoreError::corrupt("an idempotency key was used meanwhile, and then not found")
    })
}

/// Remembers what a request with this key did (nothing without a key); false when the
/// actor already made a request with this key, which stays as it was.
pub(crate) async fn remember(
    tx: &mut impl Writes,
    actor: &str,
    key: Option<&str>,
    (case_id, seq): (i64, i64),
    at_millis: i64,
    sealed_answer: Option<&str>,
) -> Result<bool, StoreError> {
    let Some(key) = key else { return Ok(true) };
    let mut insert = Statement::new(
        "INSERT INTO idempotency_keys (actor, key, case_id, seq, created_at, sealed_answer) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (actor, key) DO NOTHING",
    );
    insert
        .bind(actor)
        .bind(key)
        .bind(case_id)
        .bind(seq)
        .bind(at_millis)
        .bind(sealed_answer);
    Ok(tx.execute(insert).await? == 1)
}

/// Adds event `seq` of a case to `batch`; returns its JSON for [`audit_event`].
fn insert_event(
    batch: &mut Batch,
    case_id: i64,
    seq: i64,
    event: &CaseEvent,
) -> Result<String, StoreError> {
    let json = serde_json::to_string(event).map_err(StoreError::corrupt)?;
    batch
        .statement(
            "INSERT INTO case_events (case_id, seq, at, actor, role, kind, event) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(case_id)
        .bind(seq)
        .bind(event.at_millis)
        .bind(event.actor.as_str())
        .bind(event.role.as_str())
        .bind(event.change.kind())
        .bind(json.as_str());
    Ok(json)
}

/// Runs `batch`, the writes of a case's event (as [`insert_event`] made it), and appends the
/// event to the audit chain. Best done last before the commit: the chain's head is one row
/// every writer locks until it commits.
async fn audit_event(
    tx: &mut impl Writes,
    batch: Batch,
    case_id: i64,
    event: &CaseEvent,
    json: &str,
) -> Result<(), StoreError> {
    audit::append_after(
        tx,
        batch,
        &AuditEntry {
            at_millis: event.at_millis,
            actor: &event.actor,
            role: event.role.as_str(),
            action: &format!("case.{}", event.change.kind()),
            subject: &format!("case:{case_id}"),
            detail: json,
        },
    )
    .await?;
    Ok(())
}

/// Stores a new case from its submission event, made against an implementation that is
/// published (清单之外无权力). With an idempotency key already used by the same actor,
/// returns the case that key created and stores nothing.
pub async fn submit(
    store: &Store,
    key: &DataKey,
    published: &PublishedImplementation,
    event: &CaseEvent,
    applicant: &Applicant,
    applicant_user_id: Option<i64>,
    idempotency_key: Option<&str>,
) -> Result<(i64, bool), StoreError> {
    let Change::Submitted {
        implementation_code,
        implementation_version,
        ..
    } = &event.change
    else {
        return Err(StoreError::corrupt("a case starts with its submission"));
    };
    if *implementation_code != published.snapshot().code
        || *implementation_version != published.version()
    {
        return Err(StoreError::corrupt(
            "the submission names another implementation than the published one",
        ));
    }
    let sealed = key.seal(&serde_json::to_string(applicant).map_err(StoreError::corrupt)?);
    let masked_name = applicant.masked_name();
    let (written, masked) = (event.clone(), masked_name.clone());
    let idempotency_key = idempotency_key.map(str::to_owned);
    let writing = store.clone();
    let job = async move {
        let mut tx = writing.write_hot().await?;
        let idempotency_key = idempotency_key.as_deref();
        if let Some(id) = remembered(&mut tx, &written.actor, idempotency_key).await? {
            tx.rollback().await?;
            return Ok((id, true));
        }
        let id = insert_case(&mut tx, &written, &sealed, &masked, applicant_user_id, None)
            .await?
            .ok_or_else(|| StoreError::corrupt("a case outside any bundle conflicted"))?;
        let kept = remember(
            &mut tx,
            &written.actor,
            idempotency_key,
            (id, 1),
            written.at_millis,
            None,
        )
        .await?;
        if !kept {
            // the same request landed meanwhile: this one's case is undone
            tx.rollback().await?;
            let mut tx = writing.write_hot().await?;
            let found = remembered(&mut tx, &written.actor, idempotency_key).await?;
            tx.rollback().await?;
            return answer_of_key_taken(found);
        }
        tx.commit().await?;
        Ok::<_, StoreError>((id, false))
    };
    let (id, repeated) = store.on_writer(job).await?;
    // the answer to the application reads it at once, as does its acceptance
    if !repeated && let Some(case) = Case::submitted(event) {
        store.case_memory().remember(StoredCase {
            id,
            case,
            events: vec![event.clone()],
            applicant_name_masked: masked_name,
            applicant_user_id,
            bundle_application_id: None,
        });
    }
    Ok((id, repeated))
}

/// Inserts a case from its submission event, its applicant already sealed; with a bundle
/// application, as that application's member (None: that member was started already).
pub(crate) async fn insert_case(
    tx: &mut impl Writes,
    event: &CaseEvent,
    applicant_sealed: &str,
    applicant_name_masked: &str,
    applicant_user_id: Option<i64>,
    bundle_application_id: Option<i64>,
) -> Result<Option<i64>, StoreError> {
    let Change::Submitted {
        implementation_code,
        department_id,
        channel,
        received_at,
        ..
    } = &event.change
    else {
        return Err(StoreError::corrupt("a case starts with its submission"));
    };
    let insert = Statement::new(
        "INSERT INTO cases (implementation_code, department_id, applicant_user_id, applicant_sealed, \
         applicant_name_masked, channel, phase, version, submitted_at, updated_at, bundle_application_id, \
         received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'submitted', 1, $7, $7, $8, $9) \
         ON CONFLICT (bundle_application_id, implementation_code) DO NOTHING RETURNING id",
    )
    .with(implementation_code.as_str())
    .with(*department_id)
    .with(applicant_user_id)
    .with(applicant_sealed)
    .with(applicant_name_masked)
    .with(channel.as_str())
    .with(event.at_millis)
    .with(bundle_application_id)
    .with(*received_at);
    let id = tx.fetch_number(insert).await?;
    if let Some(id) = id {
        let mut batch = Batch::default();
        let json = insert_event(&mut batch, id, 1, event)?;
        audit_event(tx, batch, id, event, &json).await?;
    }
    Ok(id)
}

/// What a request with this key answered that is not in the case itself: the query
/// password of an acceptance, opened, so that a retried acceptance (a double click, a
/// reload) shows the same password instead of losing it.
pub async fn remembered_answer(
    store: &Store,
    key: &DataKey,
    actor: &str,
    idempotency_key: &str,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT sealed_answer FROM idempotency_keys WHERE actor = $1 AND key = $2",
    )
    .bind(actor)
    .bind(idempotency_key)
    .fetch_optional(store.pool())
    .await?;
    match row.and_then(|r| r.try_get::<Option<String>, _>(0).transpose()) {
        Some(sealed) => Ok(Some(key.open(&sealed?)?)),
        None => Ok(None),
    }
}

/// Waits for this server's turn to act on case `id`: take it before loading the case to act
/// on, and keep it until the act is written (see [`CaseTurn`]).
pub async fn turn(store: &Store, id: i64) -> CaseTurn {
    CaseTurns::take(store.case_turns(), id).await
}

/// Whether this actor already made a request with this idempotency key.
pub async fn already_done(store: &Store, actor: &str, key: &str) -> Result<bool, StoreError> {
    let found = store.read_now(remembered_case(actor, key)).await?;
    Ok(!found.is_empty())
}

/// The clock and alert settings, defaults where the database holds none (data, not code).
pub async fn time_limit_settings(store: &Store) -> Result<TimeLimitSettings, StoreError> {
    // One read for all of them: cases are read with these on every request.
    let stored = crate::settings::load(store, &["time_limit.", "supervision."]).await?;
    let mut settings = TimeLimitSettings::default();
    stored.set(
        crate::settings::names::RESTART_NEXT_DAY,
        &mut settings.restart_next_day,
    )?;
    stored.set(
        crate::settings::names::EXTENSION_DAYS,
        &mut settings.extension_days,
    )?;
    stored.set(
        crate::settings::names::JOINT_EXTENSION_DAYS,
        &mut settings.joint_extension_days,
    )?;
    stored.set(
        crate::settings::names::WARNING_WITHIN_DAYS,
        &mut settings.warning_within_days,
    )?;
    stored.set(
        crate::settings::names::YELLOW_WITHIN_DAYS,
        &mut settings.yellow_within_days,
    )?;
    stored.set(
        crate::settings::names::REFUSAL_REASON_MIN_CHARS,
        &mut settings.refusal_reason_min_chars,
    )?;
    stored.set(
        crate::settings::names::CLOSE_ON_CORRECTIONS_TIMEOUT,
        &mut settings.close_on_corrections_timeout,
    )?;
    stored.set(
        crate::settings::names::POST_CHECK_DAYS,
        &mut settings.post_check_days,
    )?;
    Ok(settings)
}

/// One inbox row of a case, as `write_tasks` derives it.
struct TaskRow<'a> {
    step: &'a str,
    department_id: i64,
    role: Role,
    claimed_by: Option<&'a str>,
    opened_on: Date,
    limit_days: u32,
}

/// The inbox row of a result waiting to be handed over (not a step: no step key has `@`).
pub const DELIVERY_TASK: &str = "@deliver";

/// Rebuilds the case's inbox rows from its state: one per open, unapproved step, and the
/// deciding department's reviewers' check of a pledge while it is owed (its key is the
/// watch's, so the inbox shows its alert level).
fn write_tasks(batch: &mut Batch, id: i64, case: &Case) {
    batch
        .statement("DELETE FROM case_tasks WHERE case_id = $1")
        .bind(id);
    let mut rows: Vec<TaskRow<'_>> = Vec::new();
    if let (Some(check), Some(clock)) = (&case.post_check, &case.clock)
        && check.outcome.is_none()
    {
        rows.push(TaskRow {
            step: WatchedClock::PostCheck.key(),
            department_id: case.department_id,
            role: Role::DepartmentReviewer,
            claimed_by: None,
            opened_on: clock.started_on,
            limit_days: 0,
        });
    }
    // A result to hand over: the windows of the hall that received the case have it (the
    // deciding department's own row when it came in online; the centre's windows see all).
    if case.phase.awaits_delivery() {
        let closed_on = case.clock.as_ref().and_then(|c| c.closed_on);
        rows.push(TaskRow {
            step: DELIVERY_TASK,
            department_id: case.received_at.unwrap_or(case.department_id),
            role: Role::WindowClerk,
            claimed_by: None,
            opened_on: closed_on.unwrap_or(case.submitted_on),
            limit_days: 0,
        });
    }
    for open in &case.open_steps {
        let claimed_by = match &open.status {
            StepStatus::Waiting => None,
            StepStatus::ClaimedBy(by) => Some(by.as_str()),
            StepStatus::ApprovedBy(_) => continue,
        };
        let Some(definition) = case
            .process
            .position_of(&open.key)
            .and_then(|p| case.process.step(p))
        else {
            continue;
        };
        rows.push(TaskRow {
            step: &open.key,
            department_id: case.step_department(definition),
            role: definition.role,
            claimed_by,
            opened_on: open.clock.started_on,
            limit_days: definition.limit_days,
        });
    }
    if rows.is_empty() {
        return;
    }
    // One statement for all the rows: each statement is a round trip to the database.
    let sql = format!(
        "INSERT INTO case_tasks (case_id, step, department_id, role, claimed_by, opened_on, limit_days) VALUES {}",
        crate::db::value_lists(rows.len(), 7)
    );
    let insert = batch.statement(sql);
    for row in rows {
        insert
            .bind(id)
            .bind(row.step)
            .bind(row.department_id)
            .bind(row.role.as_str())
            .bind(row.claimed_by)
            .bind(row.opened_on.to_string())
            .bind(i64::from(row.limit_days));
    }
}

/// An open step in an inbox.
#[derive(Debug, Clone)]
pub struct Task {
    pub case_id: i64,
    pub case_number: Option<String>,
    pub implementation_code: String,
    pub step: String,
    /// the step's name (审核), from its watch; None for an intake
    pub step_name: Option<String>,
    pub claimed_by: Option<String>,
    pub applicant_name_masked: String,
    /// when the step's own clock rises to each alert level (None: stopped, or an intake)
    pub dates: Option<LevelDates>,
}

impl Task {
    /// From a row of (case id, case number, implementation code, step, claimed by, applicant,
    /// warning_on, yellow_on, red_on, step name).
    fn from_row(r: &sqlx::any::AnyRow) -> Result<Task, StoreError> {
        let day = |i: usize| -> Result<Option<Date>, StoreError> {
            r.try_get::<Option<String>, _>(i)?
                .map(|d| {
                    d.parse()
                        .map_err(|_| StoreError::corrupt(format!("watch day {d}")))
                })
                .transpose()
        };
        let dates = match (day(6)?, day(7)?, day(8)?) {
            (Some(warning_on), Some(yellow_on), Some(red_on)) => Some(LevelDates {
                warning_on,
                yellow_on,
                red_on,
            }),
            _ => None,
        };
        Ok(Task {
            case_id: r.try_get(0)?,
            case_number: r.try_get(1)?,
            implementation_code: r.try_get(2)?,
            step: r.try_get(3)?,
            step_name: r.try_get(9)?,
            claimed_by: r.try_get(4)?,
            applicant_name_masked: r.try_get(5)?,
            dates,
        })
    }
}

/// The open steps a department's staff in a role may act at, oldest first.
pub async fn inbox(
    store: &Store,
    department_id: i64,
    role: tongban_domain::access::Role,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    sqlx::query::<Any>(
        "SELECT t.case_id, c.case_number, c.implementation_code, t.step, t.claimed_by, c.applicant_name_masked, \
         w.warning_on, w.yellow_on, w.red_on, w.step_name \
         FROM case_tasks t JOIN cases c ON c.id = t.case_id \
         LEFT JOIN case_watch w ON w.case_id = t.case_id AND w.step = t.step \
         WHERE t.department_id = $1 AND t.role = $2 ORDER BY t.opened_on, t.case_id LIMIT $3",
    )
    .bind(department_id)
    .bind(role.as_str())
    .bind(limit)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(Task::from_row)
    .collect()
}

/// Applications waiting for an intake decision: at a hall's windows, those that hall took
/// in; at the centre's (a window without a hall), every one, online applications included.
pub async fn awaiting_intake(
    store: &Store,
    hall: Option<i64>,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    sqlx::query::<Any>(
        "SELECT id, case_number, implementation_code, '', CAST(NULL AS TEXT), applicant_name_masked, \
         CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT) \
         FROM cases WHERE phase = 'submitted' AND ($2 IS NULL OR received_at = $2) \
         ORDER BY submitted_at, id LIMIT $1",
    )
    .bind(limit)
    .bind(hall)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(Task::from_row)
    .collect()
}

/// Results waiting to be handed over: at a hall's windows, those of the cases it received;
/// at the centre's, every one. Oldest closing first.
pub async fn awaiting_delivery(
    store: &Store,
    hall: Option<i64>,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    sqlx::query::<Any>(
        "SELECT t.case_id, c.case_number, c.implementation_code, t.step, t.claimed_by, \
         c.applicant_name_masked, CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), '待送达' \
         FROM case_tasks t JOIN cases c ON c.id = t.case_id \
         WHERE t.step = $1 AND t.role = $2 AND ($4 IS NULL OR t.department_id = $4) \
         ORDER BY t.opened_on, t.case_id LIMIT $3",
    )
    .bind(DELIVERY_TASK)
    .bind(Role::WindowClerk.as_str())
    .bind(limit)
    .bind(hall)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(Task::from_row)
    .collect()
}

/// A case in its applicant's list ("my cases").
#[derive(Debug, Clone)]
pub struct ApplicantCase {
    pub id: i64,
    /// None until accepted
    pub case_number: Option<String>,
    pub item_name: String,
    /// as stored: submitted, in_progress, decided, closed, …
    pub phase: String,
    pub submitted_at: i64,
    pub updated_at: i64,
}

/// The cases an account applied for online, most recently changed first.
pub async fn of_applicant(
    store: &Store,
    user_id: i64,
    limit: i64,
) -> Result<Vec<ApplicantCase>, StoreError> {
    sqlx::query::<Any>(
        "SELECT c.id, c.case_number, COALESCE(i.name, c.implementation_code), c.phase, \
         c.submitted_at, c.updated_at FROM cases c \
         LEFT JOIN implementations i ON i.code = c.implementation_code \
         WHERE c.applicant_user_id = $1 ORDER BY c.updated_at DESC, c.id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(ApplicantCase {
            id: r.try_get(0)?,
            case_number: r.try_get(1)?,
            item_name: r.try_get(2)?,
            phase: r.try_get(3)?,
            submitted_at: r.try_get(4)?,
            updated_at: r.try_get(5)?,
        })
    })
    .collect()
}

/// Rebuilds one case's derived rows from its events: its state columns (phase, department,
/// version, number, receiving hall), its inbox rows and its supervision watches, with what
/// its clocks reached on `today` raised. Nothing in the history changes.
pub async fn rebuild(
    store: &Store,
    context: &ActContext<'_>,
    id: i64,
    today: Date,
    now_millis: i64,
) -> Result<(), StoreError> {
    let stored = load(store, id)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("case {id}")))?;
    let case = &stored.case;
    let mut tx = store.write().await?;
    sqlx::query::<Any>(
        "UPDATE cases SET phase = $1, department_id = $2, version = $3, \
         case_number = COALESCE($4, case_number), received_at = $5 WHERE id = $6",
    )
    .bind(case.phase.as_str())
    .bind(case.department_id)
    .bind(case.version as i64)
    .bind(case.case_number.as_deref())
    .bind(case.received_at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let mut batch = Batch::default();
    write_tasks(&mut batch, id, case);
    let watches = case.watches(context.calendar, context.settings);
    let standings = crate::supervision::standings_in(&mut tx, id).await?;
    let clocks = (&standings, watches.as_slice());
    crate::supervision::rewatch(&mut tx, &mut batch, id, clocks, today, now_millis).await?;
    batch.run(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Case ids after `after`, in order, at most `limit`: for walking every case in batches.
pub async fn ids_after(store: &Store, after: i64, limit: i64) -> Result<Vec<i64>, StoreError> {
    sqlx::query::<Any>("SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
}

/// A case with its history, replayed.
pub async fn load(store: &Store, id: i64) -> Result<Option<StoredCase>, StoreError> {
    let memory = store.case_memory();
    if let Some(remembered) = memory.recall(id) {
        let version = Statement::new("SELECT version FROM cases WHERE id = $1").with(id);
        let rows = store.read_now(version).await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        if row.get::<i64>(0)? as u64 == remembered.case.version {
            return Ok(Some(StoredCase::clone(&remembered)));
        }
    }
    let stored = load_events(store, id).await?;
    if let Some(stored) = &stored {
        memory.remember(stored.clone());
    }
    Ok(stored)
}

/// A case with its history, read and replayed.
async fn load_events(store: &Store, id: i64) -> Result<Option<StoredCase>, StoreError> {
    // The case's row and its events in one statement (every act and case view reads it).
    let statement = Statement::new(
        "SELECT c.applicant_name_masked, c.applicant_user_id, c.bundle_application_id, e.event \
         FROM cases c LEFT JOIN case_events e ON e.case_id = c.id WHERE c.id = $1 ORDER BY e.seq",
    )
    .with(id);
    let rows = store.read_now(statement).await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let mut events = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(text) = r.get::<Option<String>>(3)? {
            events.push(serde_json::from_str(&text).map_err(StoreError::corrupt)?);
        }
    }
    let case = Case::replay(&events)
        .ok_or_else(|| StoreError::corrupt(format!("case {id} has no submission")))?;
    Ok(Some(StoredCase {
        id,
        case,
        events,
        applicant_name_masked: row.get(0)?,
        applicant_user_id: row.get(1)?,
        bundle_application_id: row.get(2)?,
    }))
}

/// How many cases there are.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(sqlx::query::<Any>("SELECT COUNT(*) FROM cases")
        .fetch_one(store.pool())
        .await?
        .try_get(0)?)
}

/// The id of the case with this number.
pub async fn id_of(store: &Store, case_number: &str) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query::<Any>("SELECT id FROM cases WHERE case_number = $1")
            .bind(case_number.trim())
            .fetch_optional(store.pool())
            .await?
            .map(|r| r.try_get(0))
            .transpose()?,
    )
}

/// The applicant in full, for the staff who handle the case and for notices.
pub async fn applicant(store: &Store, key: &DataKey, id: i64) -> Result<Applicant, StoreError> {
    let row = sqlx::query::<Any>("SELECT applicant_sealed FROM cases WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| StoreError::not_found(format!("case {id}")))?;
    let sealed: String = row.try_get(0)?;
    serde_json::from_str(&key.open(&sealed)?).map_err(StoreError::corrupt)
}

/// Progress without signing in: the case number and its query password.
pub async fn look_up(
    store: &Store,
    key: &DataKey,
    case_number: &str,
    password: &str,
) -> Result<Option<StoredCase>, StoreError> {
    let found = find_by_query_password(
        store,
        key,
        ("cases", "case_number", QUERY_PASSWORD_PURPOSE),
        case_number,
        password,
    )
    .await?;
    match found {
        Some(id) => load(store, id).await,
        None => Ok(None),
    }
}

/// Does one act on a case: `decide` sees the case as stored now and makes the event (or
/// refuses); the event is appended only if no other act landed in between. A repeated
/// idempotency key answers with the case as it is and does nothing.
pub async fn act(
    store: &Store,
    context: &ActContext<'_>,
    id: i64,
    actor: &str,
    idempotency_key: Option<&str>,
    decide: impl FnOnce(&StoredCase) -> Result<CaseEvent, CaseError>,
) -> Result<Acted, ActError> {
    let stored = load(store, id)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("case {id}")))?;
    if let Some(idempotency_key) = idempotency_key
        && already_done(store, actor, idempotency_key).await?
    {
        return Ok(Acted {
            stored,
            repeated: true,
            query_password: None,
        });
    }
    let event = decide(&stored).map_err(ActError::Refused)?;
    append(store, context, stored, event, actor, idempotency_key).await
}

/// Appends an event made from `stored` (see [`act`]); refused as a conflict when the case
/// moved on since it was loaded.
pub async fn append(
    store: &Store,
    context: &ActContext<'_>,
    stored: StoredCase,
    event: CaseEvent,
    actor: &str,
    idempotency_key: Option<&str>,
) -> Result<Acted, ActError> {
    let id = stored.id;
    let mut next = stored.case.clone();
    next.apply(&event);
    let (query_password, password_hash) = match &event.change {
        Change::Accepted { .. } => {
            let password = new_query_password();
            let hash =
                query_password_fingerprint(context.key, QUERY_PASSWORD_PURPOSE, id, &password);
            (Some(password), Some(hash))
        }
        _ => (None, None),
    };
    let case_label = next.case_number.clone().unwrap_or_else(|| format!("#{id}"));
    let record = ActRecord {
        standings: crate::supervision::standings(store, id).await?,
        id,
        expected: stored.case.version as i64,
        watches: next.watches(context.calendar, context.settings),
        flags: event.change.flags(context.settings),
        notice: event.change.applicant_notice(&case_label),
        applicant_user_id: stored.applicant_user_id,
        sms: context.sms,
        actor: actor.to_owned(),
        idempotency_key: idempotency_key.map(str::to_owned),
        password_hash,
        sealed_answer: idempotency_key
            .and(query_password.as_deref())
            .map(|password| context.key.seal(password)),
        next,
        event,
    };
    let (record, recorded) = match store.act_queue() {
        Some(queue) => queue.record(record).await,
        None => {
            let recorded = record_act(store, &record).await;
            (record, recorded)
        }
    };
    if !recorded? {
        // The same request landed while this one was deciding.
        let stored = load(store, id)
            .await?
            .ok_or_else(|| StoreError::not_found(format!("case {id}")))?;
        let query_password = match idempotency_key {
            Some(key) => remembered_answer(store, context.key, actor, key).await?,
            None => None,
        };
        return Ok(Acted {
            stored,
            repeated: true,
            query_password,
        });
    }
    let mut events = stored.events;
    events.push(record.event);
    let stored = StoredCase {
        id,
        case: record.next,
        events,
        applicant_name_masked: stored.applicant_name_masked,
        applicant_user_id: stored.applicant_user_id,
        bundle_application_id: stored.bundle_application_id,
    };
    // the case's next act, most often soon (the next step), need not read it again
    store.case_memory().remember(stored.clone());
    Ok(Acted {
        stored,
        repeated: false,
        query_password,
    })
}

/// Everything an act writes, made before its write transaction begins, so that the
/// transaction needs nothing of the request (see [`ActQueue`]).
pub(crate) struct ActRecord {
    id: i64,
    /// the case's version the act was decided on
    expected: i64,
    /// the case with the event applied
    next: Case,
    event: CaseEvent,
    /// the case's clocks' alerts as they stood when the act was decided
    standings: crate::supervision::Standings,
    watches: Vec<tongban_domain::case::Watch>,
    flags: Vec<tongban_domain::case::Flag>,
    notice: Option<tongban_domain::case::ApplicantNotice>,
    applicant_user_id: Option<i64>,
    sms: bool,
    actor: String,
    idempotency_key: Option<String>,
    /// at acceptance: the query password's fingerprint
    password_hash: Option<String>,
    /// at acceptance with an idempotency key: the password sealed, for a retry's answer
    sealed_answer: Option<String>,
}

/// Writes an act in a transaction of its own: false when its idempotency key was used
/// meanwhile (nothing written), a conflict when another act moved the case on first or a
/// tick ran since its standings were read.
async fn record_act(store: &Store, act: &ActRecord) -> Result<bool, ActError> {
    let mut tx = store.write_hot().await?;
    match write_act(&mut tx, act).await? {
        Written::Done => {
            tx.commit().await?;
            Ok(true)
        }
        Written::Conflict => {
            tx.rollback().await?;
            Err(act_conflict())
        }
        Written::KeyUsed => {
            tx.rollback().await?;
            Ok(false)
        }
    }
}

/// What writing an act into a transaction came to.
enum Written {
    Done,
    /// another act moved the case on first, or a tick ran since the standings were read:
    /// nothing was written
    Conflict,
    /// the idempotency key was used meanwhile: the case's row was written and must be
    /// rolled back
    KeyUsed,
}

fn act_conflict() -> ActError {
    ActError::Store(StoreError::conflict(
        "办件已被他人处理，请刷新后查看最新状态",
        "someone else acted on this case first; reload to see where it stands",
    ))
}

/// Writes an act into `tx`, leaving its end to the caller. Through sqlx it makes a round trip
/// for the case's row, one for the key (with one), one a batch (see [`Batch`]; on PostgreSQL
/// a statement each), and more only for an act that raises an alert; on SQLite's writer
/// connection none (see `sqlite_writer`).
async fn write_act(tx: &mut impl Writes, act: &ActRecord) -> Result<Written, ActError> {
    let (id, event, next) = (act.id, &act.event, &act.next);
    let actor = act.actor.as_str();
    let mut update = Statement::new(
        "UPDATE cases SET version = $1, phase = $2, department_id = $3, \
         case_number = COALESCE($4, case_number), \
         query_password_hash = COALESCE($5, query_password_hash), updated_at = $6 \
         WHERE id = $7 AND version = $8 \
         AND (SELECT last_day FROM supervision_ticks WHERE id = 1) = $9",
    );
    update
        .bind(act.expected + 1)
        .bind(next.phase.as_str())
        .bind(next.department_id)
        .bind(next.case_number.as_deref())
        .bind(act.password_hash.as_deref())
        .bind(event.at_millis)
        .bind(id)
        .bind(act.expected)
        // a tick since the standings were read moves the alerts they stand for
        .bind(act.standings.ticked_to.as_str());
    let moved = tx.execute(update).await?;
    if moved == 0 {
        return Ok(Written::Conflict);
    }
    let seq = (id, act.expected + 1);
    let (key, sealed_answer) = (act.idempotency_key.as_deref(), act.sealed_answer.as_deref());
    if !remember(tx, actor, key, seq, event.at_millis, sealed_answer).await? {
        return Ok(Written::KeyUsed);
    }
    let mut batch = Batch::default();
    let json = insert_event(&mut batch, id, act.expected + 1, event)?;
    write_tasks(&mut batch, id, next);
    let clocks = (&act.standings, act.watches.as_slice());
    crate::supervision::rewatch(tx, &mut batch, id, clocks, event.on, event.at_millis).await?;
    crate::supervision::flag(
        tx,
        &mut batch,
        id,
        (next.department_id, &event.actor),
        &act.flags,
        event.on,
        event.at_millis,
    )
    .await?;
    if let Some(notice) = &act.notice {
        if let Some(applicant) = act.applicant_user_id {
            crate::outbox::tell_applicant(&mut batch, applicant, notice, event.at_millis);
        }
        // A text message reaches everyone, walk-ins without an account too.
        if act.sms {
            let recipient = format!("case:{id}");
            crate::outbox::text_recipient(&mut batch, &recipient, notice, event.at_millis);
        }
    }
    audit_event(tx, batch, id, event, &json).await?;
    Ok(Written::Done)
}
