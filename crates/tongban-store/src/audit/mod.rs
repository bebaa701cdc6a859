//! The audit log: every state change, with who, when and why, in a hash chain. A row's
//! hash covers its fields and the previous row's hash, so altering or removing any row
//! breaks the chain from there on, and `verify` names the first broken link.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use crate::batch::{Batch, Statement, Writes};
use crate::{Store, StoreError, WriteTx};

mod linking;

pub(crate) use linking::AuditLinker;

/// How a write transaction appends to the chain.
pub(crate) enum AuditChain {
    /// SQLite, one writer at a time: each row is linked as it is written. `head`: the chain's
    /// head as this transaction last moved it, which no one else can move before the commit.
    LinkedNow { head: Option<(i64, String)> },
    /// PostgreSQL: rows are written pending and linked after the commit by `linker` (see
    /// [`linking`]); `pending` once this transaction wrote one.
    LinkedAfterCommit {
        linker: Arc<AuditLinker>,
        pending: bool,
    },
}

impl AuditChain {
    /// A transaction's chain as it begins: linked as written, or by `linker` after the commit.
    pub(crate) fn begin(linker: Option<&Arc<AuditLinker>>) -> AuditChain {
        match linker {
            Some(linker) => AuditChain::LinkedAfterCommit {
                linker: linker.clone(),
                pending: false,
            },
            None => AuditChain::LinkedNow { head: None },
        }
    }

    /// Called once the transaction committed: returns when the rows it wrote are linked.
    pub(crate) async fn committed(&self) {
        if let AuditChain::LinkedAfterCommit {
            linker,
            pending: true,
        } = self
        {
            linker.link_committed().await;
        }
    }
}

/// One thing that happened, as the caller describes it.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub at_millis: i64,
    /// username, or "system"
    pub actor: &'a str,
    /// the role the actor used
    pub role: &'a str,
    /// e.g. "catalog.change_request.approve"
    pub action: &'a str,
    /// what it acted on, e.g. "change_request:12"
    pub subject: &'a str,
    /// JSON with the why and the what; personal data masked by the caller
    pub detail: &'a str,
}

/// Appends an entry inside the caller's transaction, so the record and the change it
/// describes commit together or not at all.
pub async fn append(tx: &mut WriteTx, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
    append_after(tx, Batch::default(), entry).await
}

/// Runs `batch`, the change the entry describes, and appends the entry.
///
/// On PostgreSQL the entry goes into the batch with a pending sequence, and is linked into the
/// chain after the commit (see [`linking`]): writers do not queue at the chain's head.
///
/// On SQLite, one writer at a time, it is linked here: in two round trips (see [`Batch`]), in
/// one when the transaction already appended an entry (acts written in a group, see
/// `cases::ActQueue`).
pub(crate) async fn append_after(
    tx: &mut impl Writes,
    mut batch: Batch,
    entry: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    let head = match tx.audit_chain() {
        AuditChain::LinkedNow { head } => head.take(),
        AuditChain::LinkedAfterCommit { pending, .. } => {
            *pending = true;
            // the link, its sequence and hashes, is made after the commit
            let pending = batch.statement(
                "INSERT INTO audit_log_pending (at, actor, role, action, subject, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            );
            bind_entry(pending, entry);
            return batch.run(tx).await;
        }
    };
    let (seq, prev_hash) = match head {
        // This transaction holds the head since it last moved it.
        Some((last, hash)) => (last + 1, hash),
        None => {
            // Writing the head first takes the write lock: each appender sees the previous
            // one's hash.
            let head = Statement::new(
                "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
            );
            let (seq, hash) = tx
                .run_then(std::mem::take(&mut batch), Some(head))
                .await?
                .ok_or_else(|| StoreError::corrupt("the audit log has no head row"))?;
            (seq, hash)
        }
    };
    let hash = link_hash(seq, entry, &prev_hash);
    insert_linked(&mut batch, seq, entry, &prev_hash, &hash);
    batch
        .statement("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash.as_str());
    batch.run(tx).await?;
    *tx.audit_chain() = AuditChain::LinkedNow {
        head: Some((seq, hash)),
    };
    Ok(())
}

/// Adds the insert of `entry`'s row to `batch`, linked as row `seq` after `prev_hash` with
/// `hash`.
fn insert_linked(batch: &mut Batch, seq: i64, entry: &AuditEntry<'_>, prev_hash: &str, hash: &str) {
    let linked = batch.statement(
        "INSERT INTO audit_log (at, actor, role, action, subject, detail, prev_hash, hash, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    );
    bind_entry(linked, entry)
        .bind(prev_hash)
        .bind(hash)
        .bind(seq);
}

/// Binds `entry`'s fields, in the order of `audit_log`'s columns, as `$1` to `$6`.
fn bind_entry<'s>(statement: &'s mut Statement, entry: &AuditEntry<'_>) -> &'s mut Statement {
    statement
        .bind(entry.at_millis)
        .bind(entry.actor)
        .bind(entry.role)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(entry.detail)
}

/// The hash of the chain's row `seq`.
fn link_hash(seq: i64, entry: &AuditEntry<'_>, prev_hash: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [
        seq.to_string().as_str(),
        entry.at_millis.to_string().as_str(),
        entry.actor,
        entry.role,
        entry.action,
        entry.subject,
        entry.detail,
        prev_hash,
    ] {
        // Length-prefixed so that moving text between fields changes the hash.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// [`link_hash`] of a stored row whose columns 1 to 6 are the entry's `at, actor, role,
/// action, subject, detail`, linked as row `seq` after `prev_hash`.
fn stored_link_hash(seq: i64, row: &AnyRow, prev_hash: &str) -> Result<String, StoreError> {
    let (actor, role, action, subject, detail): (String, String, String, String, String) = (
        row.try_get(2)?,
        row.try_get(3)?,
        row.try_get(4)?,
        row.try_get(5)?,
        row.try_get(6)?,
    );
    let entry = AuditEntry {
        at_millis: row.try_get(1)?,
        actor: &actor,
        role: &role,
        action: &action,
        subject: &subject,
        detail: &detail,
    };
    Ok(link_hash(seq, &entry, prev_hash))
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact { rows: i64 },
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in order and recomputes every link. On PostgreSQL, rows left pending
/// (their server stopped between a commit and its linking) are linked first.
pub async fn verify(store: &Store) -> Result<Verification, StoreError> {
    if store.backend() == crate::db::Backend::Postgres {
        linking::link_pending(store.pool()).await?;
    }
    let head = sqlx::query::<Any>("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(store.pool())
        .await?;
    let (head_seq, head_hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
    let mut expected_seq = 1;
    let mut prev_hash = "genesis".to_owned();
    let page_size = 5000;
    loop {
        let rows = sqlx::query::<Any>(
            "SELECT seq, at, actor, role, action, subject, detail, prev_hash, hash FROM audit_log \
             WHERE seq >= $1 ORDER BY seq LIMIT $2",
        )
        .bind(expected_seq)
        .bind(page_size)
        .fetch_all(store.pool())
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let seq: i64 = row.try_get(0)?;
            if seq != expected_seq {
                return Ok(Verification::Broken {
                    seq: expected_seq,
                    reason: format!("row {expected_seq} is missing (next row is {seq})"),
                });
            }
            let stored_prev: String = row.try_get(7)?;
            let stored_hash: String = row.try_get(8)?;
            if stored_prev != prev_hash {
                return Ok(Verification::Broken {
                    seq,
                    reason: "its link to the previous row does not match".into(),
                });
            }
            if stored_link_hash(seq, row, &prev_hash)? != stored_hash {
                return Ok(Verification::Broken {
                    seq,
                    reason: "its content does not match its hash".into(),
                });
            }
            prev_hash = stored_hash;
            expected_seq += 1;
        }
    }
    let rows = expected_seq - 1;
    if rows != head_seq || prev_hash != head_hash {
        return Ok(Verification::Broken {
            seq: rows + 1,
            reason: format!("the chain ends at row {rows} but {head_seq} rows were written"),
        });
    }
    Ok(Verification::Intact { rows })
}

/// The newest entries, for the access-monitoring page.
pub async fn recent(
    store: &Store,
    limit: i64,
) -> Result<Vec<(i64, i64, String, String, String, String)>, StoreError> {
    let rows = sqlx::query::<Any>(
        "SELECT seq, at, actor, role, action, subject FROM audit_log ORDER BY seq DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
                r.try_get(5)?,
            ))
        })
        .collect()
}

/// What the access-monitoring page watches (访问监控), each kind a set of audited actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    /// sign-ins, failed and locked sign-ins
    Logins,
    /// requests the access table refused
    Denials,
    /// every unmasked view of someone's personal data
    PersonalData,
    /// accounts opened, linked, changed by an administrator
    Accounts,
}

impl AccessKind {
    pub const ALL: [AccessKind; 4] = [
        AccessKind::Logins,
        AccessKind::Denials,
        AccessKind::PersonalData,
        AccessKind::Accounts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Logins => "logins",
            AccessKind::Denials => "denials",
            AccessKind::PersonalData => "personal_data",
            AccessKind::Accounts => "accounts",
        }
    }

    pub fn parse(text: &str) -> Option<AccessKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn actions(self) -> &'static [&'static str] {
        match self {
            AccessKind::Logins => &["auth.login", "auth.login_failed", "auth.login_locked"],
            AccessKind::Denials => &["auth.denied"],
            AccessKind::PersonalData => &["personal_data.view"],
            AccessKind::Accounts => &[
                "account.register",
                "account.create",
                "account.external_link",
                "account.password_change",
                "account.email_verified",
                "account.role_grant",
                "account.role_revoke",
                "account.department",
                "account.service_window",
                "account.disable",
                "account.enable",
                "organisation.register",
                "organisation.member.add",
                "organisation.member.remove",
            ],
        }
    }
}

/// One audited act, as the access-monitoring page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub at_millis: i64,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// The newest acts of the given kinds (all four when empty), newest first, and how many of
/// each action happened since `since_millis`.
pub async fn access_log(
    store: &Store,
    kinds: &[AccessKind],
    page: crate::catalog::Page,
    since_millis: i64,
) -> Result<(Vec<AuditRecord>, Vec<(String, i64)>), StoreError> {
    let kinds = if kinds.is_empty() {
        &AccessKind::ALL[..]
    } else {
        kinds
    };
    let actions: Vec<&str> = kinds.iter().flat_map(|k| k.actions()).copied().collect();
    // The action list is ours (constants above), so it is bound, never spliced.
    let placeholders = crate::db::value_lists(1, actions.len());
    let n = actions.len();
    let sql = format!(
        "SELECT seq, at, actor, role, action, subject, detail FROM audit_log \
         WHERE action IN {placeholders} ORDER BY seq DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql));
    for action in &actions {
        query = query.bind(*action);
    }
    let rows = query
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(store.pool())
        .await?;
    let records = rows
        .iter()
        .map(|r| {
            Ok(AuditRecord {
                seq: r.try_get(0)?,
                at_millis: r.try_get(1)?,
                actor: r.try_get(2)?,
                role: r.try_get(3)?,
                action: r.try_get(4)?,
                subject: r.try_get(5)?,
                detail: r.try_get(6)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let sql = format!(
        "SELECT action, COUNT(*) FROM audit_log WHERE action IN {placeholders} AND at >= ${} \
         GROUP BY action ORDER BY action",
        n + 1
    );
    let mut query = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql));
    for action in &actions {
        query = query.bind(*action);
    }
    let counts = query
        .bind(since_millis)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((records, counts))
}
