//! PostgreSQL: audit rows are written pending and linked into the chain after their
//! transaction commits, many at a time.
//!
//! Linking a row needs the chain's head, one row. Linked inside each writer's transaction, the
//! head's row lock was held from the link to the commit, over the client's round trips in
//! between, and every other writer queued behind it: at 1,000,000 stored cases most of
//! PostgreSQL's backends were waiting for that lock (BENCHMARKS.md, stop 32). Now a writer
//! inserts its row into `audit_log_pending` (migrations 0019 and 0020) and, after its commit,
//! waits for a linking round that began after it: one round moves every row committed so far
//! into `audit_log`, linked, in one transaction, whoever's they are. A request is answered
//! with its rows linked, as before.
//!
//! Several app servers each link; their rounds take turns at an advisory lock, and a round
//! finds what another linked already linked. Rows left pending (the server stopped between a
//! commit and its round) are linked by the next round of any server, and by `audit::verify`.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Any, AnyPool, Row};

use super::stored_link_hash;
use crate::StoreError;
use crate::db::value_lists;

/// At most this many rows are linked in one statement.
const MOST_IN_ROUND: i64 = 500;

/// This server's linking rounds.
pub(crate) struct AuditLinker {
    pool: AnyPool,
    /// commits with pending rows since the store opened, each numbered
    committed: AtomicU64,
    /// the number of the last commit known linked; held while a round runs
    linked: tokio::sync::Mutex<u64>,
}

impl AuditLinker {
    pub(crate) fn new(pool: AnyPool) -> AuditLinker {
        AuditLinker {
            pool,
            committed: AtomicU64::new(0),
            linked: tokio::sync::Mutex::new(0),
        }
    }

    /// Called after a commit that wrote pending rows: returns once they are linked. A failed
    /// round is logged, not returned: the commit stands, and the next round links its rows.
    pub(crate) async fn link_committed(&self) {
        let number = self.committed.fetch_add(1, Ordering::SeqCst) + 1;
        let mut linked = self.linked.lock().await;
        if *linked >= number {
            // a round that began after this commit has linked it
            return;
        }
        // Every commit numbered up to here ended before the round's first read.
        let through = self.committed.load(Ordering::SeqCst);
        match link_pending(&self.pool).await {
            Ok(_) => *linked = through,
            Err(error) => tracing::warn!(%error, "audit rows left pending for the next round"),
        }
    }
}

/// Links every pending row committed so far, in the order they were written; answers how
/// many.
pub(crate) async fn link_pending(pool: &AnyPool) -> Result<u64, StoreError> {
    let mut total = 0;
    loop {
        let linked = link_some(pool).await?;
        total += linked;
        if linked < MOST_IN_ROUND as u64 {
            return Ok(total);
        }
    }
}

/// Rounds take turns at this advisory lock, taken in the `BEGIN`'s round trip: "audit" in
/// ASCII. Only rounds move the chain's head on PostgreSQL.
const BEGIN_ROUND: &str = "BEGIN; SELECT pg_advisory_xact_lock(418581342580)";

/// One transaction of four round trips: the rounds' turn taken, up to [`MOST_IN_ROUND`]
/// pending rows read with the head, moved into the chain after it and the head moved, the
/// commit.
async fn link_some(pool: &AnyPool) -> Result<u64, StoreError> {
    let mut tx = pool.begin_with(BEGIN_ROUND).await?;
    // Read after the turn was taken: the round before is committed by then. Columns 0 to 6
    // are the pending row's, as `stored_link_hash` reads them; no row when none is pending.
    let pending = sqlx::query::<Any>(
        "SELECT p.pending, p.at, p.actor, p.role, p.action, p.subject, p.detail, h.seq, h.hash \
         FROM (SELECT pending, at, actor, role, action, subject, detail FROM audit_log_pending \
         ORDER BY pending LIMIT $1) p CROSS JOIN audit_head h WHERE h.id = 1 \
         ORDER BY p.pending",
    )
    .bind(MOST_IN_ROUND)
    .fetch_all(&mut *tx)
    .await?;
    let Some(first) = pending.first() else {
        tx.rollback().await?;
        return Ok(0);
    };
    let (mut seq, mut hash): (i64, String) = (first.try_get(7)?, first.try_get(8)?);
    let params = 4 * pending.len();
    // The pending rows' fields are copied within PostgreSQL; only the links are sent.
    let sql = format!(
        "WITH moved AS (DELETE FROM audit_log_pending p \
         USING (VALUES {}) AS v (pending, seq, prev_hash, hash) WHERE p.pending = v.pending \
         RETURNING v.seq, p.at, p.actor, p.role, p.action, p.subject, p.detail, v.prev_hash, \
         v.hash), \
         linked AS (INSERT INTO audit_log \
         (seq, at, actor, role, action, subject, detail, prev_hash, hash) \
         SELECT * FROM moved) \
         UPDATE audit_head SET seq = ${}, hash = ${} WHERE id = 1",
        value_lists(pending.len(), 4),
        params + 1,
        params + 2
    );
    let mut update = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql));
    for row in &pending {
        seq += 1;
        let next = stored_link_hash(seq, row, &hash)?;
        let pending_number: i64 = row.try_get(0)?;
        update = update
            .bind(pending_number)
            .bind(seq)
            .bind(hash)
            .bind(next.clone());
        hash = next;
    }
    update.bind(seq).bind(hash).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(pending.len() as u64)
}
