//! The user centre (用户中心): my profile with personal data masked, my cases, my messages,
//! and security — a password change and my sessions, each revocable.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_domain::access::Actor;
use tongban_domain::case::Phase;
use tongban_store::{accounts, cases, outbox, sessions};

use super::{Chrome, display_time, render};
use crate::api::account::presented_token;
use crate::auth::{SESSION_COOKIE, Viewer, cookie, set_cookie};
use crate::error::PageError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    username: String,
    name: String,
    roles: Vec<&'static str>,
    department: Option<String>,
    id_number: Option<String>,
    phone: Option<String>,
    registered: String,
    cases: Vec<CaseRow>,
    messages: Vec<MessageRow>,
    sessions: Vec<SessionRow>,
    /// what the last form did, or why it was refused
    notice: Option<String>,
    password_error: Option<String>,
}

struct CaseRow {
    id: i64,
    number: String,
    item: String,
    phase: &'static str,
    updated: String,
}

struct MessageRow {
    subject: String,
    body: String,
    sent: String,
}

struct SessionRow {
    handle: String,
    api: bool,
    created: String,
    last_seen: String,
    current: bool,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn signed_in(viewer: &Viewer) -> Result<&Actor, PageError> {
    viewer
        .actor
        .as_ref()
        .ok_or_else(|| PageError::forbidden(viewer.prefs))
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    notice: Option<String>,
    password_error: Option<String>,
) -> Result<AccountPage, PageError> {
    let actor = signed_in(viewer)?;
    let lang = viewer.prefs.lang;
    let store_error = |e| PageError::store(e, viewer.prefs);
    let key = &state.settings.data_key;
    let profile = accounts::profile(&state.store, key, actor.user_id)
        .await
        .map_err(store_error)?;
    let cases = cases::of_applicant(&state.store, actor.user_id, 50)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|c| {
            let (zh, en) = Phase::stored_names(&c.phase);
            CaseRow {
                id: c.id,
                number: c.case_number.unwrap_or_default(),
                item: c.item_name,
                phase: lang.pick(zh, en),
                updated: display_time(c.updated_at),
            }
        })
        .collect();
    let messages = outbox::portal_messages(&state.store, &actor.username, 20)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|m| MessageRow {
            subject: m.subject,
            body: m.body,
            sent: display_time(m.created_at),
        })
        .collect();
    let sessions = sessions::list_live(
        &state.store,
        actor.user_id,
        presented_token(headers),
        state.settings.session,
        state.now_millis(),
    )
    .await
    .map_err(store_error)?
    .into_iter()
    .map(|s| SessionRow {
        handle: s.handle,
        api: s.kind == sessions::SessionKind::ApiToken,
        created: display_time(s.created_at),
        last_seen: display_time(s.last_seen_at),
        current: s.current,
    })
    .collect();
    Ok(AccountPage {
        chrome: Chrome::new(viewer, lang.texts().account_title, "/account"),
        username: profile.username.clone(),
        name: profile.display_name.clone(),
        roles: actor
            .roles
            .iter()
            .map(|r| lang.pick(r.name_zh(), r.name_en()))
            .collect(),
        department: profile.department.clone(),
        // masked: the holder knows their own number; a shoulder-surfer need not
        id_number: profile.id_number.as_ref().map(|id| id.masked()),
        phone: profile.phone.as_ref().map(|p| p.masked()),
        registered: display_time(profile.created_at),
        cases,
        messages,
        sessions,
        notice,
        password_error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let t = viewer.prefs.lang.texts();
    let notice = match done.done.as_deref() {
        Some("password") => Some(t.password_changed.to_owned()),
        Some("revoked") => Some(t.session_revoked.to_owned()),
        _ => None,
    };
    Ok(render(
        &page(&state, &viewer, &headers, notice, None).await?,
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let actor = signed_in(&viewer)?;
    let lang = viewer.prefs.lang;
    let refusal = if form.new_password != form.new_password_again {
        Some(
            lang.pick("两次输入的新密码不一致", "the two new passwords differ")
                .to_owned(),
        )
    } else {
        match accounts::change_password(
            &state.store,
            actor,
            &form.current_password,
            &form.new_password,
            presented_token(&headers),
            state.now_millis(),
        )
        .await
        {
            Ok(()) => None,
            Err(tongban_store::StoreError::Invalid(field)) => {
                Some(lang.pick(&field.zh, &field.en).to_owned())
            }
            Err(error) => return Err(PageError::store(error, viewer.prefs)),
        }
    };
    match refusal {
        None => Ok(Redirect::to("/account?done=password").into_response()),
        Some(reason) => {
            let page = page(&state, &viewer, &headers, None, Some(reason)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)).into_response())
        }
    }
}

pub async fn revoke_session(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    let actor = signed_in(&viewer)?;
    sessions::revoke_own(&state.store, actor.user_id, &handle, state.now_millis())
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?;
    let this_one =
        cookie(&headers, SESSION_COOKIE).is_some_and(|token| sessions::handle_of(token) == handle);
    if this_one {
        let mut response = Redirect::to("/").into_response();
        response.headers_mut().append(
            SET_COOKIE,
            set_cookie(&state, SESSION_COOKIE, "", Some(0), true),
        );
        return Ok(response);
    }
    Ok(Redirect::to("/account?done=revoked").into_response())
}
