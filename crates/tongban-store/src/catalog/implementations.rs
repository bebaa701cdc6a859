//! Implementations and their versions. Publishing appends a version and refreshes the
//! derived current row; nothing else writes them.

use sqlx::{Any, AssertSqlSafe, Row as _};
use tongban_domain::catalog::{ImplementationSnapshot, ImplementationStatus};
use tongban_domain::codes::ItemCode;
use tongban_domain::guide::CaseKind;

use super::Page;
use super::query::{Filter, Value, contains_pattern};
use crate::batch::{Row, Statement};
use crate::{Store, StoreError, WriteTx};

/// One row of a catalog listing (the current version).
#[derive(Debug, Clone, PartialEq)]
pub struct ImplementationSummary {
    pub code: String,
    pub basic_code: String,
    pub name: String,
    pub item_type: String,
    pub department_id: i64,
    pub department_name: String,
    pub region_code: String,
    pub exercise_level: u8,
    pub case_kind: CaseKind,
    pub status: ImplementationStatus,
    pub standard_code: bool,
    pub version: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ImplementationFilter {
    pub basic_code: Option<String>,
    pub department_id: Option<i64>,
    pub item_type: Option<String>,
    pub exercise_level: Option<u8>,
    pub region_code: Option<String>,
    pub status: Option<ImplementationStatus>,
    pub name_contains: Option<String>,
}

/// One published version, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ImplementationVersion {
    pub version: i64,
    pub snapshot: ImplementationSnapshot,
    pub published_at: i64,
    pub change_set_id: i64,
    pub change_request_id: Option<i64>,
}

/// Proof that an implementation is published right now. Only `require_published` makes
/// one, and applying for an item will take one (清单之外无权力).
#[derive(Debug, Clone)]
pub struct PublishedImplementation {
    version: ImplementationVersion,
}

impl PublishedImplementation {
    pub fn snapshot(&self) -> &ImplementationSnapshot {
        &self.version.snapshot
    }
    pub fn version(&self) -> i64 {
        self.version.version
    }
}

fn filter_of(filter: &ImplementationFilter) -> Filter {
    let mut f = Filter::default();
    if let Some(code) = &filter.basic_code {
        f.and("i.basic_code = ?", Value::Text(code.clone()));
    }
    if let Some(id) = filter.department_id {
        f.and("i.department_id = ?", Value::Int(id));
    }
    if let Some(t) = &filter.item_type {
        f.and("i.item_type = ?", Value::Text(t.clone()));
    }
    if let Some(level) = filter.exercise_level {
        f.and("i.exercise_level = ?", Value::Int(level.into()));
    }
    if let Some(region) = &filter.region_code {
        f.and("i.region_code = ?", Value::Text(region.clone()));
    }
    if let Some(status) = filter.status {
        f.and("i.status = ?", Value::Text(status.as_str().to_owned()));
    }
    if let Some(text) = filter
        .name_contains
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        f.and(
            "(i.name LIKE ? ESCAPE '\\')",
            Value::Text(contains_pattern(text)),
        );
    }
    f
}

pub async fn list_implementations(
    store: &Store,
    filter: &ImplementationFilter,
    page: Page,
) -> Result<(Vec<ImplementationSummary>, i64), StoreError> {
    let f = filter_of(filter);
    let total: i64 = f
        .bind(format!(
            "SELECT COUNT(*) FROM implementations i{}",
            f.where_sql()
        ))
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    let n = f.next_placeholder();
    let rows = f
        .bind(format!(
            "SELECT i.code, i.basic_code, i.name, i.item_type, i.department_id, d.name, i.region_code, \
             i.exercise_level, i.case_kind, i.status, i.standard_code, i.version, i.updated_at \
             FROM implementations i JOIN departments d ON d.id = i.department_id{} \
             ORDER BY i.name, i.code LIMIT ${n} OFFSET ${}",
            f.where_sql(),
            n + 1
        ))
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(store.pool())
        .await?;
    let items = rows
        .iter()
        .map(|row| {
            let case_kind: String = row.try_get(8)?;
            let status: String = row.try_get(9)?;
            Ok(ImplementationSummary {
                code: row.try_get(0)?,
                basic_code: row.try_get(1)?,
                name: row.try_get(2)?,
                item_type: row.try_get(3)?,
                department_id: row.try_get(4)?,
                department_name: row.try_get(5)?,
                region_code: row.try_get(6)?,
                exercise_level: u8::try_from(row.try_get::<i64, _>(7)?).unwrap_or(0),
                case_kind: CaseKind::parse(&case_kind)
                    .ok_or_else(|| StoreError::corrupt(&case_kind))?,
                status: ImplementationStatus::parse(&status)
                    .ok_or_else(|| StoreError::corrupt(&status))?,
                standard_code: row.try_get::<i64, _>(10)? != 0,
                version: row.try_get(11)?,
                updated_at: row.try_get(12)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((items, total))
}

/// Counts of published implementations by type, department, level and region, for browsing.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub by_type: Vec<(String, i64)>,
    pub by_department: Vec<(i64, String, i64)>,
    pub by_level: Vec<(u8, i64)>,
    pub by_region: Vec<(String, String, i64)>,
}

pub async fn facets(store: &Store) -> Result<Facets, StoreError> {
    let pool = store.pool();
    let published = "WHERE status = 'published'";
    let by_type = sqlx::query::<Any>(AssertSqlSafe(format!(
        "SELECT item_type, COUNT(*) FROM implementations {published} GROUP BY item_type ORDER BY item_type"
    )))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let by_department = sqlx::query::<Any>(
        "SELECT d.id, d.name, COUNT(*) FROM implementations i JOIN departments d ON d.id = i.department_id \
         WHERE i.status = 'published' GROUP BY d.id, d.name ORDER BY d.id",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let by_level = sqlx::query::<Any>(AssertSqlSafe(format!(
        "SELECT exercise_level, COUNT(*) FROM implementations {published} GROUP BY exercise_level ORDER BY exercise_level"
    )))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Ok((u8::try_from(r.try_get::<i64, _>(0)?).unwrap_or(0), r.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let by_region = sqlx::query::<Any>(
        "SELECT r.code, r.name, COUNT(*) FROM implementations i JOIN regions r ON r.code = i.region_code \
         WHERE i.status = 'published' GROUP BY r.code, r.name ORDER BY r.code",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(Facets {
        by_type,
        by_department,
        by_level,
        by_region,
    })
}

const VERSION_COLUMNS: &str = "version, snapshot, published_at, change_set_id, change_request_id";

fn version_from(row: &Row) -> Result<ImplementationVersion, StoreError> {
    let snapshot: String = row.get(1)?;
    Ok(ImplementationVersion {
        version: row.get(0)?,
        snapshot: serde_json::from_str(&snapshot).map_err(StoreError::corrupt)?,
        published_at: row.get(2)?,
        change_set_id: row.get(3)?,
        change_request_id: row.get(4)?,
    })
}

/// The statement that reads the latest version of `code`.
fn current_statement(code: &str) -> Statement {
    Statement::new(format!(
        "SELECT {VERSION_COLUMNS} FROM implementation_versions WHERE code = $1 ORDER BY version DESC LIMIT 1"
    ))
    .with(code)
}

/// The latest version of a code (read by every application).
pub async fn current(
    store: &Store,
    code: &str,
) -> Result<Option<ImplementationVersion>, StoreError> {
    let rows = store.read_now(current_statement(code)).await?;
    rows.first().map(version_from).transpose()
}

/// [`current`] inside a write transaction.
pub(crate) async fn current_in(
    tx: &mut WriteTx,
    code: &str,
) -> Result<Option<ImplementationVersion>, StoreError> {
    let rows = tx.read(current_statement(code)).await?;
    rows.first().map(version_from).transpose()
}

pub async fn versions(store: &Store, code: &str) -> Result<Vec<ImplementationVersion>, StoreError> {
    let statement = Statement::new(format!(
        "SELECT {VERSION_COLUMNS} FROM implementation_versions WHERE code = $1 ORDER BY version"
    ))
    .with(code);
    store
        .read_now(statement)
        .await?
        .iter()
        .map(version_from)
        .collect()
}

pub async fn version(
    store: &Store,
    code: &str,
    version: i64,
) -> Result<Option<ImplementationVersion>, StoreError> {
    let statement = Statement::new(format!(
        "SELECT {VERSION_COLUMNS} FROM implementation_versions WHERE code = $1 AND version = $2"
    ))
    .with(code)
    .with(version);
    let rows = store.read_now(statement).await?;
    rows.first().map(version_from).transpose()
}

/// The published implementation, or an error a citizen can read (清单之外无权力).
pub async fn require_published(
    store: &Store,
    code: &str,
) -> Result<PublishedImplementation, StoreError> {
    match current(store, code).await? {
        Some(version) if version.snapshot.status == ImplementationStatus::Published => {
            Ok(PublishedImplementation { version })
        }
        Some(version) => Err(StoreError::conflict(
            format!("该事项{}，不能申请", version.snapshot.status.name_zh()),
            format!(
                "this item is {} and cannot be applied for",
                version.snapshot.status.as_str()
            ),
        )),
        None => Err(StoreError::not_found(format!("implementation {code}"))),
    }
}

/// Starts a change set: the record that groups the versions one act publishes.
pub async fn open_change_set(
    tx: &mut WriteTx,
    kind: &str,
    actor_id: Option<i64>,
    note: &str,
    at_millis: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query::<Any>(
        "INSERT INTO change_sets (kind, actor_id, note, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(kind)
    .bind(actor_id)
    .bind(note)
    .bind(at_millis)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

/// Appends the next version of `snapshot.code` and refreshes the derived rows.
/// `previous` is the caller's knowledge of the current version number (None for new codes).
pub async fn publish(
    tx: &mut WriteTx,
    snapshot: &ImplementationSnapshot,
    previous: Option<i64>,
    change_set_id: i64,
    change_request_id: Option<i64>,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let version = previous.unwrap_or(0) + 1;
    publish_batch(
        tx,
        &[(snapshot, version)],
        change_set_id,
        change_request_id,
        at_millis,
    )
    .await?;
    Ok(version)
}

/// Rows per statement when publishing many versions: well under both backends' limits on
/// bound parameters (12 columns × 200 = 2,400), and enough to make a bulk import cheap.
pub(crate) const PUBLISH_BATCH: usize = 200;

/// Publishes several versions (each with its new version number) in a few multi-row
/// statements. Codes must be distinct within one call.
pub(crate) async fn publish_batch(
    tx: &mut WriteTx,
    versions: &[(&ImplementationSnapshot, i64)],
    change_set_id: i64,
    change_request_id: Option<i64>,
    at_millis: i64,
) -> Result<(), StoreError> {
    for chunk in versions.chunks(PUBLISH_BATCH) {
        // The primary key (code, version) turns a concurrent publish of the same version
        // into an error instead of a silent fork of the history.
        let mut sql = String::from(
            "INSERT INTO implementation_versions (code, version, change_set_id, change_request_id, snapshot, published_at) VALUES ",
        );
        sql.push_str(&crate::db::value_lists(chunk.len(), 6));
        let mut query = sqlx::query::<Any>(AssertSqlSafe(sql));
        for (snapshot, version) in chunk {
            let json = serde_json::to_string(snapshot).map_err(StoreError::corrupt)?;
            query = query
                .bind(snapshot.code.clone())
                .bind(*version)
                .bind(change_set_id)
                .bind(change_request_id)
                .bind(json)
                .bind(at_millis);
        }
        query.execute(&mut **tx).await?;

        let mut sql = String::from(
            "INSERT INTO implementations (code, basic_code, name, item_type, department_id, region_code, exercise_level, \
             case_kind, status, standard_code, version, updated_at) VALUES ",
        );
        sql.push_str(&crate::db::value_lists(chunk.len(), 12));
        sql.push_str(
            " ON CONFLICT (code) DO UPDATE SET basic_code = excluded.basic_code, name = excluded.name, \
             item_type = excluded.item_type, department_id = excluded.department_id, region_code = excluded.region_code, \
             exercise_level = excluded.exercise_level, case_kind = excluded.case_kind, status = excluded.status, \
             standard_code = excluded.standard_code, version = excluded.version, updated_at = excluded.updated_at",
        );
        let mut query = sqlx::query::<Any>(AssertSqlSafe(sql));
        for (snapshot, version) in chunk {
            query = query
                .bind(snapshot.code.clone())
                .bind(snapshot.basic_code.clone())
                .bind(snapshot.name.clone())
                .bind(snapshot.item_type.clone())
                .bind(snapshot.department_id)
                .bind(snapshot.region_code.clone())
                .bind(i64::from(snapshot.exercise_level))
                .bind(snapshot.case_kind.as_str())
                .bind(snapshot.status.as_str())
                .bind(i64::from(is_standard(&snapshot.code)))
                .bind(*version)
                .bind(at_millis);
        }
        query.execute(&mut **tx).await?;

        // One row per basic code (the last version wins): an upsert may not touch the same
        // row twice in one statement.
        let mut items: Vec<&ImplementationSnapshot> = Vec::new();
        for (snapshot, _) in chunk.iter().rev() {
            if !items.iter().any(|s| s.basic_code == snapshot.basic_code) {
                items.push(snapshot);
            }
        }
        let mut sql = String::from(
            "INSERT INTO catalog_items (basic_code, name, item_type, power_source, legal_basis, standard_code) VALUES ",
        );
        sql.push_str(&crate::db::value_lists(items.len(), 6));
        sql.push_str(
            " ON CONFLICT (basic_code) DO UPDATE SET name = excluded.name, item_type = excluded.item_type, \
             power_source = excluded.power_source, legal_basis = excluded.legal_basis",
        );
        let mut query = sqlx::query::<Any>(AssertSqlSafe(sql));
        for snapshot in items {
            query = query
                .bind(snapshot.basic_code.clone())
                .bind(snapshot.name.clone())
                .bind(snapshot.item_type.clone())
                .bind(snapshot.power_source.clone())
                .bind(snapshot.legal_basis.clone())
                .bind(i64::from(is_standard(&snapshot.code)));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

fn is_standard(code: &str) -> bool {
    ItemCode::parse(code).is_ok_and(|c| c.is_standard())
}

/// A catalog item (目录清单 entry) with how many implementations it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogItem {
    pub basic_code: String,
    pub name: String,
    pub item_type: String,
    pub power_source: String,
    pub legal_basis: String,
    pub standard_code: bool,
    pub implementations: i64,
}

pub async fn catalog_items(
    store: &Store,
    item_type: Option<&str>,
    page: Page,
) -> Result<(Vec<CatalogItem>, i64), StoreError> {
    let mut f = Filter::default();
    if let Some(t) = item_type {
        f.and("c.item_type = ?", Value::Text(t.to_owned()));
    }
    let total: i64 = f
        .bind(format!(
            "SELECT COUNT(*) FROM catalog_items c{}",
            f.where_sql()
        ))
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    let n = f.next_placeholder();
    let rows = f
        .bind(format!(
            "SELECT c.basic_code, c.name, c.item_type, c.power_source, c.legal_basis, c.standard_code, \
             (SELECT COUNT(*) FROM implementations i WHERE i.basic_code = c.basic_code) \
             FROM catalog_items c{} ORDER BY c.basic_code LIMIT ${n} OFFSET ${}",
            f.where_sql(),
            n + 1
        ))
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(store.pool())
        .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(CatalogItem {
                basic_code: r.try_get(0)?,
                name: r.try_get(1)?,
                item_type: r.try_get(2)?,
                power_source: r.try_get(3)?,
                legal_basis: r.try_get(4)?,
                standard_code: r.try_get::<i64, _>(5)? != 0,
                implementations: r.try_get(6)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((items, total))
}

/// One catalog item by its basic code.
pub async fn catalog_item(
    store: &Store,
    basic_code: &str,
) -> Result<Option<CatalogItem>, StoreError> {
    let Some(row) = sqlx::query::<Any>(
        "SELECT c.basic_code, c.name, c.item_type, c.power_source, c.legal_basis, c.standard_code, \
         (SELECT COUNT(*) FROM implementations i WHERE i.basic_code = c.basic_code) \
         FROM catalog_items c WHERE c.basic_code = $1",
    )
    .bind(basic_code)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(CatalogItem {
        basic_code: row.try_get(0)?,
        name: row.try_get(1)?,
        item_type: row.try_get(2)?,
        power_source: row.try_get(3)?,
        legal_basis: row.try_get(4)?,
        standard_code: row.try_get::<i64, _>(5)? != 0,
        implementations: row.try_get(6)?,
    }))
}

/// Every current implementation with its department, in code order, for export.
pub async fn all_current(store: &Store) -> Result<Vec<ImplementationSnapshot>, StoreError> {
    sqlx::query::<Any>(
        "SELECT v.snapshot FROM implementation_versions v \
         JOIN implementations i ON i.code = v.code AND i.version = v.version ORDER BY v.code",
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| {
        let json: String = row.try_get(0)?;
        serde_json::from_str(&json).map_err(StoreError::corrupt)
    })
    .collect()
}
