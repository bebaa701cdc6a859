//! A small builder for filtered listings: clauses and their bound values stay in step, and
//! placeholders are numbered the way both backends accept (`$1`, `$2`, …).

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Text(String),
}

#[derive(Debug, Default)]
pub struct Filter {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Filter {
    /// Adds a clause with one `?` standing for the value.
    pub fn and(&mut self, clause: &str, value: Value) {
        self.values.push(value);
        self.clauses
            .push(clause.replace('?', &format!("${}", self.values.len())));
    }

    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// The next free placeholder number, for LIMIT/OFFSET after the filter.
    pub fn next_placeholder(&self) -> usize {
        self.values.len() + 1
    }

    pub fn bind(&self, sql: String) -> Query<'static, Any, AnyArguments> {
        let mut query = sqlx::query::<Any>(AssertSqlSafe(sql));
        for value in &self.values {
            query = match value {
                Value::Int(v) => query.bind(*v),
                Value::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
}

/// Escapes LIKE wildcards in user text and wraps it for a substring match.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
