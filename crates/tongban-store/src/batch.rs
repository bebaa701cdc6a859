//! Statements of a write transaction whose answers are not needed, sent together. On SQLite
//! every statement is a round trip to the connection's thread while the one write lock is
//! held, so a batch goes as one multi-statement call; PostgreSQL takes bound statements one
//! at a time, so there they run one by one. Each statement numbers its placeholders from `$1`.
//!
//! An act's statements go through [`Writes`], so that on SQLite they can be run on the writer
//! thread's own connection, with no hand-off at all (see `sqlite_writer`).

use sqlx::{Any, Row as _};

use crate::audit::AuditChain;
use crate::db::Backend;
use crate::{StoreError, WriteTx};

/// A write transaction that statements can be sent to: one through sqlx ([`WriteTx`]), or on
/// SQLite's writer thread, its own connection (`sqlite_writer::DirectTx`).
pub(crate) trait Writes: Send + Sized {
    /// How this transaction appends to the audit chain (see `audit::append_after`).
    fn audit_chain(&mut self) -> &mut AuditChain;

    /// Runs one statement; how many rows it changed.
    fn execute(
        &mut self,
        statement: Statement,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Runs one statement; its first row's first column, a number (None when it gives no
    /// row, or a null).
    fn fetch_number(
        &mut self,
        statement: Statement,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;

    /// Runs `batch`, then `last`, whose first row is the answer, a number and a text (None
    /// when it gives no row).
    fn run_then(
        &mut self,
        batch: Batch,
        last: Option<Statement>,
    ) -> impl Future<Output = Result<Option<(i64, String)>, StoreError>> + Send;

    fn commit(self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Ends the transaction having written nothing, at once.
    fn rollback(self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl WriteTx {
    /// Runs `statement` in this transaction; its rows.
    pub(crate) async fn read(&mut self, statement: Statement) -> Result<Vec<Row>, StoreError> {
        let rows = statement.query().fetch_all(&mut **self).await?;
        Ok(rows.into_iter().map(Row::Pooled).collect())
    }
}

impl Writes for WriteTx {
    fn audit_chain(&mut self) -> &mut AuditChain {
        &mut self.audit_chain
    }

    async fn execute(&mut self, statement: Statement) -> Result<u64, StoreError> {
        Ok(statement
            .query()
            .execute(&mut **self)
            .await?
            .rows_affected())
    }

    async fn fetch_number(&mut self, statement: Statement) -> Result<Option<i64>, StoreError> {
        Ok(match statement.query().fetch_optional(&mut **self).await? {
            Some(row) => row.try_get(0)?,
            None => None,
        })
    }

    /// On SQLite all in one call.
    async fn run_then(
        &mut self,
        mut batch: Batch,
        last: Option<Statement>,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let answering = last.is_some();
        batch.statements.extend(last);
        if batch.statements.is_empty() {
            return Ok(None);
        }
        let groups: Vec<Statement> = match self.backend() {
            Backend::Sqlite => vec![batch.joined()],
            Backend::Postgres => batch.statements,
        };
        let count = groups.len();
        let mut answer = None;
        for (i, statement) in groups.into_iter().enumerate() {
            let query = statement.query();
            if answering && i + 1 == count {
                // All the rows, not the first: a first-row fetch of several statements stops
                // at the first statement's result, and may not run the rest.
                if let Some(row) = query.fetch_all(&mut **self).await?.into_iter().next() {
                    answer = Some((row.try_get(0)?, row.try_get(1)?));
                }
            } else {
                query.execute(&mut **self).await?;
            }
        }
        Ok(answer)
    }

    async fn commit(self) -> Result<(), StoreError> {
        Ok(WriteTx::commit(self).await?)
    }

    async fn rollback(self) -> Result<(), StoreError> {
        Ok(WriteTx::rollback(self).await?)
    }
}

/// A value bound to a batched statement.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Param {
    fn from(value: i64) -> Self {
        Param::Int(Some(value))
    }
}

impl From<Option<i64>> for Param {
    fn from(value: Option<i64>) -> Self {
        Param::Int(value)
    }
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Param::Text(Some(value.to_owned()))
    }
}

impl From<&String> for Param {
    fn from(value: &String) -> Self {
        Param::Text(Some(value.clone()))
    }
}

impl From<String> for Param {
    fn from(value: String) -> Self {
        Param::Text(Some(value))
    }
}

impl From<Option<&str>> for Param {
    fn from(value: Option<&str>) -> Self {
        Param::Text(value.map(str::to_owned))
    }
}

impl From<Option<String>> for Param {
    fn from(value: Option<String>) -> Self {
        Param::Text(value)
    }
}

/// One statement of a batch, with its values.
#[derive(Debug, Default)]
pub(crate) struct Statement {
    sql: String,
    params: Vec<Param>,
}

impl Statement {
    pub(crate) fn new(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    pub(crate) fn bind(&mut self, value: impl Into<Param>) -> &mut Self {
        self.params.push(value.into());
        self
    }

    /// The statement with one more value (see [`Statement::bind`]).
    pub(crate) fn with(mut self, value: impl Into<Param>) -> Self {
        self.params.push(value.into());
        self
    }

    /// The statement as sqlx runs it.
    pub(crate) fn query(self) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments> {
        let mut query = sqlx::query::<Any>(sqlx::AssertSqlSafe(self.sql));
        for param in self.params {
            query = match param {
                Param::Int(value) => query.bind(value),
                Param::Text(value) => query.bind(value),
            };
        }
        query
    }

    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    /// The value of placeholder `$n` (from 1).
    pub(crate) fn param(&self, n: usize) -> Option<&Param> {
        n.checked_sub(1).and_then(|i| self.params.get(i))
    }
}

/// A row of [`Store::read_now`](crate::Store::read_now): from sqlx, or a SQLite read
/// connection's values.
pub(crate) enum Row {
    Pooled(sqlx::any::AnyRow),
    Direct(Vec<rusqlite::types::Value>),
}

impl Row {
    /// Column `index` (from 0) as a `T`, whichever way it was read.
    pub(crate) fn get<T>(&self, index: usize) -> Result<T, StoreError>
    where
        T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> + rusqlite::types::FromSql,
    {
        match self {
            Row::Pooled(row) => Ok(row.try_get(index)?),
            Row::Direct(values) => {
                let value = values.get(index).ok_or_else(|| {
                    StoreError::corrupt(format!("a row of {} has no column {index}", values.len()))
                })?;
                T::column_result(value.into())
                    .map_err(|e| StoreError::corrupt(format!("column {index}: {e}")))
            }
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Batch {
    statements: Vec<Statement>,
}

impl IntoIterator for Batch {
    type Item = Statement;
    type IntoIter = std::vec::IntoIter<Statement>;
    fn into_iter(self) -> Self::IntoIter {
        self.statements.into_iter()
    }
}

impl Batch {
    /// Adds a statement; its values follow with [`Statement::bind`].
    pub(crate) fn statement(&mut self, sql: impl Into<String>) -> &mut Statement {
        self.statements.push(Statement::new(sql));
        self.statements.last_mut().expect("just pushed")
    }

    /// Runs the batch's statements in order.
    pub(crate) async fn run(self, tx: &mut impl Writes) -> Result<(), StoreError> {
        tx.run_then(self, None).await.map(drop)
    }

    /// The statements as one, each one's placeholders moved past the values before it.
    fn joined(self) -> Statement {
        let mut joined = Statement::default();
        for statement in self.statements {
            if !joined.sql.is_empty() {
                joined.sql.push_str(";\n");
            }
            joined
                .sql
                .push_str(&renumbered(&statement.sql, joined.params.len()));
            joined.params.extend(statement.params);
        }
        joined
    }
}

/// `sql` with each placeholder `$n` written as `$(n + offset)`. The statements batched are
/// the store's own, with no `$` inside a quoted string.
fn renumbered(sql: &str, offset: usize) -> String {
    if offset == 0 {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_move_past_the_values_before_them() {
        assert_eq!(
            renumbered("UPDATE t SET a = $1 WHERE b = $2", 0),
            "UPDATE t SET a = $1 WHERE b = $2"
        );
        assert_eq!(
            renumbered("INSERT INTO t VALUES ($1, $2), ($10, $11)", 3),
            "INSERT INTO t VALUES ($4, $5), ($13, $14)"
        );
    }

    #[test]
    fn statements_join_with_their_values_in_order() {
        let mut batch = Batch::default();
        batch.statement("DELETE FROM t WHERE id = $1").bind(7);
        batch
            .statement("INSERT INTO t (id, name) VALUES ($1, $2)")
            .bind(7)
            .bind("a");
        let joined = batch.joined();
        assert_eq!(
            joined.sql,
            "DELETE FROM t WHERE id = $1;\nINSERT INTO t (id, name) VALUES ($2, $3)"
        );
        assert_eq!(joined.params.len(), 3);
    }
}
