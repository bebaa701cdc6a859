//! Accounts as the system administrator manages them (用户与角色): list and find, open a
//! staff account, change roles, department or hall, disable. Every change carries a reason.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_domain::FieldError;
use tongban_domain::access::Role;
use tongban_store::users::{self, NewStaff, UserChange, UserQuery, UserSummary};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
use super::{Listing, Paging, rfc3339, signed_in};
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub username: String,
    pub display_name: String,
    /// staff, citizen or enterprise
    pub kind: String,
    pub department_id: Option<i64>,
    pub department: Option<String>,
    /// the service window a staff member sits at (窗口)
    pub service_window: Option<String>,
    pub roles: Vec<String>,
    pub disabled: bool,
    /// signs in through the unified-identity platform
    pub external: bool,
    pub created_at: String,
}

pub fn user_dto(user: UserSummary) -> UserDto {
    UserDto {
        username: user.username,
        display_name: user.display_name,
        kind: user.kind,
        department_id: user.department_id,
        department: user.department_name,
        service_window: user.service_window,
        roles: user.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        disabled: user.disabled,
        external: user.external,
        created_at: rfc3339(user.created_at),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// part of the username or name
    pub text: Option<String>,
    /// a role, e.g. window_clerk
    pub role: Option<String>,
    pub department_id: Option<i64>,
}

impl UserFilter {
    pub fn query(&self) -> Result<UserQuery, ApiError> {
        let role = match self.role.as_deref().filter(|r| !r.is_empty()) {
            Some(text) => Some(parse_role(text)?),
            None => None,
        };
        Ok(UserQuery {
            text: self.text.clone(),
            role,
            department_id: self.department_id,
        })
    }
}

fn parse_role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text.trim()).ok_or_else(|| {
        ApiError::field(FieldError::new(
            "roles",
            format!("没有这个角色：{text}"),
            format!("no such role: {text}"),
        ))
    })
}

pub fn parse_roles(texts: &[String]) -> Result<Vec<Role>, ApiError> {
    let mut roles = Vec::new();
    for text in texts.iter().filter(|t| !t.trim().is_empty()) {
        let role = parse_role(text)?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])),
    params(Paging, UserFilter), responses((status = 200, body = Listing<UserDto>)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<Paging>,
    ApiQuery(filter): ApiQuery<UserFilter>,
) -> Result<Json<Listing<UserDto>>, ApiError> {
    let (found, total) = users::list(&state.store, &filter.query()?, paging.page()).await?;
    Ok(Json(Listing {
        items: found.into_iter().map(user_dto).collect(),
        total,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StaffInput {
    pub username: String,
    pub display_name: String,
    /// the first password (the same rules as a person's own); told to the person in person
    pub password: String,
    /// the department or service hall the person works in
    pub department_id: Option<i64>,
    /// the service window, e.g. 3号窗口
    pub service_window: Option<String>,
    /// staff roles, e.g. ["window_clerk"]
    pub roles: Vec<String>,
    pub email: Option<String>,
}

/// Opens a staff account.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])),
    request_body = StaffInput,
    responses((status = 201, body = UserDto), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn open_staff(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<StaffInput>,
) -> Result<(StatusCode, Json<UserDto>), ApiError> {
    let user = open_staff_account(&state, &viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(user_dto(user))))
}

/// What the page and the API both do to open a staff account.
pub async fn open_staff_account(
    state: &AppState,
    viewer: &Viewer,
    input: &StaffInput,
) -> Result<UserSummary, ApiError> {
    let actor = signed_in(viewer)?;
    let roles = parse_roles(&input.roles)?;
    let staff = NewStaff {
        username: &input.username,
        display_name: &input.display_name,
        password: &input.password,
        department_id: input.department_id,
        service_window: input.service_window.as_deref(),
        roles: &roles,
        email: input.email.as_deref(),
    };
    users::open_staff(&state.store, &staff, actor, state.now_millis()).await?;
    found(state, &input.username).await
}

async fn found(state: &AppState, username: &str) -> Result<UserSummary, ApiError> {
    users::find(&state.store, username)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))
}

#[utoipa::path(get, path = "/api/v1/admin/users/{username}", tag = "admin",
    security(("bearer" = [])), params(("username" = String, Path)),
    responses((status = 200, body = UserDto), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    Path(username): Path<String>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(user_dto(found(&state, &username).await?)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UserChangeInput {
    /// the staff roles the account holds afterwards (applicant roles stay as they are)
    pub roles: Option<Vec<String>>,
    /// the department or hall; `null` takes the account off any
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<Option<i64>>,
    /// the service window; `null` or empty clears it
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub service_window: Option<Option<String>>,
    pub disabled: Option<bool>,
    /// why, for the audit log
    pub reason: String,
}

/// A field that is present, `null` included, as opposed to absent (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes an account's roles, department or hall, or disables it (ending its sessions).
#[utoipa::path(patch, path = "/api/v1/admin/users/{username}", tag = "admin",
    security(("bearer" = [])), params(("username" = String, Path)), request_body = UserChangeInput,
    responses((status = 200, body = UserDto), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(username): Path<String>,
    ApiJson(input): ApiJson<UserChangeInput>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(user_dto(
        change_account(&state, &viewer, &username, input).await?,
    )))
}

/// What the page and the API both do to change an account.
pub async fn change_account(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
    input: UserChangeInput,
) -> Result<UserSummary, ApiError> {
    let actor = signed_in(viewer)?;
    let roles = input.roles.as_deref().map(parse_roles).transpose()?;
    let change = UserChange {
        roles,
        department_id: input.department_id,
        service_window: input.service_window,
        disabled: input.disabled,
        reason: input.reason,
    };
    Ok(users::change(&state.store, username, &change, actor, state.now_millis()).await?)
}
