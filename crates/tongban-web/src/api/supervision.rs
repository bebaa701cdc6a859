//! Electronic supervision over the API: alerts and the figures behind the dashboard.

use super::extract::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_domain::access::Role;
use tongban_domain::case::alert_subject;
use tongban_store::supervision::{self, Alert};
use utoipa::{IntoParams, ToSchema};

use super::rfc3339;
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDto {
    pub id: i64,
    pub case_id: i64,
    pub case_number: Option<String>,
    /// what the alert is about: "" the whole case's clock, a step's key, `@corrections` (the
    /// applicant's correction deadline), `@deficiencies` (容缺 promise) or `@refusal` (a
    /// refusal without reason)
    pub step: String,
    /// the same in words (Chinese)
    pub subject: String,
    /// the step's name, e.g. 审核
    pub step_name: String,
    /// warning (预警) | yellow (黄牌) | red (红牌)
    pub level: String,
    pub raised_on: String,
    pub raised_at: String,
    pub department_id: i64,
    pub department: String,
    /// the clerk who held the step
    pub responsible: Option<String>,
    /// who was told
    pub notified: Vec<String>,
    pub resolved_at: Option<String>,
    /// escalated | acted | resolved (by a supervisor, with a note)
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
}

impl From<Alert> for AlertDto {
    fn from(a: Alert) -> Self {
        AlertDto {
            id: a.id,
            case_id: a.case_id,
            case_number: a.case_number,
            subject: alert_subject(&a.step, &a.step_name).0,
            step: a.step,
            step_name: a.step_name,
            level: a.level.as_str().to_owned(),
            raised_on: a.raised_on,
            raised_at: rfc3339(a.raised_at),
            department_id: a.department_id,
            department: a.department,
            responsible: a.responsible,
            notified: a.notified,
            resolved_at: a.resolved_at.map(rfc3339),
            resolution: a.resolution,
            resolved_by: a.resolved_by,
            resolution_note: a.resolution_note,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// only unresolved alerts (default true)
    pub open: Option<bool>,
    pub department_id: Option<i64>,
    pub case_id: Option<i64>,
    /// 1–500, default 100
    pub limit: Option<i64>,
}

/// Supervisors see every department; department staff see their own.
fn department_scope(viewer: &Viewer, asked: Option<i64>) -> Result<Option<i64>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    if actor.has(Role::Supervisor) {
        return Ok(asked);
    }
    match actor.department_id {
        Some(own) if asked.is_none_or(|d| d == own) => Ok(Some(own)),
        _ => Err(ApiError::forbidden()),
    }
}

#[utoipa::path(get, path = "/api/v1/supervision/alerts", tag = "supervision", params(AlertQuery),
    security(("bearer" = [])), responses((status = 200, body = Vec<AlertDto>), (status = 403, body = ErrorBody)))]
pub async fn alerts(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<AlertQuery>,
) -> Result<Json<Vec<AlertDto>>, ApiError> {
    let department = department_scope(&viewer, query.department_id)?;
    let alerts = supervision::alerts(
        &state.store,
        query.open.unwrap_or(true),
        department,
        query.case_id,
        query.limit.unwrap_or(100).clamp(1, 500),
    )
    .await?;
    Ok(Json(alerts.into_iter().map(AlertDto::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Resolution {
    /// how the alert was dealt with
    pub note: String,
}

/// A supervisor closes an open alert with a note: a flagged act, or an alert seen to.
#[utoipa::path(post, path = "/api/v1/supervision/alerts/{id}/resolve", tag = "supervision",
    request_body = Resolution, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(resolution): ApiJson<Resolution>,
) -> Result<StatusCode, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    if supervision::resolve(
        &state.store,
        id,
        &actor.username,
        &resolution.note,
        state.now_millis(),
    )
    .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("open alert"))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentFiguresDto {
    pub department_id: i64,
    pub department: String,
    pub open_cases: i64,
    pub warning: i64,
    pub yellow: i64,
    pub red: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendPoint {
    pub day: String,
    pub level: String,
    pub alerts: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresDto {
    pub departments: Vec<DepartmentFiguresDto>,
    /// alerts raised per day and level over the last 30 days
    pub trend: Vec<TrendPoint>,
}

#[utoipa::path(get, path = "/api/v1/supervision/figures", tag = "supervision",
    security(("bearer" = [])), responses((status = 200, body = FiguresDto), (status = 403, body = ErrorBody)))]
pub async fn figures(State(state): State<AppState>) -> Result<Json<FiguresDto>, ApiError> {
    let since = state
        .today()
        .checked_sub(jiff::Span::new().days(30))
        .unwrap_or_default();
    let departments = supervision::figures(&state.store, state.today())
        .await?
        .into_iter()
        .map(|f| DepartmentFiguresDto {
            department_id: f.department_id,
            department: f.department,
            open_cases: f.open_cases,
            warning: f.warning,
            yellow: f.yellow,
            red: f.red,
        })
        .collect();
    let trend = supervision::raised_per_day(&state.store, since)
        .await?
        .into_iter()
        .map(|(day, level, alerts)| TrendPoint {
            day,
            level: level.as_str().to_owned(),
            alerts,
        })
        .collect();
    Ok(Json(FiguresDto { departments, trend }))
}
