//! Catalog reads: regions, departments, catalog items, implementations and their versions.

use super::extract::ApiQuery;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tongban_domain::catalog::{ImplementationSnapshot, ImplementationStatus, diff_snapshots};
use tongban_domain::codes::ItemType;
use tongban_store::catalog::{self, ImplementationFilter, ImplementationSummary};
use utoipa::{IntoParams, ToSchema};

use super::{Listing, Paging, rfc3339};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionDto {
    /// 12-digit region code
    pub code: String,
    pub name: String,
    /// provincial | municipal | county | township | village
    pub level: String,
    pub parent_code: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/regions", tag = "catalog", responses((status = 200, body = Vec<RegionDto>)))]
pub async fn regions(State(state): State<AppState>) -> Result<Json<Vec<RegionDto>>, ApiError> {
    let regions = catalog::regions(&state.store).await?;
    Ok(Json(
        regions
            .into_iter()
            .map(|r| RegionDto {
                code: r.code,
                name: r.name,
                level: r.level.as_str().to_owned(),
                parent_code: r.parent_code,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentDto {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    /// unified social credit code (GB 32100), when known
    pub uscc: Option<String>,
    /// the code an imported catalog knew the department by, when not a USCC
    pub source_code: Option<String>,
    pub phone: String,
    pub address: String,
}

#[utoipa::path(get, path = "/api/v1/departments", tag = "catalog", responses((status = 200, body = Vec<DepartmentDto>)))]
pub async fn departments(
    State(state): State<AppState>,
) -> Result<Json<Vec<DepartmentDto>>, ApiError> {
    let departments = catalog::departments(&state.store).await?;
    Ok(Json(
        departments
            .into_iter()
            .map(|d| DepartmentDto {
                id: d.id,
                name: d.name,
                region_code: d.region_code,
                uscc: d.uscc,
                source_code: d.source_code,
                phone: d.phone,
                address: d.address,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogItemDto {
    pub basic_code: String,
    pub name: String,
    pub item_type: String,
    pub item_type_name: String,
    pub power_source: String,
    pub legal_basis: String,
    /// whether `basic_code` follows GB/T 39554.1 (false: a local layout kept as given)
    pub standard_code: bool,
    pub implementations: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogItemQuery {
    /// two-digit item type, e.g. 01
    pub item_type: Option<String>,
}

fn type_name(code: &str) -> String {
    ItemType::from_code(code)
        .map(|t| t.name_zh().to_owned())
        .unwrap_or_default()
}

#[utoipa::path(get, path = "/api/v1/catalog-items", tag = "catalog", params(Paging, CatalogItemQuery),
    responses((status = 200, body = Listing<CatalogItemDto>)))]
pub async fn catalog_items(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<Paging>,
    ApiQuery(query): ApiQuery<CatalogItemQuery>,
) -> Result<Json<Listing<CatalogItemDto>>, ApiError> {
    let item_type = query
        .item_type
        .as_deref()
        .map(ItemType::from_code)
        .transpose()
        .map_err(|e| ApiError::field(tongban_domain::FieldError::of("item_type", &e)))?;
    let (items, total) = catalog::catalog_items(
        &state.store,
        item_type.map(|t| t.code()).as_deref(),
        paging.page(),
    )
    .await?;
    Ok(Json(Listing {
        items: items.into_iter().map(catalog_item_dto).collect(),
        total,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogItemDetail {
    #[serde(flatten)]
    pub item: CatalogItemDto,
    /// every implementation of this item, at every level and region, in any status
    pub implementations_list: Vec<ImplementationDto>,
}

#[utoipa::path(get, path = "/api/v1/catalog-items/{basic_code}", tag = "catalog",
    params(("basic_code" = String, Path, description = "basic code, or the catalog part of a local code")),
    responses((status = 200, body = CatalogItemDetail), (status = 404, body = ErrorBody)))]
pub async fn catalog_item(
    State(state): State<AppState>,
    Path(basic_code): Path<String>,
) -> Result<Json<CatalogItemDetail>, ApiError> {
    let item = catalog::catalog_item(&state.store, &basic_code)
        .await?
        .ok_or_else(|| ApiError::not_found(&basic_code))?;
    let filter = ImplementationFilter {
        basic_code: Some(basic_code),
        ..ImplementationFilter::default()
    };
    let page =
        tongban_store::catalog::Page::new(Some(tongban_store::catalog::Page::MAX_LIMIT), None);
    let (implementations, _) = catalog::list_implementations(&state.store, &filter, page).await?;
    Ok(Json(CatalogItemDetail {
        item: catalog_item_dto(item),
        implementations_list: implementations
            .into_iter()
            .map(ImplementationDto::from)
            .collect(),
    }))
}

fn catalog_item_dto(c: tongban_store::catalog::CatalogItem) -> CatalogItemDto {
    CatalogItemDto {
        item_type_name: type_name(&c.item_type),
        basic_code: c.basic_code,
        name: c.name,
        item_type: c.item_type,
        power_source: c.power_source,
        legal_basis: c.legal_basis,
        standard_code: c.standard_code,
        implementations: c.implementations,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImplementationDto {
    pub implementation_code: String,
    pub basic_code: String,
    pub name: String,
    /// two-digit item type (01 行政许可 … 20 公共服务)
    pub item_type: String,
    pub item_type_name: String,
    pub department: String,
    pub department_id: i64,
    pub region_code: String,
    /// 1 national … 6 village
    pub exercise_level: u8,
    /// immediate | committed
    pub case_kind: String,
    /// published | cancelled | delegated
    pub status: String,
    pub standard_code: bool,
    pub version: i64,
    pub updated_at: String,
}

impl From<ImplementationSummary> for ImplementationDto {
    fn from(i: ImplementationSummary) -> Self {
        ImplementationDto {
            item_type_name: type_name(&i.item_type),
            implementation_code: i.code,
            basic_code: i.basic_code,
            name: i.name,
            item_type: i.item_type,
            department: i.department_name,
            department_id: i.department_id,
            region_code: i.region_code,
            exercise_level: i.exercise_level,
            case_kind: i.case_kind.as_str().to_owned(),
            status: i.status.as_str().to_owned(),
            standard_code: i.standard_code,
            version: i.version,
            updated_at: rfc3339(i.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImplementationQuery {
    pub department_id: Option<i64>,
    pub item_type: Option<String>,
    pub exercise_level: Option<u8>,
    pub region_code: Option<String>,
    /// published (default) | cancelled | delegated | all
    pub status: Option<String>,
    /// part of the name
    pub q: Option<String>,
    /// implementations of one catalog item
    pub basic_code: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/implementations", tag = "catalog", params(Paging, ImplementationQuery),
    responses((status = 200, body = Listing<ImplementationDto>), (status = 400, body = ErrorBody)))]
pub async fn implementations(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<Paging>,
    ApiQuery(query): ApiQuery<ImplementationQuery>,
) -> Result<Json<Listing<ImplementationDto>>, ApiError> {
    let status = match query.status.as_deref() {
        None => Some(ImplementationStatus::Published),
        Some("all") => None,
        Some(text) => Some(ImplementationStatus::parse(text).ok_or_else(|| {
            ApiError::field(tongban_domain::FieldError::new(
                "status",
                "状态应为 published、cancelled、delegated 或 all",
                "status is published, cancelled, delegated or all",
            ))
        })?),
    };
    let item_type = query
        .item_type
        .as_deref()
        .map(ItemType::from_code)
        .transpose()
        .map_err(|e| ApiError::field(tongban_domain::FieldError::of("item_type", &e)))?;
    let filter = ImplementationFilter {
        department_id: query.department_id,
        item_type: item_type.map(|t| t.code()),
        exercise_level: query.exercise_level,
        region_code: query.region_code,
        status,
        name_contains: query.q,
        basic_code: query.basic_code,
    };
    let (items, total) =
        catalog::list_implementations(&state.store, &filter, paging.page()).await?;
    Ok(Json(Listing {
        items: items.into_iter().map(ImplementationDto::from).collect(),
        total,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImplementationDetail {
    pub implementation_code: String,
    pub basic_code: String,
    pub name: String,
    pub item_type: String,
    pub item_type_name: String,
    pub department_id: i64,
    pub region_code: String,
    pub exercise_level: u8,
    pub case_kind: String,
    pub power_source: String,
    pub legal_basis: String,
    pub status: String,
    pub version: i64,
    pub published_at: String,
    /// the service guide in its exchange format (see docs/guide-format.md), if published
    #[schema(value_type = Option<Object>)]
    pub guide: Option<serde_json::Value>,
}

fn detail(
    snapshot: ImplementationSnapshot,
    version: i64,
    published_at: i64,
) -> ImplementationDetail {
    ImplementationDetail {
        item_type_name: type_name(&snapshot.item_type),
        implementation_code: snapshot.code,
        basic_code: snapshot.basic_code,
        name: snapshot.name,
        item_type: snapshot.item_type,
        department_id: snapshot.department_id,
        region_code: snapshot.region_code,
        exercise_level: snapshot.exercise_level,
        case_kind: snapshot.case_kind.as_str().to_owned(),
        power_source: snapshot.power_source,
        legal_basis: snapshot.legal_basis,
        status: snapshot.status.as_str().to_owned(),
        version,
        published_at: rfc3339(published_at),
        guide: snapshot.guide.and_then(|g| serde_json::to_value(g).ok()),
    }
}

#[utoipa::path(get, path = "/api/v1/implementations/{code}", tag = "catalog",
    params(("code" = String, Path, description = "implementation code")),
    responses((status = 200, body = ImplementationDetail), (status = 404, body = ErrorBody)))]
pub async fn implementation(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ImplementationDetail>, ApiError> {
    let version = catalog::current(&state.store, &code)
        .await?
        .ok_or_else(|| ApiError::not_found(&code))?;
    Ok(Json(detail(
        version.snapshot,
        version.version,
        version.published_at,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeDto {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    pub version: i64,
    pub published_at: String,
    pub change_set_id: i64,
    pub change_request_id: Option<i64>,
    /// what this version changed from the one before
    pub changes: Vec<FieldChangeDto>,
}

#[utoipa::path(get, path = "/api/v1/implementations/{code}/versions", tag = "catalog",
    params(("code" = String, Path, description = "implementation code")),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<VersionDto>>, ApiError> {
    let versions = catalog::versions(&state.store, &code).await?;
    if versions.is_empty() {
        return Err(ApiError::not_found(&code));
    }
    Ok(Json(
        versions
            .iter()
            .enumerate()
            .map(|(i, v)| VersionDto {
                version: v.version,
                published_at: rfc3339(v.published_at),
                change_set_id: v.change_set_id,
                change_request_id: v.change_request_id,
                changes: diff_snapshots(
                    i.checked_sub(1).map(|p| &versions[p].snapshot),
                    &v.snapshot,
                )
                .into_iter()
                .map(|c| FieldChangeDto {
                    field: c.field,
                    before: c.before,
                    after: c.after,
                })
                .collect(),
            })
            .collect(),
    ))
}
