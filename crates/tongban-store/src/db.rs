//! The connection pool and the one place that knows the two backends apart: URL parsing,
//! connection pragmas, and how a write transaction begins.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::Once;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};

use crate::StoreError;
use crate::audit::{AuditChain, AuditLinker};
use crate::batch::{Batch, Row, Statement, Writes};
use crate::cases::{ActQueue, CaseMemory, CaseTurns};
use crate::sqlite_reader::ReadConnections;
use crate::sqlite_writer::{DirectTx, WriterConnection};

/// A write transaction. On SQLite it holds the write lock from its first statement, so a
/// read-then-write never fails half-way with SQLITE_BUSY; it derefs to the connection, so
/// `&mut *tx` is an executor as with a plain transaction.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    /// SQLite: this server's turn to write (see [`Store::write`]), held until the end.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    backend: Backend,
    /// How this transaction appends to the audit chain (see `audit::append_after`).
    pub(crate) audit_chain: AuditChain,
}

impl WriteTx {
    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    /// Commits; on PostgreSQL returns once the audit rows written are linked into the chain.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await?;
        self.audit_chain.committed().await;
        Ok(())
    }

    /// Ends the transaction having written nothing. Dropping it would too, but only queue
    /// the rollback for the connection's next use: on SQLite the write lock would be held
    /// until then, and the next writer would wait on the busy handler.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// PostgreSQL: every write transaction holds one advisory lock, shared, until it ends;
/// [`Store::write_alone`] holds it alone. An advisory lock lives in the server's lock table
/// and writes no row, so writers sharing it cost each other nothing.
macro_rules! writes_lock {
    // "tongban" in ASCII
    () => {
        "32773617270022510"
    };
}
const BEGIN_BESIDE_OTHERS: &str = concat!(
    "BEGIN; SELECT pg_advisory_xact_lock_shared(",
    writes_lock!(),
    ")"
);
const BEGIN_ALONE: &str = concat!("BEGIN; SELECT pg_advisory_xact_lock(", writes_lock!(), ")");

/// A write transaction of acts and submissions: on SQLite, on the writer thread's own
/// connection, driven directly (see `sqlite_writer`); elsewhere (PostgreSQL, a SQLite
/// database in memory) a [`WriteTx`]. Its statements go through [`Writes`].
pub(crate) enum HotTx {
    Direct(DirectTx),
    Pooled(WriteTx),
}

impl Writes for HotTx {
    fn audit_chain(&mut self) -> &mut AuditChain {
        match self {
            HotTx::Direct(tx) => tx.audit_chain(),
            HotTx::Pooled(tx) => Writes::audit_chain(tx),
        }
    }

    async fn execute(&mut self, statement: Statement) -> Result<u64, StoreError> {
        match self {
            HotTx::Direct(tx) => tx.execute(statement).await,
            HotTx::Pooled(tx) => tx.execute(statement).await,
        }
    }

    async fn fetch_number(&mut self, statement: Statement) -> Result<Option<i64>, StoreError> {
        match self {
            HotTx::Direct(tx) => tx.fetch_number(statement).await,
            HotTx::Pooled(tx) => tx.fetch_number(statement).await,
        }
    }

    async fn run_then(
        &mut self,
        batch: Batch,
        last: Option<Statement>,
    ) -> Result<Option<(i64, String)>, StoreError> {
        match self {
            HotTx::Direct(tx) => tx.run_then(batch, last).await,
            HotTx::Pooled(tx) => tx.run_then(batch, last).await,
        }
    }

    async fn commit(self) -> Result<(), StoreError> {
        match self {
            HotTx::Direct(tx) => tx.commit().await,
            HotTx::Pooled(tx) => Writes::commit(tx).await,
        }
    }

    async fn rollback(self) -> Result<(), StoreError> {
        match self {
            HotTx::Direct(tx) => tx.rollback().await,
            HotTx::Pooled(tx) => Writes::rollback(tx).await,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Refuses anything but the two supported schemes, rather than guessing.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Configuration(format!(
                "unsupported database URL \"{}\": use sqlite://PATH or postgres://USER@HOST/DB",
                redact(url)
            )))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time. Writers of this server take turns here, waking in
    /// order, instead of racing for the file lock, whose busy handler sleeps up to 100 ms
    /// between tries (long tails under load). Other processes still meet the busy timeout.
    writers: Arc<tokio::sync::Mutex<()>>,
    /// SQLite: where the hot write transactions run (see [`Store::on_writer`]).
    writer: Option<Arc<WriterThread>>,
    /// SQLite: acts waiting for the writer thread, written in groups (see [`ActQueue`]).
    acts: Option<Arc<ActQueue>>,
    /// Acts on one case, one at a time on this server (see [`CaseTurns`]).
    case_turns: Arc<CaseTurns>,
    /// Cases loaded or acted on lately, kept replayed (see [`CaseMemory`]).
    case_memory: Arc<CaseMemory>,
    /// SQLite: the writer thread's own connection, where acts are written (see
    /// `sqlite_writer`); none for a database in memory.
    writer_connection: Option<Arc<WriterConnection>>,
    /// SQLite: connections for the requests' reads by key (see [`Store::read_now`]); none
    /// for a database in memory.
    readers: Option<Arc<ReadConnections>>,
    /// PostgreSQL: where audit rows are linked after their commits (see [`AuditLinker`]).
    audit_linker: Option<Arc<AuditLinker>>,
}

/// Every SQLite connection's settings. 64 MiB of page cache per connection (the default is
/// 2 MiB): a tick or an inbox reads index and table pages all over a large database, and each
/// miss is a system call. Pages are not mapped into memory: a growing file is mapped again and
/// again by every connection, and each unmapping interrupts the other cores (mapping 1 GiB
/// cost a quarter of the lifecycles per second, BENCHMARKS.md).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
     PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";

/// PostgreSQL: a pooled connection idle longer than this is checked before use.
const POSTGRES_IDLE_BEFORE_CHECK: Duration = Duration::from_secs(1);

/// A thread of its own, with a single-threaded async runtime, for SQLite's write
/// transactions. Each statement is a round trip to the connection's worker thread; the task
/// it wakes, on a busy request runtime, waits behind the other requests' tasks in the
/// runtime's shared queue, all while holding the one write lock. Here it is woken at once;
/// acts and submissions go further and run their statements on this thread itself (see
/// `sqlite_writer`). The thread ends when the last clone of its store is dropped.
struct WriterThread {
    handle: tokio::runtime::Handle,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl WriterThread {
    fn start() -> Result<WriterThread, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Configuration(format!("the SQLite writer's runtime: {e}")))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("tongban-sqlite-writer".into())
            .spawn(move || runtime.block_on(async move { stopped.await.ok() }))
            .map_err(|e| StoreError::Configuration(format!("the SQLite writer's thread: {e}")))?;
        Ok(WriterThread {
            handle,
            _stop: stop,
        })
    }
}

impl Store {
    /// Connects (creating a SQLite file if needed) without migrating.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool_options = match backend {
            Backend::Sqlite => AnyPoolOptions::new()
                // Each connection works on a thread of its own, and SQLite's work is the
                // processor's: more threads than cores only take turns (on two cores, three
                // connections gave about 215 lifecycles a second, two 191, four 190, eight
                // 163; BENCHMARKS.md).
                .max_connections(sqlite_connections())
                // A connection to a file cannot go stale; the check would cost each
                // statement a second round trip to the connection's thread.
                .test_before_acquire(false)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(SQLITE_PRAGMAS).await?;
                        Ok(())
                    })
                }),
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(16)
                // Checking a connection on every use (sqlx's default) cost every read and
                // every transaction a second round trip. One left idle a while (the
                // server may have restarted meanwhile) is still checked; one the server
                // closed within the last second fails its statement, as one in use then does.
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > POSTGRES_IDLE_BEFORE_CHECK {
                            conn.ping().await?;
                        }
                        Ok(true)
                    })
                }),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        let mut store = Store {
            pool,
            backend,
            writers: Arc::new(tokio::sync::Mutex::new(())),
            writer: None,
            acts: None,
            case_turns: Arc::default(),
            case_memory: Arc::default(),
            writer_connection: None,
            readers: None,
            audit_linker: None,
        };
        if backend == Backend::Postgres {
            store.audit_linker = Some(Arc::new(AuditLinker::new(store.pool.clone())));
        }
        if backend == Backend::Sqlite {
            // opened after the pool, which created the file
            if let Some(path) = sqlite_file(&url)? {
                store.writer_connection =
                    Some(Arc::new(WriterConnection::open(&path, SQLITE_PRAGMAS)?));
                store.readers = Some(Arc::new(ReadConnections::new(path, SQLITE_PRAGMAS)));
            }
            let writer = WriterThread::start()?;
            // The queue's own store holds neither the queue nor the thread: both end with
            // the last store outside.
            store.acts = Some(Arc::new(ActQueue::start(store.clone(), &writer.handle)));
            store.writer = Some(Arc::new(writer));
        }
        Ok(store)
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        crate::migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// How many acts were queued for SQLite's writer since the store opened (always 0 on
    /// PostgreSQL). Tests use it to know their acts wait behind a write they hold.
    pub fn acts_queued(&self) -> usize {
        self.acts.as_ref().map_or(0, |queue| queue.queued())
    }

    /// SQLite: where acts are written (see [`ActQueue`]); on PostgreSQL, whose writers work
    /// side by side, none.
    pub(crate) fn act_queue(&self) -> Option<&ActQueue> {
        self.acts.as_deref()
    }

    pub(crate) fn case_turns(&self) -> &Arc<CaseTurns> {
        &self.case_turns
    }

    pub(crate) fn case_memory(&self) -> &CaseMemory {
        &self.case_memory
    }

    /// Begins a write transaction (see [`WriteTx`]). On PostgreSQL it works beside the
    /// others, and waits while one begun with [`Store::write_alone`] is open.
    pub async fn write(&self) -> Result<WriteTx, StoreError> {
        self.begin_write(BEGIN_BESIDE_OTHERS).await
    }

    /// Begins a write transaction while no other is open, and keeps others from beginning
    /// until it ends: the supervision tick, which reads every clock's watch, so that no act
    /// decided on the alerts before it is written after it (such an act then finds the tick's
    /// day moved, a conflict). SQLite's every write is so; on PostgreSQL it waits for the
    /// open writes to end.
    pub async fn write_alone(&self) -> Result<WriteTx, StoreError> {
        self.begin_write(BEGIN_ALONE).await
    }

    /// Begins a write transaction for the busiest writes, acts and submissions (see [`HotTx`]).
    pub(crate) async fn write_hot(&self) -> Result<HotTx, StoreError> {
        Ok(match &self.writer_connection {
            Some(connection) => {
                HotTx::Direct(DirectTx::begin(connection.clone(), self.writers.clone()).await?)
            }
            None => HotTx::Pooled(self.write().await?),
        })
    }

    /// `postgres_begin` is how a PostgreSQL write begins.
    async fn begin_write(&self, postgres_begin: &'static str) -> Result<WriteTx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = self.writers.clone().lock_owned().await;
                WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: Some(turn),
                    backend: self.backend,
                    audit_chain: AuditChain::begin(None),
                }
            }
            // The lock is taken in the round trip of the BEGIN (one simple query).
            Backend::Postgres => WriteTx {
                tx: self.pool.begin_with(postgres_begin).await?,
                _turn: None,
                backend: self.backend,
                audit_chain: AuditChain::begin(self.audit_linker.as_ref()),
            },
        })
    }

    /// Runs `job`, a write transaction from begin to commit, on SQLite's writer thread (see
    /// [`WriterThread`]); on PostgreSQL, whose connections belong to the request runtime,
    /// here. Once started the job runs to its end even if the caller goes away.
    pub(crate) async fn on_writer<T: Send + 'static>(
        &self,
        job: impl std::future::Future<Output = T> + Send + 'static,
    ) -> T {
        let Some(writer) = &self.writer else {
            return job.await;
        };
        match writer.handle.spawn(job).await {
            Ok(done) => done,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("the SQLite writer thread stopped: {e}"),
        }
    }

    /// Runs `statement`, a read by key, and answers its rows. On a SQLite file it runs at once
    /// on this thread (see `sqlite_reader`): only for reads of a few rows found by an index,
    /// which hold the thread for microseconds; anything longer goes through the pool.
    pub(crate) async fn read_now(&self, statement: Statement) -> Result<Vec<Row>, StoreError> {
        Ok(match &self.readers {
            Some(readers) => readers
                .read(&statement)?
                .into_iter()
                .map(Row::Direct)
                .collect(),
            None => statement
                .query()
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Row::Pooled)
                .collect(),
        })
    }

    /// Whether the database answers (for /readyz).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file of a SQLite URL; None for a database in memory, which a second connection would
/// not share.
fn sqlite_file(url: &str) -> Result<Option<std::path::PathBuf>, StoreError> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    let path = options.get_filename();
    if path.as_os_str().is_empty() || url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(None);
    }
    Ok(Some(path.to_owned()))
}

/// How many connections a SQLite pool holds: one a core for reading, and the writer's.
fn sqlite_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores + 1).unwrap_or(u32::MAX).max(3)
}

/// The placeholders of a multi-row `VALUES` list: `rows` tuples of `width` numbered
/// parameters, `($1, $2), ($3, $4)`; one row is an `IN` list. Only numbers go into the SQL
/// text; values are bound.
pub(crate) fn value_lists(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|row| {
            let params: Vec<String> = (1..=width)
                .map(|col| format!("${}", row * width + col))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A URL fit for logs: any password removed.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_schemes() {
        assert_eq!(
            Backend::from_url("sqlite://tongban.sqlite").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
        assert!(Backend::from_url("tongban.sqlite").is_err());
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u@h/db");
    }

    #[tokio::test]
    async fn reads_by_key_run_on_the_read_connections_of_a_file_only() {
        // a directory of its own, removed at the end with the database's WAL files
        let dir = std::env::temp_dir().join(format!("tongban-read-now-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.sqlite");
        let file = Store::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let in_memory = Store::connect("sqlite::memory:").await.unwrap();
        for (store, direct) in [(&file, true), (&in_memory, false)] {
            let rows = store
                .read_now(Statement::new("SELECT $1 + 1").with(41))
                .await
                .unwrap();
            assert_eq!(matches!(rows[0], Row::Direct(_)), direct);
            assert_eq!(rows[0].get::<i64>(0).unwrap(), 42);
        }
        drop(file);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn value_lists_number_every_parameter_once() {
        assert_eq!(value_lists(1, 2), "($1, $2)");
        assert_eq!(value_lists(3, 2), "($1, $2), ($3, $4), ($5, $6)");
    }
}
