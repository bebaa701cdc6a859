//! Signing in through an external identity provider (统一身份认证 over OpenID Connect).
//! The web adapter talks to the provider; this module keeps the sign-ins under way and
//! decides which account the provider's person is: the one linked to them before, else the
//! real-name account with their resident id (linked now), else a new real-name account
//! opened from what the provider vouches for. Every step is audited.

use rand::RngCore;
use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::access::Actor;
use tongban_domain::external_identity::ExternalPerson;

use crate::accounts::{self, RealNamePerson};
use crate::sealed::DataKey;
use crate::{Store, StoreError, WriteTx, audit, login};

/// A sign-in that left for the provider: what its return must match.
#[derive(Clone, PartialEq, Eq)]
pub struct Pending {
    /// the `state` parameter, also kept in the browser's cookie
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// where the person goes once signed in (a path on this site)
    pub next_path: String,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("next_path", &self.next_path)
            .finish_non_exhaustive()
    }
}

/// Remembers a sign-in that leaves for the provider, forgetting those older than the
/// `login.external_minutes` setting.
pub async fn begin(store: &Store, pending: &Pending, at_millis: i64) -> Result<(), StoreError> {
    let oldest = at_millis - login::policy(store).await?.external_minutes * 60_000;
    let mut tx = store.write().await?;
    sqlx::query::<Any>("DELETE FROM external_logins_pending WHERE started_at < $1")
        .bind(oldest)
        .execute(&mut *tx)
        .await?;
    sqlx::query::<Any>(
        "INSERT INTO external_logins_pending (state, nonce, pkce_verifier, next_path, started_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&pending.state)
    .bind(&pending.nonce)
    .bind(&pending.pkce_verifier)
    .bind(&pending.next_path)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes the sign-in a provider's answer belongs to: once only, and only in time.
pub async fn take(
    store: &Store,
    state: &str,
    at_millis: i64,
) -> Result<Option<Pending>, StoreError> {
    let oldest = at_millis - login::policy(store).await?.external_minutes * 60_000;
    let mut tx = store.write().await?;
    let row = sqlx::query::<Any>(
        "DELETE FROM external_logins_pending WHERE state = $1 \
         RETURNING nonce, pkce_verifier, next_path, started_at",
    )
    .bind(state)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(row) = row else { return Ok(None) };
    if row.try_get::<i64, _>(3)? < oldest {
        return Ok(None);
    }
    Ok(Some(Pending {
        state: state.to_owned(),
        nonce: row.try_get(0)?,
        pkce_verifier: row.try_get(1)?,
        next_path: row.try_get(2)?,
    }))
}

/// The account the provider's person signs in as, linked or opened as needed; audited as a
/// sign-in from `client`.
pub async fn sign_in(
    store: &Store,
    key: &DataKey,
    person: &ExternalPerson,
    client: &str,
    at_millis: i64,
) -> Result<Actor, StoreError> {
    let mut tx = store.write().await?;
    let user_id = match linked_account(&mut tx, person).await? {
        Some(user_id) => user_id,
        None => {
            let user_id = match &person.resident_id {
                Some(id) => accounts::person_with_id_number(&mut tx, key, id).await?,
                None => None,
            };
            let user_id = match user_id {
                Some(user_id) => user_id,
                None => open_account(&mut tx, key, person, at_millis).await?,
            };
            link(&mut tx, person, user_id, at_millis).await?;
            user_id
        }
    };
    tx.commit().await?;
    let Some(actor) = accounts::actor(store, user_id).await? else {
        return Err(StoreError::conflict(
            "该账号已停用，请到服务大厅咨询",
            "this account is disabled; ask at a service hall",
        ));
    };
    let mut tx = store.write().await?;
    let attempt = login::Attempt {
        username: &actor.username,
        password: "",
        client,
        channel: "oidc",
    };
    login::append(
        &mut tx,
        &actor.username,
        "auth.login",
        &attempt,
        at_millis,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(actor)
}

async fn linked_account(
    tx: &mut WriteTx,
    person: &ExternalPerson,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT user_id FROM external_identities WHERE issuer = $1 AND subject = $2",
    )
    .bind(&person.issuer)
    .bind(&person.subject)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        Some(row) => Some(row.try_get(0)?),
        None => None,
    })
}

async fn link(
    tx: &mut WriteTx,
    person: &ExternalPerson,
    user_id: i64,
    at_millis: i64,
) -> Result<(), StoreError> {
    sqlx::query::<Any>(
        "INSERT INTO external_identities (issuer, subject, user_id, linked_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&person.issuer)
    .bind(&person.subject)
    .bind(user_id)
    .bind(at_millis)
    .execute(&mut **tx)
    .await?;
    let detail = serde_json::json!({
        "issuer": person.issuer,
        "subject": person.subject,
    })
    .to_string();
    audit::append(
        tx,
        &audit::AuditEntry {
            at_millis,
            actor: &format!("user:{user_id}"),
            role: "",
            action: "account.external_link",
            subject: &format!("user:{user_id}"),
            detail: &detail,
        },
    )
    .await?;
    Ok(())
}

/// What a new account's username is keyed for: stable per provider and person.
const USERNAME_PURPOSE: &str = "account.external_username";

/// Opens a real-name account from what the provider vouches for. It has no password
/// anyone knows: the person signs in through the provider.
async fn open_account(
    tx: &mut WriteTx,
    key: &DataKey,
    person: &ExternalPerson,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let Some((name, resident_id)) = person.real_name() else {
        return Err(FieldError::new(
            "id_number",
            "统一身份认证平台未提供实名信息（姓名和身份证号码），无法开通账号；请在本平台实名注册",
            "the identity provider did not give a real name and id number, so no account can be opened; register on this platform",
        )
        .into());
    };
    let fingerprint = key.fingerprint(
        USERNAME_PURPOSE,
        &format!("{}\0{}", person.issuer, person.subject),
    );
    let username = format!("id-{}", &fingerprint[..16]);
    accounts::refuse_taken_username(tx, &username).await?;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let hash = accounts::hash_password(hex::encode(secret)).await?;
    let new = RealNamePerson {
        username: &username,
        name,
        resident_id,
        phone: person.phone.as_ref(),
    };
    accounts::insert_person(tx, key, &new, hash, "oidc", at_millis).await
}
