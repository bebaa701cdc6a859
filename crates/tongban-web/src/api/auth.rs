//! Signing in and registering through the API: `POST /api/v1/auth/token` answers a bearer
//! token for a username and password (throttled like the sign-in page), and
//! `POST /api/v1/auth/register` creates a real-name citizen account.

use super::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_domain::account::{PersonRegistration, RegistrationInput};
use tongban_store::{accounts, login, sessions};
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// `full` (default) or `read`: a read-only token is refused every state-changing call
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub scope: Option<sessions::Scope>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// send as `Authorization: Bearer <token>`
    pub token: String,
    pub token_type: &'static str,
    /// seconds until the token expires
    pub expires_in: i64,
    pub scope: &'static str,
}

/// The refusal of a sign-in, the same whether or not the account exists.
pub fn sign_in_refused(outcome: &login::Outcome, state: &AppState) -> ApiError {
    match outcome {
        login::Outcome::Locked { until_millis } => {
            let minutes = ((until_millis - state.now_millis()) + 59_999) / 60_000;
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("登录失败次数过多，请{minutes}分钟后再试"),
                format!("too many failed sign-ins; try again in {minutes} minutes"),
            )
        }
        _ => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "用户名或密码不正确",
            "the username or password is wrong",
        ),
    }
}

#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody),
        (status = 429, description = "too many failed attempts from this address", body = ErrorBody)))]
pub async fn token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let attempt = login::Attempt {
        username: &request.username,
        password: &request.password,
        client: &viewer.client,
        channel: "api",
    };
    let outcome = login::attempt(
        &state.store,
        &state.settings.data_key,
        &attempt,
        state.now_millis(),
    )
    .await?;
    let login::Outcome::SignedIn(actor) = outcome else {
        return Err(sign_in_refused(&outcome, &state));
    };
    let policy = state.settings.session;
    let scope = request.scope.unwrap_or(sessions::Scope::Full);
    let issued = sessions::issue_scoped(
        &state.store,
        actor.user_id,
        sessions::SessionKind::ApiToken,
        scope,
        policy,
        state.now_millis(),
    )
    .await?;
    Ok(Json(TokenResponse {
        token: issued.token,
        token_type: "Bearer",
        expires_in: policy.absolute_millis / 1000,
        scope: scope.as_str(),
    }))
}

/// A natural person's real-name registration (实名注册).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    pub username: String,
    /// 8–128 characters, at least two of letters, digits and symbols
    pub password: String,
    /// the name on the resident id card
    pub name: String,
    /// 18-character resident id (GB 11643)
    pub id_number: String,
    /// mainland mobile number
    pub phone: String,
}

/// An account as the API shows it: personal data masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDto {
    pub id: i64,
    pub username: String,
    pub name: String,
    /// citizen, enterprise or staff
    pub kind: String,
    pub roles: Vec<String>,
    pub department: Option<String>,
    /// masked: 110105********002X
    pub id_number: Option<String>,
    /// masked: 138****0000
    pub phone: Option<String>,
}

impl AccountDto {
    pub fn of(profile: &accounts::Profile, roles: Vec<String>) -> Self {
        Self {
            id: profile.user_id,
            username: profile.username.clone(),
            name: profile.display_name.clone(),
            kind: profile.kind.clone(),
            roles,
            department: profile.department.clone(),
            id_number: profile.id_number.as_ref().map(|id| id.masked()),
            phone: profile.phone.as_ref().map(|p| p.masked()),
        }
    }
}

/// Registers a citizen account under the person's real name. One account per id number;
/// a bad field answers 400 naming it, a taken username or id number 409.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = AccountDto), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<AccountDto>), ApiError> {
    let account = register_person(&state, &request).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Registration, shared by the API and the registration page.
pub async fn register_person(
    state: &AppState,
    request: &RegisterRequest,
) -> Result<AccountDto, ApiError> {
    let input = RegistrationInput {
        username: &request.username,
        password: &request.password,
        name: &request.name,
        id_number: &request.id_number,
        phone: &request.phone,
    };
    let person = PersonRegistration::parse(input, state.today())?;
    let key = &state.settings.data_key;
    let id = accounts::register_person(
        &state.store,
        key,
        &person,
        &request.password,
        state.now_millis(),
    )
    .await?;
    let profile = accounts::profile(&state.store, key, id).await?;
    Ok(AccountDto::of(&profile, vec!["citizen".to_owned()]))
}
