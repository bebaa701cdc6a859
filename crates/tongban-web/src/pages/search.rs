//! Finding a service on the portal (找服务): the search box's results with filters, themes
//! (life events, business events), help when nothing is found; and for the reform office,
//! the queries that found nothing and the phrase dictionary.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_domain::access::Role;
use tongban_search::dictionary::Audience;
use tongban_store::catalog::{self, Page};
use tongban_store::search;

use super::catalog::{item_type_label, level_label};
use super::{Choice, Chrome, display_time, form_field, refused, render, respond};
use crate::api::search::{DictionaryInput, MissesParams, SearchParams, run, save};
use crate::auth::{Viewer, urlencode};
use crate::error::{ApiError, PageError};
use crate::state::AppState;

const RESULTS: usize = 30;
const MISSES_SHOWN: i64 = 100;

/// The form as the browser sends it: an empty select means "any".
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    q: Option<String>,
    department: Option<String>,
    item_type: Option<String>,
    level: Option<String>,
    region: Option<String>,
    online: Option<String>,
    near: Option<String>,
}

impl SearchForm {
    fn params(&self) -> SearchParams {
        SearchParams {
            q: self.q.clone(),
            limit: Some(RESULTS),
            department_id: self.department.as_deref().and_then(|d| d.parse().ok()),
            // empty selects mean "any": SearchParams reads them so
            item_type: self.item_type.clone(),
            level: self.level.as_deref().and_then(|l| l.parse().ok()),
            region: self.region.clone(),
            online: (self.online.as_deref() == Some("1")).then_some(true),
            near: self.near.clone(),
        }
    }
}

pub struct ResultRow {
    name: String,
    href: String,
    department: String,
    region_name: String,
    item_type: String,
    online: bool,
}

pub struct ThemeLink {
    pub name: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    results: Vec<ResultRow>,
    /// the query found nothing
    nothing: bool,
    filtered: bool,
    suggestions: Vec<ThemeLink>,
    person_themes: Vec<ThemeLink>,
    organisation_themes: Vec<ThemeLink>,
    departments: Vec<Choice>,
    item_types: Vec<Choice>,
    levels: Vec<Choice>,
    regions: Vec<Choice>,
    nears: Vec<Choice>,
    online: bool,
    near: String,
    clear_link: String,
}

pub(super) fn search_link(q: &str, near: &str) -> String {
    format!("/search?q={}&near={}", urlencode(q), urlencode(near))
}

/// The life-event (个人) or business-event (法人) themes of the dictionary in use, each a
/// search for the asker's region.
pub(super) fn theme_links(
    index: &tongban_search::SearchIndex,
    audience: Audience,
    near: &str,
) -> Vec<ThemeLink> {
    index
        .dictionary()
        .themes()
        .iter()
        .filter(|t| t.audience == audience)
        .map(|t| ThemeLink {
            href: search_link(&t.name, near),
            name: t.name.clone(),
        })
        .collect()
}

pub async fn results(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(form): Query<SearchForm>,
) -> Response {
    match results_page(&state, &viewer, &form).await {
        Ok(page) => render(&page),
        Err(e) => PageError::api(e, viewer.prefs).into_response(),
    }
}

async fn results_page(
    state: &AppState,
    viewer: &Viewer,
    form: &SearchForm,
) -> Result<SearchPage, ApiError> {
    let lang = viewer.prefs.lang;
    let params = form.params();
    let q = params.query().to_owned();
    let near = params.asker().region_code.unwrap_or_default();
    let index = state.search.get(&state.store).await?;
    let found = run(state, &index, &params, RESULTS).await?;
    let facets = catalog::facets(&state.store).await?;
    let all_regions = catalog::regions(&state.store).await?;
    let nothing = !q.is_empty() && found.is_empty();
    // When nothing is found, offer names that share a beginning or a sound with the query.
    let suggestions = if nothing {
        index
            .suggest(&q, &params.asker(), 5)
            .into_iter()
            .map(|name| ThemeLink {
                href: search_link(&name, &near),
                name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let choice = |key: String, label: String, count: i64, selected: bool| Choice {
        key,
        label,
        count,
        selected,
    };
    let wanted = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(SearchPage {
        chrome: Chrome::new(viewer, lang.texts().search_title, &search_link(&q, &near)),
        results: found
            .into_iter()
            .map(|r| ResultRow {
                item_type: item_type_label(lang, &r.item_type),
                href: r.guide_url,
                name: r.name,
                department: r.department,
                region_name: r.region_name,
                online: r.online,
            })
            .collect(),
        nothing,
        filtered: params.filters() != tongban_search::Filters::default(),
        suggestions,
        person_themes: theme_links(&index, Audience::Person, &near),
        organisation_themes: theme_links(&index, Audience::Organisation, &near),
        departments: facets
            .by_department
            .iter()
            .map(|(id, name, n)| {
                choice(
                    id.to_string(),
                    name.clone(),
                    *n,
                    wanted(&form.department) == id.to_string(),
                )
            })
            .collect(),
        item_types: facets
            .by_type
            .iter()
            .map(|(t, n)| {
                choice(
                    t.clone(),
                    item_type_label(lang, t),
                    *n,
                    wanted(&form.item_type) == *t,
                )
            })
            .collect(),
        levels: facets
            .by_level
            .iter()
            .map(|(l, n)| {
                choice(
                    l.to_string(),
                    level_label(lang, *l),
                    *n,
                    wanted(&form.level) == l.to_string(),
                )
            })
            .collect(),
        regions: facets
            .by_region
            .iter()
            .map(|(code, name, n)| {
                choice(
                    code.clone(),
                    name.clone(),
                    *n,
                    wanted(&form.region) == *code,
                )
            })
            .collect(),
        nears: all_regions
            .iter()
            .map(|r| choice(r.code.clone(), r.name.clone(), 0, near == r.code))
            .collect(),
        online: params.online == Some(true),
        clear_link: search_link(&q, &near),
        near,
        q,
    })
}

pub struct MissRow {
    query: String,
    times: i64,
    last_at: String,
    href: String,
}

#[derive(Template)]
#[template(path = "search_admin.html")]
struct SearchAdminPage {
    chrome: Chrome,
    misses: Vec<MissRow>,
    total: i64,
    day_choices: Vec<(i64, bool)>,
    may_edit: bool,
    dictionary: String,
    version: i64,
    saved_by: String,
    saved_at: String,
    reason: String,
    notice: Option<&'static str>,
    error: Option<String>,
    error_field: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct AdminQuery {
    days: Option<i64>,
    notice: Option<String>,
}

pub async fn admin(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<AdminQuery>,
) -> Response {
    let notice = (query.notice.as_deref() == Some("saved"))
        .then(|| viewer.prefs.lang.texts().search_dictionary_saved);
    admin_page(&state, &viewer, query.days, notice, None, None).await
}

async fn admin_page(
    state: &AppState,
    viewer: &Viewer,
    days: Option<i64>,
    notice: Option<&'static str>,
    error: Option<&ApiError>,
    typed: Option<&DictionaryInput>,
) -> Response {
    let lang = viewer.prefs.lang;
    let params = MissesParams { days };
    let since = match params.since(state.now_millis()) {
        Ok(since) => since,
        Err(e) => return PageError::api(e, viewer.prefs).into_response(),
    };
    let (misses, total) =
        match search::misses(&state.store, since, Page::new(Some(MISSES_SHOWN), None)).await {
            Ok(found) => found,
            Err(e) => return PageError::store(e, viewer.prefs).into_response(),
        };
    let version = match search::dictionary_version(&state.store).await {
        Ok(v) => v,
        Err(e) => return PageError::store(e, viewer.prefs).into_response(),
    };
    let (error_message, error_field) = refused(error, lang);
    let page = SearchAdminPage {
        chrome: Chrome::new(viewer, lang.texts().search_admin_title, "/admin/search"),
        misses: misses
            .into_iter()
            .map(|m| MissRow {
                href: search_link(&m.query, ""),
                last_at: display_time(m.last_at),
                query: m.query,
                times: m.times,
            })
            .collect(),
        total,
        day_choices: [7, 30, 90, 365]
            .into_iter()
            .map(|d| (d, d == days.unwrap_or(30)))
            .collect(),
        may_edit: viewer
            .actor
            .as_ref()
            .is_some_and(|a| a.has(Role::ReformOffice)),
        dictionary: typed.map_or_else(|| version.text.clone(), |t| t.text.clone()),
        version: version.id,
        saved_by: version.saved_by,
        saved_at: if version.id > 0 {
            display_time(version.saved_at)
        } else {
            String::new()
        },
        reason: typed.map(|t| t.reason.clone()).unwrap_or_default(),
        notice,
        error: error_message,
        error_field,
    };
    respond(&page, error)
}

pub async fn save_dictionary(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let input = DictionaryInput {
        // the text as typed: trimming would move every line number in an error message
        text: pairs
            .iter()
            .find(|(k, _)| k == "text")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        reason: form_field(&pairs, "reason"),
    };
    match save(&state, &viewer, &input).await {
        Ok(_) => Redirect::to("/admin/search?notice=saved").into_response(),
        Err(error) => admin_page(&state, &viewer, None, None, Some(&error), Some(&input)).await,
    }
}
