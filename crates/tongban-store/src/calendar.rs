//! The working-day calendar's years: the shipped notices plus those the reform office
//! imported, which replace a shipped notice for the same year. Importing is audited.

use sqlx::{Any, Row};
use tongban_domain::calendar::{Calendar, HolidayNotice, built_in_notices};

use crate::audit::{self, AuditEntry};
use crate::batch::Statement;
use crate::catalog::ImportActor;
use crate::{Store, StoreError};

/// Where a loaded year's notice came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeSource {
    BuiltIn,
    Imported { by: String, at_millis: i64 },
}

#[derive(Debug, Clone)]
pub struct LoadedNotice {
    pub notice: HolidayNotice,
    pub source: NoticeSource,
}

/// Grows with every import; a calendar built at one revision is current until it changes.
pub async fn revision(store: &Store) -> Result<i64, StoreError> {
    let statement = Statement::new("SELECT COALESCE(MAX(revision), 0) FROM calendar_notices");
    match store.read_now(statement).await?.first() {
        Some(row) => row.get(0),
        None => Err(StoreError::corrupt("no calendar revision")),
    }
}

/// Every loaded year's notice, in year order.
pub async fn notices(store: &Store) -> Result<Vec<LoadedNotice>, StoreError> {
    let mut loaded: std::collections::BTreeMap<i16, LoadedNotice> = built_in_notices()
        .map(|notice| {
            (
                notice.year,
                LoadedNotice {
                    notice,
                    source: NoticeSource::BuiltIn,
                },
            )
        })
        .collect();
    let rows = sqlx::query::<Any>(
        "SELECT notice, imported_by, imported_at FROM calendar_notices ORDER BY year",
    )
    .fetch_all(store.pool())
    .await?;
    for row in rows {
        let text: String = row.try_get(0)?;
        let notice = HolidayNotice::parse(&text).map_err(StoreError::corrupt)?;
        loaded.insert(
            notice.year,
            LoadedNotice {
                notice,
                source: NoticeSource::Imported {
                    by: row.try_get(1)?,
                    at_millis: row.try_get(2)?,
                },
            },
        );
    }
    Ok(loaded.into_values().collect())
}

/// The calendar of every loaded year, with the revision it was built at.
pub async fn load(store: &Store) -> Result<(i64, Calendar), StoreError> {
    // Read the revision first: an import landing in between makes the pair look stale,
    // never fresh, so the next caller rebuilds.
    let revision = revision(store).await?;
    let notices = notices(store).await?;
    Ok((
        revision,
        Calendar::from_notices(notices.into_iter().map(|n| n.notice)),
    ))
}

/// Adds or replaces a year's notice. The caller has checked that the actor may (the reform
/// office, or an operator at the command line); the notice is checked again here.
pub async fn import_notice(
    store: &Store,
    actor: &ImportActor<'_>,
    role: &str,
    notice: &HolidayNotice,
    at_millis: i64,
) -> Result<(), StoreError> {
    notice.check()?;
    let text = serde_json::to_string(notice).map_err(StoreError::corrupt)?;
    let mut tx = store.write().await?;
    let replaced = sqlx::query::<Any>("SELECT 1 FROM calendar_notices WHERE year = $1")
        .bind(i64::from(notice.year))
        .fetch_optional(&mut *tx)
        .await?
        .is_some()
        || built_in_notices().any(|n| n.year == notice.year);
    let next: i64 =
        sqlx::query::<Any>("SELECT COALESCE(MAX(revision), 0) + 1 FROM calendar_notices")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
    sqlx::query::<Any>(
        "INSERT INTO calendar_notices (year, notice, revision, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (year) DO UPDATE SET notice = excluded.notice, \
         revision = excluded.revision, imported_by = excluded.imported_by, \
         imported_at = excluded.imported_at",
    )
    .bind(i64::from(notice.year))
    .bind(&text)
    .bind(next)
    .bind(actor.name)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({
        "year": notice.year,
        "days": notice.days.len(),
        "replaced": replaced,
        "papers": notice.papers,
    })
    .to_string();
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis,
            actor: actor.name,
            role,
            action: "calendar.notice.import",
            subject: &format!("calendar:{}", notice.year),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One app server's (or job's) copy of the calendar, rebuilt when another server imported a
/// year: each use costs one indexed read of the revision, not a rebuild.
#[derive(Debug, Default)]
pub struct CalendarCache {
    current: std::sync::RwLock<Option<(i64, std::sync::Arc<Calendar>)>>,
}

impl CalendarCache {
    pub async fn get(&self, store: &Store) -> Result<std::sync::Arc<Calendar>, StoreError> {
        let latest = revision(store).await?;
        if let Some((at, calendar)) = self.current.read().expect("not poisoned").as_ref()
            && *at == latest
        {
            return Ok(calendar.clone());
        }
        let (at, calendar) = load(store).await?;
        let calendar = std::sync::Arc::new(calendar);
        *self.current.write().expect("not poisoned") = Some((at, calendar.clone()));
        Ok(calendar)
    }
}
