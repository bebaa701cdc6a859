//! SQLite: the writer thread's own connection, driven directly (rusqlite), for acts. sqlx runs
//! each SQLite connection on a thread of its own and hands every statement to it and back;
//! while SQLite's one write lock is held, each hand-off waits for two threads to be scheduled
//! on busy cores. Here the writer thread runs an act's statements itself, one after another.
//!
//! Only [`Writes`] goes through here (`Store::write_hot` chooses it): acts and submissions are
//! written by the same code on both databases.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::StoreError;
use crate::audit::AuditChain;
use crate::batch::{Batch, Param, Row, Statement, Writes};
use crate::sqlite_checkpointer::Checkpointer;

/// The connection, used only on the writer thread, one transaction at a time, and the thread
/// that copies what it commits back into the database file.
pub(crate) struct WriterConnection {
    connection: Mutex<Connection>,
    checkpointer: Checkpointer,
}

impl WriterConnection {
    /// Opens the database file at `path` with the pool's settings.
    pub(crate) fn open(path: &Path, pragmas: &str) -> Result<WriterConnection, StoreError> {
        let connection = open_direct(path, pragmas)?;
        // The act path's statements, each prepared once (a joined batch is not used here).
        connection.set_prepared_statement_cache_capacity(256);
        Ok(WriterConnection {
            connection: Mutex::new(connection),
            checkpointer: Checkpointer::start(path, pragmas)?,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while writing left the transaction to `DirectTx`'s drop, which ended it.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A connection of our own to the database file at `path`, with the pool's settings
/// (`pragmas`): the writer's, the reads' by key and the checkpointing thread's.
pub(crate) fn open_direct(path: &Path, pragmas: &str) -> Result<Connection, StoreError> {
    let connection = Connection::open(path)?;
    connection.execute_batch(pragmas)?;
    Ok(connection)
}

/// A write transaction on the [`WriterConnection`]. It holds this server's turn to write, as
/// every SQLite write does (see `Store::write`); dropped unfinished, it rolls back at once.
pub(crate) struct DirectTx {
    connection: Arc<WriterConnection>,
    _turn: tokio::sync::OwnedMutexGuard<()>,
    audit_chain: AuditChain,
    open: bool,
}

impl DirectTx {
    /// Begins, holding the write lock from the start (as `BEGIN IMMEDIATE` does for the pool).
    pub(crate) async fn begin(
        connection: Arc<WriterConnection>,
        writers: Arc<tokio::sync::Mutex<()>>,
    ) -> Result<DirectTx, StoreError> {
        let turn = writers.lock_owned().await;
        connection.lock().execute_batch("BEGIN IMMEDIATE")?;
        Ok(DirectTx {
            connection,
            _turn: turn,
            audit_chain: AuditChain::begin(None),
            open: true,
        })
    }

    fn end(&mut self, how: &str) -> Result<(), StoreError> {
        self.connection.lock().execute_batch(how)?;
        self.open = false;
        Ok(())
    }
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        if self.open {
            let _ = self.end("ROLLBACK");
        }
    }
}

/// `statement` prepared (once per connection) with its values bound.
pub(crate) fn prepared<'c>(
    connection: &'c Connection,
    statement: &Statement,
) -> Result<rusqlite::CachedStatement<'c>, StoreError> {
    let mut prepared = connection.prepare_cached(statement.sql())?;
    // SQLite numbers parameters by first appearance; the store's are named `$n`.
    for index in 1..=prepared.parameter_count() {
        let n = prepared
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse().ok());
        let param = n.and_then(|n| statement.param(n)).ok_or_else(|| {
            StoreError::corrupt(format!("parameter {index} unbound in: {}", statement.sql()))
        })?;
        match param {
            Param::Int(value) => prepared.raw_bind_parameter(index, value)?,
            Param::Text(value) => prepared.raw_bind_parameter(index, value)?,
        }
    }
    Ok(prepared)
}

/// Runs `statement`; how many rows it changed.
fn execute(connection: &Connection, statement: &Statement) -> Result<u64, StoreError> {
    Ok(prepared(connection, statement)?.raw_execute()? as u64)
}

/// Runs `statement` to its end; its rows, each as its columns' values.
pub(crate) fn all_rows(
    connection: &Connection,
    statement: &Statement,
) -> Result<Vec<Vec<Value>>, StoreError> {
    let mut prepared = prepared(connection, statement)?;
    let width = prepared.column_count();
    let mut rows = prepared.raw_query();
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        read.push(
            (0..width)
                .map(|index| row.get::<_, Value>(index))
                .collect::<Result<_, _>>()?,
        );
    }
    Ok(read)
}

/// Runs `statement`; its first row.
fn first_row(connection: &Connection, statement: &Statement) -> Result<Option<Row>, StoreError> {
    Ok(all_rows(connection, statement)?
        .into_iter()
        .next()
        .map(Row::Direct))
}

impl Writes for DirectTx {
    fn audit_chain(&mut self) -> &mut AuditChain {
        &mut self.audit_chain
    }

    async fn execute(&mut self, statement: Statement) -> Result<u64, StoreError> {
        execute(&self.connection.lock(), &statement)
    }

    async fn fetch_number(&mut self, statement: Statement) -> Result<Option<i64>, StoreError> {
        match first_row(&self.connection.lock(), &statement)? {
            Some(row) => row.get(0),
            None => Ok(None),
        }
    }

    async fn run_then(
        &mut self,
        batch: Batch,
        last: Option<Statement>,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let connection = self.connection.lock();
        for statement in batch {
            execute(&connection, &statement)?;
        }
        match last {
            Some(last) => match first_row(&connection, &last)? {
                Some(row) => Ok(Some((row.get(0)?, row.get(1)?))),
                None => Ok(None),
            },
            None => Ok(None),
        }
    }

    async fn commit(mut self) -> Result<(), StoreError> {
        self.end("COMMIT")?;
        self.connection.checkpointer.committed();
        Ok(())
    }

    async fn rollback(mut self) -> Result<(), StoreError> {
        self.end("ROLLBACK")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection to a new database file of its own, and a turn to write.
    fn fresh(name: &str) -> (Arc<WriterConnection>, Arc<tokio::sync::Mutex<()>>) {
        let path = std::env::temp_dir().join(format!(
            "tongban-writer-{name}-{}.sqlite",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let connection = WriterConnection::open(&path, "PRAGMA journal_mode = WAL;").expect("open");
        connection
            .lock()
            .execute_batch("CREATE TABLE t (a BIGINT, b TEXT)")
            .expect("table");
        (Arc::new(connection), Arc::new(tokio::sync::Mutex::new(())))
    }

    fn count(connection: &WriterConnection) -> i64 {
        connection
            .lock()
            .query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))
            .expect("count")
    }

    /// `.cargo/config.toml` compiles SQLite without the shared page cache and allocation
    /// counts, whose locks every connection took (BENCHMARKS.md): a build that misses it
    /// (another directory's configuration) is slower, not wrong, so this test says so.
    #[test]
    fn sqlite_is_compiled_without_process_wide_locks() {
        let connection = Connection::open_in_memory().expect("open");
        let mut statement = connection
            .prepare("PRAGMA compile_options")
            .expect("prepare");
        let options: Vec<String> = statement
            .query_map([], |row| row.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
    }

    #[tokio::test]
    async fn placeholders_take_the_value_of_their_number() {
        let (connection, writers) = fresh("placeholders");
        let mut tx = DirectTx::begin(connection.clone(), writers).await.unwrap();
        // SQLite numbers `$2` first here; a bind by position would swap the values
        let insert = Statement::new("INSERT INTO t (b, a) VALUES ($2, $1), ($2, $1 + 1)")
            .with(7)
            .with("seven");
        assert_eq!(tx.execute(insert).await.unwrap(), 2);
        let sum = Statement::new("SELECT SUM(a) FROM t WHERE b = $1").with("seven");
        assert_eq!(tx.fetch_number(sum).await.unwrap(), Some(15));
        let none = Statement::new("SELECT a FROM t WHERE b = $1").with("eight");
        assert_eq!(tx.fetch_number(none).await.unwrap(), None);
        let mut batch = Batch::default();
        batch.statement("DELETE FROM t WHERE a = $1").bind(8);
        let last = Statement::new("UPDATE t SET a = a + $1 WHERE b = $2 RETURNING a, b")
            .with(1)
            .with("seven");
        let answer = tx.run_then(batch, Some(last)).await.unwrap();
        assert_eq!(answer, Some((8, "seven".to_owned())));
        let unbound = Statement::new("SELECT a FROM t WHERE a = $1");
        assert!(tx.fetch_number(unbound).await.is_err());
        tx.commit().await.unwrap();
        assert_eq!(count(&connection), 1);
    }

    #[tokio::test]
    async fn a_transaction_dropped_unfinished_writes_nothing_and_frees_the_turn() {
        let (connection, writers) = fresh("dropped");
        let mut tx = DirectTx::begin(connection.clone(), writers.clone())
            .await
            .unwrap();
        let insert = Statement::new("INSERT INTO t (a, b) VALUES ($1, $2)")
            .with(1)
            .with("one");
        tx.execute(insert).await.unwrap();
        drop(tx);
        assert_eq!(count(&connection), 0);
        // the next transaction begins at once: the turn is free and no transaction is open
        let tx = DirectTx::begin(connection.clone(), writers).await.unwrap();
        tx.rollback().await.unwrap();
    }
}
