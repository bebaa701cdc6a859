//! The outbox: messages to people, queued in the transaction that decided to send them and
//! delivered afterwards by workers on any app server. A worker claims due messages for a
//! lease (on PostgreSQL skipping rows another server holds), sends them outside any
//! transaction, then marks each sent, or failed with the time of the next attempt.

use sqlx::{Any, Row};
use tongban_domain::case::ApplicantNotice;
use tongban_domain::time_limit::AlertLevel;

use crate::batch::Batch;
use crate::supervision::level_of_rank;
use crate::{Backend, Store, StoreError};

/// Queues a notice to an applicant with an account, in the act's batch: in the portal
/// (their messages), and by email when they gave an address.
pub(crate) fn tell_applicant(
    batch: &mut Batch,
    user_id: i64,
    notice: &ApplicantNotice,
    at_millis: i64,
) {
    batch
        .statement(
            "INSERT INTO outbox (channel, recipient, subject, body, created_at, attempts, next_attempt_at) \
             SELECT c.channel, u.username, $2, $3, $4, 0, $4 FROM users u \
             JOIN (SELECT 'portal' AS channel UNION ALL SELECT 'email') c \
             ON c.channel = 'portal' OR u.email IS NOT NULL WHERE u.id = $1",
        )
        .bind(user_id)
        .bind(notice.subject.as_str())
        .bind(notice.body.as_str())
        .bind(at_millis);
}

/// Queues a notice as a text message to the person behind a record (`case:{id}`,
/// `work_order:{id}`): the phone stays sealed on the record and is opened only to send.
pub(crate) fn text_recipient(
    batch: &mut Batch,
    recipient: &str,
    notice: &ApplicantNotice,
    at_millis: i64,
) {
    batch
        .statement(
            "INSERT INTO outbox (channel, recipient, subject, body, created_at, attempts, next_attempt_at) \
             VALUES ('sms', $1, $2, $3, $4, 0, $4)",
        )
        .bind(recipient)
        .bind(notice.subject.as_str())
        .bind(notice.body.as_str())
        .bind(at_millis);
}

/// The phone a text message to `case:{id}` or `work_order:{id}` goes to, opened from the
/// sealed applicant or contact.
pub async fn phone_of(
    store: &Store,
    key: &crate::sealed::DataKey,
    recipient: &str,
) -> Result<Option<String>, StoreError> {
    if let Some(id) = recipient
        .strip_prefix("work_order:")
        .and_then(|id| id.parse::<i64>().ok())
    {
        return crate::work_orders::phone_of(store, key, id).await;
    }
    let Some(id) = recipient
        .strip_prefix("case:")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let Some(row) = sqlx::query::<Any>("SELECT applicant_sealed FROM cases WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
    else {
        return Ok(None);
    };
    let sealed: String = row.try_get(0)?;
    let applicant: tongban_domain::case::Applicant =
        serde_json::from_str(&key.open(&sealed)?).map_err(StoreError::corrupt)?;
    Ok(Some(applicant.phone))
}

/// A message in someone's portal inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalMessage {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// A person's portal messages, newest first.
pub async fn portal_messages(
    store: &Store,
    username: &str,
    limit: i64,
) -> Result<Vec<PortalMessage>, StoreError> {
    sqlx::query::<Any>(
        "SELECT id, subject, body, created_at FROM outbox WHERE channel = 'portal' AND recipient = $1 \
         ORDER BY id DESC LIMIT $2",
    )
    .bind(username)
    .bind(limit)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(PortalMessage {
            id: r.try_get(0)?,
            subject: r.try_get(1)?,
            body: r.try_get(2)?,
            created_at: r.try_get(3)?,
        })
    })
    .collect()
}

/// The kind (`subject`) of a supervision digest listing the recipient's own steps' alerts.
pub const DIGEST_OWN_STEPS: &str = "supervision.responsible";
/// The kind of a supervision digest listing the alerts of the recipient's department.
pub const DIGEST_DEPARTMENT: &str = "supervision.department";

impl Message {
    /// Whether this is a digest of the recipient's own steps (else of their department).
    pub fn is_own_steps_digest(&self) -> bool {
        self.subject == DIGEST_OWN_STEPS
    }
}

/// A message claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub channel: String,
    /// a username, or `case:{id}` for a text message to the case's applicant
    pub recipient: String,
    /// what kind of message: `supervision.responsible`, `supervision.department`, …
    pub subject: String,
    pub body: String,
    /// for a supervision digest: the raise it reports (raised_on, raised_at)
    pub batch: Option<(String, i64)>,
    /// attempts including this one
    pub attempts: i64,
    /// the claim: until when this worker holds the message (its next_attempt_at)
    pub lease_until: i64,
}

/// Claims up to `limit` messages on `channel` that are due at `now_millis`, for `lease_millis`:
/// if the worker dies before marking them, they come due again when the lease ends.
pub async fn claim(
    store: &Store,
    channel: &str,
    now_millis: i64,
    lease_millis: i64,
    limit: i64,
) -> Result<Vec<Message>, StoreError> {
    let skip_locked = match store.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        // one writer at a time: BEGIN IMMEDIATE already holds the database
        Backend::Sqlite => "",
    };
    let mut tx = store.write().await?;
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1 WHERE id IN \
         (SELECT id FROM outbox WHERE channel = $2 AND sent_at IS NULL AND next_attempt_at <= $3 \
         ORDER BY next_attempt_at, id LIMIT $4 {skip_locked}) \
         RETURNING id, channel, recipient, subject, body, batch_on, batch_at, attempts, next_attempt_at"
    )))
    .bind(now_millis + lease_millis)
    .bind(channel)
    .bind(now_millis)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut messages = rows
        .iter()
        .map(message)
        .collect::<Result<Vec<_>, StoreError>>()?;
    messages.sort_by_key(|m| m.id);
    Ok(messages)
}

/// The message went out. False when the claim had lapsed and another worker holds it now
/// (the caller sends no more of its batch).
pub async fn sent(store: &Store, message: &Message, at_millis: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query::<Any>(
        "UPDATE outbox SET sent_at = $1, last_error = NULL \
         WHERE id = $2 AND next_attempt_at = $3 AND sent_at IS NULL",
    )
    .bind(at_millis)
    .bind(message.id)
    .bind(message.lease_until)
    .execute(store.pool())
    .await?
    .rows_affected()
        == 1)
}

/// Whether this worker still holds its claim on the message (checked before each send).
pub async fn still_held(store: &Store, message: &Message) -> Result<bool, StoreError> {
    Ok(sqlx::query::<Any>(
        "SELECT 1 FROM outbox WHERE id = $1 AND next_attempt_at = $2 AND sent_at IS NULL",
    )
    .bind(message.id)
    .bind(message.lease_until)
    .fetch_optional(store.pool())
    .await?
    .is_some())
}

/// The message did not go out: keep why, and try again at `retry_at_millis` (unless the
/// claim had lapsed meanwhile).
pub async fn failed(
    store: &Store,
    message: &Message,
    error: &str,
    retry_at_millis: i64,
) -> Result<(), StoreError> {
    sqlx::query::<Any>(
        "UPDATE outbox SET last_error = $1, next_attempt_at = $2 \
         WHERE id = $3 AND next_attempt_at = $4 AND sent_at IS NULL",
    )
    .bind(error)
    .bind(retry_at_millis)
    .bind(message.id)
    .bind(message.lease_until)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The address an email to a user goes to, if they gave one; for a verification email, the
/// address being verified.
pub async fn email_of(store: &Store, username: &str) -> Result<Option<String>, StoreError> {
    if username.starts_with(crate::account_email::RECIPIENT_PREFIX) {
        return crate::account_email::pending_address(store, username).await;
    }
    Ok(
        sqlx::query::<Any>("SELECT email FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(store.pool())
            .await?
            .map(|r| r.try_get::<Option<String>, _>(0))
            .transpose()?
            .flatten(),
    )
}

/// One alert a digest reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestLine {
    pub case_id: i64,
    pub case_number: Option<String>,
    /// the clock's key ("" the whole case, a step key, or `@…`)
    pub step: String,
    pub step_name: String,
    pub level: AlertLevel,
    pub department: String,
}

/// The alerts a supervision digest reports, most severe first (at most `limit`), and how
/// many there are in all.
pub async fn digest(
    store: &Store,
    message: &Message,
    limit: i64,
) -> Result<(Vec<DigestLine>, i64), StoreError> {
    let Some((day, at)) = &message.batch else {
        return Ok((Vec::new(), 0));
    };
    let scope = if message.is_own_steps_digest() {
        "a.responsible = $3"
    } else {
        "a.department_id = (SELECT department_id FROM users WHERE username = $3)"
    };
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT a.case_id, c.case_number, a.step, a.step_name, a.level, d.name, COUNT(*) OVER () \
         FROM alerts a JOIN cases c ON c.id = a.case_id JOIN departments d ON d.id = a.department_id \
         WHERE a.raised_on = $1 AND a.raised_at = $2 AND {scope} \
         ORDER BY a.level DESC, a.case_id, a.step LIMIT $4"
    )))
    .bind(day)
    .bind(*at)
    .bind(&message.recipient)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    let total = rows
        .first()
        .map(|r| r.try_get::<i64, _>(6))
        .transpose()?
        .unwrap_or(0);
    let lines = rows
        .iter()
        .map(|r| {
            Ok(DigestLine {
                case_id: r.try_get(0)?,
                case_number: r.try_get(1)?,
                step: r.try_get(2)?,
                step_name: r.try_get(3)?,
                level: level_of_rank(r.try_get(4)?),
                department: r.try_get(5)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((lines, total))
}

/// Messages by channel and state, for the people who run the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelFigures {
    pub channel: String,
    pub sent: i64,
    /// not sent yet, never failed
    pub waiting: i64,
    /// not sent yet, failed at least once: retrying
    pub failing: i64,
}

pub async fn figures(store: &Store) -> Result<Vec<ChannelFigures>, StoreError> {
    sqlx::query::<Any>(
        "SELECT channel, SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), \
         SUM(CASE WHEN sent_at IS NULL AND last_error IS NULL THEN 1 ELSE 0 END), \
         SUM(CASE WHEN sent_at IS NULL AND last_error IS NOT NULL THEN 1 ELSE 0 END) \
         FROM outbox GROUP BY channel ORDER BY channel",
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(ChannelFigures {
            channel: r.try_get(0)?,
            sent: r.try_get(1)?,
            waiting: r.try_get(2)?,
            failing: r.try_get(3)?,
        })
    })
    .collect()
}

/// The messages still failing, newest attempt first: what an operator looks at.
pub async fn failing(store: &Store, limit: i64) -> Result<Vec<(Message, String)>, StoreError> {
    sqlx::query::<Any>(
        "SELECT id, channel, recipient, subject, body, batch_on, batch_at, attempts, next_attempt_at, last_error \
         FROM outbox WHERE sent_at IS NULL AND last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| Ok((message(r)?, r.try_get(9)?)))
    .collect()
}

/// A message from a row of: id, channel, recipient, subject, body, batch_on, batch_at, attempts,
/// next_attempt_at.
fn message(r: &sqlx::any::AnyRow) -> Result<Message, StoreError> {
    let batch_on: Option<String> = r.try_get(5)?;
    let batch_at: Option<i64> = r.try_get(6)?;
    Ok(Message {
        id: r.try_get(0)?,
        channel: r.try_get(1)?,
        recipient: r.try_get(2)?,
        subject: r.try_get(3)?,
        body: r.try_get(4)?,
        batch: batch_on.zip(batch_at),
        attempts: r.try_get(7)?,
        lease_until: r.try_get(8)?,
    })
}
