//! Signing in through the configured identity provider (统一身份认证): leave for the
//! provider, come back with a code, become the account the store says the person is.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_store::external_login;

use super::session::{LoginQuery, refused_page, safe_back, sign_in};
use crate::auth::{Viewer, cookie, set_cookie};
use crate::error::{ApiError, PageError};
use crate::external_login::ExternalLoginError;
use crate::state::AppState;

/// Ties the provider's answer to the browser that left for it (no login CSRF).
const STATE_COOKIE: &str = "tongban_external_state";

pub async fn depart(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<LoginQuery>,
) -> Response {
    let Some(provider) = state.external_login.clone() else {
        // No provider configured (any more): the password sign-in is the way in.
        return Redirect::to("/login").into_response();
    };
    let next = safe_back(query.next.as_deref());
    let now = state.now_millis();
    let departure = match provider.depart(next.clone(), now).await {
        Ok(departure) => departure,
        Err(error) => return refused(&state, &viewer, error, next),
    };
    if let Err(error) = external_login::begin(&state.store, &departure.pending, now).await {
        return PageError::store(error, viewer.prefs).into_response();
    }
    let mut response = Redirect::to(&departure.authorize_url).into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(&state, STATE_COOKIE, &departure.pending.state, None, true),
    );
    response
}

/// What the provider sends back: a code and our state, or an error.
#[derive(Deserialize)]
pub struct Arrival {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn arrive(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(arrival): Query<Arrival>,
) -> Response {
    let Some(provider) = state.external_login.clone() else {
        // No provider configured (any more): the password sign-in is the way in.
        return Redirect::to("/login").into_response();
    };
    let again = |zh: &str, en: &str| ApiError::new(StatusCode::BAD_REQUEST, zh, en);
    if let Some(error) = arrival.error {
        // The person cancelled, or the provider refused: nothing to sign in.
        tracing::info!(%error, "the identity provider returned without signing in");
        let error = again(
            "统一身份认证平台未完成登录，请重试或使用账号密码登录",
            "the identity provider did not sign you in; try again or sign in with a password",
        );
        return refused_page(&state, &viewer, &error, "/".into(), String::new());
    }
    let expired = again(
        "登录已失效，请重新登录",
        "this sign-in has expired; please sign in again",
    );
    let (Some(code), Some(returned)) = (arrival.code, arrival.state) else {
        return refused_page(&state, &viewer, &expired, "/".into(), String::new());
    };
    if cookie(&headers, STATE_COOKIE) != Some(returned.as_str()) {
        return refused_page(&state, &viewer, &expired, "/".into(), String::new());
    }
    let now = state.now_millis();
    let pending = match external_login::take(&state.store, &returned, now).await {
        Ok(Some(pending)) => pending,
        Ok(None) => return refused_page(&state, &viewer, &expired, "/".into(), String::new()),
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let next = pending.next_path.clone();
    let person = match provider.arrive(code, &pending, now, state.today()).await {
        Ok(person) => person,
        Err(error) => return refused(&state, &viewer, error, next),
    };
    let key = &state.settings.data_key;
    let actor = match external_login::sign_in(&state.store, key, &person, &viewer.client, now).await
    {
        Ok(actor) => actor,
        Err(error) => {
            return refused_page(&state, &viewer, &error.into(), next, String::new());
        }
    };
    let mut response = sign_in(&state, &actor, &next, viewer.prefs).await;
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(&state, STATE_COOKIE, "", Some(0), true),
    );
    response
}

fn refused(state: &AppState, viewer: &Viewer, error: ExternalLoginError, next: String) -> Response {
    let error = match error {
        ExternalLoginError::Provider(detail) => {
            tracing::warn!(%detail, "sign-in through the identity provider failed");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "统一身份认证平台暂时无法完成登录，请稍后再试或使用账号密码登录",
                "the identity provider cannot sign you in right now; try later or sign in with a password",
            )
        }
        ExternalLoginError::Claims(field) => ApiError::field(field),
    };
    refused_page(state, viewer, &error, next, String::new())
}
