//! What search is built from: every published implementation with its guide's searchable
//! text, the reform office's phrase dictionary, a stamp that changes whenever either does,
//! and the queries that found nothing.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::access::{CatalogReviewer, Role};
use tongban_domain::catalog::ImplementationStatus;
use tongban_domain::guide::OnlineDepth;
use tongban_search::{Dictionary, SearchDocument, SearchIndex};

use crate::catalog::{self, Page};
use crate::{Store, StoreError, audit};

/// The published implementations as search documents.
pub async fn documents(store: &Store) -> Result<Vec<SearchDocument>, StoreError> {
    let departments: HashMap<i64, String> = catalog::departments(store)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let regions: HashMap<String, String> = catalog::regions(store)
        .await?
        .into_iter()
        .map(|r| (r.code, r.name))
        .collect();
    let popularity: HashMap<String, i64> = sqlx::query::<Any>(
        "SELECT implementation_code, COUNT(*) FROM cases GROUP BY implementation_code",
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let documents = catalog::all_current(store)
        .await?
        .into_iter()
        .filter(|s| s.status == ImplementationStatus::Published)
        .map(|s| {
            let guide = s.guide.as_ref();
            let details = guide.map(guide_text).unwrap_or_default();
            SearchDocument {
                popularity: popularity
                    .get(&s.code)
                    .map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX)),
                department: departments
                    .get(&s.department_id)
                    .cloned()
                    .unwrap_or_default(),
                region_name: regions.get(&s.region_code).cloned().unwrap_or_default(),
                online: guide.is_some_and(|g| g.online != OnlineDepth::Offline),
                implementation_code: s.code,
                basic_code: s.basic_code,
                name: s.name,
                department_id: s.department_id,
                region_code: s.region_code,
                exercise_level: s.exercise_level,
                item_type: s.item_type,
                details,
            }
        })
        .collect();
    Ok(documents)
}

/// Builds the index from the store (CPU work, off the async threads).
pub async fn build_index(store: &Store) -> Result<SearchIndex, StoreError> {
    let documents = documents(store).await?;
    let dictionary = dictionary(store).await?;
    tokio::task::spawn_blocking(move || SearchIndex::build(documents, dictionary))
        .await
        .map_err(|e| StoreError::Configuration(format!("search index build stopped: {e}")))?
        .map_err(StoreError::from)
}

/// One server's index, built again when the stamp moves. While one request rebuilds, the
/// others keep searching the previous index; only the very first build is waited for.
#[derive(Default)]
pub struct SearchCache {
    current: RwLock<Option<(String, Arc<SearchIndex>)>>,
    building: tokio::sync::Mutex<()>,
}

impl SearchCache {
    pub async fn get(&self, store: &Store) -> Result<Arc<SearchIndex>, StoreError> {
        let latest = stamp(store).await?;
        let stale = match self.current.read().expect("not poisoned").as_ref() {
            Some((at, index)) if *at == latest => return Ok(index.clone()),
            Some((_, index)) => Some(index.clone()),
            None => None,
        };
        let _turn = match (&stale, self.building.try_lock()) {
            (_, Ok(turn)) => turn,
            (Some(index), Err(_)) => return Ok(index.clone()),
            (None, Err(_)) => self.building.lock().await,
        };
        // another request may have finished the build while this one waited
        if let Some((at, index)) = self.current.read().expect("not poisoned").as_ref()
            && *at == latest
        {
            return Ok(index.clone());
        }
        let index = Arc::new(build_index(store).await?);
        *self.current.write().expect("not poisoned") = Some((latest, index.clone()));
        Ok(index)
    }
}

/// The parts of a guide people search by besides the name.
fn guide_text(guide: &tongban_domain::guide::Guide) -> Vec<String> {
    let mut text = vec![guide.result.name.clone(), guide.implementing_organ.clone()];
    text.extend(guide.service_objects.iter().cloned());
    text.extend(guide.conditions.iter().cloned());
    text.extend(guide.materials.iter().map(|m| m.name.clone()));
    for faq in &guide.faqs {
        text.push(faq.question.clone());
        text.push(faq.answer.clone());
    }
    text.retain(|t| !t.trim().is_empty());
    text
}

/// Changes whenever what the index is built from changes: a published change set, a new
/// department, a dictionary version, or a reindex asked for. Four primary-key lookups, so
/// every search may ask.
pub async fn stamp(store: &Store) -> Result<String, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM change_sets), \
                (SELECT COALESCE(MAX(id), 0) FROM departments), \
                (SELECT COALESCE(MAX(id), 0) FROM search_dictionary), \
                (SELECT COALESCE(MAX(value), '') FROM settings WHERE name = 'search.generation')",
    )
    .fetch_one(store.pool())
    .await?;
    Ok(format!(
        "{}/{}/{}/{}",
        row.try_get::<i64, _>(0)?,
        row.try_get::<i64, _>(1)?,
        row.try_get::<i64, _>(2)?,
        row.try_get::<String, _>(3)?,
    ))
}

/// Asks every server to build its index again (`tongban search reindex`).
pub async fn request_reindex(store: &Store, at_millis: i64) -> Result<i64, StoreError> {
    let mut tx = store.write().await?;
    let current: Option<String> = sqlx::query_scalar::<Any, String>(
        "SELECT value FROM settings WHERE name = 'search.generation'",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let generation = current.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) + 1;
    sqlx::query::<Any>(
        "INSERT INTO settings (name, value, updated_at) VALUES ('search.generation', $1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(generation.to_string())
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(generation)
}

/// The dictionary in use: the reform office's newest version, else the shipped one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryVersion {
    /// 0 for the shipped dictionary
    pub id: i64,
    pub text: String,
    pub saved_by: String,
    pub reason: String,
    pub saved_at: i64,
}

pub async fn dictionary_version(store: &Store) -> Result<DictionaryVersion, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT id, text, saved_by, reason, saved_at FROM search_dictionary ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(store.pool())
    .await?;
    Ok(match row {
        Some(r) => DictionaryVersion {
            id: r.try_get(0)?,
            text: r.try_get(1)?,
            saved_by: r.try_get(2)?,
            reason: r.try_get(3)?,
            saved_at: r.try_get(4)?,
        },
        None => DictionaryVersion {
            id: 0,
            text: tongban_search::dictionary::DEFAULT_TEXT.to_owned(),
            saved_by: String::new(),
            reason: String::new(),
            saved_at: 0,
        },
    })
}

/// The parsed dictionary in use. A stored text that no longer parses is corrupt data.
pub async fn dictionary(store: &Store) -> Result<Dictionary, StoreError> {
    let version = dictionary_version(store).await?;
    Dictionary::parse(&version.text)
        .map_err(|errors| StoreError::corrupt(format!("search dictionary: {}", errors[0])))
}

/// Saves a new version of the dictionary (审改办), refused with every bad line named.
pub async fn save_dictionary(
    store: &Store,
    reviewer: CatalogReviewer<'_>,
    text: &str,
    reason: &str,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(FieldError::new(
            "reason",
            "请填写修改理由（记入审计日志）",
            "give a reason (it goes into the audit log)",
        )
        .into());
    }
    let parsed = Dictionary::parse(text).map_err(|errors| {
        let zh: Vec<String> = errors
            .iter()
            .map(|e| format!("第{}行：{}", e.line, e.zh))
            .collect();
        let en: Vec<String> = errors
            .iter()
            .map(|e| format!("line {}: {}", e.line, e.en))
            .collect();
        FieldError::new("text", zh.join("；"), en.join("; "))
    })?;
    let mut tx = store.write().await?;
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO search_dictionary (text, saved_by, reason, saved_at) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(text)
    .bind(&reviewer.actor.username)
    .bind(reason)
    .bind(at_millis)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit::append(
        &mut tx,
        &audit::AuditEntry {
            at_millis,
            actor: &reviewer.actor.username,
            role: Role::ReformOffice.as_str(),
            action: "search.dictionary.save",
            subject: &format!("search_dictionary:{id}"),
            detail: &serde_json::json!({ "reason": reason, "entries": parsed.len() }).to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Remembers a query that found nothing, unless it looks like personal data.
pub async fn record_miss(store: &Store, query: &str, at_millis: i64) -> Result<(), StoreError> {
    let query = tongban_search::text::normalize(query);
    if query.is_empty() || query.chars().count() > 100 || looks_personal(&query) {
        return Ok(());
    }
    let mut tx = store.write().await?;
    sqlx::query::<Any>(
        "INSERT INTO search_misses (query, times, first_at, last_at) VALUES ($1, 1, $2, $2) \
         ON CONFLICT (query) DO UPDATE SET times = search_misses.times + 1, last_at = excluded.last_at",
    )
    .bind(&query)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Six or more digits in a row: an id number, a phone number, a case number.
fn looks_personal(query: &str) -> bool {
    let mut run = 0;
    for c in query.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 6 {
            return true;
        }
    }
    false
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Miss {
    pub query: String,
    pub times: i64,
    pub first_at: i64,
    pub last_at: i64,
}

/// The queries that found nothing, asked since `since_millis`, most often asked first.
pub async fn misses(
    store: &Store,
    since_millis: i64,
    page: Page,
) -> Result<(Vec<Miss>, i64), StoreError> {
    let total: i64 = sqlx::query::<Any>("SELECT COUNT(*) FROM search_misses WHERE last_at >= $1")
        .bind(since_millis)
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    let rows = sqlx::query::<Any>(
        "SELECT query, times, first_at, last_at FROM search_misses WHERE last_at >= $1 \
         ORDER BY times DESC, last_at DESC, query LIMIT $2 OFFSET $3",
    )
    .bind(since_millis)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(store.pool())
    .await?;
    let misses = rows
        .iter()
        .map(|r| {
            Ok(Miss {
                query: r.try_get(0)?,
                times: r.try_get(1)?,
                first_at: r.try_get(2)?,
                last_at: r.try_get(3)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((misses, total))
}

#[cfg(test)]
mod tests {
    use super::looks_personal;

    #[test]
    fn personal_looking_queries_are_not_kept() {
        assert!(looks_personal("身份证 110101199003074512"));
        assert!(looks_personal("13800138000"));
        assert!(!looks_personal("2024年 低保"));
    }
}
