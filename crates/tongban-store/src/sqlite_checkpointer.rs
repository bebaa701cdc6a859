//! SQLite: the write-ahead log copied back into the database file on a thread of its own.
//! SQLite's automatic checkpoint runs on the connection that commits past 1,000 pages of log:
//! the writer thread, which copied the pages and waited for two `fsync`s while every act
//! behind it waited too (a quarter of its time, BENCHMARKS.md). Here another connection
//! copies what was committed, every few milliseconds while acts are written, beside the
//! writer. The writer's automatic checkpoint stays: it finds most of the log copied and
//! synced already, copies the little left, and so lets its next transaction start the log
//! again from its beginning (SQLite restarts the log only once every page of it is copied).

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender};
use std::time::Duration;

use rusqlite::Connection;

use crate::StoreError;
use crate::sqlite_writer::open_direct;

/// How long the log waits at most to be copied while acts are written. Each copy costs two
/// `fsync`s; shorter waits leave the writer less to copy itself.
const EVERY: Duration = Duration::from_millis(10);

/// The thread's handle: told of each commit; the thread ends when it is dropped (with the
/// last clone of its store).
pub(crate) struct Checkpointer {
    wake: SyncSender<()>,
}

impl Checkpointer {
    /// Starts copying the log of the database at `path`, opened with `pragmas`.
    pub(crate) fn start(path: &Path, pragmas: &str) -> Result<Checkpointer, StoreError> {
        let connection = open_direct(path, pragmas)?;
        // a checkpoint by this connection is never automatic: it writes nothing else
        connection.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        // one waiting wake is enough: commits since the last copy are copied together
        let (wake, woken) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("tongban-checkpoint".into())
            .spawn(move || copy_after_commits(&connection, &woken))
            .map_err(|e| {
                StoreError::Configuration(format!("the SQLite checkpointer's thread: {e}"))
            })?;
        Ok(Checkpointer { wake })
    }

    /// Tells the thread that a transaction committed; never waits. Full: a copy is due
    /// already. Were the thread gone (only a panic ends it early), the writer's own
    /// checkpoint would copy the whole log, as before there was this thread.
    pub(crate) fn committed(&self) {
        let _ = self.wake.try_send(());
    }
}

/// Asleep until a commit; then, after [`EVERY`], copies what was committed meanwhile.
fn copy_after_commits(connection: &Connection, woken: &Receiver<()>) {
    while woken.recv().is_ok() {
        std::thread::sleep(EVERY);
        // the commits during the wait are in this copy
        while woken.try_recv().is_ok() {}
        // A failure (the disk full) is the writer's to meet too.
        if let Err(error) = copy_back(connection) {
            tracing::warn!(%error, "copying SQLite's write-ahead log");
        }
    }
}

/// Copies the committed log into the database file. PASSIVE: only what no reader still
/// needs, waiting for no one; the writer's own checkpoint copies the rest.
fn copy_back(connection: &Connection) -> rusqlite::Result<()> {
    connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The database file's size in pages, as its header says (bytes 28–31).
    fn pages_in_file(path: &Path) -> u32 {
        let bytes = std::fs::read(path).expect("read");
        bytes.get(28..32).map_or(0, |size| {
            u32::from_be_bytes(size.try_into().expect("4 bytes"))
        })
    }

    #[test]
    fn what_the_writer_committed_is_copied_into_the_file_by_another_connection() {
        let path =
            std::env::temp_dir().join(format!("tongban-checkpoint-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let writer = Connection::open(&path).expect("open");
        // only the other connection copies, as when the writer is busy
        writer
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
            .expect("pragmas");
        writer
            .execute_batch(
                "CREATE TABLE t (a TEXT); \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) \
                 INSERT INTO t SELECT printf('%0500d', i) FROM n;",
            )
            .expect("rows");
        let before = pages_in_file(&path);
        let other = Connection::open(&path).expect("open");
        copy_back(&other).expect("copy");
        let after = pages_in_file(&path);
        assert!(after > before + 10, "{before} pages before, {after} after");
        let rows: i64 = other
            .query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))
            .expect("count");
        assert_eq!(rows, 100);
        drop((writer, other));
        let _ = std::fs::remove_file(&path);
    }
}
