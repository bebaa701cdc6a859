//! SQLite: connections for the reads every request makes (its session, the calendar's
//! revision, the case and its clocks' alerts), driven directly on the request's own thread.
//! Through sqlx each such read went to a connection's thread and back: two threads scheduled
//! on busy cores for a few microseconds of SQLite's work. Here the read blocks its thread for
//! those microseconds instead, so only reads by key, never a scan, come here
//! (`Store::read_now`).

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::StoreError;
use crate::batch::Statement;
use crate::sqlite_writer::{all_rows, open_direct};

/// The idle connections, taken one a read and given back after it. A read holds its thread
/// while it runs, so no more are open at once than threads reading.
pub(crate) struct ReadConnections {
    path: PathBuf,
    pragmas: &'static str,
    idle: Mutex<Vec<Connection>>,
}

impl ReadConnections {
    /// Connections opened as needed to the database at `path`, with `pragmas`.
    pub(crate) fn new(path: PathBuf, pragmas: &'static str) -> ReadConnections {
        ReadConnections {
            path,
            pragmas,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `statement`; its rows, each as its columns' values.
    pub(crate) fn read(&self, statement: &Statement) -> Result<Vec<Vec<Value>>, StoreError> {
        let taken = self.idle().pop();
        let connection = match taken {
            Some(connection) => connection,
            None => self.open()?,
        };
        let rows = all_rows(&connection, statement);
        self.idle().push(connection);
        rows
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let connection = open_direct(&self.path, self.pragmas)?;
        // no write can come through here by mistake
        connection.execute_batch("PRAGMA query_only = ON")?;
        connection.set_prepared_statement_cache_capacity(64);
        Ok(connection)
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        // held only to take or give back a connection, which cannot panic half-way
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(name: &str) -> ReadConnections {
        let path = std::env::temp_dir().join(format!(
            "tongban-reader-{name}-{}.sqlite",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let setup = Connection::open(&path).expect("open");
        setup
            .execute_batch(
                "PRAGMA journal_mode = WAL; CREATE TABLE t (a BIGINT, b TEXT); \
                 INSERT INTO t VALUES (1, 'one'), (2, NULL);",
            )
            .expect("table");
        ReadConnections::new(path, "PRAGMA busy_timeout = 1000;")
    }

    #[test]
    fn rows_come_back_with_their_values_and_placeholders_by_number() {
        let readers = fresh("rows");
        let statement = Statement::new("SELECT a, b FROM t WHERE a >= $2 AND a <= $1 ORDER BY a")
            .with(2)
            .with(1);
        let rows = readers.read(&statement).unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Value::Integer(1), Value::Text("one".into())],
                vec![Value::Integer(2), Value::Null],
            ]
        );
        // the connection was given back and serves the next read
        assert_eq!(readers.idle().len(), 1);
        assert!(readers.read(&statement).is_ok());
        assert_eq!(readers.idle().len(), 1);
    }

    #[test]
    fn nothing_is_written_through_a_read_connection() {
        let readers = fresh("query-only");
        let write = Statement::new("DELETE FROM t");
        assert!(readers.read(&write).is_err());
        let count = Statement::new("SELECT COUNT(*) FROM t");
        assert_eq!(readers.read(&count).unwrap(), vec![vec![Value::Integer(2)]]);
    }
}
