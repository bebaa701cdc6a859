//! The portal's front page: search, and the catalog by type, department, level and region.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tongban_store::catalog;

use super::catalog::{item_type_label, level_label};
use super::{Choice, Chrome, render};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    published: i64,
    types: Vec<Choice>,
    departments: Vec<Choice>,
    levels: Vec<Choice>,
    regions: Vec<Choice>,
}

pub async fn home(State(state): State<AppState>, viewer: Viewer) -> Response {
    let facets = match catalog::facets(&state.store).await {
        Ok(facets) => facets,
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let lang = viewer.prefs.lang;
    let choice = |key: String, label: String, count: i64| Choice {
        key,
        label,
        count,
        selected: false,
    };
    let page = HomePage {
        chrome: Chrome::new(&viewer, lang.texts().nav_home, "/"),
        published: facets.by_type.iter().map(|(_, n)| n).sum(),
        types: facets
            .by_type
            .iter()
            .map(|(t, n)| choice(t.clone(), item_type_label(lang, t), *n))
            .collect(),
        departments: facets
            .by_department
            .iter()
            .map(|(id, name, n)| choice(id.to_string(), name.clone(), *n))
            .collect(),
        levels: facets
            .by_level
            .iter()
            .map(|(l, n)| choice(l.to_string(), level_label(lang, *l), *n))
            .collect(),
        regions: facets
            .by_region
            .iter()
            .map(|(code, name, n)| choice(code.clone(), name.clone(), *n))
            .collect(),
    };
    render(&page)
}
