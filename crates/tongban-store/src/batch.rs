//! Statements of a write transaction whose answers are not needed, sent together. On SQLite
//! every statement is a round trip to the connection's thread while the one write lock is
//! held, so a batch goes as one multi-statement call; PostgreSQL takes bound statements one
//! at a time, so there they run one by one. Each statement numbers its placeholders from `$1`.

use sqlx::Any;

use crate::db::Backend;
use crate::{StoreError, WriteTx};

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
}

#[derive(Debug, Default)]
pub(crate) struct Batch {
    statements: Vec<Statement>,
}

impl Batch {
    /// Adds a statement; its values follow with [`Statement::bind`].
    pub(crate) fn statement(&mut self, sql: impl Into<String>) -> &mut Statement {
        self.statements.push(Statement::new(sql));
        self.statements.last_mut().expect("just pushed")
    }

    /// Runs the batch's statements in order.
    pub(crate) async fn run(self, tx: &mut WriteTx) -> Result<(), StoreError> {
        self.run_then(tx, None).await.map(drop)
    }

    /// Runs the batch's statements, then `last`, whose first row is the answer (None when it
    /// gives no row): on SQLite all in one call.
    pub(crate) async fn run_then(
        mut self,
        tx: &mut WriteTx,
        last: Option<Statement>,
    ) -> Result<Option<sqlx::any::AnyRow>, StoreError> {
        let answering = last.is_some();
        self.statements.extend(last);
        if self.statements.is_empty() {
            return Ok(None);
        }
        let groups: Vec<Statement> = match tx.backend() {
            Backend::Sqlite => vec![self.joined()],
            Backend::Postgres => self.statements,
        };
        let count = groups.len();
        let mut answer = None;
        for (i, statement) in groups.into_iter().enumerate() {
            let mut query = sqlx::query::<Any>(sqlx::AssertSqlSafe(statement.sql));
            for param in statement.params {
                query = match param {
                    Param::Int(value) => query.bind(value),
                    Param::Text(value) => query.bind(value),
                };
            }
            if answering && i + 1 == count {
                // All the rows, not the first: a first-row fetch of several statements stops
                // at the first statement's result, and may not run the rest.
                answer = query.fetch_all(&mut **tx).await?.into_iter().next();
            } else {
                query.execute(&mut **tx).await?;
            }
        }
        Ok(answer)
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
