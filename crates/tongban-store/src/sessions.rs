//! Sign-in sessions: cookie sessions for pages and bearer tokens for the API. Only a hash
//! of each token is stored, so a copy of the database does not let anyone sign in.

use sha2::{Digest, Sha256};
use sqlx::{Any, Row};
use tongban_domain::access::Actor;

use crate::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    ApiToken,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::ApiToken => "api",
        }
    }
}

/// How long sessions live, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle_millis: i64,
    pub absolute_millis: i64,
}

/// A new session: the secret token goes to the client once and is never stored.
pub struct IssuedSession {
    pub token: String,
    pub csrf_token: String,
}

/// A session that was presented and is valid.
pub struct ActiveSession {
    pub actor: Actor,
    pub csrf_token: String,
}

fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn issue(
    store: &Store,
    user_id: i64,
    kind: SessionKind,
    policy: SessionPolicy,
    at_millis: i64,
) -> Result<IssuedSession, StoreError> {
    let issued = IssuedSession {
        token: random_token(),
        csrf_token: random_token(),
    };
    let mut tx = store.write().await?;
    sqlx::query::<Any>(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(token_hash(&issued.token))
    .bind(user_id)
    .bind(kind.as_str())
    .bind(&issued.csrf_token)
    .bind(at_millis)
    .bind(at_millis + policy.absolute_millis)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(issued)
}

/// Resolves a presented token: None when unknown, revoked, of the wrong kind, past its
/// absolute lifetime or idle too long.
pub async fn resolve(
    store: &Store,
    token: &str,
    kind: SessionKind,
    policy: SessionPolicy,
    at_millis: i64,
) -> Result<Option<ActiveSession>, StoreError> {
    if token.len() != 64 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(row) = sqlx::query::<Any>(
        "SELECT user_id, csrf_token, last_seen_at, expires_at FROM sessions \
         WHERE token_hash = $1 AND kind = $2 AND revoked_at IS NULL",
    )
    .bind(&hash)
    .bind(kind.as_str())
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let (user_id, csrf_token, last_seen, expires): (i64, String, i64, i64) = (
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
    );
    if at_millis >= expires || at_millis - last_seen > policy.idle_millis {
        return Ok(None);
    }
    // Touching on every request would make every page view a write; a minute is precise
    // enough for an idle timeout measured in tens of minutes.
    if at_millis - last_seen > 60_000 {
        sqlx::query::<Any>("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(at_millis)
            .bind(&hash)
            .execute(store.pool())
            .await?;
    }
    let Some(actor) = crate::accounts::actor(store, user_id).await? else {
        return Ok(None);
    };
    Ok(Some(ActiveSession { actor, csrf_token }))
}

pub async fn revoke(store: &Store, token: &str, at_millis: i64) -> Result<(), StoreError> {
    sqlx::query::<Any>(
        "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
    )
    .bind(at_millis)
    .bind(token_hash(token))
    .execute(store.pool())
    .await?;
    Ok(())
}
