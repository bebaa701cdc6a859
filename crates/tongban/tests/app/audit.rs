//! The audit log's hash chain: intact after real work, and any altered or removed row is
//! named by `verify`.

use tongban_store::audit::{Verification, verify};

use crate::helpers::{Db, TestApp, raw_count, raw_execute, spawn_app};
use crate::on_both;

on_both!(tampering_is_detected);

/// The rows of the app's chain, which must be intact.
async fn intact_rows(app: &TestApp) -> i64 {
    match verify(&app.store).await.unwrap() {
        Verification::Intact { rows } => rows,
        broken => panic!("fresh chain broken: {broken:?}"),
    }
}

async fn tampering_is_detected(app: TestApp) {
    let rows = intact_rows(&app).await;
    assert!(rows >= 3, "the demo city's history is audited: {rows} rows");

    raw_execute(
        &app.db_url,
        "UPDATE audit_log SET detail = '{\"reason\":\"forged\"}' WHERE seq = 2",
    )
    .await;
    assert_eq!(
        verify(&app.store).await.unwrap(),
        Verification::Broken {
            seq: 2,
            reason: "its content does not match its hash".into()
        }
    );
}

on_both!(removing_the_last_row_is_detected);

async fn removing_the_last_row_is_detected(app: TestApp) {
    let rows = intact_rows(&app).await;
    raw_execute(
        &app.db_url,
        &format!("DELETE FROM audit_log WHERE seq = {rows}"),
    )
    .await;
    assert!(
        matches!(verify(&app.store).await.unwrap(), Verification::Broken { seq, .. } if seq == rows)
    );
}

/// PostgreSQL links audit rows after their commit. A row left pending (its server stopped
/// between the commit and the linking) is linked by the next round, here `verify`'s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_left_pending_is_linked_before_the_chain_is_walked() {
    let Some(app) = spawn_app(Db::Postgres).await else {
        return;
    };
    let rows = intact_rows(&app).await;
    raw_execute(
        &app.db_url,
        "INSERT INTO audit_log_pending (at, actor, role, action, subject, detail) \
         VALUES (1, 'clerk', 'window_clerk', 'test.left_pending', 'case:1', '{}')",
    )
    .await;
    assert_eq!(
        verify(&app.store).await.unwrap(),
        Verification::Intact { rows: rows + 1 }
    );
    let linked = format!(
        "SELECT COUNT(*) FROM audit_log WHERE seq = {} AND action = 'test.left_pending'",
        rows + 1
    );
    assert_eq!(raw_count(&app.db_url, &linked).await, 1);
    let pending = "SELECT COUNT(*) FROM audit_log_pending";
    assert_eq!(raw_count(&app.db_url, pending).await, 0);
}

/// Before migration 0020 a pending row waited in `audit_log` with a negative sequence. One
/// left there by a server stopped before its round is moved to the pending rows by the
/// migration, and linked in the order it was written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_left_pending_before_its_own_table_is_linked_after_the_migration() {
    let Some(app) = spawn_app(Db::Postgres).await else {
        return;
    };
    let rows = intact_rows(&app).await;
    // the schema as migration 0019 left it, with two rows pending
    raw_execute(
        &app.db_url,
        "DROP TABLE audit_log_pending; DELETE FROM schema_migrations WHERE version = 20; \
         INSERT INTO audit_log (at, actor, role, action, subject, detail, prev_hash, hash, seq) \
         VALUES (1, 'clerk', 'window_clerk', 'test.first', 'case:1', '{}', '', '', \
         -nextval('audit_pending')), \
         (2, 'clerk', 'window_clerk', 'test.second', 'case:1', '{}', '', '', \
         -nextval('audit_pending'))",
    )
    .await;
    assert_eq!(tongban_store::migrate::run(&app.store).await.unwrap(), 1);
    let pending = "SELECT COUNT(*) FROM audit_log_pending";
    assert_eq!(raw_count(&app.db_url, pending).await, 2);
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM audit_log WHERE seq < 0").await,
        0
    );
    assert_eq!(
        verify(&app.store).await.unwrap(),
        Verification::Intact { rows: rows + 2 }
    );
    let in_order = format!(
        "SELECT COUNT(*) FROM audit_log WHERE (seq = {} AND action = 'test.first') \
         OR (seq = {} AND action = 'test.second')",
        rows + 1,
        rows + 2
    );
    assert_eq!(raw_count(&app.db_url, &in_order).await, 2);
}
