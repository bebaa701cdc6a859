//! Local settings (data, not code): `name → value` rows the reform office may change, read
//! by prefix in one query and parsed into typed settings over their defaults.

use std::collections::HashMap;
use std::str::FromStr;

use sqlx::{Any, Row};

use crate::{Store, StoreError};

/// The stored settings under some prefixes.
pub struct Stored(HashMap<String, String>);

/// Reads every setting whose name starts with one of `prefixes` (e.g. `"login."`).
pub async fn load(store: &Store, prefixes: &[&str]) -> Result<Stored, StoreError> {
    if prefixes.is_empty() {
        return Ok(Stored(HashMap::new()));
    }
    // Filtered by the database: cases read their settings on every request.
    let conditions: Vec<String> = (1..=prefixes.len())
        .map(|n| format!("name LIKE ${n}"))
        .collect();
    let sql = format!(
        "SELECT name, value FROM settings WHERE {}",
        conditions.join(" OR ")
    );
    let mut query = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql));
    for prefix in prefixes {
        query = query.bind(format!("{prefix}%"));
    }
    let mut stored = HashMap::new();
    for row in query.fetch_all(store.pool()).await? {
        stored.insert(row.try_get(0)?, row.try_get(1)?);
    }
    Ok(Stored(stored))
}

impl Stored {
    /// Overrides `target` with the stored value of `name`, if any; an unparsable value is
    /// corrupt data, never silently the default.
    pub fn set<T: FromStr>(&self, name: &str, target: &mut T) -> Result<(), StoreError> {
        if let Some(value) = self.0.get(name) {
            *target = value
                .parse()
                .map_err(|_| StoreError::corrupt(format!("{name} = {value}")))?;
        }
        Ok(())
    }
}
