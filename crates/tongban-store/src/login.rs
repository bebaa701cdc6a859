//! Signing in with a password, with throttling: after `max_failures` wrong passwords for
//! one username from one client address within the window, that pair is locked for a
//! while. The lock is temporary and bound to the address, so an attacker can slow a
//! guesser down but cannot keep the owner out from their own address. Unknown usernames
//! are counted and locked exactly like real ones, so the answers say nothing about which
//! accounts exist. Every attempt is written to the audit log.

use sqlx::{Any, Row};
use tongban_domain::access::Actor;

use crate::sealed::DataKey;
use crate::{Store, StoreError, accounts, audit};

/// How sign-in is throttled (settings `login.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    pub max_failures: i64,
    pub window_minutes: i64,
    pub lock_minutes: i64,
    /// how long a sign-in through an external identity provider may take
    pub external_minutes: i64,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window_minutes: 15,
            lock_minutes: 15,
            external_minutes: 10,
        }
    }
}

pub async fn policy(store: &Store) -> Result<LoginPolicy, StoreError> {
    let stored = crate::settings::load(store, &["login."]).await?;
    let mut policy = LoginPolicy::default();
    stored.set(
        crate::settings::names::LOGIN_MAX_FAILURES,
        &mut policy.max_failures,
    )?;
    stored.set(
        crate::settings::names::LOGIN_WINDOW_MINUTES,
        &mut policy.window_minutes,
    )?;
    stored.set(
        crate::settings::names::LOGIN_LOCK_MINUTES,
        &mut policy.lock_minutes,
    )?;
    stored.set(
        crate::settings::names::LOGIN_EXTERNAL_MINUTES,
        &mut policy.external_minutes,
    )?;
    Ok(policy)
}

/// One attempt to sign in.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// the client's address as the server saw it (or its trusted proxy reported it)
    pub client: &'a str,
    /// "web" or "api", for the audit log
    pub channel: &'a str,
}

#[derive(Debug)]
pub enum Outcome {
    SignedIn(Actor),
    /// wrong username or password
    Refused,
    /// too many failures: no password is checked until then (Unix milliseconds)
    Locked {
        until_millis: i64,
    },
}

const THROTTLE_PURPOSE: &str = "login.throttle";

pub async fn attempt(
    store: &Store,
    key: &DataKey,
    attempt: &Attempt<'_>,
    at_millis: i64,
) -> Result<Outcome, StoreError> {
    let policy = policy(store).await?;
    let username = attempt.username.trim();
    let throttle_key = key.fingerprint(
        THROTTLE_PURPOSE,
        &format!("{}\0{}", username.to_lowercase(), attempt.client),
    );
    let row = sqlx::query::<Any>(
        "SELECT failures, first_failure_at, locked_until FROM login_throttle WHERE key = $1",
    )
    .bind(&throttle_key)
    .fetch_optional(store.pool())
    .await?;
    let (failures, first_failure_at, locked_until): (i64, i64, i64) = match row {
        Some(row) => (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?),
        None => (0, at_millis, 0),
    };
    let typed: String = username.chars().take(64).collect();
    if locked_until > at_millis {
        record(store, &typed, "auth.login_locked", attempt, at_millis, None).await?;
        return Ok(Outcome::Locked {
            until_millis: locked_until,
        });
    }
    if let Some(actor) = accounts::authenticate(store, username, attempt.password).await? {
        let mut tx = store.write().await?;
        sqlx::query::<Any>("DELETE FROM login_throttle WHERE key = $1")
            .bind(&throttle_key)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &actor.username,
            "auth.login",
            attempt,
            at_millis,
            None,
        )
        .await?;
        tx.commit().await?;
        return Ok(Outcome::SignedIn(actor));
    }
    let window = policy.window_minutes * 60_000;
    let (failures, first_failure_at) = if at_millis - first_failure_at > window {
        (1, at_millis)
    } else {
        (failures + 1, first_failure_at)
    };
    let locked_until = if failures >= policy.max_failures {
        at_millis + policy.lock_minutes * 60_000
    } else {
        0
    };
    let mut tx = store.write().await?;
    sqlx::query::<Any>("DELETE FROM login_throttle WHERE key = $1")
        .bind(&throttle_key)
        .execute(&mut *tx)
        .await?;
    // A new lock starts a new count: the next window begins when the lock ends.
    let (failures, first_failure_at) = if locked_until > 0 {
        (0, locked_until)
    } else {
        (failures, first_failure_at)
    };
    sqlx::query::<Any>(
        "INSERT INTO login_throttle (key, failures, first_failure_at, locked_until) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&throttle_key)
    .bind(failures)
    .bind(first_failure_at)
    .bind(locked_until)
    .execute(&mut *tx)
    .await?;
    let locked = (locked_until > 0).then_some(locked_until);
    append(
        &mut tx,
        &typed,
        "auth.login_failed",
        attempt,
        at_millis,
        locked,
    )
    .await?;
    tx.commit().await?;
    Ok(match locked {
        Some(until_millis) => Outcome::Locked { until_millis },
        None => Outcome::Refused,
    })
}

async fn record(
    store: &Store,
    actor: &str,
    action: &str,
    attempt: &Attempt<'_>,
    at_millis: i64,
    locked_until: Option<i64>,
) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    append(&mut tx, actor, action, attempt, at_millis, locked_until).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn append(
    tx: &mut crate::WriteTx,
    actor: &str,
    action: &str,
    attempt: &Attempt<'_>,
    at_millis: i64,
    locked_until: Option<i64>,
) -> Result<(), StoreError> {
    let detail = serde_json::json!({
        "channel": attempt.channel,
        "client": attempt.client,
        "locked_until": locked_until,
    })
    .to_string();
    audit::append(
        tx,
        &audit::AuditEntry {
            at_millis,
            actor,
            role: "",
            action,
            subject: "session",
            detail: &detail,
        },
    )
    .await?;
    Ok(())
}
