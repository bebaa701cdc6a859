//! The user centre (用户中心): my profile with personal data masked, my cases, my messages,
//! and security — a password change and my sessions, each revocable.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_domain::access::{Actor, Role};
use tongban_domain::account::mask_email;
use tongban_domain::case::Phase;
use tongban_domain::organisation::{Capacity, OrganisationRegistration};
use tongban_store::{
    StoreError, account_email, accounts, application_drafts, cases, catalog, organisations, outbox,
    sessions, work_orders,
};

use super::{Chrome, display_time, render};
use crate::api::account::presented_token;
use crate::api::cases::Reader;
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
    service_window: Option<String>,
    id_number: Option<String>,
    phone: Option<String>,
    /// the verified address, masked
    email: Option<String>,
    email_error: Option<String>,
    registered: String,
    cases: Vec<CaseRow>,
    messages: Vec<MessageRow>,
    work_orders: Vec<super::work_orders::WorkOrderView>,
    /// saved application drafts: (item name, apply link, saved at)
    drafts: Vec<(String, String, String)>,
    sessions: Vec<SessionRow>,
    /// what the last form did, or why it was refused
    notice: Option<String>,
    password_error: Option<String>,
    /// a citizen may register an organisation and act for those it belongs to
    is_citizen: bool,
    organisations: Vec<OrganisationRow>,
    organisation_error: Option<String>,
}

struct OrganisationRow {
    id: i64,
    name: String,
    uscc: String,
    capacity: &'static str,
    /// filled for the legal representative, who manages the agents
    members: Option<Vec<MemberRow>>,
}

struct MemberRow {
    user_id: i64,
    name: String,
    username: String,
    capacity: &'static str,
    removable: bool,
}

struct CaseRow {
    id: i64,
    number: String,
    item: String,
    phase: &'static str,
    /// due date and working days left, while the case is worked on
    due: Option<String>,
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

/// Why a form of the page was refused, shown beside that form.
#[derive(Default)]
struct Refusals {
    password: Option<String>,
    organisation: Option<String>,
    email: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    notice: Option<String>,
    refusals: Refusals,
) -> Result<AccountPage, PageError> {
    let actor = signed_in(viewer)?;
    let lang = viewer.prefs.lang;
    let store_error = |e| PageError::store(e, viewer.prefs);
    let key = &state.settings.data_key;
    let profile = accounts::profile(&state.store, key, actor.user_id)
        .await
        .map_err(store_error)?;
    let reader = Reader::load(state)
        .await
        .map_err(|e| PageError::api(e, viewer.prefs))?;
    let mut cases = Vec::new();
    for c in cases::of_applicant(&state.store, actor.user_id, 50)
        .await
        .map_err(store_error)?
    {
        // The clock of a case being worked on: its due date and the working days left.
        let due = if c.phase == "in_progress" {
            cases::load(&state.store, c.id)
                .await
                .map_err(store_error)?
                .and_then(|stored| reader.case_clock(&stored.case, state.today()))
                .and_then(super::case_clock::ClockView::of)
                .map(|clock| clock.summary(lang))
        } else {
            None
        };
        let (zh, en) = Phase::stored_names(&c.phase);
        cases.push(CaseRow {
            id: c.id,
            number: c.case_number.unwrap_or_default(),
            item: c.item_name,
            phase: lang.pick(zh, en),
            due,
            updated: display_time(c.updated_at),
        });
    }
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
    let today = state.today().to_string();
    let work_orders = work_orders::submitted_by(&state.store, key, actor, 20)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|o| super::work_orders::view(o, lang, &today))
        .collect();
    let mut drafts = Vec::new();
    for draft in application_drafts::of_owner(&state.store, &actor.username)
        .await
        .map_err(store_error)?
    {
        let code = &draft.implementation_code;
        let name = catalog::current(&state.store, code)
            .await
            .map_err(store_error)?
            .map_or_else(|| code.clone(), |v| v.snapshot.name);
        let link = format!("/catalog/items/{}/apply", crate::auth::urlencode(code));
        drafts.push((name, link, display_time(draft.saved_at_millis)));
    }
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
    let mut organisations = Vec::new();
    for m in organisations::memberships(&state.store, actor.user_id)
        .await
        .map_err(store_error)?
    {
        let members = if m.capacity == Capacity::LegalRepresentative {
            let members = organisations::members(&state.store, actor, m.organisation_id)
                .await
                .map_err(store_error)?;
            Some(
                members
                    .into_iter()
                    .map(|p| MemberRow {
                        user_id: p.user_id,
                        name: p.display_name,
                        username: p.username,
                        capacity: lang.pick(p.capacity.name_zh(), p.capacity.name_en()),
                        removable: p.capacity == Capacity::AuthorisedAgent,
                    })
                    .collect(),
            )
        } else {
            None
        };
        organisations.push(OrganisationRow {
            id: m.organisation_id,
            name: m.name,
            uscc: m.uscc,
            capacity: lang.pick(m.capacity.name_zh(), m.capacity.name_en()),
            members,
        });
    }
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
        service_window: profile.service_window.clone(),
        // masked: the holder knows their own number; a shoulder-surfer need not
        id_number: profile.id_number.as_ref().map(|id| id.masked()),
        phone: profile.phone.as_ref().map(|p| p.masked()),
        email: profile.email.as_deref().map(mask_email),
        email_error: refusals.email,
        registered: display_time(profile.created_at),
        cases,
        messages,
        work_orders,
        drafts,
        sessions,
        notice,
        password_error: refusals.password,
        is_citizen: actor.has(Role::Citizen),
        organisations,
        organisation_error: refusals.organisation,
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
        Some("organisation") => Some(t.organisation_saved.to_owned()),
        Some("email_sent") => Some(t.email_sent.to_owned()),
        Some("email_verified") => Some(t.email_confirmed.to_owned()),
        _ => None,
    };
    Ok(render(
        &page(&state, &viewer, &headers, notice, Refusals::default()).await?,
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
            let refusals = Refusals {
                password: Some(reason),
                ..Refusals::default()
            };
            let page = page(&state, &viewer, &headers, None, refusals).await?;
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

#[derive(Deserialize)]
pub struct OrganisationForm {
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    legal_representative: String,
}

#[derive(Deserialize)]
pub struct AgentForm {
    #[serde(default)]
    username: String,
}

/// Answers an organisation form: back to the page saying it was done, or the page again
/// with the refusal beside the organisation forms.
async fn organisation_answer(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    outcome: Result<(), StoreError>,
) -> Result<Response, PageError> {
    let lang = viewer.prefs.lang;
    let reason = match outcome {
        Ok(()) => return Ok(Redirect::to("/account?done=organisation").into_response()),
        Err(StoreError::Invalid(field)) => lang.pick(&field.zh, &field.en).to_owned(),
        Err(error @ (StoreError::Conflict { .. } | StoreError::NotFound { .. })) => {
            use tongban_domain::Bilingual;
            lang.pick(&error.zh(), &error.en()).to_owned()
        }
        Err(error) => return Err(PageError::store(error, viewer.prefs)),
    };
    let refusals = Refusals {
        organisation: Some(reason),
        ..Refusals::default()
    };
    let page = page(state, viewer, headers, None, refusals).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)).into_response())
}

pub async fn register_organisation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, PageError> {
    let actor = signed_in(&viewer)?;
    let outcome = match OrganisationRegistration::parse(
        &form.uscc,
        &form.name,
        &form.legal_representative,
        &actor.display_name,
    ) {
        Ok(organisation) => {
            organisations::register(&state.store, actor, &organisation, state.now_millis())
                .await
                .map(|_| ())
        }
        Err(field) => Err(StoreError::Invalid(field)),
    };
    organisation_answer(&state, &viewer, &headers, outcome).await
}

pub async fn add_agent(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<AgentForm>,
) -> Result<Response, PageError> {
    let actor = signed_in(&viewer)?;
    let outcome =
        organisations::add_agent(&state.store, actor, id, &form.username, state.now_millis())
            .await
            .map(|_| ());
    organisation_answer(&state, &viewer, &headers, outcome).await
}

pub async fn remove_agent(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, user_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let actor = signed_in(&viewer)?;
    let outcome =
        organisations::remove_agent(&state.store, actor, id, user_id, state.now_millis()).await;
    organisation_answer(&state, &viewer, &headers, outcome).await
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// Sends a one-time link to the address the person gave; it is used once they follow it.
pub async fn request_email(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Result<Response, PageError> {
    let actor = signed_in(&viewer)?;
    let link = format!(
        "{}/account/email/verify?token={{token}}",
        state.settings.public_url.trim_end_matches('/')
    );
    let message = account_email::VerificationEmail {
        subject: "请验证您的电子邮箱 / Please confirm your email address",
        body: "您在通办政务服务平台登记了这个电子邮箱。请在24小时内打开以下链接完成验证：\n{link}\n\n\
               You gave this address on the Tongban government-services portal. Open the link \
               above within 24 hours to confirm it. If it was not you, ignore this message.",
        link: &link,
    };
    match account_email::request(
        &state.store,
        actor.user_id,
        &form.email,
        &message,
        state.now_millis(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/account?done=email_sent").into_response()),
        Err(StoreError::Invalid(field)) => {
            let refusals = Refusals {
                email: Some(viewer.prefs.lang.pick(&field.zh, &field.en).to_owned()),
                ..Refusals::default()
            };
            let page = page(&state, &viewer, &headers, None, refusals).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)).into_response())
        }
        Err(error) => Err(PageError::store(error, viewer.prefs)),
    }
}

#[derive(Deserialize)]
pub struct VerifyQuery {
    #[serde(default)]
    token: String,
}

/// The link in the verification email: works signed in or not (opened on a phone).
pub async fn verify_email(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<VerifyQuery>,
) -> Result<Response, PageError> {
    account_email::confirm(&state.store, &query.token, state.now_millis())
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?;
    Ok(Redirect::to("/account?done=email_verified").into_response())
}
