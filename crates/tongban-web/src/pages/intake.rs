//! The general window's intake (综合窗口, seed 001): a clerk takes in a walk-in application for
//! any published item of any department, ticking the materials the applicant brought; the
//! case then waits for the intake decision on its page (accept, refuse or the one-time
//! correction notice). Submission goes through the API's own code.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tongban_domain::guide::Material;
use tongban_store::catalog::{self, ImplementationFilter, Page};

use super::{Chrome, Echo, form_field, form_values, render};
use crate::api::cases::{ApplicantInput, ApplicationInput, MaterialInput, submit_application};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::state::AppState;

#[derive(Debug, serde::Deserialize)]
pub struct IntakeQuery {
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    chrome: Chrome,
    /// (code, "name · department") of every published item
    items: Vec<(String, String)>,
    code: String,
    /// the chosen item's materials: (name, required)
    materials: Vec<(String, bool)>,
    /// what was typed, shown again after a refusal
    form: Echo,
    error: Option<String>,
}

impl IntakePage {
    fn is_chosen(&self, code: &str) -> bool {
        self.code == code
    }
    fn brought(&self, material: &str) -> bool {
        self.form
            .0
            .iter()
            .any(|(k, v)| k == "material" && v == material)
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    form: Vec<(String, String)>,
    error: Option<String>,
) -> Result<IntakePage, PageError> {
    let prefs = viewer.prefs;
    let filter = ImplementationFilter {
        status: Some(tongban_domain::catalog::ImplementationStatus::Published),
        ..Default::default()
    };
    let (summaries, _) =
        catalog::list_implementations(&state.store, &filter, Page::new(Some(500), None))
            .await
            .map_err(|e| PageError::store(e, prefs))?;
    let items = summaries
        .into_iter()
        .map(|s| (s.code, format!("{} · {}", s.name, s.department_name)))
        .collect();
    let materials = if code.is_empty() {
        Vec::new()
    } else {
        catalog::current(&state.store, code)
            .await
            .map_err(|e| PageError::store(e, prefs))?
            .and_then(|v| v.snapshot.guide)
            .map(|g| {
                g.materials
                    .iter()
                    .filter(|m: &&Material| m.sharing_source.is_none())
                    .map(|m| (m.name.clone(), m.required))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(IntakePage {
        chrome: Chrome::new(viewer, prefs.lang.texts().intake_title, "/intake"),
        items,
        code: code.to_owned(),
        materials,
        form: Echo(form),
        error,
    })
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<IntakeQuery>,
) -> Response {
    match page(&state, &viewer, query.code.trim(), Vec::new(), None).await {
        Ok(page) => render(&page),
        Err(error) => error.into_response(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let field = |name: &str| form_field(&pairs, name);
    let input = ApplicationInput {
        implementation_code: field("code"),
        applicant: ApplicantInput {
            kind: field("kind"),
            name: field("name"),
            id_number: field("id_number"),
            phone: field("phone"),
        },
        materials: form_values(&pairs, "material")
            .into_iter()
            .map(|name| MaterialInput {
                name,
                sha256: None,
                paper: true,
            })
            .collect(),
    };
    let code = input.implementation_code.clone();
    match submit_application(&state, actor, input, None).await {
        Ok((id, _)) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(error) => {
            let status = error.status();
            let message = error.message(viewer.prefs.lang).to_owned();
            let shown: Vec<(String, String)> = pairs
                .into_iter()
                .filter(|(k, _)| k != "csrf_token")
                .collect();
            match page(&state, &viewer, &code, shown, Some(message)).await {
                Ok(page) => (
                    if status.is_success() {
                        StatusCode::BAD_REQUEST
                    } else {
                        status
                    },
                    render(&page),
                )
                    .into_response(),
                Err(error) => error.into_response(),
            }
        }
    }
}
