//! Finding services (事项搜索): ranked search, completions while typing, and for the reform
//! office the queries that found nothing and the phrase dictionary search uses.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tongban_domain::FieldError;
use tongban_search::{Filters, SearchIndex, Viewer as Asker};
use tongban_store::search::{self, Miss};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
use super::{Listing, Paging, rfc3339, signed_in};
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

const MAX_RESULTS: usize = 100;
const SUGGESTIONS: usize = 8;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// what the person typed: words, a colloquial question, pinyin, initials or a code
    pub q: Option<String>,
    /// at most this many results (1–100, default 20)
    pub limit: Option<usize>,
    pub department_id: Option<i64>,
    /// two-digit item type code
    pub item_type: Option<String>,
    /// exercise level, 1 national … 6 village
    pub level: Option<u8>,
    /// only implementations of this region (12-digit code)
    pub region: Option<String>,
    /// only items that can be applied for online
    pub online: Option<bool>,
    /// the asker's own region: its implementations come first
    pub near: Option<String>,
}

/// A text parameter as given, absent when empty.
fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

impl SearchParams {
    pub fn filters(&self) -> Filters {
        Filters {
            department_id: self.department_id,
            item_type: given(&self.item_type),
            exercise_level: self.level,
            region_code: given(&self.region),
            online: self.online,
        }
    }

    pub fn asker(&self) -> Asker {
        Asker {
            region_code: given(&self.near),
        }
    }

    pub fn query(&self) -> &str {
        self.q.as_deref().map_or("", str::trim)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResultDto {
    pub name: String,
    pub implementation_code: String,
    pub basic_code: String,
    pub department: String,
    pub region_code: String,
    pub region_name: String,
    pub item_type: String,
    pub exercise_level: u8,
    pub online: bool,
    pub score: f32,
    /// the item's guide on the portal
    pub guide_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponseDto {
    pub query: String,
    pub results: Vec<SearchResultDto>,
}

/// Ranked services for what someone typed. A query that finds nothing is remembered for
/// the reform office (unless it looks like personal data).
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResponseDto), (status = 400, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResponseDto>, ApiError> {
    let limit = params.limit.unwrap_or(20);
    if !(1..=MAX_RESULTS).contains(&limit) {
        return Err(ApiError::field(FieldError::new(
            "limit",
            "结果条数应在1到100之间",
            "limit is between 1 and 100",
        )));
    }
    let index = state.search.get(&state.store).await?;
    let results = run(&state, &index, &params, limit).await?;
    Ok(Json(SearchResponseDto {
        query: params.query().to_owned(),
        results,
    }))
}

/// What the portal page and the API both run.
pub async fn run(
    state: &AppState,
    index: &SearchIndex,
    params: &SearchParams,
    limit: usize,
) -> Result<Vec<SearchResultDto>, ApiError> {
    let query = params.query();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let filters = params.filters();
    let results: Vec<SearchResultDto> = index
        .search(query, &filters, &params.asker(), limit)
        .map_err(tongban_store::StoreError::from)?
        .into_iter()
        .map(|hit| {
            let d = hit.document;
            SearchResultDto {
                name: d.name.clone(),
                implementation_code: d.implementation_code.clone(),
                basic_code: d.basic_code.clone(),
                department: d.department.clone(),
                region_code: d.region_code.clone(),
                region_name: d.region_name.clone(),
                item_type: d.item_type.clone(),
                exercise_level: d.exercise_level,
                online: d.online,
                score: hit.score,
                guide_url: format!(
                    "/catalog/items/{}",
                    crate::auth::urlencode(&d.implementation_code)
                ),
            }
        })
        .collect();
    // a miss under filters may only be the filters: the office wants what the catalog lacks
    if results.is_empty() && filters == Filters::default() {
        search::record_miss(&state.store, query, state.now_millis()).await?;
    }
    Ok(results)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// what has been typed so far
    pub q: Option<String>,
    /// the asker's own region
    pub near: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsDto {
    pub suggestions: Vec<String>,
}

/// Service names to offer while someone types.
#[utoipa::path(get, path = "/api/v1/search/suggest", tag = "search", params(SuggestParams),
    responses((status = 200, body = SuggestionsDto)))]
pub async fn suggest(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SuggestParams>,
) -> Result<Json<SuggestionsDto>, ApiError> {
    let typed = params.q.as_deref().map_or("", str::trim);
    if typed.is_empty() {
        return Ok(Json(SuggestionsDto {
            suggestions: Vec::new(),
        }));
    }
    let index = state.search.get(&state.store).await?;
    let asker = Asker {
        region_code: params.near.filter(|n| !n.trim().is_empty()),
    };
    Ok(Json(SuggestionsDto {
        suggestions: index.suggest(typed, &asker, SUGGESTIONS),
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MissesParams {
    /// asked within this many days (1–365, default 30)
    pub days: Option<i64>,
}

impl MissesParams {
    pub fn since(&self, now_millis: i64) -> Result<i64, ApiError> {
        let days = self.days.unwrap_or(30);
        if !(1..=365).contains(&days) {
            return Err(ApiError::field(FieldError::new(
                "days",
                "天数应在1到365之间",
                "days is between 1 and 365",
            )));
        }
        Ok(now_millis - days * 24 * 3600 * 1000)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissDto {
    pub query: String,
    pub times: i64,
    pub first_at: String,
    pub last_at: String,
}

fn miss_dto(miss: Miss) -> MissDto {
    MissDto {
        query: miss.query,
        times: miss.times,
        first_at: rfc3339(miss.first_at),
        last_at: rfc3339(miss.last_at),
    }
}

/// Queries that found nothing, most often asked first.
#[utoipa::path(get, path = "/api/v1/admin/search/misses", tag = "search", security(("bearer" = [])),
    params(Paging, MissesParams), responses((status = 200, body = Listing<MissDto>)))]
pub async fn misses(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<Paging>,
    ApiQuery(params): ApiQuery<MissesParams>,
) -> Result<Json<Listing<MissDto>>, ApiError> {
    let since = params.since(state.now_millis())?;
    let (items, total) = search::misses(&state.store, since, paging.page()).await?;
    Ok(Json(Listing {
        items: items.into_iter().map(miss_dto).collect(),
        total,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DictionaryDto {
    /// 0 while the shipped dictionary is in use
    pub id: i64,
    pub text: String,
    pub saved_by: String,
    pub reason: String,
    pub saved_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DictionaryInput {
    /// the whole dictionary, one `说法|说法 => 规范用语 …` per line
    pub text: String,
    /// why, for the audit log
    pub reason: String,
}

/// The phrase dictionary search uses.
#[utoipa::path(get, path = "/api/v1/admin/search/dictionary", tag = "search", security(("bearer" = [])),
    responses((status = 200, body = DictionaryDto)))]
pub async fn dictionary(State(state): State<AppState>) -> Result<Json<DictionaryDto>, ApiError> {
    let v = search::dictionary_version(&state.store).await?;
    Ok(Json(DictionaryDto {
        id: v.id,
        text: v.text,
        saved_by: v.saved_by,
        reason: v.reason,
        saved_at: (v.id > 0).then(|| rfc3339(v.saved_at)),
    }))
}

/// Replaces the phrase dictionary (审改办); every bad line is named in the refusal.
#[utoipa::path(put, path = "/api/v1/admin/search/dictionary", tag = "search", security(("bearer" = [])),
    request_body = DictionaryInput,
    responses((status = 200, body = DictionaryDto), (status = 400, body = ErrorBody)))]
pub async fn save_dictionary(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<DictionaryInput>,
) -> Result<Json<DictionaryDto>, ApiError> {
    save(&state, &viewer, &input).await?;
    dictionary(State(state)).await
}

/// What the page and the API both do to save the dictionary.
pub async fn save(
    state: &AppState,
    viewer: &Viewer,
    input: &DictionaryInput,
) -> Result<i64, ApiError> {
    let reviewer = signed_in(viewer)?
        .catalog_reviewer()
        .ok_or_else(ApiError::forbidden)?;
    Ok(search::save_dictionary(
        &state.store,
        reviewer,
        &input.text,
        &input.reason,
        state.now_millis(),
    )
    .await?)
}
