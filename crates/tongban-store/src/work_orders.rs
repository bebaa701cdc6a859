//! Work orders (工单): enquiries, requests for help, complaints, reports and suggestions,
//! routed to the department that owns the matter and answered by it. The contact is sealed;
//! the submitter follows the answer in their user centre, or with the number and query
//! password when they were not signed in. Submitting and answering are audited.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::access::Actor;
use tongban_domain::calendar::Calendar;
use tongban_domain::case::ApplicantNotice;
use tongban_domain::work_order::{
    AnswerLimits, DeskScope, RequestKind, WorkOrderDesk, WorkOrderSubmission, check_answer,
    work_order_number,
};

use crate::batch::Batch;
use crate::cases::{find_by_query_password, new_query_password, query_password_fingerprint};
use crate::sealed::DataKey;
use crate::{Store, StoreError, audit, outbox};

const PASSWORD_PURPOSE: &str = "work-order-password";

/// The sealed contact of a work order.
#[derive(Serialize, Deserialize)]
struct Contact {
    name: String,
    phone: String,
}

/// What the submitter is told once: the number, the password to look it up, the due day.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub id: i64,
    pub number: String,
    pub query_password: String,
    pub due_on: String,
    pub department: String,
}

/// A work order as staff and its submitter see it: the contact masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOrder {
    pub id: i64,
    pub number: String,
    pub kind: RequestKind,
    pub channel: String,
    pub subject: String,
    pub text: String,
    pub item_code: Option<String>,
    pub department_id: i64,
    pub department: String,
    pub submitted_by: Option<i64>,
    pub contact_name: String,
    pub contact_phone: String,
    pub submitted_at: i64,
    pub due_on: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<i64>,
}

/// The answer limits, defaults where the database holds none (data, not code).
pub async fn answer_limits(store: &Store) -> Result<AnswerLimits, StoreError> {
    let stored = crate::settings::load(store, &["work_order.limit."]).await?;
    let mut limits = AnswerLimits::default();
    for kind in RequestKind::ALL {
        stored.set(&kind.limit_setting(), limits.days_mut(kind))?;
    }
    Ok(limits)
}

/// The department a submission goes to: the named item's owner, else the one chosen.
async fn route(
    store: &Store,
    submission: &WorkOrderSubmission,
) -> Result<(i64, String), StoreError> {
    let department_id = match &submission.item_code {
        Some(code) => {
            crate::catalog::current(store, code)
                .await?
                .ok_or_else(|| {
                    StoreError::Invalid(FieldError::new(
                        "item_code",
                        "清单中没有该事项",
                        "there is no such item in the catalog",
                    ))
                })?
                .snapshot
                .department_id
        }
        None => submission.department_id.expect("checked by the domain"),
    };
    let department = crate::catalog::department(store, department_id)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(FieldError::new(
                "department_id",
                "没有该部门",
                "there is no such department",
            ))
        })?;
    Ok((department_id, department.name))
}

/// How a work order came in: who sent it (signed in or not), by which channel (e.g. `web`),
/// on which day and at which instant.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub submitter: Option<&'a Actor>,
    pub channel: &'a str,
    pub on: Date,
    pub at_millis: i64,
}

/// Takes in a work order, routes it and sets the day its answer is due.
pub async fn submit(
    store: &Store,
    key: &DataKey,
    calendar: &Calendar,
    submission: &WorkOrderSubmission,
    received: Received<'_>,
) -> Result<Submitted, StoreError> {
    let (department_id, department) = route(store, submission).await?;
    let days = answer_limits(store).await?.days(submission.kind);
    let due_on = calendar
        .add_workdays(received.on, days)
        .map_err(|e| StoreError::Invalid(FieldError::of("submitted_on", &e)))?
        .to_string();
    let contact = serde_json::to_string(&Contact {
        name: submission.contact_name.clone(),
        phone: submission.contact_phone.as_str().to_owned(),
    })
    .map_err(StoreError::corrupt)?;
    let Received {
        submitter,
        channel,
        on,
        at_millis,
    } = received;
    let mut tx = store.write().await?;
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO work_orders (kind, channel, subject, text, item_code, department_id, \
         submitted_by, contact_sealed, submitted_at, due_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(submission.kind.as_str())
    .bind(channel)
    .bind(&submission.subject)
    .bind(&submission.text)
    .bind(submission.item_code.as_deref())
    .bind(department_id)
    .bind(submitter.map(|a| a.user_id))
    .bind(key.seal(&contact))
    .bind(at_millis)
    .bind(&due_on)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let number = work_order_number(id, on);
    let query_password = new_query_password();
    sqlx::query::<Any>(
        "UPDATE work_orders SET number = $1, query_password_hash = $2 WHERE id = $3",
    )
    .bind(&number)
    .bind(query_password_fingerprint(
        key,
        PASSWORD_PURPOSE,
        id,
        &query_password,
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({
        "kind": submission.kind.as_str(),
        "channel": channel,
        "department_id": department_id,
        "item_code": submission.item_code,
        "contact_phone": submission.contact_phone.masked(),
    });
    audit::append(
        &mut tx,
        &audit::AuditEntry {
            at_millis,
            actor: submitter.map_or("public", |a| a.username.as_str()),
            role: if submitter.is_some() {
                "applicant"
            } else {
                "public"
            },
            action: "work_order.submit",
            subject: &format!("work_order:{id}"),
            detail: &detail.to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Submitted {
        id,
        number,
        query_password,
        due_on,
        department,
    })
}

const COLUMNS: &str = "w.id, w.number, w.kind, w.channel, w.subject, w.text, w.item_code, \
    w.department_id, d.name, w.submitted_by, w.contact_sealed, w.submitted_at, w.due_on, \
    w.answer, w.answered_by, w.answered_at";

fn from_row(key: &DataKey, row: &sqlx::any::AnyRow) -> Result<WorkOrder, StoreError> {
    let kind: String = row.try_get(2)?;
    let contact: Contact = serde_json::from_str(&key.open(&row.try_get::<String, _>(10)?)?)
        .map_err(StoreError::corrupt)?;
    let phone = tongban_domain::account::MobilePhone::parse(&contact.phone)
        .map(|p| p.masked())
        .unwrap_or_else(|_| "*".repeat(contact.phone.chars().count()));
    Ok(WorkOrder {
        id: row.try_get(0)?,
        number: row.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
        kind: RequestKind::parse(&kind).ok_or_else(|| StoreError::corrupt(&kind))?,
        channel: row.try_get(3)?,
        subject: row.try_get(4)?,
        text: row.try_get(5)?,
        item_code: row.try_get(6)?,
        department_id: row.try_get(7)?,
        department: row.try_get(8)?,
        submitted_by: row.try_get(9)?,
        contact_name: tongban_domain::case::mask_name(&contact.name),
        contact_phone: phone,
        submitted_at: row.try_get(11)?,
        due_on: row.try_get(12)?,
        answer: row.try_get(13)?,
        answered_by: row.try_get(14)?,
        answered_at: row.try_get(15)?,
    })
}

fn all_from_rows(key: &DataKey, rows: &[sqlx::any::AnyRow]) -> Result<Vec<WorkOrder>, StoreError> {
    rows.iter().map(|row| from_row(key, row)).collect()
}

async fn load(store: &Store, key: &DataKey, id: i64) -> Result<Option<WorkOrder>, StoreError> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM work_orders w JOIN departments d ON d.id = w.department_id WHERE w.id = $1"
    )))
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .map(|row| from_row(key, &row))
    .transpose()
}

/// A work order the desk may see; one of another department's is not found, so staff learn
/// nothing of other departments' work orders.
pub async fn get(
    store: &Store,
    key: &DataKey,
    desk: &WorkOrderDesk<'_>,
    id: i64,
) -> Result<WorkOrder, StoreError> {
    match load(store, key, id).await? {
        Some(order) if desk.covers(order.department_id) => Ok(order),
        _ => Err(StoreError::not_found(format!("work_order:{id}"))),
    }
}

/// The submitter's own work order (signed in).
pub async fn own(
    store: &Store,
    key: &DataKey,
    actor: &Actor,
    id: i64,
) -> Result<WorkOrder, StoreError> {
    match load(store, key, id).await? {
        Some(order) if order.submitted_by == Some(actor.user_id) => Ok(order),
        _ => Err(StoreError::not_found(format!("work_order:{id}"))),
    }
}

/// The desk's work orders: unanswered first by due day, then answered, newest first.
pub async fn list(
    store: &Store,
    key: &DataKey,
    desk: &WorkOrderDesk<'_>,
    open_only: bool,
    limit: i64,
) -> Result<Vec<WorkOrder>, StoreError> {
    let department = match desk.scope {
        DeskScope::Department(id) => Some(id),
        DeskScope::Every => None,
    };
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM work_orders w JOIN departments d ON d.id = w.department_id \
         WHERE ($1 IS NULL OR w.department_id = $1) AND ($2 = 0 OR w.answered_at IS NULL) \
         ORDER BY CASE WHEN w.answered_at IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN w.answered_at IS NULL THEN w.due_on ELSE '' END, w.id DESC LIMIT $3"
    )))
    .bind(department)
    .bind(i64::from(open_only))
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    all_from_rows(key, &rows)
}

/// What a signed-in person submitted, newest first.
pub async fn submitted_by(
    store: &Store,
    key: &DataKey,
    actor: &Actor,
    limit: i64,
) -> Result<Vec<WorkOrder>, StoreError> {
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM work_orders w JOIN departments d ON d.id = w.department_id \
         WHERE w.submitted_by = $1 ORDER BY w.id DESC LIMIT $2"
    )))
    .bind(actor.user_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    all_from_rows(key, &rows)
}

/// A work order by its number and query password, without signing in; a wrong pair is
/// simply not found.
pub async fn look_up(
    store: &Store,
    key: &DataKey,
    number: &str,
    password: &str,
) -> Result<Option<WorkOrder>, StoreError> {
    let found = find_by_query_password(
        store,
        key,
        ("work_orders", "number", PASSWORD_PURPOSE),
        number,
        password,
    )
    .await?;
    match found {
        Some(id) => load(store, key, id).await,
        None => Ok(None),
    }
}

/// The desk answers a work order once; the submitter is told in the portal (with an
/// account), or by text message when a gateway is configured (`sms`).
pub async fn answer(
    store: &Store,
    key: &DataKey,
    desk: &WorkOrderDesk<'_>,
    id: i64,
    text: &str,
    sms: bool,
    at_millis: i64,
) -> Result<WorkOrder, StoreError> {
    let order = get(store, key, desk, id).await?;
    if !desk.may_answer {
        return Err(StoreError::conflict(
            "您可以查看工单，但答复由承办部门或热线坐席作出",
            "you may read work orders; the department or a hotline agent answers them",
        ));
    }
    let text = check_answer(text).map_err(StoreError::Invalid)?;
    let mut tx = store.write().await?;
    let answered = sqlx::query::<Any>(
        "UPDATE work_orders SET answer = $1, answered_by = $2, answered_at = $3 \
         WHERE id = $4 AND answered_at IS NULL",
    )
    .bind(&text)
    .bind(&desk.actor.username)
    .bind(at_millis)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if answered == 0 {
        return Err(StoreError::conflict(
            "该工单已答复",
            "this work order has been answered already",
        ));
    }
    audit::append(
        &mut tx,
        &audit::AuditEntry {
            at_millis,
            actor: &desk.actor.username,
            role: desk.role.as_str(),
            action: "work_order.answer",
            subject: &format!("work_order:{id}"),
            detail: &serde_json::json!({ "answer_chars": text.chars().count() }).to_string(),
        },
    )
    .await?;
    let notice = ApplicantNotice {
        milestone: "work_order_answered",
        subject: format!("您的{}已答复 {}", order.kind.name_zh(), order.number),
        body: format!("{}：{}", order.department, text),
    };
    let mut batch = Batch::default();
    match order.submitted_by {
        Some(user_id) => outbox::tell_applicant(&mut batch, user_id, &notice, at_millis),
        None if sms => {
            outbox::text_recipient(&mut batch, &format!("work_order:{id}"), &notice, at_millis)
        }
        None => {}
    }
    batch.run(&mut tx).await?;
    tx.commit().await?;
    Ok(WorkOrder {
        answer: Some(text),
        answered_by: Some(desk.actor.username.clone()),
        answered_at: Some(at_millis),
        ..order
    })
}

/// The phone a text message to `work_order:{id}` goes to, opened from the sealed contact.
pub(crate) async fn phone_of(
    store: &Store,
    key: &DataKey,
    id: i64,
) -> Result<Option<String>, StoreError> {
    let Some(row) = sqlx::query::<Any>("SELECT contact_sealed FROM work_orders WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
    else {
        return Ok(None);
    };
    let contact: Contact = serde_json::from_str(&key.open(&row.try_get::<String, _>(0)?)?)
        .map_err(StoreError::corrupt)?;
    Ok(Some(contact.phone))
}
