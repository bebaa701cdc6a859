//! Local settings (地方设置): the limits, thresholds and switches that are local rules, read by
//! the reform office, supervisors and administrators, changed by the reform office with a
//! reason (audited).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tongban_store::settings::{self, Current};
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::{rfc3339, signed_in};
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingDto {
    pub name: String,
    /// the value in force
    pub value: String,
    pub default: String,
    /// a value is stored; else the default is in force
    pub stored: bool,
    pub updated_at: Option<String>,
    pub description: String,
    pub description_en: String,
}

fn dto(current: Current) -> SettingDto {
    SettingDto {
        name: current.known.name,
        value: current.value,
        default: current.known.default,
        stored: current.stored,
        updated_at: current.updated_at.map(rfc3339),
        description: current.known.zh.to_owned(),
        description_en: current.known.en.to_owned(),
    }
}

/// Every local setting with the value in force and its default.
#[utoipa::path(get, path = "/api/v1/admin/settings", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = [SettingDto]), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<SettingDto>>, ApiError> {
    Ok(Json(
        settings::current(&state.store)
            .await?
            .into_iter()
            .map(dto)
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ChangeRequest {
    pub value: String,
    pub reason: String,
}

/// What the API and the page both do to change a setting.
pub async fn change_as(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    request: &ChangeRequest,
) -> Result<(), ApiError> {
    let reviewer = signed_in(viewer)?
        .catalog_reviewer()
        .ok_or_else(ApiError::forbidden)?;
    settings::change(
        &state.store,
        reviewer,
        name,
        &request.value,
        &request.reason,
        state.now_millis(),
    )
    .await?;
    Ok(())
}

/// The reform office changes a setting; the reason is required and kept in the audit log.
#[utoipa::path(put, path = "/api/v1/admin/settings/{name}", tag = "admin", security(("bearer" = [])),
    request_body = ChangeRequest,
    responses((status = 200, body = SettingDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<ChangeRequest>,
) -> Result<Json<SettingDto>, ApiError> {
    change_as(&state, &viewer, &name, &request).await?;
    settings::current(&state.store)
        .await?
        .into_iter()
        .find(|c| c.known.name == name)
        .map(|c| Json(dto(c)))
        .ok_or_else(|| ApiError::not_found("setting"))
}
