//! Server-rendered pages. Each handler gathers what its page shows into a view struct of
//! display strings in the reader's language; templates only lay them out.

mod access_log;
mod account;
mod apply;
pub(crate) mod attachments;
mod bundles;
mod calendar;
mod case_clock;
mod case_materials;
mod case_reasons;
mod cases;
mod catalog;
mod changes;
mod channels;
mod external_login;
mod fields;
mod guide_editor;
mod guides;
mod home;
mod intake;
mod progress;
mod reference_lists;
mod register;
mod search;
mod session;
mod settings;
mod supervision;
mod users;
mod work_orders;

pub use changes::visible_filter as visible_change_filter;
pub use guides::standardization;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tongban_domain::access::Role;

use crate::auth::{Prefs, Viewer, urlencode};
use crate::i18n::{Lang, Texts};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/regions/{code}", get(home::region_home))
        .route("/search", get(search::results))
        .route("/admin/search", get(search::admin))
        .route("/admin/search/dictionary", post(search::save_dictionary))
        .route("/catalog", get(catalog::browse))
        .route("/catalog/items/{code}", get(catalog::item))
        .route("/catalog/items/{code}/history", get(catalog::history))
        .route("/catalog/items/{code}/kiosk", get(channels::kiosk))
        .route(
            "/catalog/items/{code}/guide.pdf",
            get(channels::guide_document),
        )
        .route(
            "/catalog/items/{code}/notice.pdf",
            get(channels::notice_document),
        )
        .route("/catalog/items/{code}/qr.svg", get(channels::qr_code))
        .route("/attachments/{sha256}", get(attachments::download))
        .route("/preferences", get(session::preferences))
        .route("/login", get(session::login_form).post(session::login))
        .route("/login/external", get(external_login::depart))
        .route(
            crate::external_login::CALLBACK_PATH,
            get(external_login::arrive),
        )
        .route("/logout", post(session::logout))
        .route("/register", get(register::form).post(register::submit))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/email", post(account::request_email))
        .route("/account/email/verify", get(account::verify_email))
        .route(
            "/account/sessions/{handle}/revoke",
            post(account::revoke_session),
        )
        .route(
            "/account/organisations",
            post(account::register_organisation),
        )
        .route(
            "/account/organisations/{id}/agents",
            post(account::add_agent),
        )
        .route(
            "/account/organisations/{id}/agents/{user_id}/remove",
            post(account::remove_agent),
        )
        .route("/changes", get(changes::list).post(changes::create))
        .route("/changes/new", get(changes::new_form))
        .route("/changes/{id}", get(changes::show))
        .route("/changes/{id}/review", post(changes::review))
        .route(
            "/catalog/items/{code}/guide/edit",
            get(guide_editor::edit_form).post(guide_editor::save),
        )
        .route("/guides/standardization", get(guides::standardization_page))
        .route("/guides/consistency", get(guides::consistency_page))
        .route("/calendar", get(calendar::show))
        .route("/progress", get(progress::show))
        .route("/inbox", get(cases::inbox))
        .route("/intake", get(intake::form).post(intake::submit))
        .route("/bundles", get(bundles::list))
        .route("/bundles/{key}", get(bundles::show).post(bundles::apply))
        .route("/bundle-applications/{id}", get(bundles::progress))
        .route(
            "/catalog/items/{code}/apply",
            get(apply::form).post(apply::submit),
        )
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/acts", post(cases::act))
        .route("/calendar/import", post(calendar::import))
        .route("/supervision", get(supervision::dashboard))
        .route("/supervision/cases/{id}", get(supervision::case_timeline))
        .route(
            "/supervision/alerts/{id}/resolve",
            post(supervision::resolve_alert),
        )
        .route("/admin/users", get(users::list).post(users::open_staff))
        .route(
            "/admin/users/{username}",
            get(users::show).post(users::change),
        )
        .route("/admin/access-log", get(access_log::show))
        .route("/admin/settings", get(settings::show))
        .route("/admin/settings/{name}", post(settings::change))
        .route("/contact", get(work_orders::form).post(work_orders::submit))
        .route("/work-orders", get(work_orders::list))
        .route("/work-orders/{id}", get(work_orders::show))
        .route("/work-orders/{id}/answer", post(work_orders::answer))
        .route("/guides/lists", get(reference_lists::show))
        .route("/guides/lists/{list}", post(reference_lists::replace))
        .route("/guides/lists/{list}/import", post(reference_lists::import))
}

/// Whether the access table lets the viewer open a page: links follow the table.
fn may_visit(viewer: &Viewer, path: &str) -> bool {
    crate::access::rule_for(&axum::http::Method::GET, path)
        .is_some_and(|rule| rule.allows(viewer.actor.as_ref()))
}

/// The frame around every page: language, preferences, who is signed in.
pub struct Chrome {
    pub t: &'static Texts,
    pub lang: Lang,
    pub large_type: bool,
    pub title: String,
    pub actor_name: Option<String>,
    pub can_see_changes: bool,
    pub can_see_guide_quality: bool,
    pub can_see_supervision: bool,
    /// handles cases (window or back office): sees the inbox
    pub can_handle_cases: bool,
    /// a general window: takes in walk-in applications
    pub can_take_in: bool,
    /// accounts and roles (system administrators)
    pub can_manage_users: bool,
    /// access monitoring: sign-ins, refusals, personal-data views
    pub can_monitor_access: bool,
    /// the queries that found nothing and the search dictionary
    pub can_watch_search: bool,
    /// the public's work orders (departments, hotline agents, supervisors)
    pub can_see_work_orders: bool,
    /// the local settings
    pub can_see_settings: bool,
    pub csrf: String,
    /// the current path, url-encoded, to come back to after a preference change
    pub back: String,
}

impl Chrome {
    /// An alert level's name (预警, 黄牌, 红牌) from its stored name, in the page's language.
    pub fn level_name(&self, level: &str) -> &'static str {
        tongban_domain::time_limit::AlertLevel::parse(level).map_or("", |l| {
            let (zh, en) = l.names();
            self.lang.pick(zh, en)
        })
    }

    pub fn new(viewer: &Viewer, title: &str, path: &str) -> Chrome {
        Chrome {
            t: viewer.prefs.lang.texts(),
            lang: viewer.prefs.lang,
            large_type: viewer.prefs.large_type,
            title: title.to_owned(),
            actor_name: viewer.actor.as_ref().map(|a| a.display_name.clone()),
            can_see_changes: viewer.actor.as_ref().is_some_and(|a| {
                a.roles
                    .iter()
                    .any(|r| matches!(r, Role::ReformOffice) || r.is_department_staff())
            }),
            can_see_guide_quality: viewer
                .actor
                .as_ref()
                .is_some_and(|a| crate::access::GUIDE_QUALITY.iter().any(|r| a.has(*r))),
            can_see_supervision: viewer
                .actor
                .as_ref()
                .is_some_and(|a| a.has(Role::Supervisor)),
            can_handle_cases: viewer.actor.as_ref().is_some_and(|a| {
                a.roles
                    .iter()
                    .any(|r| matches!(r, Role::WindowClerk) || r.is_department_staff())
            }),
            can_take_in: viewer
                .actor
                .as_ref()
                .is_some_and(|a| a.has(Role::WindowClerk)),
            can_manage_users: may_visit(viewer, "/admin/users"),
            can_monitor_access: may_visit(viewer, "/admin/access-log"),
            can_watch_search: may_visit(viewer, "/admin/search"),
            can_see_work_orders: may_visit(viewer, "/work-orders"),
            can_see_settings: may_visit(viewer, "/admin/settings"),
            csrf: viewer.csrf_token.clone(),
            back: urlencode(path),
        }
    }
}

/// A field of a submitted form (pairs, for forms where a name repeats), trimmed; "" if absent.
/// What a form sent, shown again after a refusal so that nothing typed is lost.
#[derive(Debug, Default)]
pub struct Echo(pub Vec<(String, String)>);

impl Echo {
    /// The value sent for `name`, or empty.
    pub fn value(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

pub fn form_field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// Every value of a repeated field, as given.
pub fn form_values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// A page again with a form refused: the message, the field to mark, and its status.
pub fn refused(error: Option<&crate::error::ApiError>, lang: Lang) -> (Option<String>, String) {
    (
        error.map(|e| e.message(lang).to_owned()),
        error
            .and_then(|e| e.field_name())
            .unwrap_or_default()
            .to_owned(),
    )
}

pub fn respond(page: &impl Template, error: Option<&crate::error::ApiError>) -> Response {
    match error {
        Some(e) => (e.status(), render(page)).into_response(),
        None => render(page),
    }
}

/// Renders a template into a response; a template error is a bug, logged and shown as 500.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: &'static str,
    text: &'static str,
    detail: Option<String>,
}

pub fn render_error_page(status: StatusCode, prefs: Prefs, detail: Option<String>) -> String {
    let t = prefs.lang.texts();
    let (heading, text) = match status {
        StatusCode::NOT_FOUND => (t.not_found_title, t.not_found_text),
        StatusCode::FORBIDDEN => (t.forbidden_title, t.forbidden_text),
        _ => (t.error_title, ""),
    };
    let viewer = Viewer {
        actor: None,
        csrf_token: String::new(),
        prefs,
        client: String::new(),
    };
    let page = ErrorPage {
        chrome: Chrome::new(&viewer, heading, "/"),
        heading,
        text,
        detail,
    };
    page.render().unwrap_or_else(|_| heading.to_owned())
}

/// A choice in a select or facet list.
pub struct Choice {
    pub key: String,
    pub label: String,
    pub count: i64,
    pub selected: bool,
}

/// Wall-clock display in China Standard Time (UTC+8, no daylight saving).
pub fn display_time(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}
