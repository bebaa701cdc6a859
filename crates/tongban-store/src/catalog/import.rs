//! Bulk import of a catalog file by the reform office: every readable, valid row becomes a
//! published version in one change set, inside one transaction, so a failure leaves the
//! catalog as it was. Bad rows are reported one by one and never stop the others.

use std::collections::HashMap;

use sqlx::{Any, Row};
use tongban_domain::Bilingual;
use tongban_domain::catalog::{ImplementationSnapshot, RawCatalogRow, RegionCode, parse_row};
use tongban_domain::codes::ItemCode;

use super::implementations::{PUBLISH_BATCH, open_change_set, publish_batch};
use super::organisation::{NewDepartment, Region, create_department, upsert_region};
use crate::audit::{self, AuditEntry};
use crate::{Store, StoreError, WriteTx};

/// Who is importing: an account, or the command line run by an operator.
pub struct ImportActor<'a> {
    pub user_id: Option<i64>,
    pub name: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    pub field: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub opaque_codes: usize,
    pub regions_created: usize,
    pub departments_created: usize,
    pub rejected: Vec<RowProblem>,
    pub change_set_id: Option<i64>,
}

/// Imports `rows`; `unreadable` are rows the file reader could not read at all, counted and
/// reported with the rest. `progress` is called after each row.
pub async fn import(
    store: &Store,
    actor: &ImportActor<'_>,
    rows: &[RawCatalogRow],
    unreadable: Vec<RowProblem>,
    at_millis: i64,
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport {
        rows: rows.len() + unreadable.len(),
        rejected: unreadable,
        ..Default::default()
    };
    let mut tx = store.write().await?;
    let mut known = Known::load(&mut tx).await?;
    let change_set = open_change_set(
        &mut tx,
        "import",
        actor.user_id,
        "catalog import",
        at_millis,
    )
    .await?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut pending: Vec<(ImplementationSnapshot, i64)> = Vec::with_capacity(PUBLISH_BATCH);
    for (done, raw) in rows.iter().enumerate() {
        progress(done + 1);
        let entry = match parse_row(raw) {
            Ok(entry) => entry,
            Err(error) => {
                report.rejected.push(RowProblem {
                    row: raw.row,
                    field: error.field.clone(),
                    zh: error.zh,
                    en: error.en,
                });
                continue;
            }
        };
        let code = entry.code.as_string();
        if let Some(first) = seen.insert(code.clone(), raw.row) {
            report.rejected.push(RowProblem {
                row: raw.row,
                field: "implementation_code".into(),
                zh: format!("实施编码与第{first}行重复"),
                en: format!("the implementation code repeats row {first}"),
            });
            continue;
        }
        let (region_level, region_created) = known.region(&mut tx, &entry.region).await?;
        report.regions_created += usize::from(region_created);
        let department_id = match known.department(&mut tx, &entry).await {
            Ok((id, created)) => {
                report.departments_created += usize::from(created);
                id
            }
            Err(StoreError::Invalid(error)) => {
                report.rejected.push(RowProblem {
                    row: raw.row,
                    field: error.field.clone(),
                    zh: error.zh(),
                    en: error.en(),
                });
                continue;
            }
            Err(other) => return Err(other),
        };
        let existing = known.implementations.get(&code);
        let base = existing.map(|(_, snapshot)| snapshot);
        let snapshot = ImplementationSnapshot {
            code: code.clone(),
            basic_code: entry.basic_code.clone(),
            name: entry.name.clone(),
            item_type: entry.item_type.code(),
            department_id,
            region_code: entry.region.as_str().to_owned(),
            exercise_level: entry
                .exercise_level
                .unwrap_or(region_level.exercise_level())
                .digit(),
            case_kind: entry.case_kind,
            power_source: keep_if_blank(&entry.power_source, base.map(|s| s.power_source.as_str())),
            legal_basis: keep_if_blank(&entry.legal_basis, base.map(|s| s.legal_basis.as_str())),
            status: entry.status,
            // A catalog file carries no guide: re-importing must not erase one.
            guide: base.and_then(|s| s.guide.clone()),
        };
        if let Err(error) = snapshot.validate() {
            report.rejected.push(RowProblem {
                row: raw.row,
                field: error.field.clone(),
                zh: error.zh(),
                en: error.en(),
            });
            continue;
        }
        if matches!(entry.code, ItemCode::Opaque(_)) {
            report.opaque_codes += 1;
        }
        match existing {
            Some((_, current)) if *current == snapshot => report.unchanged += 1,
            Some((version, _)) => {
                pending.push((snapshot, version + 1));
                report.updated += 1;
            }
            None => {
                pending.push((snapshot, 1));
                report.imported += 1;
            }
        }
        if pending.len() == PUBLISH_BATCH {
            flush(&mut tx, &mut pending, change_set, at_millis).await?;
        }
    }
    flush(&mut tx, &mut pending, change_set, at_millis).await?;
    report.rejected.sort_by_key(|p| p.row);
    let detail = serde_json::json!({
        "rows": report.rows, "imported": report.imported, "updated": report.updated,
        "unchanged": report.unchanged, "rejected": report.rejected.len(), "change_set": change_set,
    })
    .to_string();
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis,
            actor: actor.name,
            role: "reform_office",
            action: "catalog.import",
            subject: &format!("change_set:{change_set}"),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    report.change_set_id = Some(change_set);
    Ok(report)
}

async fn flush(
    tx: &mut WriteTx,
    pending: &mut Vec<(ImplementationSnapshot, i64)>,
    change_set: i64,
    at_millis: i64,
) -> Result<(), StoreError> {
    let batch: Vec<(&ImplementationSnapshot, i64)> = pending.iter().map(|(s, v)| (s, *v)).collect();
    publish_batch(tx, &batch, change_set, None, at_millis).await?;
    pending.clear();
    Ok(())
}

fn keep_if_blank(given: &str, existing: Option<&str>) -> String {
    if given.is_empty() {
        existing.unwrap_or_default().to_owned()
    } else {
        given.to_owned()
    }
}

/// What the catalog already holds, loaded once so a large import does one query per
/// table instead of several per row.
struct Known {
    regions: HashMap<String, tongban_domain::catalog::RegionLevel>,
    departments: HashMap<(String, String), i64>,
    usccs: std::collections::HashSet<String>,
    implementations: HashMap<String, (i64, ImplementationSnapshot)>,
}

impl Known {
    async fn load(tx: &mut WriteTx) -> Result<Known, StoreError> {
        let mut regions = HashMap::new();
        for row in sqlx::query::<Any>("SELECT code, level FROM regions")
            .fetch_all(&mut **tx)
            .await?
        {
            let level: String = row.try_get(1)?;
            let level = tongban_domain::catalog::RegionLevel::parse(&level)
                .ok_or_else(|| StoreError::corrupt(&level))?;
            regions.insert(row.try_get(0)?, level);
        }
        let mut departments = HashMap::new();
        let mut usccs = std::collections::HashSet::new();
        for row in sqlx::query::<Any>("SELECT id, region_code, name, uscc FROM departments")
            .fetch_all(&mut **tx)
            .await?
        {
            departments.insert((row.try_get(1)?, row.try_get(2)?), row.try_get(0)?);
            if let Some(uscc) = row.try_get::<Option<String>, _>(3)? {
                usccs.insert(uscc);
            }
        }
        let mut implementations = HashMap::new();
        for row in sqlx::query::<Any>(
            "SELECT v.code, v.version, v.snapshot FROM implementation_versions v \
             JOIN implementations i ON i.code = v.code AND i.version = v.version",
        )
        .fetch_all(&mut **tx)
        .await?
        {
            let json: String = row.try_get(2)?;
            let snapshot: ImplementationSnapshot =
                serde_json::from_str(&json).map_err(StoreError::corrupt)?;
            implementations.insert(row.try_get(0)?, (row.try_get(1)?, snapshot));
        }
        Ok(Known {
            regions,
            departments,
            usccs,
            implementations,
        })
    }

    /// The region's level, creating an unnamed region for a code the catalog has not seen
    /// (named by its code until the reform office names it).
    async fn region(
        &mut self,
        tx: &mut WriteTx,
        code: &RegionCode,
    ) -> Result<(tongban_domain::catalog::RegionLevel, bool), StoreError> {
        if let Some(level) = self.regions.get(code.as_str()) {
            return Ok((*level, false));
        }
        let level = code.implied_level();
        upsert_region(
            tx,
            &Region {
                code: code.as_str().to_owned(),
                name: format!("行政区划{}", code.as_str()),
                level,
                parent_code: None,
            },
        )
        .await?;
        self.regions.insert(code.as_str().to_owned(), level);
        Ok((level, true))
    }

    async fn department(
        &mut self,
        tx: &mut WriteTx,
        entry: &tongban_domain::catalog::CatalogEntry,
    ) -> Result<(i64, bool), StoreError> {
        let key = (
            entry.region.as_str().to_owned(),
            entry.department_name.clone(),
        );
        if let Some(id) = self.departments.get(&key) {
            return Ok((*id, false));
        }
        // A USCC already held by another department is kept only as the source code.
        let uscc = entry
            .department_uscc
            .as_ref()
            .map(|u| u.as_str())
            .filter(|u| !self.usccs.contains(*u));
        let id = create_department(
            tx,
            &NewDepartment {
                name: &entry.department_name,
                region_code: entry.region.as_str(),
                uscc,
                source_code: entry.department_code.as_deref(),
                phone: "",
                address: "",
            },
        )
        .await?;
        if let Some(uscc) = uscc {
            self.usccs.insert(uscc.to_owned());
        }
        self.departments.insert(key, id);
        Ok((id, true))
    }
}
