//! Sign-in sessions: cookie sessions for pages and bearer tokens for the API. Only a hash
//! of each token is stored, so a copy of the database does not let anyone sign in.

use sha2::{Digest, Sha256};
use sqlx::{Any, Row};
use tongban_domain::access::Actor;

use crate::batch::Statement;
use crate::{Store, StoreError, WriteTx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    ApiToken,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::ApiToken => "api",
        }
    }
}

/// What a session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// everything its account may do
    Full,
    /// only reading: every state-changing request is refused
    Read,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Full => "full",
            Scope::Read => "read",
        }
    }

    fn parse(text: &str) -> Scope {
        // Unknown text narrows rather than widens.
        if text == "full" {
            Scope::Full
        } else {
            Scope::Read
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
    pub scope: Scope,
}

pub(crate) fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn issue(
    store: &Store,
    user_id: i64,
    kind: SessionKind,
    policy: SessionPolicy,
    at_millis: i64,
) -> Result<IssuedSession, StoreError> {
    issue_scoped(store, user_id, kind, Scope::Full, policy, at_millis).await
}

pub async fn issue_scoped(
    store: &Store,
    user_id: i64,
    kind: SessionKind,
    scope: Scope,
    policy: SessionPolicy,
    at_millis: i64,
) -> Result<IssuedSession, StoreError> {
    let issued = IssuedSession {
        token: random_token(),
        csrf_token: random_token(),
    };
    let mut tx = store.write().await?;
    sqlx::query::<Any>(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, last_seen_at, expires_at, scope) \
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7)",
    )
    .bind(token_hash(&issued.token))
    .bind(user_id)
    .bind(kind.as_str())
    .bind(&issued.csrf_token)
    .bind(at_millis)
    .bind(at_millis + policy.absolute_millis)
    .bind(scope.as_str())
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
    // The session, its account and the account's roles in one statement (every request
    // begins here): a row per role, or one with no role; none for a disabled account.
    let statement = Statement::new(format!(
        "SELECT s.csrf_token, s.last_seen_at, s.expires_at, s.scope, {} FROM sessions s \
         JOIN users u ON u.id = s.user_id AND u.disabled = 0 \
         LEFT JOIN user_roles r ON r.user_id = u.id \
         WHERE s.token_hash = $1 AND s.kind = $2 AND s.revoked_at IS NULL ORDER BY r.role",
        crate::accounts::ACTOR_COLUMNS
    ))
    .with(&hash)
    .with(kind.as_str());
    let rows = store.read_now(statement).await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let (csrf_token, last_seen, expires): (String, i64, i64) =
        (row.get(0)?, row.get(1)?, row.get(2)?);
    let scope = Scope::parse(&row.get::<String>(3)?);
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
    let Some(actor) = crate::accounts::actor_of_rows(&rows, 4)? else {
        return Ok(None);
    };
    Ok(Some(ActiveSession {
        actor,
        csrf_token,
        scope,
    }))
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

/// Revokes every live session and token of an account except the one presented (a
/// password change keeps its own page signed in).
pub(crate) async fn revoke_others(
    tx: &mut WriteTx,
    user_id: i64,
    keep_token: Option<&str>,
    at_millis: i64,
) -> Result<(), StoreError> {
    let keep = keep_token.map(token_hash).unwrap_or_default();
    sqlx::query::<Any>(
        "UPDATE sessions SET revoked_at = $1 \
         WHERE user_id = $2 AND revoked_at IS NULL AND token_hash <> $3",
    )
    .bind(at_millis)
    .bind(user_id)
    .bind(keep)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A live session as its holder sees it in the user centre.
#[derive(Debug, Clone)]
pub struct SessionSummary {
    /// names the session for revoking it: the stored hash, never the token
    pub handle: String,
    pub kind: SessionKind,
    pub scope: Scope,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    /// the session this request came with
    pub current: bool,
}

/// An account's sessions and tokens that still work, newest first.
pub async fn list_live(
    store: &Store,
    user_id: i64,
    current_token: Option<&str>,
    policy: SessionPolicy,
    at_millis: i64,
) -> Result<Vec<SessionSummary>, StoreError> {
    let current = current_token.map(token_hash);
    sqlx::query::<Any>(
        "SELECT token_hash, kind, created_at, last_seen_at, expires_at, scope FROM sessions \
         WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at >= $3 \
         ORDER BY created_at DESC LIMIT 100",
    )
    .bind(user_id)
    .bind(at_millis)
    .bind(at_millis - policy.idle_millis)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| {
        let handle: String = row.try_get(0)?;
        let kind: String = row.try_get(1)?;
        Ok(SessionSummary {
            current: current.as_deref() == Some(handle.as_str()),
            handle,
            kind: if kind == SessionKind::ApiToken.as_str() {
                SessionKind::ApiToken
            } else {
                SessionKind::Cookie
            },
            scope: Scope::parse(&row.try_get::<String, _>(5)?),
            created_at: row.try_get(2)?,
            last_seen_at: row.try_get(3)?,
            expires_at: row.try_get(4)?,
        })
    })
    .collect()
}

/// Revokes one of an account's own sessions by its handle; another account's handle is
/// not found, so no one can end someone else's session.
pub async fn revoke_own(
    store: &Store,
    user_id: i64,
    handle: &str,
    at_millis: i64,
) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    let done = sqlx::query::<Any>(
        "UPDATE sessions SET revoked_at = $1 \
         WHERE token_hash = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(at_millis)
    .bind(handle)
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(StoreError::not_found("session"));
    }
    tx.commit().await?;
    Ok(())
}

/// The handle a token's session is listed under (its stored hash).
pub fn handle_of(token: &str) -> String {
    token_hash(token)
}
