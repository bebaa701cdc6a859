//! Bundles on the portal (一件事一次办): the published bundles, one bundle with its members,
//! their order and the one material list, the single application form for all members, and
//! an application's combined progress. Everything goes through the API's own code.

use askama::Template;
use axum::extract::{Path, Request, State};

use axum::response::{IntoResponse, Response};
use tongban_domain::access::Role;
use tongban_store::bundles as stored_bundles;
use tongban_store::case_files::CaseFile;

use super::apply::{
    MaterialRow, answer, earlier_files, kind_of, material_rows, materials_of, request_key, sent_key,
};
use super::{Chrome, Echo, render};
use crate::api::bundles::{
    BundleApplicationDto, BundleApplicationInput, BundleDto, bundle_dto, current, progress_for,
    submit_bundle_application,
};
use crate::api::cases::ApplicantInput;
use crate::auth::{Viewer, urlencode};
use crate::error::{ApiError, PageError};
use crate::form_body;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "bundles.html")]
struct BundlesPage {
    chrome: Chrome,
    bundles: Vec<BundleDto>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Response {
    let prefs = viewer.prefs;
    let mut bundles = Vec::new();
    let stored = match stored_bundles::list(&state.store).await {
        Ok(stored) => stored,
        Err(error) => return PageError::store(error, prefs).into_response(),
    };
    for bundle in &stored {
        match bundle_dto(&state, bundle, false).await {
            Ok(dto) => bundles.push(dto),
            Err(error) => return page_error(error, &viewer),
        }
    }
    render(&BundlesPage {
        chrome: Chrome::new(&viewer, prefs.lang.texts().bundles_title, "/bundles"),
        bundles,
    })
}

fn page_error(error: ApiError, viewer: &Viewer) -> Response {
    PageError::api(error, viewer.prefs).into_response()
}

/// A member as the bundle page lists it: its name, and the members it waits for.
struct MemberRow {
    name: String,
    after: Vec<String>,
}

#[derive(Template)]
#[template(path = "bundle.html")]
struct BundlePage {
    chrome: Chrome,
    key_path: String,
    name: String,
    members: Vec<MemberRow>,
    /// the viewer applies online here (signed in as a citizen or a company)
    can_apply: bool,
    /// not signed in: invited to sign in first
    anonymous: bool,
    kind: &'static str,
    materials: Vec<MaterialRow>,
    form: Echo,
    /// the form's idempotency key: sent twice (a double click), it applies once
    request_key: String,
    /// files the account submitted before, to choose again
    earlier_files: Vec<CaseFile>,
    error: Option<String>,
}

fn bundle_page(
    viewer: &Viewer,
    bundle: BundleDto,
    (form, earlier_files): (Vec<(String, String)>, Vec<CaseFile>),
    error: Option<String>,
) -> BundlePage {
    let name_of = |code: &str| {
        bundle
            .members
            .iter()
            .find(|m| m.implementation_code == code)
            .map_or_else(|| code.to_owned(), |m| m.name.clone())
    };
    let members = bundle
        .members
        .iter()
        .map(|m| MemberRow {
            name: m.name.clone(),
            after: m.after.iter().map(|code| name_of(code)).collect(),
        })
        .collect();
    let materials = material_rows(
        bundle
            .materials
            .unwrap_or_default()
            .into_iter()
            .map(|m| (m.name, m.required, m.sharing_source)),
        &form,
    );
    let applicant = viewer
        .actor
        .as_ref()
        .is_some_and(|a| a.has(Role::Citizen) || a.has(Role::Enterprise));
    BundlePage {
        chrome: Chrome::new(
            viewer,
            &bundle.name,
            &format!("/bundles/{}", urlencode(&bundle.key)),
        ),
        key_path: urlencode(&bundle.key),
        name: bundle.name,
        members,
        can_apply: applicant,
        anonymous: viewer.actor.is_none(),
        kind: kind_of(viewer),
        materials,
        request_key: request_key(&form),
        form: Echo(form),
        earlier_files,
        error,
    }
}

async fn bundle(state: &AppState, key: &str) -> Result<BundleDto, ApiError> {
    bundle_dto(state, &current(state, key).await?, true).await
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Response {
    match bundle(&state, &key).await {
        Ok(dto) => {
            let earlier = earlier_files(&state, &viewer).await;
            render(&bundle_page(&viewer, dto, (Vec::new(), earlier), None))
        }
        Err(error) => page_error(error, &viewer),
    }
}

/// One application for every member: the applicant, and a file for each material of the
/// merged list. A refusal shows the form again with what was typed and uploaded.
pub async fn apply(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
    request: Request,
) -> Response {
    let prefs = viewer.prefs;
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(prefs).into_response();
    };
    let dto = match bundle(&state, &key).await {
        Ok(dto) => dto,
        Err(error) => return page_error(error, &viewer),
    };
    let Some(mut form) = form_body::read(request).await else {
        return PageError::bad_request(prefs).into_response();
    };
    let names: Vec<String> = dto
        .materials
        .iter()
        .flatten()
        .map(|m| m.name.clone())
        .collect();
    let outcome = match materials_of(&state, &viewer, &names, &mut form).await {
        Ok(materials) => {
            let field = |name: &str| form.field(name).unwrap_or_default().trim().to_owned();
            let input = BundleApplicationInput {
                applicant: ApplicantInput {
                    kind: kind_of(&viewer).to_owned(),
                    name: field("name"),
                    id_number: field("id_number"),
                    phone: field("phone"),
                },
                materials,
            };
            submit_bundle_application(&state, actor, &key, input, sent_key(&form)).await
        }
        Err(error) => Err(error),
    };
    // Only a refused application shows the form again, with the files to choose again.
    let earlier = match outcome {
        Ok(_) => Vec::new(),
        Err(_) => earlier_files(&state, &viewer).await,
    };
    answer(
        outcome.map(|(id, _)| format!("/bundle-applications/{id}")),
        prefs.lang,
        form,
        |shown, message| render(&bundle_page(&viewer, dto, (shown, earlier), Some(message))),
    )
}

#[derive(Template)]
#[template(path = "bundle_application.html")]
struct ProgressPage {
    chrome: Chrome,
    application: BundleApplicationDto,
}

pub async fn progress(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    match progress_for(&state, actor, id).await {
        Ok(application) => render(&ProgressPage {
            chrome: Chrome::new(
                &viewer,
                &application.name,
                &format!("/bundle-applications/{id}"),
            ),
            application,
        }),
        Err(error) => page_error(error, &viewer),
    }
}
