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
    let rows = sqlx::query::<Any>("SELECT name, value FROM settings")
        .fetch_all(store.pool())
        .await?;
    let mut stored = HashMap::new();
    for row in rows {
        let name: String = row.try_get(0)?;
        if prefixes.iter().any(|p| name.starts_with(p)) {
            stored.insert(name, row.try_get(1)?);
        }
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
