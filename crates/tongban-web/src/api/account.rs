//! The user centre through the API: my account (personal data masked), my sessions and
//! tokens with revocation, and a password change.

use super::extract::ApiJson;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use tongban_domain::access::Actor;
use tongban_store::{accounts, sessions};
use utoipa::ToSchema;

use super::auth::AccountDto;
use super::{rfc3339, signed_in};
use crate::auth::{SESSION_COOKIE, Viewer, bearer, cookie};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The token this request came with (bearer or cookie), to tell "this session" apart.
pub fn presented_token(headers: &HeaderMap) -> Option<&str> {
    bearer(headers).or_else(|| cookie(headers, SESSION_COOKIE))
}

pub async fn account_of(state: &AppState, actor: &Actor) -> Result<AccountDto, ApiError> {
    let profile = accounts::profile(&state.store, &state.settings.data_key, actor.user_id).await?;
    let roles = actor.roles.iter().map(|r| r.as_str().to_owned()).collect();
    Ok(AccountDto::of(&profile, roles))
}

/// My account.
#[utoipa::path(get, path = "/api/v1/account", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = AccountDto), (status = 401, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<AccountDto>, ApiError> {
    Ok(Json(account_of(&state, signed_in(&viewer)?).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    /// names the session for revoking it
    pub handle: String,
    /// "cookie" (a browser) or "api" (a token)
    pub kind: String,
    /// "full" or "read"
    pub scope: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    /// the session this request came with
    pub current: bool,
}

impl SessionDto {
    pub fn of(session: &sessions::SessionSummary) -> Self {
        Self {
            handle: session.handle.clone(),
            kind: session.kind.as_str().to_owned(),
            scope: session.scope.as_str().to_owned(),
            created_at: rfc3339(session.created_at),
            last_seen_at: rfc3339(session.last_seen_at),
            expires_at: rfc3339(session.expires_at),
            current: session.current,
        }
    }
}

/// My sessions and API tokens that still work, newest first.
#[utoipa::path(get, path = "/api/v1/account/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Vec<SessionDto>), (status = 401, body = ErrorBody)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Json<Vec<SessionDto>>, ApiError> {
    let actor = signed_in(&viewer)?;
    let live = sessions::list_live(
        &state.store,
        actor.user_id,
        presented_token(&headers),
        state.settings.session,
        state.now_millis(),
    )
    .await?;
    Ok(Json(live.iter().map(SessionDto::of).collect()))
}

/// Ends one of my sessions or tokens.
#[utoipa::path(delete, path = "/api/v1/account/sessions/{handle}", tag = "auth",
    security(("bearer" = [])), params(("handle" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(handle): Path<String>,
) -> Result<StatusCode, ApiError> {
    let actor = signed_in(&viewer)?;
    sessions::revoke_own(&state.store, actor.user_id, &handle, state.now_millis()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes my password; every other session and token of mine stops working.
#[utoipa::path(post, path = "/api/v1/account/password", tag = "auth", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204), (status = 400, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let actor = signed_in(&viewer)?;
    accounts::change_password(
        &state.store,
        actor,
        &change.current_password,
        &change.new_password,
        presented_token(&headers),
        state.now_millis(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
