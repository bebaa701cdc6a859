//! Organisations through the API: the legal representative registers one and names the
//! agents who may apply in its name; anyone reads the organisations they act for.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_domain::organisation::OrganisationRegistration;
use tongban_store::organisations;
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::{rfc3339, signed_in};
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganisationInput {
    /// 统一社会信用代码 (GB 32100)
    pub uscc: String,
    pub name: String,
    /// must be the registrant's own real name
    pub legal_representative: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDto {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    /// legal_representative or authorised_agent: how I act for it
    pub capacity: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub capacity: String,
    pub granted_by: String,
    pub granted_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AgentInput {
    /// the citizen account to authorise
    pub username: String,
}

/// Registers an organisation; the registrant, its legal representative, is its first member.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "auth", security(("bearer" = [])),
    request_body = OrganisationInput,
    responses((status = 201, body = OrganisationDto), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> Result<(StatusCode, Json<OrganisationDto>), ApiError> {
    let actor = signed_in(&viewer)?;
    let organisation = OrganisationRegistration::parse(
        &input.uscc,
        &input.name,
        &input.legal_representative,
        &actor.display_name,
    )?;
    let id =
        organisations::register(&state.store, actor, &organisation, state.now_millis()).await?;
    Ok((
        StatusCode::CREATED,
        Json(OrganisationDto {
            id,
            uscc: organisation.uscc.as_str().to_owned(),
            name: organisation.name,
            capacity: "legal_representative".to_owned(),
        }),
    ))
}

/// The organisations I act for.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Vec<OrganisationDto>)))]
pub async fn mine(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<OrganisationDto>>, ApiError> {
    let actor = signed_in(&viewer)?;
    let memberships = organisations::memberships(&state.store, actor.user_id).await?;
    Ok(Json(
        memberships
            .into_iter()
            .map(|m| OrganisationDto {
                id: m.organisation_id,
                uscc: m.uscc,
                name: m.name,
                capacity: m.capacity.as_str().to_owned(),
            })
            .collect(),
    ))
}

/// Who acts for an organisation (its legal representative asks).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/members", tag = "auth",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MemberDto>), (status = 404, body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<MemberDto>>, ApiError> {
    let actor = signed_in(&viewer)?;
    let members = organisations::members(&state.store, actor, id).await?;
    Ok(Json(
        members
            .into_iter()
            .map(|m| MemberDto {
                user_id: m.user_id,
                username: m.username,
                name: m.display_name,
                capacity: m.capacity.as_str().to_owned(),
                granted_by: m.granted_by,
                granted_at: rfc3339(m.granted_at),
            })
            .collect(),
    ))
}

/// Names an authorised agent (授权经办人).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/members", tag = "auth",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = AgentInput,
    responses((status = 201), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_agent(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AgentInput>,
) -> Result<StatusCode, ApiError> {
    let actor = signed_in(&viewer)?;
    organisations::add_agent(&state.store, actor, id, &input.username, state.now_millis()).await?;
    Ok(StatusCode::CREATED)
}

/// Withdraws an agent's authorisation.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}/members/{user_id}", tag = "auth",
    security(("bearer" = [])), params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_agent(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, user_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let actor = signed_in(&viewer)?;
    organisations::remove_agent(&state.store, actor, id, user_id, state.now_millis()).await?;
    Ok(StatusCode::NO_CONTENT)
}
