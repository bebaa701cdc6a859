//! Organisations and the people who act for them. The legal representative registers the
//! organisation and names or removes authorised agents; each change is audited, since it
//! decides who may apply in the organisation's name.

use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::access::Actor;
use tongban_domain::organisation::{Capacity, OrganisationRegistration};

use crate::{Store, StoreError, WriteTx, audit};

/// An organisation one belongs to, and in what capacity.
#[derive(Debug, Clone)]
pub struct Membership {
    pub organisation_id: i64,
    pub uscc: String,
    pub name: String,
    pub capacity: Capacity,
}

/// A person acting for an organisation.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub capacity: Capacity,
    pub granted_by: String,
    pub granted_at: i64,
}

async fn record(
    tx: &mut WriteTx,
    actor: &Actor,
    action: &str,
    organisation_id: i64,
    detail: serde_json::Value,
    at_millis: i64,
) -> Result<(), StoreError> {
    audit::append(
        tx,
        &audit::AuditEntry {
            at_millis,
            actor: &actor.username,
            role: "citizen",
            action,
            subject: &format!("organisation:{organisation_id}"),
            detail: &detail.to_string(),
        },
    )
    .await?;
    Ok(())
}

/// Registers an organisation with its legal representative, the registrant, as its first
/// member. A code registered already is a conflict.
pub async fn register(
    store: &Store,
    actor: &Actor,
    organisation: &OrganisationRegistration,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let mut tx = store.write().await?;
    let taken = sqlx::query::<Any>("SELECT id FROM organisations WHERE uscc = $1")
        .bind(organisation.uscc.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::conflict_on(
            "uscc",
            "该统一社会信用代码已注册；请联系本单位法定代表人授权",
            "this organisation is registered already; ask its legal representative to name you",
        ));
    }
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO organisations (uscc, name, legal_representative, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(organisation.uscc.as_str())
    .bind(&organisation.name)
    .bind(&organisation.legal_representative)
    .bind(at_millis)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    insert_member(
        &mut tx,
        id,
        actor.user_id,
        Capacity::LegalRepresentative,
        actor,
        at_millis,
    )
    .await?;
    let detail = serde_json::json!({"uscc": organisation.uscc.as_str(), "name": organisation.name});
    record(
        &mut tx,
        actor,
        "organisation.register",
        id,
        detail,
        at_millis,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_member(
    tx: &mut WriteTx,
    organisation_id: i64,
    user_id: i64,
    capacity: Capacity,
    by: &Actor,
    at_millis: i64,
) -> Result<(), StoreError> {
    sqlx::query::<Any>(
        "INSERT INTO organisation_members (organisation_id, user_id, capacity, granted_by, granted_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(organisation_id)
    .bind(user_id)
    .bind(capacity.as_str())
    .bind(&by.username)
    .bind(at_millis)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The organisation, if `actor` is its legal representative; otherwise not found, so no
/// one learns about organisations that are not theirs to manage.
async fn represented<'c>(
    executor: impl sqlx::Executor<'c, Database = Any>,
    actor: &Actor,
    organisation_id: i64,
) -> Result<(), StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT capacity FROM organisation_members WHERE organisation_id = $1 AND user_id = $2",
    )
    .bind(organisation_id)
    .bind(actor.user_id)
    .fetch_optional(executor)
    .await?;
    match row.map(|r| r.try_get::<String, _>(0)).transpose()? {
        Some(c) if c == Capacity::LegalRepresentative.as_str() => Ok(()),
        _ => Err(StoreError::not_found(format!(
            "organisation:{organisation_id}"
        ))),
    }
}

/// The legal representative names a citizen account as an authorised agent.
pub async fn add_agent(
    store: &Store,
    actor: &Actor,
    organisation_id: i64,
    username: &str,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let mut tx = store.write().await?;
    represented(&mut *tx, actor, organisation_id).await?;
    let unknown = || {
        StoreError::Invalid(FieldError::new(
            "username",
            "没有这个个人实名账号",
            "there is no citizen account by that username",
        ))
    };
    let user_id: i64 = sqlx::query::<Any>(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE u.username = $1 AND u.disabled = 0 AND r.role = 'citizen'",
    )
    .bind(username.trim())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(unknown)?
    .try_get(0)?;
    let already = sqlx::query::<Any>(
        "SELECT 1 FROM organisation_members WHERE organisation_id = $1 AND user_id = $2",
    )
    .bind(organisation_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    if already.is_some() {
        return Err(StoreError::conflict_on(
            "username",
            "此人已经可以代表本单位办事",
            "this person acts for the organisation already",
        ));
    }
    insert_member(
        &mut tx,
        organisation_id,
        user_id,
        Capacity::AuthorisedAgent,
        actor,
        at_millis,
    )
    .await?;
    let detail = serde_json::json!({"member": username.trim(), "capacity": Capacity::AuthorisedAgent.as_str()});
    record(
        &mut tx,
        actor,
        "organisation.member.add",
        organisation_id,
        detail,
        at_millis,
    )
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// The legal representative withdraws an agent's authorisation (not their own).
pub async fn remove_agent(
    store: &Store,
    actor: &Actor,
    organisation_id: i64,
    user_id: i64,
    at_millis: i64,
) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    represented(&mut *tx, actor, organisation_id).await?;
    let removed = sqlx::query::<Any>(
        "DELETE FROM organisation_members WHERE organisation_id = $1 AND user_id = $2 AND capacity = $3",
    )
    .bind(organisation_id)
    .bind(user_id)
    .bind(Capacity::AuthorisedAgent.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed == 0 {
        return Err(StoreError::not_found(format!("member:{user_id}")));
    }
    let detail = serde_json::json!({"member_id": user_id});
    record(
        &mut tx,
        actor,
        "organisation.member.remove",
        organisation_id,
        detail,
        at_millis,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The organisations an account acts for.
pub async fn memberships(store: &Store, user_id: i64) -> Result<Vec<Membership>, StoreError> {
    sqlx::query::<Any>(
        "SELECT o.id, o.uscc, o.name, m.capacity FROM organisation_members m \
         JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = $1 ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Membership {
            organisation_id: r.try_get(0)?,
            uscc: r.try_get(1)?,
            name: r.try_get(2)?,
            capacity: capacity_of(&r.try_get::<String, _>(3)?)?,
        })
    })
    .collect()
}

/// The people acting for an organisation, for its legal representative.
pub async fn members(
    store: &Store,
    actor: &Actor,
    organisation_id: i64,
) -> Result<Vec<Member>, StoreError> {
    // A read: no write transaction (on SQLite that would queue behind every writer).
    represented(store.pool(), actor, organisation_id).await?;
    let rows = sqlx::query::<Any>(
        "SELECT u.id, u.username, u.display_name, m.capacity, m.granted_by, m.granted_at \
         FROM organisation_members m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 ORDER BY m.granted_at, u.id",
    )
    .bind(organisation_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Member {
                user_id: r.try_get(0)?,
                username: r.try_get(1)?,
                display_name: r.try_get(2)?,
                capacity: capacity_of(&r.try_get::<String, _>(3)?)?,
                granted_by: r.try_get(4)?,
                granted_at: r.try_get(5)?,
            })
        })
        .collect()
}

/// In what capacity an account acts for the organisation with this code, if at all.
pub async fn capacity_for(
    store: &Store,
    user_id: i64,
    uscc: &str,
) -> Result<Option<Capacity>, StoreError> {
    sqlx::query::<Any>(
        "SELECT m.capacity FROM organisation_members m JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.user_id = $1 AND o.uscc = $2",
    )
    .bind(user_id)
    .bind(uscc)
    .fetch_optional(store.pool())
    .await?
    .map(|r| capacity_of(&r.try_get::<String, _>(0)?))
    .transpose()
}

fn capacity_of(text: &str) -> Result<Capacity, StoreError> {
    Capacity::parse(text).ok_or_else(|| StoreError::corrupt(format!("capacity {text}")))
}
