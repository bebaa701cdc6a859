//! The department's guide editor: edit a draft of the full guide, save it (never refused:
//! work is not lost), see what the checks find, and propose it to the reform office.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tongban_domain::Bilingual;
use tongban_domain::access::DepartmentStaff;
use tongban_domain::case::{STEP_ROLES, StepAction};
use tongban_domain::catalog::ChangeKind;
use tongban_domain::guide::Guide;
use tongban_domain::guide::attachment::ACCEPTED_EXTENSIONS;
use tongban_domain::guide::lint::{Finding, lint};
use tongban_store::catalog::{self, ImplementationVersion, Proposal};
use tongban_store::guides::attachments;
use tongban_store::{StoreError, guides};

use super::{Chrome, render};
use crate::auth::{Viewer, urlencode};
use crate::error::PageError;
use crate::form_body::{self, FormBody};
use crate::guide_form::{GuideFields, guide_from_form, guide_to_pairs};
use crate::state::AppState;

pub struct FindingView {
    pub rule: &'static str,
    pub severity: &'static str,
    pub element: String,
    pub message: String,
    pub hint: String,
}

#[derive(Template)]
#[template(path = "guide_editor.html")]
struct EditorPage {
    chrome: Chrome,
    code: String,
    code_path: String,
    name: String,
    form: GuideFields,
    findings: Vec<FindingView>,
    has_draft: bool,
    notice: Option<String>,
    error: Option<String>,
    /// the file types the attachment check accepts, for the browser's file picker
    accepted_files: &'static str,
    /// (id, name) of every department, for a parallel step in another department
    departments: Vec<(String, String)>,
    /// (exchange name, label) of the roles that act at steps and of the step actions
    step_roles: Vec<(&'static str, &'static str)>,
    step_actions: Vec<(&'static str, &'static str)>,
}

async fn department_choices(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Vec<(String, String)>, PageError> {
    Ok(catalog::departments(&state.store)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect())
}

/// The implementation, if the signed-in person may edit its guide.
async fn editable(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
) -> Result<ImplementationVersion, PageError> {
    let actor = viewer
        .actor
        .as_ref()
        .ok_or_else(|| PageError::forbidden(viewer.prefs))?;
    let staff = actor
        .department_staff()
        .ok_or_else(|| PageError::forbidden(viewer.prefs))?;
    let current = catalog::current(&state.store, code)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?
        .ok_or_else(|| PageError::not_found(viewer.prefs))?;
    if current.snapshot.department_id != staff.department_id {
        return Err(PageError::forbidden(viewer.prefs));
    }
    Ok(current)
}

/// A new guide starts from what the catalog already knows.
fn seeded(current: &ImplementationVersion) -> Guide {
    let s = &current.snapshot;
    Guide {
        name: s.name.clone(),
        basic_code: s.basic_code.clone(),
        power_source: s.power_source.clone(),
        item_type: s.item_type.clone(),
        case_kind: s.case_kind,
        exercise_level: s.exercise_level,
        legal_basis: s.legal_basis.lines().map(str::to_owned).collect(),
        ..Guide::default()
    }
}

async fn findings_for(
    state: &AppState,
    viewer: &Viewer,
    guide: &Guide,
) -> Result<Vec<FindingView>, PageError> {
    let lists = guides::reference_lists(&state.store)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?;
    let settings = guides::lint_settings(&state.store)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?;
    let lang = viewer.prefs.lang;
    Ok(lint(guide, &lists, &settings)
        .iter()
        .map(|f: &Finding| FindingView {
            rule: f.rule,
            severity: f.severity.as_str(),
            element: f.element.clone(),
            message: lang.pick(&f.zh, &f.en).to_owned(),
            hint: lang.pick(&f.hint_zh, &f.hint_en).to_owned(),
        })
        .collect())
}

fn page(
    viewer: &Viewer,
    current: &ImplementationVersion,
    departments: Vec<(String, String)>,
    pairs: Vec<(String, String)>,
    findings: Vec<FindingView>,
    has_draft: bool,
) -> EditorPage {
    let code = current.snapshot.code.clone();
    let lang = viewer.prefs.lang;
    EditorPage {
        chrome: Chrome::new(
            viewer,
            viewer.prefs.lang.texts().edit_guide,
            &format!("/catalog/items/{}/guide/edit", urlencode(&code)),
        ),
        code_path: urlencode(&code),
        code,
        name: current.snapshot.name.clone(),
        form: GuideFields::new(pairs),
        findings,
        has_draft,
        notice: None,
        error: None,
        accepted_files: ACCEPTED_EXTENSIONS,
        departments,
        step_roles: STEP_ROLES
            .iter()
            .map(|r| (r.as_str(), lang.pick(r.name_zh(), r.name_en())))
            .collect(),
        step_actions: StepAction::ALL
            .iter()
            .map(|a| (a.as_str(), lang.pick(a.name_zh(), a.name_en())))
            .collect(),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Response {
    let outcome = async {
        let current = editable(&state, &viewer, &code).await?;
        let draft = guides::draft(&state.store, &code)
            .await
            .map_err(|e| PageError::store(e, viewer.prefs))?;
        let has_draft = draft.is_some();
        let guide = draft
            .map(|(g, _)| g)
            .or_else(|| current.snapshot.guide.clone())
            .unwrap_or_else(|| seeded(&current));
        let findings = findings_for(&state, &viewer, &guide).await?;
        Ok::<_, PageError>(page(
            &viewer,
            &current,
            department_choices(&state, &viewer).await?,
            guide_to_pairs(&guide),
            findings,
            has_draft,
        ))
    }
    .await;
    match outcome {
        Ok(view) => render(&view),
        Err(error) => error.into_response(),
    }
}

/// The guide element a file input uploads to: `materials.0.sample_file` → `materials.0.sample`.
fn attachment_element(field: &str) -> Option<&str> {
    let element = field.strip_suffix("_file")?;
    let valid = element == "result.sample"
        || element
            .strip_prefix("materials.")
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(row, name)| {
                row.parse::<usize>().is_ok() && matches!(name, "sample" | "blank_form")
            });
    valid.then_some(element)
}

/// Keeps the files a form carried and points their elements at them. A refused file is
/// reported by element; the rest of the form is still saved.
async fn keep_uploads(
    state: &AppState,
    username: &str,
    lang: crate::i18n::Lang,
    form: &mut FormBody,
) -> Result<Vec<String>, StoreError> {
    let mut refused = Vec::new();
    let files = std::mem::take(&mut form.files);
    for file in files {
        let Some(element) = attachment_element(&file.field) else {
            continue;
        };
        let stored = attachments::store_attachment(
            &state.store,
            username,
            element,
            &file.file_name,
            &file.content,
            state.now_millis(),
        )
        .await;
        match stored {
            Ok(stored) => {
                let attachment_key = format!("{element}_attachment");
                form.fields
                    .retain(|(k, _)| k != element && *k != attachment_key);
                form.fields.push((element.to_owned(), stored.file_name));
                form.fields.push((attachment_key, stored.sha256));
            }
            Err(StoreError::Invalid(error)) => {
                refused.push(format!(
                    "{}：{}",
                    error.field,
                    lang.pick(&error.zh, &error.en)
                ));
            }
            Err(error) => return Err(error),
        }
    }
    Ok(refused)
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    request: Request,
) -> Response {
    let current = match editable(&state, &viewer, &code).await {
        Ok(current) => current,
        Err(error) => return error.into_response(),
    };
    let departments = match department_choices(&state, &viewer).await {
        Ok(departments) => departments,
        Err(error) => return error.into_response(),
    };
    let (Some(actor), Some(staff)) = (
        viewer.actor.as_ref(),
        viewer.actor.as_ref().and_then(|a| a.department_staff()),
    ) else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let Some(mut form_body) = form_body::read(request).await else {
        return PageError::bad_request(viewer.prefs).into_response();
    };
    let refused_files =
        match keep_uploads(&state, &actor.username, viewer.prefs.lang, &mut form_body).await {
            Ok(refused) => refused,
            Err(error) => return PageError::store(error, viewer.prefs).into_response(),
        };
    let pairs = form_body.fields;
    let lang = viewer.prefs.lang;
    let t = lang.texts();
    let action = pairs
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let reason = pairs
        .iter()
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let form: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "action" | "csrf_token" | "reason"))
        .collect();
    if action == "discard" {
        if let Err(error) = guides::discard_draft(&state.store, &code).await {
            return PageError::store(error, viewer.prefs).into_response();
        }
        return Redirect::to(&format!("/catalog/items/{}/guide/edit", urlencode(&code)))
            .into_response();
    }
    // A field that cannot be read (a number typed as words) is shown with what was typed.
    let guide = match guide_from_form(&form) {
        Ok(guide) => guide,
        Err(error) => {
            let mut view = page(&viewer, &current, departments, form, Vec::new(), true);
            view.error = Some(lang.pick(&error.zh(), &error.en()).to_owned());
            return (StatusCode::BAD_REQUEST, render(&view)).into_response();
        }
    };
    let now = state.now_millis();
    if let Err(error) = guides::save_draft(&state.store, &staff, &code, &guide, now).await {
        return PageError::store(error, viewer.prefs).into_response();
    }
    let findings = match findings_for(&state, &viewer, &guide).await {
        Ok(findings) => findings,
        Err(error) => return error.into_response(),
    };
    if action == "propose" && refused_files.is_empty() {
        match propose(&state, &staff, &current, guide, &reason, now).await {
            Ok(id) => {
                let _ = guides::discard_draft(&state.store, &code).await;
                return Redirect::to(&format!("/changes/{id}")).into_response();
            }
            Err(error @ (StoreError::Invalid(_) | StoreError::Conflict { .. })) => {
                let mut view = page(&viewer, &current, departments, form, findings, true);
                view.error = Some(format!(
                    "{}{}",
                    t.draft_kept,
                    lang.pick(&error.zh(), &error.en())
                ));
                return (StatusCode::BAD_REQUEST, render(&view)).into_response();
            }
            Err(error) => return PageError::store(error, viewer.prefs).into_response(),
        }
    }
    let mut view = page(&viewer, &current, departments, form, findings, true);
    view.notice = Some(t.draft_saved.to_owned());
    if !refused_files.is_empty() {
        view.error = Some(refused_files.join("；"));
        return (StatusCode::BAD_REQUEST, render(&view)).into_response();
    }
    render(&view)
}

/// Proposes the guide as a change of the implementation; the store checks it.
async fn propose(
    state: &AppState,
    staff: &DepartmentStaff<'_>,
    current: &ImplementationVersion,
    guide: Guide,
    reason: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let proposed = tongban_domain::catalog::ImplementationSnapshot {
        guide: Some(guide),
        ..current.snapshot.clone()
    };
    let proposal = Proposal {
        kind: ChangeKind::Change,
        implementation_code: current.snapshot.code.clone(),
        proposed: Some(proposed),
        reason: if reason.is_empty() {
            "更新办事指南".to_owned()
        } else {
            reason.to_owned()
        },
    };
    catalog::propose(&state.store, staff, &proposal, now).await
}
