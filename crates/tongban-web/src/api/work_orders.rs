//! Work orders (工单): the public's enquiries, requests for help, complaints, reports and
//! suggestions, routed to the owning department and answered there; looked up by number and
//! query password without signing in. The portal's form and pages call the same functions.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tongban_domain::access::Actor;
use tongban_domain::work_order::{WorkOrderDesk, WorkOrderInput, WorkOrderSubmission};
use tongban_store::work_orders::{self, Submitted, WorkOrder};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
use super::{rfc3339, signed_in};
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

const LIST_LIMIT: i64 = 200;

#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
pub struct WorkOrderRequest {
    /// enquiry | help | complaint | report | suggestion
    pub kind: String,
    pub subject: String,
    pub text: String,
    /// the service item it is about: its department answers
    pub item_code: Option<String>,
    /// the department, when no item is named
    pub department_id: Option<i64>,
    /// may be left out when signed in (the account's name is used)
    pub contact_name: Option<String>,
    /// a mainland mobile number; may be left out when signed in (the account's phone)
    pub contact_phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedDto {
    pub id: i64,
    pub number: String,
    /// shown once: with the number it looks the answer up at `/progress` without signing in
    pub query_password: String,
    pub department: String,
    /// the last working day for the answer
    pub due_on: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkOrderDto {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub kind_name: String,
    pub kind_name_en: String,
    pub channel: String,
    pub subject: String,
    pub text: String,
    pub item_code: Option<String>,
    pub department_id: i64,
    pub department: String,
    /// masked
    pub contact_name: String,
    /// masked
    pub contact_phone: String,
    pub submitted_at: String,
    pub due_on: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
}

pub fn dto(order: WorkOrder) -> WorkOrderDto {
    WorkOrderDto {
        id: order.id,
        number: order.number,
        kind: order.kind.as_str().to_owned(),
        kind_name: order.kind.name_zh().to_owned(),
        kind_name_en: order.kind.name_en().to_owned(),
        channel: order.channel,
        subject: order.subject,
        text: order.text,
        item_code: order.item_code,
        department_id: order.department_id,
        department: order.department,
        contact_name: order.contact_name,
        contact_phone: order.contact_phone,
        submitted_at: rfc3339(order.submitted_at),
        due_on: order.due_on,
        answer: order.answer,
        answered_by: order.answered_by,
        answered_at: order.answered_at.map(rfc3339),
    }
}

/// Checks and takes in a work order from the web; a signed-in person's own name and phone
/// stand in for contact fields left empty.
pub async fn submit(
    state: &AppState,
    submitter: Option<&Actor>,
    request: &WorkOrderRequest,
) -> Result<Submitted, ApiError> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|t| t.trim().is_empty());
    let (mut name, mut phone) = (
        request.contact_name.clone().unwrap_or_default(),
        request.contact_phone.clone().unwrap_or_default(),
    );
    if let Some(actor) = submitter
        && (blank(&request.contact_name) || blank(&request.contact_phone))
    {
        let profile =
            tongban_store::accounts::profile(&state.store, &state.settings.data_key, actor.user_id)
                .await?;
        if blank(&request.contact_name) {
            name = profile.display_name;
        }
        if blank(&request.contact_phone) {
            phone = profile
                .phone
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
        }
    }
    let submission = WorkOrderSubmission::parse(&WorkOrderInput {
        kind: &request.kind,
        subject: &request.subject,
        text: &request.text,
        department_id: request.department_id,
        item_code: request.item_code.as_deref(),
        contact_name: &name,
        contact_phone: &phone,
    })?;
    let calendar = state.calendar.get(&state.store).await?;
    Ok(work_orders::submit(
        &state.store,
        &state.settings.data_key,
        &calendar,
        &submission,
        work_orders::Received {
            submitter,
            channel: "web",
            on: state.today(),
            at_millis: state.now_millis(),
        },
    )
    .await?)
}

/// Submits an enquiry, request for help, complaint, report or suggestion; signed in or not.
#[utoipa::path(post, path = "/api/v1/work-orders", tag = "work_orders", request_body = WorkOrderRequest,
    responses((status = 201, body = SubmittedDto), (status = 400, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(request): ApiJson<WorkOrderRequest>,
) -> Result<(axum::http::StatusCode, Json<SubmittedDto>), ApiError> {
    let submitted = submit(&state, viewer.actor.as_ref(), &request).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(SubmittedDto {
            id: submitted.id,
            number: submitted.number,
            query_password: submitted.query_password,
            department: submitted.department,
            due_on: submitted.due_on,
        }),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// only those not answered yet
    pub open: Option<bool>,
}

/// The work orders of the caller's desk: department staff see their department's, hotline
/// agents and supervisors every one; unanswered first, by due day.
#[utoipa::path(get, path = "/api/v1/work-orders", tag = "work_orders", security(("bearer" = [])),
    params(ListParams), responses((status = 200, body = [WorkOrderDto]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Vec<WorkOrderDto>>, ApiError> {
    let desk = desk(&viewer)?;
    let orders = work_orders::list(
        &state.store,
        &state.settings.data_key,
        &desk,
        params.open.unwrap_or(false),
        LIST_LIMIT,
    )
    .await?;
    Ok(Json(orders.into_iter().map(dto).collect()))
}

/// The caller's desk, or 403.
pub fn desk(viewer: &Viewer) -> Result<WorkOrderDesk<'_>, ApiError> {
    WorkOrderDesk::of(signed_in(viewer)?).ok_or_else(ApiError::forbidden)
}

/// One work order: to its desk, or to the account that submitted it.
#[utoipa::path(get, path = "/api/v1/work-orders/{id}", tag = "work_orders", security(("bearer" = [])),
    responses((status = 200, body = WorkOrderDto), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Json<WorkOrderDto>, ApiError> {
    let actor = signed_in(&viewer)?;
    let key = &state.settings.data_key;
    let order = match WorkOrderDesk::of(actor) {
        Some(desk) => work_orders::get(&state.store, key, &desk, id).await?,
        None => work_orders::own(&state.store, key, actor, id).await?,
    };
    Ok(Json(dto(order)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerRequest {
    pub answer: String,
}

/// The department (or a hotline agent) answers, once; the submitter is told.
#[utoipa::path(post, path = "/api/v1/work-orders/{id}/answer", tag = "work_orders", security(("bearer" = [])),
    request_body = AnswerRequest,
    responses((status = 200, body = WorkOrderDto), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> Result<Json<WorkOrderDto>, ApiError> {
    let desk = desk(&viewer)?;
    let order = answer_as(&state, &desk, id, &request.answer).await?;
    Ok(Json(dto(order)))
}

/// What the API and the page both do to answer.
pub async fn answer_as(
    state: &AppState,
    desk: &WorkOrderDesk<'_>,
    id: i64,
    text: &str,
) -> Result<WorkOrder, ApiError> {
    if !desk.may_answer {
        return Err(ApiError::forbidden());
    }
    Ok(work_orders::answer(
        &state.store,
        &state.settings.data_key,
        desk,
        id,
        text,
        state.settings.applicant_sms,
        state.now_millis(),
    )
    .await?)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookUpParams {
    pub number: String,
    pub password: String,
}

/// A work order and its answer by number and query password, without signing in.
#[utoipa::path(get, path = "/api/v1/work-orders/lookup", tag = "work_orders", params(LookUpParams),
    responses((status = 200, body = WorkOrderDto), (status = 404, body = ErrorBody)))]
pub async fn look_up(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<LookUpParams>,
) -> Result<Json<WorkOrderDto>, ApiError> {
    work_orders::look_up(
        &state.store,
        &state.settings.data_key,
        &params.number,
        &params.password,
    )
    .await?
    .map(|order| Json(dto(order)))
    .ok_or_else(|| ApiError::not_found("work order"))
}
