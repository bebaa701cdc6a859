//! The general window's intake (综合窗口, seed 001): a clerk takes in a walk-in application for
//! any published item of any department, ticking the materials the applicant brought; the
//! case then waits for the intake decision on its page (accept, refuse or the one-time
//! correction notice). Submission goes through the API's own code. The page ends with the
//! clerk's own day (今日收件): what they took in and decided since midnight.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tongban_domain::case::Phase;
use tongban_domain::guide::Material;
use tongban_store::catalog::{self, ImplementationFilter, Page};
use tongban_store::intake;

use super::supervision::event_name;
use super::{Chrome, Echo, display_time, form_field, form_values, render};
use crate::api::cases::{ApplicantInput, ApplicationInput, MaterialInput, submit_application};
use crate::api::search::{SearchParams, run};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::state::AppState;

#[derive(Debug, serde::Deserialize)]
pub struct IntakeQuery {
    #[serde(default)]
    code: String,
    /// the item as the applicant says it: the clerk searches before choosing
    #[serde(default)]
    q: String,
}

/// How many search results the clerk chooses from.
const SEARCH_RESULTS: usize = 8;

/// A search result the clerk can choose.
struct Found {
    code: String,
    name: String,
    department: String,
    region: String,
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    chrome: Chrome,
    /// (code, "name · department") of every published item
    items: Vec<(String, String)>,
    /// what the clerk searched for, and what it found
    query: String,
    found: Vec<Found>,
    code: String,
    /// the chosen item's materials: (name, required)
    materials: Vec<(String, bool)>,
    /// what was typed, shown again after a refusal
    form: Echo,
    error: Option<String>,
    /// the clerk's intake today, newest first
    today: Vec<TodayRow>,
}

/// One act of the clerk's day.
struct TodayRow {
    case_id: i64,
    number: String,
    item: String,
    applicant: String,
    what: &'static str,
    time: String,
    phase: String,
}

/// The most of a day's intake the page lists.
const TODAY_LIMIT: i64 = 200;

/// What the viewer did at intake today (in the centre's time zone), newest first.
async fn today_of(state: &AppState, viewer: &Viewer) -> Result<Vec<TodayRow>, PageError> {
    let prefs = viewer.prefs;
    let Some(actor) = viewer.actor.as_ref() else {
        return Ok(Vec::new());
    };
    let zone = &state.settings.time_zone;
    let start = |day: jiff::civil::Date| {
        day.to_zoned(zone.clone())
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or_default()
    };
    let today = state.today();
    let tomorrow = today.tomorrow().unwrap_or(today);
    let acts = intake::done_by(
        &state.store,
        &actor.username,
        (start(today), start(tomorrow)),
        TODAY_LIMIT,
    )
    .await
    .map_err(|e| PageError::store(e, prefs))?;
    let lang = prefs.lang;
    Ok(acts
        .into_iter()
        .map(|a| TodayRow {
            case_id: a.case_id,
            number: a.case_number.unwrap_or_else(|| format!("#{}", a.case_id)),
            item: a.item_name,
            applicant: a.applicant_name_masked,
            what: event_name(&a.kind, lang),
            time: display_time(a.at_millis)
                .rsplit(' ')
                .next()
                .unwrap_or_default()
                .to_owned(),
            phase: {
                let (zh, en) = Phase::stored_names(&a.phase);
                lang.pick(zh, en).to_owned()
            },
        })
        .collect())
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
    query: &str,
    form: Vec<(String, String)>,
    error: Option<String>,
) -> Result<IntakePage, PageError> {
    let prefs = viewer.prefs;
    let found = if query.is_empty() {
        Vec::new()
    } else {
        let index = state
            .search
            .get(&state.store)
            .await
            .map_err(|e| PageError::store(e, prefs))?;
        let params = SearchParams {
            q: Some(query.to_owned()),
            ..SearchParams::default()
        };
        run(state, &index, &params, SEARCH_RESULTS)
            .await
            .map_err(|e| PageError::api(e, prefs))?
            .into_iter()
            .map(|hit| Found {
                code: hit.implementation_code,
                name: hit.name,
                department: hit.department,
                region: hit.region_name,
            })
            .collect()
    };
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
    let today = today_of(state, viewer).await?;
    Ok(IntakePage {
        today,
        chrome: Chrome::new(viewer, prefs.lang.texts().intake_title, "/intake"),
        items,
        query: query.to_owned(),
        found,
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
    let (code, q) = (query.code.trim(), query.q.trim());
    match page(&state, &viewer, code, q, Vec::new(), None).await {
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
            match page(&state, &viewer, &code, "", shown, Some(message)).await {
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
