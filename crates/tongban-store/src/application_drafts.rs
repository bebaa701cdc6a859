//! Saved drafts of online applications (草稿): an applicant can stop halfway and come back.
//! One draft per account and implementation; its fields are sealed (they carry the
//! applicant's name, id number and phone); its files are already kept in `case_files`, cited
//! by hash. Sending the application discards the draft; one left alone is deleted after
//! `application_drafts.keep_days` (personal data is not kept longer than it serves).

use sqlx::{Any, Row};

use crate::guides::setting;
use crate::sealed::DataKey;
use crate::{Store, StoreError};

/// The setting: how many days a draft is kept after it was last saved.
pub const KEEP_DAYS_SETTING: &str = "application_drafts.keep_days";
/// Its default: a season, long enough to gather a licence's documents.
pub const KEEP_DAYS: i64 = 90;
const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// Deletes the drafts last saved more than the kept days before `now_millis`; answers how
/// many went.
pub async fn expire(store: &Store, now_millis: i64) -> Result<u64, StoreError> {
    let days = setting(store, KEEP_DAYS_SETTING)
        .await?
        .unwrap_or(KEEP_DAYS)
        .max(1);
    let before = now_millis.saturating_sub(days.saturating_mul(DAY_MILLIS));
    let mut tx = store.write().await?;
    let gone = sqlx::query::<Any>("DELETE FROM application_drafts WHERE saved_at < $1")
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(gone)
}

/// A draft as the applicant's list shows it: which item, saved when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSummary {
    pub implementation_code: String,
    pub saved_at_millis: i64,
}

/// Keeps (or replaces) `owner`'s draft for an implementation: the form's fields as typed.
pub async fn save(
    store: &Store,
    key: &DataKey,
    owner: &str,
    implementation_code: &str,
    fields: &[(String, String)],
    at_millis: i64,
) -> Result<(), StoreError> {
    let sealed = key.seal(&serde_json::to_string(fields).map_err(StoreError::corrupt)?);
    let mut tx = store.write().await?;
    sqlx::query::<Any>(
        "INSERT INTO application_drafts (owner, implementation_code, sealed_fields, saved_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (owner, implementation_code) \
         DO UPDATE SET sealed_fields = excluded.sealed_fields, saved_at = excluded.saved_at",
    )
    .bind(owner)
    .bind(implementation_code)
    .bind(sealed)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `owner`'s draft for an implementation, opened: its fields and when it was saved.
pub async fn load(
    store: &Store,
    key: &DataKey,
    owner: &str,
    implementation_code: &str,
) -> Result<Option<(Vec<(String, String)>, i64)>, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT sealed_fields, saved_at FROM application_drafts \
         WHERE owner = $1 AND implementation_code = $2",
    )
    .bind(owner)
    .bind(implementation_code)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let fields = serde_json::from_str(&key.open(&row.try_get::<String, _>(0)?)?)
        .map_err(StoreError::corrupt)?;
    Ok(Some((fields, row.try_get(1)?)))
}

/// `owner`'s drafts, the latest first.
pub async fn of_owner(store: &Store, owner: &str) -> Result<Vec<DraftSummary>, StoreError> {
    sqlx::query::<Any>(
        "SELECT implementation_code, saved_at FROM application_drafts WHERE owner = $1 \
         ORDER BY saved_at DESC, implementation_code",
    )
    .bind(owner)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(DraftSummary {
            implementation_code: row.try_get(0)?,
            saved_at_millis: row.try_get(1)?,
        })
    })
    .collect()
}

/// Discards `owner`'s draft for an implementation (sent, or thrown away); none is no error.
pub async fn discard(
    store: &Store,
    owner: &str,
    implementation_code: &str,
) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    sqlx::query::<Any>(
        "DELETE FROM application_drafts WHERE owner = $1 AND implementation_code = $2",
    )
    .bind(owner)
    .bind(implementation_code)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
