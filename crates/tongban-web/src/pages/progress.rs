//! 办件进度查询: anyone with a case number and its query password sees where the case stands,
//! without signing in (the QR code on every notice leads here with the number filled in).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_store::cases;

use super::supervision::event_name;
use super::{Chrome, render};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ProgressQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    password: String,
}

pub struct Milestone {
    pub on: String,
    pub what: &'static str,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    chrome: Chrome,
    number: String,
    /// the phase, when the number and password matched
    phase: Option<String>,
    milestones: Vec<Milestone>,
    /// both given and no match
    not_found: bool,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ProgressQuery>,
) -> Response {
    let lang = viewer.prefs.lang;
    let number = query.number.trim().to_owned();
    let password = query.password.trim();
    let found = if number.is_empty() || password.is_empty() {
        None
    } else {
        match cases::look_up(&state.store, &state.settings.data_key, &number, password).await {
            Ok(found) => Some(found),
            Err(error) => return PageError::store(error, viewer.prefs).into_response(),
        }
    };
    let t = lang.texts();
    let mut page = ProgressPage {
        chrome: Chrome::new(&viewer, t.progress_title, "/progress"),
        number,
        phase: None,
        milestones: Vec::new(),
        not_found: matches!(found, Some(None)),
    };
    if let Some(Some(stored)) = found {
        page.phase = Some(
            lang.pick(stored.case.phase.name_zh(), stored.case.phase.name_en())
                .to_owned(),
        );
        page.milestones = stored
            .events
            .iter()
            .filter(|e| !matches!(e.change.kind(), "step_claimed" | "step_released"))
            .map(|e| Milestone {
                on: e.on.to_string(),
                what: event_name(e.change.kind(), lang),
            })
            .collect();
    }
    render(&page)
}
