//! The working-day calendar over the API: the loaded years, a year's notice, importing a
//! year (reform office), and the arithmetic the CLI offers.

use super::extract::ApiQuery;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_domain::FieldError;
use tongban_domain::calendar::{CalendarError, HolidayNotice, parse_date};
use tongban_store::calendar::{self, LoadedNotice, NoticeSource};
use tongban_store::catalog::ImportActor;
use utoipa::{IntoParams, ToSchema};

use super::rfc3339;
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearDto {
    pub year: i16,
    /// built_in | imported
    pub source: String,
    pub imported_by: Option<String>,
    pub imported_at: Option<String>,
    /// statutory days off the notice lists
    pub days_off: usize,
    /// make-up working days (调休上班)
    pub make_up_workdays: usize,
    /// where the notice is published
    pub papers: Vec<String>,
}

impl From<&LoadedNotice> for CalendarYearDto {
    fn from(loaded: &LoadedNotice) -> Self {
        let (source, imported_by, imported_at) = match &loaded.source {
            NoticeSource::BuiltIn => ("built_in", None, None),
            NoticeSource::Imported { by, at_millis } => {
                ("imported", Some(by.clone()), Some(rfc3339(*at_millis)))
            }
        };
        let days = &loaded.notice.days;
        CalendarYearDto {
            year: loaded.notice.year,
            source: source.to_owned(),
            imported_by,
            imported_at,
            days_off: days.iter().filter(|d| d.is_off_day).count(),
            make_up_workdays: days.iter().filter(|d| !d.is_off_day).count(),
            papers: loaded.notice.papers.clone(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/calendar/years", tag = "calendar",
    responses((status = 200, body = Vec<CalendarYearDto>)))]
pub async fn years(State(state): State<AppState>) -> Result<Json<Vec<CalendarYearDto>>, ApiError> {
    let notices = calendar::notices(&state.store).await?;
    Ok(Json(notices.iter().map(CalendarYearDto::from).collect()))
}

/// A year's notice in the exchange format: `{"year", "papers", "days": [{"name", "date", "isOffDay"}]}`.
#[utoipa::path(get, path = "/api/v1/calendar/years/{year}", tag = "calendar",
    params(("year" = i16, Path)),
    responses((status = 200, description = "the notice", content_type = "application/json"),
        (status = 404, body = ErrorBody)))]
pub async fn notice(
    State(state): State<AppState>,
    Path(year): Path<i16>,
) -> Result<Json<HolidayNotice>, ApiError> {
    calendar::notices(&state.store)
        .await?
        .into_iter()
        .find(|n| n.notice.year == year)
        .map(|n| Json(n.notice))
        .ok_or_else(|| ApiError::not_found(&format!("calendar year {year}")))
}

/// Adds or replaces a year (reform office). The body is the notice in the format above.
#[utoipa::path(put, path = "/api/v1/calendar/years/{year}", tag = "calendar",
    params(("year" = i16, Path)), security(("bearer" = [])),
    request_body(content = String, content_type = "application/json", description = "the notice"),
    responses((status = 200, body = CalendarYearDto), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(year): Path<i16>,
    body: String,
) -> Result<Json<CalendarYearDto>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let reviewer = actor.catalog_reviewer().ok_or_else(ApiError::forbidden)?;
    let notice = HolidayNotice::parse(&body)?;
    if notice.year != year {
        return Err(FieldError::new(
            "year",
            format!("通知的年份{}与地址中的{year}不一致", notice.year),
            format!(
                "the notice is for {}, the address names {year}",
                notice.year
            ),
        )
        .into());
    }
    let importer = ImportActor {
        user_id: Some(reviewer.actor.user_id),
        name: &reviewer.actor.username,
    };
    calendar::import_notice(
        &state.store,
        &importer,
        "reform_office",
        &notice,
        state.now_millis(),
    )
    .await?;
    let loaded = calendar::notices(&state.store)
        .await?
        .into_iter()
        .find(|n| n.notice.year == year)
        .ok_or_else(ApiError::internal)?;
    Ok(Json(CalendarYearDto::from(&loaded)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// YYYY-MM-DD
    pub date: String,
    /// working days to add (0: the date itself if a working day, else the next one)
    pub add: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayDto {
    pub date: String,
    pub is_workday: bool,
    /// the holiday the notice puts this day in, if any
    pub holiday: Option<String>,
    /// with `add`: the date of that working day
    pub after_workdays: Option<String>,
}

fn unanswerable(field: &str, error: &CalendarError) -> ApiError {
    ApiError::field(FieldError::of(field, error)).with_status(StatusCode::UNPROCESSABLE_ENTITY)
}

#[utoipa::path(get, path = "/api/v1/calendar/day", tag = "calendar", params(DayQuery),
    responses((status = 200, body = DayDto), (status = 400, body = ErrorBody),
        (status = 422, description = "the year's notice is not loaded", body = ErrorBody)))]
pub async fn day(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DayQuery>,
) -> Result<Json<DayDto>, ApiError> {
    let date = parse_date("date", &query.date)?;
    let calendar = state.calendar.get(&state.store).await?;
    let is_workday = calendar
        .is_workday(date)
        .map_err(|e| unanswerable("date", &e))?;
    let after_workdays = match query.add {
        Some(n) => Some(
            calendar
                .add_workdays(date, n)
                .map_err(|e| unanswerable("add", &e))?
                .to_string(),
        ),
        None => None,
    };
    let holiday = calendar
        .notices()
        .flat_map(|n| n.days.iter())
        .find(|d| d.date == date && d.is_off_day)
        .map(|d| d.name.clone());
    Ok(Json(DayDto {
        date: date.to_string(),
        is_workday,
        holiday,
        after_workdays,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpanQuery {
    /// YYYY-MM-DD, counted
    pub from: String,
    /// YYYY-MM-DD, not counted
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpanDto {
    pub from: String,
    pub to: String,
    /// working days in [from, to); negative when `to` is before `from`
    pub workdays: i64,
}

#[utoipa::path(get, path = "/api/v1/calendar/workdays", tag = "calendar", params(SpanQuery),
    responses((status = 200, body = SpanDto), (status = 400, body = ErrorBody),
        (status = 422, description = "a year's notice is not loaded", body = ErrorBody)))]
pub async fn workdays(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<SpanQuery>,
) -> Result<Json<SpanDto>, ApiError> {
    let from = parse_date("from", &query.from)?;
    let to = parse_date("to", &query.to)?;
    let calendar = state.calendar.get(&state.store).await?;
    let workdays = calendar
        .workdays_between(from, to)
        .map_err(|e| unanswerable("to", &e))?;
    Ok(Json(SpanDto {
        from: from.to_string(),
        to: to.to_string(),
        workdays,
    }))
}
