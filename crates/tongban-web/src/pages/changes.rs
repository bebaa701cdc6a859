//! Catalog change requests: the department's proposal form and list, and the reform
//! office's review screen with the difference the change would publish.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_domain::Bilingual;
use tongban_domain::access::{Actor, Role};
use tongban_domain::catalog::{
    ChangeDecision, ChangeKind, ChangeStatus, Effect, diff_snapshots, plan_change,
};
use tongban_domain::codes::ItemType;
use tongban_store::StoreError;
use tongban_store::catalog::{self, ChangeRequest, ChangeRequestFilter, Page};

use super::catalog::ChangeRow;
use super::fields::field_label;
use super::{Choice, Chrome, display_time, render};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::proposals::{self, ProposalInput};
use crate::state::AppState;

fn kind_label(lang: Lang, kind: ChangeKind) -> String {
    lang.pick(kind.name_zh(), kind.name_en()).to_owned()
}

fn status_label(lang: Lang, status: ChangeStatus) -> String {
    lang.pick(status.name_zh(), status.as_str()).to_owned()
}

/// Department staff see their department's requests; the reform office sees all.
pub fn visible_filter(actor: &Actor) -> Option<ChangeRequestFilter> {
    if actor.has(Role::ReformOffice) {
        Some(ChangeRequestFilter::default())
    } else {
        actor.department_staff().map(|s| ChangeRequestFilter {
            department_id: Some(s.department_id),
            status: None,
        })
    }
}

struct RequestRow {
    id: i64,
    kind: String,
    subject: String,
    code: String,
    department: String,
    status: String,
    status_key: &'static str,
    reason: String,
    proposed_by: String,
    proposed_at: String,
    reviewed_by: Option<String>,
    reviewed_at: String,
    review_comment: String,
}

fn row(lang: Lang, r: &ChangeRequest) -> RequestRow {
    RequestRow {
        id: r.id,
        kind: kind_label(lang, r.kind),
        subject: r
            .proposed
            .as_ref()
            .map_or_else(|| r.implementation_code.clone(), |p| p.name.clone()),
        code: r.implementation_code.clone(),
        department: r.department_name.clone(),
        status: status_label(lang, r.status),
        status_key: r.status.as_str(),
        reason: r.reason.clone(),
        proposed_by: r.proposed_by.clone(),
        proposed_at: display_time(r.proposed_at),
        reviewed_by: r.reviewed_by.clone(),
        reviewed_at: r.reviewed_at.map(display_time).unwrap_or_default(),
        review_comment: r.review_comment.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ListPage {
    chrome: Chrome,
    can_propose: bool,
    pending_only: bool,
    requests: Vec<RequestRow>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Response {
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let Some(mut filter) = visible_filter(actor) else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    filter.status = query.status.as_deref().and_then(ChangeStatus::parse);
    let requests =
        match catalog::change_requests(&state.store, &filter, Page::new(Some(200), None)).await {
            Ok((requests, _)) => requests,
            Err(error) => return PageError::store(error, viewer.prefs).into_response(),
        };
    let lang = viewer.prefs.lang;
    render(&ListPage {
        chrome: Chrome::new(&viewer, lang.texts().changes_title, "/changes"),
        can_propose: actor.department_staff().is_some(),
        pending_only: filter.status == Some(ChangeStatus::Pending),
        requests: requests.iter().map(|r| row(lang, r)).collect(),
    })
}

#[derive(Template)]
#[template(path = "change_new.html")]
struct NewPage {
    chrome: Chrome,
    error: Option<String>,
    kinds: Vec<Choice>,
    types: Vec<Choice>,
    form: ProposalInput,
}

fn new_page(viewer: &Viewer, form: ProposalInput, error: Option<String>) -> NewPage {
    let lang = viewer.prefs.lang;
    let choice = |key: &str, label: String, selected: bool| Choice {
        key: key.to_owned(),
        label,
        count: 0,
        selected,
    };
    NewPage {
        chrome: Chrome::new(viewer, lang.texts().new_change, "/changes/new"),
        error,
        kinds: ChangeKind::ALL
            .iter()
            .map(|k| choice(k.as_str(), kind_label(lang, *k), form.kind == k.as_str()))
            .collect(),
        types: ItemType::STANDARD
            .iter()
            .map(|t| {
                choice(
                    &t.code(),
                    format!("{} {}", t.code(), lang.pick(t.name_zh(), t.name_en())),
                    form.item_type == t.code(),
                )
            })
            .collect(),
        form,
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    kind: Option<String>,
    code: Option<String>,
}

pub async fn new_form(viewer: Viewer, Query(query): Query<NewQuery>) -> Response {
    let form = ProposalInput {
        kind: query.kind.unwrap_or_else(|| "change".into()),
        implementation_code: query.code.unwrap_or_default(),
        ..ProposalInput::default()
    };
    render(&new_page(&viewer, form, None))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ProposalInput>,
) -> Response {
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let Some(staff) = actor.department_staff() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let outcome = async {
        let proposal = proposals::build(&state.store, &staff, &form).await?;
        catalog::propose(&state.store, &staff, &proposal, state.now_millis()).await
    }
    .await;
    match outcome {
        Ok(id) => Redirect::to(&format!("/changes/{id}")).into_response(),
        Err(
            error @ (StoreError::Invalid(_)
            | StoreError::Conflict { .. }
            | StoreError::NotFound { .. }),
        ) => {
            let message = viewer.prefs.lang.pick(&error.zh(), &error.en()).to_owned();
            (
                StatusCode::BAD_REQUEST,
                render(&new_page(&viewer, form, Some(message))),
            )
                .into_response()
        }
        Err(error) => PageError::store(error, viewer.prefs).into_response(),
    }
}

#[derive(Template)]
#[template(path = "change.html")]
struct ShowPage {
    chrome: Chrome,
    r: RequestRow,
    changes: Vec<ChangeRow>,
    can_review: bool,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    error: Option<String>,
) -> Result<ShowPage, PageError> {
    let actor = viewer
        .actor
        .as_ref()
        .ok_or_else(|| PageError::forbidden(viewer.prefs))?;
    let request = catalog::change_request(&state.store, id)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?
        .ok_or_else(|| PageError::not_found(viewer.prefs))?;
    let filter = visible_filter(actor).ok_or_else(|| PageError::forbidden(viewer.prefs))?;
    if filter
        .department_id
        .is_some_and(|d| d != request.department_id)
    {
        return Err(PageError::forbidden(viewer.prefs));
    }
    let current = catalog::current(&state.store, &request.implementation_code)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?;
    // Show what approving would publish: the planned effect against the current version.
    let target = match plan_change(
        request.kind,
        request.department_id,
        current.as_ref().map(|v| &v.snapshot),
        request.proposed.as_ref(),
    ) {
        Ok(effects) => effects.into_iter().next().map(|Effect::Publish(s)| s),
        Err(_) => request.proposed.clone(),
    };
    let before = current
        .as_ref()
        .map(|v| &v.snapshot)
        .filter(|c| target.as_ref().is_some_and(|t| t.code == c.code));
    let lang = viewer.prefs.lang;
    let changes = target
        .as_ref()
        .map(|t| diff_snapshots(before, t))
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.field != "guide")
        .map(|c| ChangeRow {
            field: field_label(lang, &c.field),
            before: c.before,
            after: c.after,
        })
        .collect();
    Ok(ShowPage {
        chrome: Chrome::new(viewer, lang.texts().review, &format!("/changes/{id}")),
        can_review: actor.catalog_reviewer().is_some() && request.status == ChangeStatus::Pending,
        r: row(lang, &request),
        changes,
        error,
    })
}

pub async fn show(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    match show_page(&state, &viewer, id, None).await {
        Ok(page) => render(&page),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    decision: String,
    #[serde(default)]
    comment: String,
}

pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> Response {
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let Some(reviewer) = actor.catalog_reviewer() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let outcome = async {
        let decision = ChangeDecision::new(form.decision == "approve", &form.comment)?;
        catalog::review(&state.store, &reviewer, id, &decision, state.now_millis()).await
    }
    .await;
    match outcome {
        Ok(()) => Redirect::to(&format!("/changes/{id}")).into_response(),
        Err(error @ (StoreError::Invalid(_) | StoreError::Conflict { .. })) => {
            let message = viewer.prefs.lang.pick(&error.zh(), &error.en()).to_owned();
            match show_page(&state, &viewer, id, Some(message)).await {
                Ok(page) => (StatusCode::BAD_REQUEST, render(&page)).into_response(),
                Err(error) => error.into_response(),
            }
        }
        Err(error) => PageError::store(error, viewer.prefs).into_response(),
    }
}
