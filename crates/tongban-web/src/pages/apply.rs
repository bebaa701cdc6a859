//! Applying online (网上申请): a citizen or company fills in who applies and uploads each
//! material the guide asks for; what data sharing provides is shown and never asked. The
//! files are kept privately under the account (`api::case_files`), the application goes
//! through the API's own code, and the applicant lands on the case's page. Halfway, the
//! applicant may save a draft (草稿) and come back; a file submitted before (an id card, a
//! licence) may be chosen again instead of uploaded once more.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tongban_domain::access::Role;
use tongban_domain::guide::Guide;
use tongban_store::case_files::CaseFile;
use tongban_store::{application_drafts, case_files as stored_files, catalog};

use super::{Chrome, Echo, render};
use crate::api::case_files;
use crate::api::cases::{ApplicantInput, ApplicationInput, MaterialInput, submit_application};
use crate::auth::{Viewer, urlencode};
use crate::error::{ApiError, PageError};
use crate::form_body::{self, FormBody};
use crate::i18n::Lang;
use crate::state::AppState;

/// One material as the form asks for it.
pub(super) struct MaterialRow {
    pub name: String,
    pub required: bool,
    /// provided by this shared-data source instead (共享获取): never asked for
    pub sharing: Option<String>,
    /// already uploaded in an earlier try of this form: (sha256, file name)
    pub kept: Option<(String, String)>,
}

/// The form's material rows from (name, required, sharing source), with what an earlier
/// try of the form already uploaded (`kept.{i}`).
pub(super) fn material_rows(
    materials: impl IntoIterator<Item = (String, bool, Option<String>)>,
    form: &[(String, String)],
) -> Vec<MaterialRow> {
    materials
        .into_iter()
        .enumerate()
        .map(|(i, (name, required, sharing))| {
            let sha = super::form_field(form, &format!("kept.{i}"));
            let file_name = super::form_field(form, &format!("kept_name.{i}"));
            MaterialRow {
                name,
                required,
                sharing,
                kept: (!sha.is_empty()).then_some((sha, file_name)),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    chrome: Chrome,
    code_path: String,
    item: String,
    department: String,
    /// person | organisation: the kind of account applying
    kind: &'static str,
    materials: Vec<MaterialRow>,
    /// what was typed, shown again after a refusal
    form: Echo,
    /// the form's idempotency key: sent twice (a double click), it applies once
    request_key: String,
    /// files the account submitted before, to choose again
    earlier_files: Vec<CaseFile>,
    /// a draft is kept for this item
    has_draft: bool,
    error: Option<String>,
    notice: Option<String>,
}

/// How many earlier files the form offers to choose again: the latest ones.
const EARLIER_FILES_OFFERED: i64 = 30;

/// The files the viewer uploaded before, to choose again (none for staff or the anonymous).
pub(super) async fn earlier_files(state: &AppState, viewer: &Viewer) -> Vec<CaseFile> {
    let Some(actor) = viewer
        .actor
        .as_ref()
        .filter(|a| a.has(Role::Citizen) || a.has(Role::Enterprise))
    else {
        return Vec::new();
    };
    // Offering earlier files is a convenience: a failed read leaves the plain upload.
    stored_files::of_owner(&state.store, &actor.username, EARLIER_FILES_OFFERED)
        .await
        .unwrap_or_default()
}

/// An online account applies as what it is: a company account for its organisation,
/// otherwise for the person.
pub(super) fn kind_of(viewer: &Viewer) -> &'static str {
    match &viewer.actor {
        Some(actor) if actor.has(Role::Enterprise) && !actor.has(Role::Citizen) => "organisation",
        _ => "person",
    }
}

async fn published_guide(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
) -> Result<(String, String, Guide), PageError> {
    let prefs = viewer.prefs;
    let published = catalog::require_published(&state.store, code)
        .await
        .map_err(|e| PageError::store(e, prefs))?;
    let snapshot = published.snapshot();
    let guide = snapshot
        .guide
        .clone()
        .ok_or_else(|| PageError::not_found(prefs))?;
    let department = catalog::department(&state.store, snapshot.department_id)
        .await
        .map_err(|e| PageError::store(e, prefs))?
        .map(|d| d.name)
        .unwrap_or_default();
    Ok((snapshot.name.clone(), department, guide))
}

/// What the form shows besides the guide: what was typed, the files to choose again, and a
/// draft's presence, refusal or notice.
struct Shown {
    form: Vec<(String, String)>,
    earlier_files: Vec<CaseFile>,
    has_draft: bool,
    error: Option<String>,
    notice: Option<String>,
}

fn page(
    viewer: &Viewer,
    code: &str,
    (item, department, guide): (String, String, Guide),
    shown: Shown,
) -> ApplyPage {
    let Shown {
        form,
        earlier_files,
        has_draft,
        error,
        notice,
    } = shown;
    let materials = material_rows(
        guide
            .materials
            .iter()
            .map(|m| (m.name.clone(), m.required, m.sharing_source.clone())),
        &form,
    );
    ApplyPage {
        chrome: Chrome::new(
            viewer,
            viewer.prefs.lang.texts().apply_title,
            &format!("/catalog/items/{}/apply", urlencode(code)),
        ),
        code_path: urlencode(code),
        item,
        department,
        kind: kind_of(viewer),
        materials,
        request_key: request_key(&form),
        form: Echo(form),
        earlier_files,
        has_draft,
        error,
        notice,
    }
}

#[derive(serde::Deserialize)]
pub struct FormQuery {
    /// back from saving a draft
    #[serde(default)]
    saved: Option<String>,
}

/// The form, filled from the applicant's draft when one is kept.
pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(query): Query<FormQuery>,
) -> Response {
    let prefs = viewer.prefs;
    let found = match published_guide(&state, &viewer, &code).await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let draft = match viewer.actor.as_ref() {
        Some(actor) => application_drafts::load(
            &state.store,
            &state.settings.data_key,
            &actor.username,
            &code,
        )
        .await
        .map_err(|e| PageError::store(e, prefs)),
        None => Ok(None),
    };
    let draft = match draft {
        Ok(draft) => draft,
        Err(error) => return error.into_response(),
    };
    let t = prefs.lang.texts();
    let notice = draft.as_ref().map(|(_, saved_at)| {
        let said = if query.saved.is_some() {
            t.apply_draft_saved
        } else {
            t.apply_draft_restored
        };
        format!("{said}（{}）", super::display_time(*saved_at))
    });
    let has_draft = draft.is_some();
    let shown = Shown {
        form: draft.map(|(fields, _)| fields).unwrap_or_default(),
        earlier_files: earlier_files(&state, &viewer).await,
        has_draft,
        error: None,
        notice,
    };
    render(&page(&viewer, &code, found, shown))
}

/// Keeps the form's files and turns each material into its citation. A file refused (wrong
/// type, too large) is an error naming the material; the other files are kept all the same,
/// and the page shows them as uploaded so that nothing is chosen twice.
pub(super) async fn materials_of(
    state: &AppState,
    viewer: &Viewer,
    names: &[String],
    form: &mut FormBody,
) -> Result<Vec<MaterialInput>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::forbidden)?;
    let mut refused = None;
    for file in std::mem::take(&mut form.files) {
        let Some(i) = file
            .field
            .strip_prefix("file.")
            .and_then(|i| i.parse::<usize>().ok())
            .filter(|i| *i < names.len())
        else {
            continue;
        };
        let kept = case_files::keep(
            state,
            actor,
            &format!("materials[{i}]"),
            &file.file_name,
            &file.content,
        )
        .await;
        form.fields
            .retain(|(k, _)| k != &format!("kept.{i}") && k != &format!("kept_name.{i}"));
        match kept {
            Ok(kept) => {
                form.fields.push((format!("kept.{i}"), kept.sha256));
                form.fields.push((format!("kept_name.{i}"), kept.file_name));
            }
            Err(error) if error.status() == StatusCode::BAD_REQUEST => {
                let name = &names[i];
                refused.get_or_insert(ApiError::from(tongban_domain::FieldError::new(
                    format!("materials[{i}]"),
                    format!("“{name}”：{}", error.message(Lang::Zh)),
                    format!("“{name}”: {}", error.message(Lang::En)),
                )));
            }
            Err(error) => return Err(error),
        }
    }
    choose_earlier(state, actor, names, form, &mut refused).await?;
    if let Some(refused) = refused {
        return Err(refused);
    }
    Ok(names
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let sha256 = form.field(&format!("kept.{i}"))?.trim().to_owned();
            (!sha256.is_empty()).then(|| MaterialInput {
                name: name.clone(),
                sha256: Some(sha256),
                paper: false,
            })
        })
        .collect())
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    request: Request,
) -> Response {
    let prefs = viewer.prefs;
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(prefs).into_response();
    };
    let Some(mut form) = form_body::read(request).await else {
        return PageError::bad_request(prefs).into_response();
    };
    let apply_path = format!("/catalog/items/{}/apply", urlencode(&code));
    if form.field("intent") == Some("discard") {
        // A draft can be thrown away even when its item is no longer published.
        return match application_drafts::discard(&state.store, &actor.username, &code).await {
            Ok(()) => Redirect::to(&apply_path).into_response(),
            Err(error) => PageError::store(error, prefs).into_response(),
        };
    }
    let found = match published_guide(&state, &viewer, &code).await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let names: Vec<String> = found.2.materials.iter().map(|m| m.name.clone()).collect();
    // The form again after a refusal: what was typed, with the files to choose again.
    let again = |shown: Vec<(String, String)>, message: String, earlier_files, has_draft| {
        let shown = Shown {
            form: shown,
            earlier_files,
            has_draft,
            error: Some(message),
            notice: None,
        };
        render(&page(&viewer, &code, found, shown))
    };
    if form.field("intent") == Some("draft") {
        return match save_draft(&state, &viewer, &code, &names, form).await {
            Ok(()) => Redirect::to(&format!("{apply_path}?saved=1")).into_response(),
            Err((error, form)) => {
                let earlier = earlier_files(&state, &viewer).await;
                answer(Err(error), prefs.lang, form, |shown, message| {
                    again(shown, message, earlier, true)
                })
            }
        };
    }
    let outcome = match materials_of(&state, &viewer, &names, &mut form).await {
        Ok(materials) => {
            let field = |name: &str| form.field(name).unwrap_or_default().trim().to_owned();
            let input = ApplicationInput {
                implementation_code: code.clone(),
                applicant: ApplicantInput {
                    kind: kind_of(&viewer).to_owned(),
                    name: field("name"),
                    id_number: field("id_number"),
                    phone: field("phone"),
                },
                materials,
            };
            submit_application(&state, actor, input, sent_key(&form)).await
        }
        Err(error) => Err(error),
    };
    let (earlier, has_draft) = if outcome.is_ok() {
        // Sent: the draft has done its work. Failing to discard it loses nothing.
        if let Err(error) = application_drafts::discard(&state.store, &actor.username, &code).await
        {
            tracing::warn!(%error, "a sent application's draft was not discarded");
        }
        (Vec::new(), false)
    } else {
        // Refused: the form again, still offering to discard the draft it leaves.
        let has_draft = application_drafts::of_owner(&state.store, &actor.username)
            .await
            .is_ok_and(|drafts| drafts.iter().any(|d| d.implementation_code == code));
        (earlier_files(&state, &viewer).await, has_draft)
    };
    answer(
        outcome.map(|(id, _)| format!("/cases/{id}?done=1")),
        prefs.lang,
        form,
        |shown, message| again(shown, message, earlier, has_draft),
    )
}

/// A material with neither a new file nor a kept one takes the earlier file chosen for it
/// (`reuse.{i}`), if the account really uploaded it; the choice is then shown as kept.
async fn choose_earlier(
    state: &AppState,
    actor: &tongban_domain::access::Actor,
    names: &[String],
    form: &mut FormBody,
    refused: &mut Option<ApiError>,
) -> Result<(), ApiError> {
    let chosen: Vec<(usize, String)> = (0..names.len())
        .filter(|i| form.field(&format!("kept.{i}")).is_none_or(str::is_empty))
        .filter_map(|i| {
            let sha = form.field(&format!("reuse.{i}"))?.trim().to_owned();
            (!sha.is_empty()).then_some((i, sha))
        })
        .collect();
    form.fields.retain(|(k, _)| !k.starts_with("reuse."));
    if chosen.is_empty() {
        return Ok(());
    }
    let owned =
        stored_files::of_owner(&state.store, &actor.username, EARLIER_FILES_OFFERED).await?;
    for (i, sha) in chosen {
        match owned.iter().find(|f| f.sha256 == sha) {
            Some(file) => {
                form.fields.push((format!("kept.{i}"), file.sha256.clone()));
                form.fields
                    .push((format!("kept_name.{i}"), file.file_name.clone()));
            }
            None => {
                let name = &names[i];
                refused.get_or_insert(ApiError::from(tongban_domain::FieldError::new(
                    format!("materials[{i}]"),
                    format!("“{name}”：所选文件不是您提交过的文件，请重新上传"),
                    format!("“{name}”: the file chosen is not one you submitted; upload it again"),
                )));
            }
        }
    }
    Ok(())
}

/// Saves the form as the viewer's draft for the item (files kept first, so a draft never
/// asks for them again) and shows it saved; a refused file is said, the rest is saved.
async fn save_draft(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    names: &[String],
    mut form: FormBody,
) -> Result<(), (ApiError, FormBody)> {
    let Some(actor) = viewer.actor.as_ref() else {
        return Err((ApiError::forbidden(), form));
    };
    let refused = materials_of(state, viewer, names, &mut form).await.err();
    let fields: Vec<(String, String)> = form
        .fields
        .iter()
        // a draft is sent later as a new request: never with this form's key
        .filter(|(k, _)| !matches!(k.as_str(), "csrf_token" | "intent" | "request_key"))
        .cloned()
        .collect();
    if let Err(error) = application_drafts::save(
        &state.store,
        &state.settings.data_key,
        &actor.username,
        code,
        &fields,
        state.now_millis(),
    )
    .await
    {
        return Err((error.into(), form));
    }
    match refused {
        Some(error) => Err((error, form)),
        None => Ok(()),
    }
}

/// The key a form was rendered with (kept across a refusal), or a new one.
pub(super) fn request_key(form: &[(String, String)]) -> String {
    Some(super::form_field(form, "request_key"))
        .filter(|k| !k.is_empty())
        .unwrap_or_else(crate::auth::hex_token)
}

/// The idempotency key a submitted form carries, if any.
pub(super) fn sent_key(form: &FormBody) -> Option<String> {
    form.field("request_key")
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .map(str::to_owned)
}

/// After an online application form: on to `target`, or the form again with the refusal
/// (its status, or 400) and what was typed and uploaded, never the CSRF token.
pub(super) fn answer(
    outcome: Result<String, ApiError>,
    lang: Lang,
    form: FormBody,
    again: impl FnOnce(Vec<(String, String)>, String) -> Response,
) -> Response {
    match outcome {
        Ok(target) => Redirect::to(&target).into_response(),
        Err(error) => {
            let status = match error.status() {
                status if status.is_success() => StatusCode::BAD_REQUEST,
                status => status,
            };
            let message = error.message(lang).to_owned();
            let shown = form
                .fields
                .into_iter()
                .filter(|(k, _)| k != "csrf_token")
                .collect();
            (status, again(shown, message)).into_response()
        }
    }
}
