//! Change requests over the API: departments propose, the reform office reviews.

use super::extract::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_domain::catalog::{ChangeDecision, ChangeStatus};
use tongban_store::catalog::{self, ChangeRequest};
use utoipa::{IntoParams, ToSchema};

use super::{Listing, Paging, rfc3339};
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::pages::visible_change_filter;
use crate::proposals::{self, ProposalInput};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRequestDto {
    pub id: i64,
    /// add | change | cancel | delegate_down | take_over
    pub kind: String,
    pub implementation_code: String,
    pub department_id: i64,
    pub department: String,
    /// the content approval would publish (for add, change, take_over)
    #[schema(value_type = Option<Object>)]
    pub proposed: Option<serde_json::Value>,
    pub reason: String,
    /// pending | approved | rejected
    pub status: String,
    pub base_version: Option<i64>,
    pub proposed_by: String,
    pub proposed_at: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_comment: Option<String>,
}

impl From<ChangeRequest> for ChangeRequestDto {
    fn from(r: ChangeRequest) -> Self {
        ChangeRequestDto {
            id: r.id,
            kind: r.kind.as_str().to_owned(),
            implementation_code: r.implementation_code,
            department_id: r.department_id,
            department: r.department_name,
            proposed: r.proposed.and_then(|p| serde_json::to_value(p).ok()),
            reason: r.reason,
            status: r.status.as_str().to_owned(),
            base_version: r.base_version,
            proposed_by: r.proposed_by,
            proposed_at: rfc3339(r.proposed_at),
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at.map(rfc3339),
            review_comment: r.review_comment,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// pending | approved | rejected
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/change-requests", tag = "changes", params(Paging, ChangeQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Listing<ChangeRequestDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
    ApiQuery(query): ApiQuery<ChangeQuery>,
) -> Result<Json<Listing<ChangeRequestDto>>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let mut filter = visible_change_filter(actor).ok_or_else(ApiError::forbidden)?;
    filter.status = query.status.as_deref().and_then(ChangeStatus::parse);
    let (items, total) = catalog::change_requests(&state.store, &filter, paging.page()).await?;
    Ok(Json(Listing {
        items: items.into_iter().map(ChangeRequestDto::from).collect(),
        total,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/change-requests", tag = "changes", request_body = ProposalInput,
    security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ProposalInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let staff = actor.department_staff().ok_or_else(ApiError::forbidden)?;
    let proposal = proposals::build(&state.store, &staff, &input).await?;
    let id = catalog::propose(&state.store, &staff, &proposal, state.now_millis()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

async fn visible(state: &AppState, viewer: &Viewer, id: i64) -> Result<ChangeRequest, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let filter = visible_change_filter(actor).ok_or_else(ApiError::forbidden)?;
    let request = catalog::change_request(&state.store, id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("change request {id}")))?;
    if filter
        .department_id
        .is_some_and(|d| d != request.department_id)
    {
        return Err(ApiError::forbidden());
    }
    Ok(request)
}

#[utoipa::path(get, path = "/api/v1/change-requests/{id}", tag = "changes", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ChangeRequestDto), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Json<ChangeRequestDto>, ApiError> {
    Ok(Json(visible(&state, &viewer, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewInput {
    /// approve | reject
    pub decision: String,
    /// required to reject
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/change-requests/{id}/review", tag = "changes", params(("id" = i64, Path)),
    request_body = ReviewInput, security(("bearer" = [])),
    responses((status = 200, body = ChangeRequestDto), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Json<ChangeRequestDto>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let reviewer = actor.catalog_reviewer().ok_or_else(ApiError::forbidden)?;
    let approve = match input.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return Err(ApiError::field(tongban_domain::FieldError::new(
                "decision",
                "审核结论应为 approve 或 reject",
                "the decision is approve or reject",
            )));
        }
    };
    let decision = ChangeDecision::new(approve, &input.comment)?;
    catalog::review(&state.store, &reviewer, id, &decision, state.now_millis()).await?;
    Ok(Json(visible(&state, &viewer, id).await?.into()))
}
