//! The clerk's pages for case handling: the inbox (every task with its alert level, working
//! days left and due date) and a case's page (where it stands, its history, its notices, and
//! forms for the acts the case allows now). Acts go through the same code as the API
//! (`api::cases::perform`), so a page can do nothing the API would refuse.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tongban_domain::access::Role;
use tongban_domain::case::{CaseResult, Correction, Delivery, Phase, StepAction, StepStatus};
use tongban_store::{cases, catalog};

use super::supervision::event_name;
use super::{Chrome, form_field, form_values, render};
use crate::api::cases::{ActInput, MaterialInput, TaskDto, may_see, perform, tasks_for};
use crate::auth::Viewer;
use crate::error::{ApiError, PageError};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    tasks: Vec<TaskDto>,
}

pub async fn inbox(State(state): State<AppState>, viewer: Viewer) -> Response {
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    match tasks_for(&state, actor, 200).await {
        Ok(tasks) => render(&InboxPage {
            chrome: Chrome::new(&viewer, viewer.prefs.lang.texts().inbox_title, "/inbox"),
            tasks,
        }),
        Err(_) => PageError::bad_request(viewer.prefs).into_response(),
    }
}

/// An open step as shown, with the acts the viewer may do there.
pub struct StepRow {
    pub key: String,
    pub name: String,
    pub status: String,
    pub can_approve: bool,
    pub can_reject: bool,
}

pub struct EventRow {
    pub on: String,
    pub what: &'static str,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    id: i64,
    number: String,
    item: String,
    applicant: String,
    phase: String,
    steps: Vec<StepRow>,
    events: Vec<EventRow>,
    /// the notices this case has (acceptance, refusal, corrections)
    notices: Vec<(&'static str, &'static str)>,
    can_intake: bool,
    /// deferrable materials not handed in: what 容缺受理 may leave for later
    deferrable: Vec<String>,
    /// the one-time notice has not gone out in this intake round
    can_request_corrections: bool,
    /// the materials the notice asked for, when the applicant may now bring them
    corrections: Vec<String>,
    can_close: bool,
    approved: bool,
    can_deliver: bool,
    error: Option<String>,
    notice: Option<String>,
}

async fn case_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    error: Option<String>,
    notice: Option<String>,
) -> Result<CasePage, PageError> {
    let prefs = viewer.prefs;
    let actor = viewer
        .actor
        .as_ref()
        .ok_or_else(|| PageError::forbidden(prefs))?;
    let stored = cases::load(&state.store, id)
        .await
        .map_err(|e| PageError::store(e, prefs))?
        .ok_or_else(|| PageError::not_found(prefs))?;
    if !may_see(actor, &stored) {
        return Err(PageError::forbidden(prefs));
    }
    let lang = prefs.lang;
    let case = &stored.case;
    let item = catalog::current(&state.store, &case.implementation_code)
        .await
        .map_err(|e| PageError::store(e, prefs))?
        .map(|v| v.snapshot.name)
        .unwrap_or_default();
    let staff_of =
        |department: i64| actor.has(Role::WindowClerk) || actor.department_id == Some(department);
    let steps = case
        .open_steps
        .iter()
        .filter_map(|open| {
            let definition = case.process.step(case.process.position_of(&open.key)?)?;
            let mine = actor.has(definition.role) && staff_of(case.step_department(definition));
            let free = !matches!(open.status, StepStatus::ApprovedBy(_));
            let status = match &open.status {
                StepStatus::Waiting => lang.pick("待办", "waiting").to_owned(),
                StepStatus::ClaimedBy(who) => {
                    format!("{} {who}", lang.pick("已签收", "claimed by"))
                }
                StepStatus::ApprovedBy(who) => {
                    format!("{} {who}", lang.pick("已通过", "approved by"))
                }
            };
            Some(StepRow {
                key: open.key.clone(),
                name: definition.name.clone(),
                status,
                can_approve: mine && free && definition.actions.contains(&StepAction::Approve),
                can_reject: mine && free && definition.actions.contains(&StepAction::Reject),
            })
        })
        .collect();
    let intake_staff = actor.has(Role::WindowClerk)
        || (actor.roles.iter().any(|r| r.is_department_staff())
            && actor.department_id == Some(case.department_id));
    let notices = stored
        .events
        .iter()
        .filter_map(|e| match e.change.kind() {
            "accepted" => Some(("acceptance", lang.pick("受理通知书", "acceptance notice"))),
            "refused" => Some(("refusal", lang.pick("不予受理通知书", "refusal notice"))),
            "corrections_requested" => Some((
                "corrections",
                lang.pick("补齐补正告知书", "correction notice"),
            )),
            _ => None,
        })
        .fold(Vec::new(), |mut all, n| {
            if !all.contains(&n) {
                all.push(n);
            }
            all
        });
    Ok(CasePage {
        chrome: Chrome::new(viewer, lang.texts().case_title, &format!("/cases/{id}")),
        id,
        number: case.case_number.clone().unwrap_or_else(|| format!("#{id}")),
        item,
        applicant: stored.applicant_name_masked.clone(),
        phase: lang
            .pick(case.phase.name_zh(), case.phase.name_en())
            .to_owned(),
        steps,
        events: stored
            .events
            .iter()
            .map(|e| EventRow {
                on: e.on.to_string(),
                what: event_name(e.change.kind(), lang),
                actor: e.actor.clone(),
            })
            .collect(),
        notices,
        can_intake: intake_staff && case.phase == Phase::Submitted,
        deferrable: case
            .deferrable
            .iter()
            .filter(|name| !case.materials.iter().any(|m| &m.name == *name))
            .cloned()
            .collect(),
        can_request_corrections: intake_staff
            && case.phase == Phase::Submitted
            && !case.intake_corrections_issued,
        corrections: match (&case.corrections, intake_staff) {
            (Some(pending), true) if case.phase == Phase::AwaitingCorrections => {
                pending.items.iter().map(|c| c.material.clone()).collect()
            }
            _ => Vec::new(),
        },
        can_close: intake_staff && matches!(case.phase, Phase::Decided { .. }),
        approved: matches!(case.phase, Phase::Decided { approved: true }),
        can_deliver: intake_staff
            && matches!(case.phase, Phase::Closed { .. })
            && !case.phase.is_final(),
        error,
        notice,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct ShowQuery {
    /// set after an act: say it was done
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let notice = query
        .done
        .map(|_| viewer.prefs.lang.texts().act_done.to_owned());
    match case_page(&state, &viewer, id, None, notice).await {
        Ok(page) => render(&page),
        Err(error) => error.into_response(),
    }
}

/// The act form's fields: which act, and what it needs (`material` may repeat).
struct ActForm {
    act: String,
    step: String,
    text: String,
    basis: String,
    kind: String,
    number: String,
    deadline: String,
    materials: Vec<String>,
}

impl ActForm {
    fn read(pairs: &[(String, String)]) -> ActForm {
        let field = |name: &str| form_field(pairs, name);
        ActForm {
            act: field("act"),
            step: field("step"),
            text: field("text"),
            basis: field("basis"),
            kind: field("kind"),
            number: field("number"),
            deadline: field("deadline"),
            materials: form_values(pairs, "material"),
        }
    }
}

fn act_of(form: ActForm) -> Result<ActInput, ApiError> {
    let missing = |field: &str, zh: &str, en: &str| {
        ApiError::from(tongban_domain::FieldError::new(field, zh, en))
    };
    Ok(match form.act.as_str() {
        "request_corrections" => ActInput::RequestCorrections {
            step: None,
            items: form
                .text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|line| {
                    let (material, problem) = line.split_once(['：', ':']).unwrap_or((line, ""));
                    Correction {
                        material: material.trim().to_owned(),
                        problem: problem.trim().to_owned(),
                    }
                })
                .collect(),
            deadline: form
                .deadline
                .parse()
                .map_err(|_| missing("deadline", "请选择补正期限", "choose the deadline"))?,
            version: None,
        },
        "supply_corrections" => ActInput::SupplyCorrections {
            materials: form
                .materials
                .into_iter()
                .map(|name| MaterialInput {
                    name,
                    sha256: None,
                    paper: true,
                })
                .collect(),
            version: None,
        },
        // 容缺: the deferred materials ticked, with the date they are promised by.
        "accept" if !form.materials.is_empty() => ActInput::Accept {
            deficiencies: form.materials,
            promised_on: Some(form.deadline.parse().map_err(|_| {
                missing(
                    "deadline",
                    "请选择容缺材料的承诺补齐日期",
                    "choose the date the deferred materials are promised by",
                )
            })?),
            on_pledge: false,
            version: None,
        },
        "accept" => ActInput::Accept {
            deficiencies: Vec::new(),
            promised_on: None,
            on_pledge: false,
            version: None,
        },
        "refuse" => ActInput::Refuse {
            reason: form.text,
            legal_basis: form.basis,
            version: None,
        },
        "approve" => ActInput::Approve {
            step: form.step,
            opinion: form.text,
            version: None,
        },
        "reject" => ActInput::Reject {
            step: form.step,
            reason: form.text,
            version: None,
        },
        "close" => ActInput::Close {
            result: match form.kind.as_str() {
                "licence" => CaseResult::Licence {
                    number: form.number,
                },
                "certificate" => CaseResult::Certificate {
                    number: form.number,
                },
                "approval_document" => CaseResult::ApprovalDocument {
                    number: form.number,
                },
                "refusal_decision" => CaseResult::RefusalDecision {
                    number: form.number,
                },
                _ => return Err(missing("kind", "请选择办结结果", "choose the result")),
            },
            version: None,
        },
        "deliver" => ActInput::Deliver {
            delivery: match form.kind.as_str() {
                "window" => Delivery::Window {
                    signed_by: form.text,
                },
                "mail" => Delivery::Mail {
                    tracking_number: form.number,
                },
                "electronic" => Delivery::Electronic,
                _ => {
                    return Err(missing(
                        "kind",
                        "请选择送达方式",
                        "choose how it is delivered",
                    ));
                }
            },
            version: None,
        },
        _ => {
            return Err(missing(
                "act",
                "无法识别的操作",
                "the act is not understood",
            ));
        }
    })
}

/// Does the act the form names; back to the case page, saying what happened (or why not,
/// with nothing changed).
pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let form = ActForm::read(&pairs);
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let lang = viewer.prefs.lang;
    let outcome = match act_of(form) {
        Ok(act) => perform(&state, actor, id, act, None).await.map(|_| ()),
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("/cases/{id}?done=1")).into_response(),
        Err(error) => {
            let status = error.status();
            if status == StatusCode::NOT_FOUND {
                return PageError::not_found(viewer.prefs).into_response();
            }
            let message = error.message(lang).to_owned();
            match case_page(&state, &viewer, id, Some(message), None).await {
                Ok(page) => (status, render(&page)).into_response(),
                Err(error) => error.into_response(),
            }
        }
    }
}
