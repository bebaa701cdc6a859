//! The audit log: every state change, with who, when and why, in a hash chain. A row's
//! hash covers its fields and the previous row's hash, so altering or removing any row
//! breaks the chain from there on, and `verify` names the first broken link.

use sha2::{Digest, Sha256};
use sqlx::{Any, Row};

use crate::{Store, StoreError, WriteTx};

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
pub async fn append(tx: &mut WriteTx, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
    // Writing the head first takes its row lock (PostgreSQL) or the write lock (SQLite):
    // concurrent appenders queue here and each sees the previous one's hash.
    let head =
        sqlx::query::<Any>("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut **tx)
            .await?;
    let seq: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;
    let hash = link_hash(seq, entry, &prev_hash);
    sqlx::query::<Any>(
        "INSERT INTO audit_log (seq, at, actor, role, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(entry.at_millis)
    .bind(entry.actor)
    .bind(entry.role)
    .bind(entry.action)
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query::<Any>("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

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

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact { rows: i64 },
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in order and recomputes every link.
pub async fn verify(store: &Store) -> Result<Verification, StoreError> {
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
            let stored_prev: String = row.try_get(7)?;
            let stored_hash: String = row.try_get(8)?;
            if stored_prev != prev_hash {
                return Ok(Verification::Broken {
                    seq,
                    reason: "its link to the previous row does not match".into(),
                });
            }
            if link_hash(seq, &entry, &prev_hash) != stored_hash {
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
