//! Regions (行政区划) and departments (实施机构).

use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::catalog::{RegionCode, RegionLevel};
use tongban_domain::codes::Uscc;

use crate::{Store, StoreError, WriteTx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    pub uscc: Option<String>,
    /// the code the department was known by in an imported file, when not a USCC
    pub source_code: Option<String>,
    pub phone: String,
    pub address: String,
}

pub struct NewDepartment<'a> {
    pub name: &'a str,
    pub region_code: &'a str,
    pub uscc: Option<&'a str>,
    pub source_code: Option<&'a str>,
    pub phone: &'a str,
    pub address: &'a str,
}

/// Inserts a region, or renames it if it exists.
pub async fn upsert_region(tx: &mut WriteTx, region: &Region) -> Result<(), StoreError> {
    let code = RegionCode::parse(&region.code)?;
    sqlx::query::<Any>(
        "INSERT INTO regions (code, name, level, parent_code) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code",
    )
    .bind(code.as_str())
    .bind(&region.name)
    .bind(region.level.as_str())
    .bind(region.parent_code.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn regions(store: &Store) -> Result<Vec<Region>, StoreError> {
    sqlx::query::<Any>("SELECT code, name, level, parent_code FROM regions ORDER BY code")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|row| {
            let level: String = row.try_get(2)?;
            Ok(Region {
                code: row.try_get(0)?,
                name: row.try_get(1)?,
                level: RegionLevel::parse(&level)
                    .ok_or_else(|| StoreError::corrupt(format!("region level {level}")))?,
                parent_code: row.try_get(3)?,
            })
        })
        .collect()
}

/// Creates a department; a given USCC must pass its check (GB 32100).
pub async fn create_department(
    tx: &mut WriteTx,
    department: &NewDepartment<'_>,
) -> Result<i64, StoreError> {
    let name = department.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(FieldError::new(
            "department",
            "部门名称应为1至200个字符",
            "a department name is 1 to 200 characters",
        )
        .into());
    }
    let uscc = department
        .uscc
        .map(|text| Uscc::parse(text).map_err(|e| FieldError::of("uscc", &e)))
        .transpose()?;
    let id = sqlx::query::<Any>(
        "INSERT INTO departments (name, region_code, uscc, source_code, phone, address) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(name)
    .bind(department.region_code)
    .bind(uscc.as_ref().map(|u| u.as_str().to_owned()))
    .bind(department.source_code)
    .bind(department.phone)
    .bind(department.address)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    Ok(id)
}

const DEPARTMENT_COLUMNS: &str = "id, name, region_code, uscc, source_code, phone, address";

fn department_from(row: &sqlx::any::AnyRow) -> Result<Department, StoreError> {
    Ok(Department {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        region_code: row.try_get(2)?,
        uscc: row.try_get(3)?,
        source_code: row.try_get(4)?,
        phone: row.try_get(5)?,
        address: row.try_get(6)?,
    })
}

pub async fn departments(store: &Store) -> Result<Vec<Department>, StoreError> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {DEPARTMENT_COLUMNS} FROM departments ORDER BY region_code, id"
    )))
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(department_from)
    .collect()
}

pub async fn department(store: &Store, id: i64) -> Result<Option<Department>, StoreError> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {DEPARTMENT_COLUMNS} FROM departments WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .as_ref()
    .map(department_from)
    .transpose()
}
