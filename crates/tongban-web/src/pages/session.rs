//! Signing in and out, and the display preferences (language, large type).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_store::{login, sessions};

use super::{Chrome, render};
use crate::auth::{LANG_COOKIE, LARGE_TYPE_COOKIE, SESSION_COOKIE, Viewer, cookie, set_cookie};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct PreferenceQuery {
    lang: Option<String>,
    large: Option<String>,
    back: Option<String>,
}

/// Only paths on this site: never an open redirect.
pub fn safe_back(back: Option<&str>) -> String {
    match back {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub async fn preferences(
    State(state): State<AppState>,
    Query(query): Query<PreferenceQuery>,
) -> Response {
    let mut response = Redirect::to(&safe_back(query.back.as_deref())).into_response();
    let year = Some(365 * 24 * 3600);
    if let Some(lang) = query.lang.as_deref().and_then(Lang::from_code) {
        response.headers_mut().append(
            SET_COOKIE,
            set_cookie(&state, LANG_COOKIE, lang.code(), year, false),
        );
    }
    if let Some(large) = query.large.as_deref() {
        let value = if large == "1" { "1" } else { "0" };
        response.headers_mut().append(
            SET_COOKIE,
            set_cookie(&state, LARGE_TYPE_COOKIE, value, year, false),
        );
    }
    response
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    /// why the last attempt was refused
    failed: Option<String>,
    next: String,
    username: String,
    /// the identity provider people may also sign in through
    external_provider: Option<String>,
}

impl LoginPage {
    fn new(state: &AppState, viewer: &Viewer, next: String) -> Self {
        LoginPage {
            chrome: Chrome::new(viewer, viewer.prefs.lang.texts().login_title, "/login"),
            failed: None,
            next,
            username: String::new(),
            external_provider: state
                .external_login
                .as_ref()
                .map(|provider| provider.settings.display_name.clone()),
        }
    }
}

/// The sign-in page again, saying why the last attempt was refused.
pub fn refused_page(
    state: &AppState,
    viewer: &Viewer,
    error: &crate::error::ApiError,
    next: String,
    username: String,
) -> Response {
    let page = LoginPage {
        failed: Some(error.message(viewer.prefs.lang).to_owned()),
        username,
        ..LoginPage::new(state, viewer, next)
    };
    (error.status(), render(&page)).into_response()
}

#[derive(Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<LoginQuery>,
) -> Response {
    render(&LoginPage::new(
        &state,
        &viewer,
        safe_back(query.next.as_deref()),
    ))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<LoginForm>,
) -> Response {
    let attempt = login::Attempt {
        username: &form.username,
        password: &form.password,
        client: &viewer.client,
        channel: "web",
    };
    let key = &state.settings.data_key;
    let outcome = match login::attempt(&state.store, key, &attempt, state.now_millis()).await {
        Ok(outcome) => outcome,
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let actor = match outcome {
        login::Outcome::SignedIn(actor) => actor,
        refused => {
            let error = crate::api::auth::sign_in_refused(&refused, &state);
            let next = safe_back(form.next.as_deref());
            return refused_page(&state, &viewer, &error, next, form.username);
        }
    };
    sign_in(
        &state,
        &actor,
        &safe_back(form.next.as_deref()),
        viewer.prefs,
    )
    .await
}

/// Opens a browser session for an account and sends it on to `next`.
pub async fn sign_in(
    state: &AppState,
    actor: &tongban_domain::access::Actor,
    next: &str,
    prefs: crate::auth::Prefs,
) -> Response {
    let now = state.now_millis();
    let issued = match sessions::issue(
        &state.store,
        actor.user_id,
        sessions::SessionKind::Cookie,
        state.settings.session,
        now,
    )
    .await
    {
        Ok(issued) => issued,
        Err(error) => return PageError::store(error, prefs).into_response(),
    };
    let mut response = Redirect::to(next).into_response();
    let lifetime = Some(state.settings.session.absolute_millis / 1000);
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(state, SESSION_COOKIE, &issued.token, lifetime, true),
    );
    response
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && let Err(error) = sessions::revoke(&state.store, token, state.now_millis()).await
    {
        tracing::error!(%error, "could not revoke a session");
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0), true),
    );
    response
}
