//! `POST /api/v1/auth/token`: a bearer token for a username and password.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_store::{accounts, sessions};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// send as `Authorization: Bearer <token>`
    pub token: String,
    pub token_type: &'static str,
    /// seconds until the token expires
    pub expires_in: i64,
}

#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody)))]
pub async fn token(
    State(state): State<AppState>,
    Json(request): Json<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let actor = accounts::authenticate(&state.store, &request.username, &request.password)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "用户名或密码不正确",
                "the username or password is wrong",
            )
        })?;
    let policy = state.settings.session;
    let issued = sessions::issue(
        &state.store,
        actor.user_id,
        sessions::SessionKind::ApiToken,
        policy,
        state.now_millis(),
    )
    .await?;
    Ok(Json(TokenResponse {
        token: issued.token,
        token_type: "Bearer",
        expires_in: policy.absolute_millis / 1000,
    }))
}
