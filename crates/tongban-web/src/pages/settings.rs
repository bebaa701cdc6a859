//! Local settings on a page: every limit, threshold and switch with the value in force, its
//! default and what it decides; the reform office changes one at a time with a reason.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_store::settings;

use super::{Chrome, display_time, refused, respond};
use crate::api::settings::{ChangeRequest, change_as};
use crate::auth::Viewer;
use crate::error::{ApiError, PageError};
use crate::state::AppState;

struct Row {
    name: String,
    value: String,
    default: String,
    meaning: &'static str,
    changed: Option<String>,
    /// what was typed into this row before a refusal
    typed: Option<(String, String)>,
    error: Option<String>,
    error_field: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    may_change: bool,
    saved: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    refusal: Option<(&str, &ChangeRequest, &ApiError)>,
    saved: Option<String>,
) -> Response {
    let lang = viewer.prefs.lang;
    let current = match settings::current(&state.store).await {
        Ok(current) => current,
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let rows = current
        .into_iter()
        .map(|c| {
            let refused_here = refusal.filter(|(name, ..)| *name == c.known.name);
            let (error, error_field) = refused(refused_here.map(|(_, _, e)| e), lang);
            Row {
                typed: refused_here.map(|(_, r, _)| (r.value.clone(), r.reason.clone())),
                error,
                error_field,
                meaning: lang.pick(c.known.zh, c.known.en),
                changed: c.updated_at.map(display_time),
                name: c.known.name,
                value: c.value,
                default: c.known.default,
            }
        })
        .collect();
    let page = SettingsPage {
        chrome: Chrome::new(viewer, lang.texts().settings_title, "/admin/settings"),
        rows,
        may_change: viewer
            .actor
            .as_ref()
            .is_some_and(|a| a.catalog_reviewer().is_some()),
        saved,
    };
    respond(&page, refusal.map(|(_, _, e)| e))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SettingsQuery>,
) -> Response {
    page(&state, &viewer, None, query.saved).await
}

pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    Form(request): Form<ChangeRequest>,
) -> Response {
    match change_as(&state, &viewer, &name, &request).await {
        Ok(()) => Redirect::to(&format!(
            "/admin/settings?saved={}",
            crate::auth::urlencode(&name)
        ))
        .into_response(),
        Err(error) => page(&state, &viewer, Some((&name, &request, &error)), None).await,
    }
}
