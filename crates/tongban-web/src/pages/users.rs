//! Users and roles (用户与角色), the system administrator's pages: find accounts, open a
//! staff account, change an account's roles, department or hall, or disable it. Each form
//! does what the API does, through the API module's own functions.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_domain::access::Role;
use tongban_store::catalog;
use tongban_store::users::UserSummary;

use super::{Chrome, display_time, form_field, form_values, refused, respond};
use crate::api::Paging;
use crate::api::users::{
    StaffInput, UserChangeInput, UserFilter, change_account, open_staff_account,
};
use crate::auth::{Viewer, urlencode};
use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::AppState;

const PER_PAGE: i64 = 50;

struct UserRow {
    username: String,
    name: String,
    kind: &'static str,
    department: String,
    service_window: String,
    roles: String,
    disabled: bool,
    external: bool,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    text: String,
    roles: Vec<Choice>,
    departments: Vec<Choice>,
    total: i64,
    users: Vec<UserRow>,
    prev_link: Option<String>,
    next_link: Option<String>,
    /// the staff form: staff roles to tick, what was typed, why it was refused
    staff_roles: Vec<Choice>,
    staff_departments: Vec<Choice>,
    new_username: String,
    new_name: String,
    new_window: String,
    new_email: String,
    error: Option<String>,
    error_field: String,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    chrome: Chrome,
    user: UserRow,
    created: String,
    staff_roles: Vec<Choice>,
    departments: Vec<Choice>,
    notice: Option<String>,
    error: Option<String>,
    error_field: String,
}

fn kind_name(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "staff" => lang.pick("工作人员", "staff"),
        "enterprise" => lang.pick("法人", "organisation"),
        _ => lang.pick("自然人", "person"),
    }
}

fn role_name(role: Role, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => role.name_zh(),
        Lang::En => role.name_en(),
    }
}

fn row(user: &UserSummary, lang: Lang) -> UserRow {
    UserRow {
        username: user.username.clone(),
        name: user.display_name.clone(),
        kind: kind_name(&user.kind, lang),
        department: user.department_name.clone().unwrap_or_default(),
        service_window: user.service_window.clone().unwrap_or_default(),
        roles: user
            .roles
            .iter()
            .map(|r| role_name(*r, lang))
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", ")),
        disabled: user.disabled,
        external: user.external,
    }
}

fn staff_role_choices(held: &[Role], lang: Lang) -> Vec<Choice> {
    Role::staff()
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: role_name(r, lang).to_owned(),
            selected: held.contains(&r),
        })
        .collect()
}

fn department_choices(departments: &[catalog::Department], selected: Option<i64>) -> Vec<Choice> {
    departments
        .iter()
        .map(|d| Choice {
            selected: selected == Some(d.id),
            value: d.id.to_string(),
            label: d.name.clone(),
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    text: Option<String>,
    role: Option<String>,
    department_id: Option<String>,
    offset: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> UserFilter {
        UserFilter {
            text: self.text.clone(),
            role: self.role.clone(),
            department_id: self.department_id.as_deref().and_then(|d| d.parse().ok()),
        }
    }

    fn link(&self, offset: i64) -> String {
        format!(
            "/admin/users?text={}&role={}&department_id={}&offset={offset}",
            urlencode(self.text.as_deref().unwrap_or_default()),
            urlencode(self.role.as_deref().unwrap_or_default()),
            urlencode(self.department_id.as_deref().unwrap_or_default()),
        )
    }
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Response {
    list_page(&state, &viewer, &query, None, &[]).await
}

/// The list, with the staff form refused (`error`) and what was typed in it.
async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    query: &ListQuery,
    error: Option<&ApiError>,
    typed: &[(String, String)],
) -> Response {
    let lang = viewer.prefs.lang;
    let filter = query.filter();
    let paging = Paging {
        limit: Some(PER_PAGE),
        offset: query.offset,
    };
    let listed = match filter.query() {
        Ok(q) => tongban_store::users::list(&state.store, &q, paging.page())
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    let (found, total) = match listed {
        Ok(listed) => listed,
        Err(e) => return PageError::api(e, viewer.prefs).into_response(),
    };
    let department_id = filter.department_id;
    let typed_department = form_field(typed, "department_id").parse().ok();
    let all_departments = match catalog::departments(&state.store).await {
        Ok(d) => d,
        Err(e) => return PageError::store(e, viewer.prefs).into_response(),
    };
    let departments = department_choices(&all_departments, department_id);
    let staff_departments = department_choices(&all_departments, typed_department);
    let (error_message, error_field) = refused(error, lang);
    let wanted_role = query.role.as_deref().and_then(Role::parse);
    let typed_roles: Vec<Role> = form_values(typed, "roles")
        .iter()
        .filter_map(|r| Role::parse(r))
        .collect();
    let offset = paging.page().offset;
    let page = UsersPage {
        chrome: Chrome::new(viewer, lang.texts().users_title, "/admin/users"),
        text: query.text.clone().unwrap_or_default(),
        roles: Role::ALL
            .into_iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: role_name(r, lang).to_owned(),
                selected: wanted_role == Some(r),
            })
            .collect(),
        departments,
        total,
        users: found.iter().map(|u| row(u, lang)).collect(),
        prev_link: (offset > 0).then(|| query.link((offset - PER_PAGE).max(0))),
        next_link: (offset + PER_PAGE < total).then(|| query.link(offset + PER_PAGE)),
        staff_roles: staff_role_choices(&typed_roles, lang),
        staff_departments,
        new_username: form_field(typed, "username"),
        new_name: form_field(typed, "display_name"),
        new_window: form_field(typed, "service_window"),
        new_email: form_field(typed, "email"),
        error: error_message,
        error_field,
    };
    respond(&page, error)
}

pub async fn open_staff(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| form_field(&pairs, name);
    let email = field("email");
    let input = StaffInput {
        username: field("username"),
        display_name: field("display_name"),
        password: pairs
            .iter()
            .find(|(k, _)| k == "password")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        department_id: field("department_id").parse().ok(),
        service_window: Some(field("service_window")),
        roles: form_values(&pairs, "roles"),
        email: (!email.is_empty()).then_some(email),
    };
    match open_staff_account(&state, &viewer, &input).await {
        Ok(user) => Redirect::to(&format!(
            "/admin/users/{}?notice=created",
            urlencode(&user.username)
        ))
        .into_response(),
        Err(error) => {
            // Never echo the password back.
            let typed: Vec<(String, String)> =
                pairs.into_iter().filter(|(k, _)| k != "password").collect();
            list_page(&state, &viewer, &ListQuery::default(), Some(&error), &typed).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(username): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let notice = match query.notice.as_deref() {
        Some("created") => Some(viewer.prefs.lang.texts().users_created),
        Some("saved") => Some(viewer.prefs.lang.texts().users_saved),
        _ => None,
    };
    user_page(&state, &viewer, &username, notice, None).await
}

async fn user_page(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
    notice: Option<&str>,
    error: Option<&ApiError>,
) -> Response {
    let lang = viewer.prefs.lang;
    let user = match tongban_store::users::find(&state.store, username).await {
        Ok(Some(user)) => user,
        Ok(None) => return PageError::not_found(viewer.prefs).into_response(),
        Err(e) => return PageError::store(e, viewer.prefs).into_response(),
    };
    let departments = match catalog::departments(&state.store).await {
        Ok(d) => department_choices(&d, user.department_id),
        Err(e) => return PageError::store(e, viewer.prefs).into_response(),
    };
    let (error_message, error_field) = refused(error, lang);
    let title = format!("{} · {}", lang.texts().users_title, user.display_name);
    let page = UserPage {
        chrome: Chrome::new(viewer, &title, "/admin/users"),
        created: display_time(user.created_at),
        staff_roles: staff_role_choices(&user.roles, lang),
        departments,
        user: row(&user, lang),
        notice: notice.map(str::to_owned),
        error: error_message,
        error_field,
    };
    respond(&page, error)
}

pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(username): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let department = form_field(&pairs, "department_id");
    let input = UserChangeInput {
        roles: Some(form_values(&pairs, "roles")),
        department_id: Some(department.parse().ok()),
        service_window: Some(Some(form_field(&pairs, "service_window"))),
        disabled: Some(form_field(&pairs, "disabled") == "1"),
        reason: form_field(&pairs, "reason"),
    };
    match change_account(&state, &viewer, &username, input).await {
        Ok(user) => Redirect::to(&format!(
            "/admin/users/{}?notice=saved",
            urlencode(&user.username)
        ))
        .into_response(),
        Err(error) => user_page(&state, &viewer, &username, None, Some(&error)).await,
    }
}
