//! Guide quality for the reform office: standardization figures per department and per
//! rule, and the list of items that differ across regions and levels.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tongban_domain::catalog::inconsistencies;
use tongban_domain::guide::lint::RULES;
use tongban_domain::guide::standardization::{Figures, figures};
use tongban_store::{StoreError, catalog, guides};

use super::fields::field_label;
use super::{Chrome, render};
use crate::auth::{Viewer, urlencode};
use crate::error::PageError;
use crate::state::AppState;

pub struct FigureRow {
    pub label: String,
    pub implementations: usize,
    pub with_guide: usize,
    pub complete: usize,
    pub standard: usize,
    pub coverage: String,
    pub meets_target: bool,
    pub errors: usize,
    pub warnings: usize,
}

/// Seed 003: at least 80% of guides standard.
pub const COVERAGE_TARGET_PER_MILLE: u32 = 800;

pub fn figure_row(label: String, f: &Figures) -> FigureRow {
    let per_mille = f.coverage_per_mille();
    FigureRow {
        label,
        implementations: f.implementations,
        with_guide: f.with_guide,
        complete: f.complete,
        standard: f.standard,
        coverage: format!("{}.{}%", per_mille / 10, per_mille % 10),
        meets_target: per_mille >= COVERAGE_TARGET_PER_MILLE,
        errors: f.errors,
        warnings: f.warnings,
    }
}

pub struct RuleRow {
    pub id: &'static str,
    pub title: String,
    pub severity: &'static str,
    pub count: usize,
}

/// Overall and per-department figures, with department names.
pub async fn standardization(
    state: &AppState,
) -> Result<(Figures, Vec<(String, Figures)>), StoreError> {
    let linted = guides::lint_published(&state.store).await?;
    let names: HashMap<i64, String> = catalog::departments(&state.store)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let (overall, by_department) = figures(
        linted
            .iter()
            .map(|i| (i.department_id, i.findings.as_deref())),
    );
    let departments = by_department
        .into_iter()
        .map(|(id, f)| (names.get(&id).cloned().unwrap_or_else(|| id.to_string()), f))
        .collect();
    Ok((overall, departments))
}

#[derive(Template)]
#[template(path = "standardization.html")]
struct StandardizationPage {
    chrome: Chrome,
    overall: FigureRow,
    departments: Vec<FigureRow>,
    rules: Vec<RuleRow>,
}

pub async fn standardization_page(State(state): State<AppState>, viewer: Viewer) -> Response {
    let lang = viewer.prefs.lang;
    let (overall, departments) = match standardization(&state).await {
        Ok(figures) => figures,
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let page = StandardizationPage {
        chrome: Chrome::new(
            &viewer,
            lang.texts().standardization_title,
            "/guides/standardization",
        ),
        rules: RULES
            .iter()
            .map(|r| RuleRow {
                id: r.id,
                title: lang.pick(r.title_zh, r.title_en).to_owned(),
                severity: r.severity.as_str(),
                count: overall.by_rule.get(r.id).copied().unwrap_or(0),
            })
            .collect(),
        overall: figure_row(lang.texts().overall.to_owned(), &overall),
        departments: departments
            .iter()
            .map(|(name, f)| figure_row(name.clone(), f))
            .collect(),
    };
    render(&page)
}

pub struct VariantView {
    pub value: String,
    pub codes: Vec<(String, String)>,
}

pub struct InconsistencyView {
    pub basic_code: String,
    pub field: String,
    pub variants: Vec<VariantView>,
}

#[derive(Template)]
#[template(path = "consistency.html")]
struct ConsistencyPage {
    chrome: Chrome,
    items: Vec<InconsistencyView>,
}

pub async fn consistency_page(State(state): State<AppState>, viewer: Viewer) -> Response {
    let lang = viewer.prefs.lang;
    let snapshots = match catalog::all_current(&state.store).await {
        Ok(s) => s,
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let items = inconsistencies(&snapshots)
        .into_iter()
        .map(|i| InconsistencyView {
            basic_code: i.basic_code,
            field: field_label(lang, i.field),
            variants: i
                .variants
                .into_iter()
                .map(|(value, codes)| VariantView {
                    value,
                    codes: codes.into_iter().map(|c| (urlencode(&c), c)).collect(),
                })
                .collect(),
        })
        .collect();
    render(&ConsistencyPage {
        chrome: Chrome::new(
            &viewer,
            lang.texts().consistency_title,
            "/guides/consistency",
        ),
        items,
    })
}
