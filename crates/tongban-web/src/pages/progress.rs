//! 办件进度查询: anyone with a case number and its query password sees where the case stands,
//! without signing in (the QR code on every notice leads here with the number filled in);
//! a work order's number and password show its answer the same way.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_domain::work_order::NUMBER_PREFIX;
use tongban_store::{cases, work_orders};

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
    /// a work order's number (GD…) and password matched
    work_order: Option<super::work_orders::WorkOrderView>,
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
    let given = !number.is_empty() && !password.is_empty();
    let is_work_order = number.to_uppercase().starts_with(NUMBER_PREFIX);
    let mut page = ProgressPage {
        chrome: Chrome::new(&viewer, lang.texts().progress_title, "/progress"),
        number: number.clone(),
        phase: None,
        milestones: Vec::new(),
        work_order: None,
        not_found: false,
    };
    let key = &state.settings.data_key;
    if given && is_work_order {
        match work_orders::look_up(&state.store, key, &number, password).await {
            Ok(Some(order)) => {
                let today = state.today().to_string();
                page.work_order = Some(super::work_orders::view(order, lang, &today));
            }
            Ok(None) => page.not_found = true,
            Err(error) => return PageError::store(error, viewer.prefs).into_response(),
        }
    } else if given {
        match cases::look_up(&state.store, key, &number, password).await {
            Ok(Some(stored)) => {
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
            Ok(None) => page.not_found = true,
            Err(error) => return PageError::store(error, viewer.prefs).into_response(),
        }
    }
    render(&page)
}
