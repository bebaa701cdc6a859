//! The clerk's pages for case handling: the inbox (every task with its alert level, working
//! days left and due date) and a case's page (where it stands, its history, its notices, and
//! forms for the acts the case allows now). Acts go through the same code as the API
//! (`api::cases::perform`), so a page can do nothing the API would refuse.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tongban_domain::access::Role;
use tongban_domain::case::{
    CaseResult, Change, Correction, Delivery, Phase, StepAction, StepStatus,
};
use tongban_store::{StoreError, cases, catalog};

use super::case_clock::ClockView;
use super::case_materials::{MaterialRow, compare};
use super::case_reasons::{self, CommonReason, DecisionReasons};
use super::supervision::event_name;
use super::{Chrome, form_field, form_values, render};
use crate::api::case_files;
use crate::api::cases::{
    ActInput, MaterialInput, Reader, TaskDto, may_see, perform, tasks_for, visible_case,
};
use crate::auth::Viewer;
use crate::error::{ApiError, PageError};
use crate::form_body::{self, FormBody};
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

/// An open step as shown, with the acts the viewer may do there (the domain still decides).
pub struct StepRow {
    pub key: String,
    pub name: String,
    pub status: String,
    pub can_approve: bool,
    pub can_reject: bool,
    /// the stage a return goes back to; empty: back to intake
    pub can_return: Option<String>,
    /// Some(false): a special procedure may start here; Some(true): the one here may end
    pub special_procedure: Option<bool>,
    pub can_extend: bool,
    pub can_transfer: bool,
    pub can_request_corrections: bool,
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
    /// handles the case (or applied): may open the applicant's data in full, logged
    may_reveal: bool,
    applicant_full: Option<ApplicantFull>,
    phase: String,
    /// the deciding department
    decided_by: String,
    /// the hall that took it in, and whether that is in another region (跨区通办)
    received: Option<(String, bool)>,
    /// the case's clock, once accepted and until closed: (due date, working days left,
    /// alert level) or, while it is stopped or cannot be read, why
    clock: Option<ClockView>,
    steps: Vec<StepRow>,
    events: Vec<EventRow>,
    /// the notices this case has (acceptance, refusal, corrections)
    notices: Vec<(&'static str, &'static str)>,
    /// the guide's materials beside what was handed in
    materials: Vec<MaterialRow>,
    /// the other departments a misrouted case may go to: (id, name)
    departments: Vec<(i64, String)>,
    can_intake: bool,
    /// a fresh idempotency key for the page's forms: an act sent twice acts once
    request_key: String,
    /// the reform office's common refusal reasons, with their legal basis
    refusal_reasons: Vec<CommonReason>,
    /// the back office's common reasons for rejecting, returning, transferring, extending
    decision_reasons: DecisionReasons,
    /// deferrable materials not handed in: what 容缺受理 may leave for later
    deferrable: Vec<String>,
    /// the one-time notice has not gone out in this intake round
    can_request_corrections: bool,
    /// the materials the notice asked for, when the applicant may now bring them
    corrections: Vec<String>,
    /// the applicant supplies (uploads files); staff tick what was brought in paper
    supply_by_upload: bool,
    /// the guide allows 告知承诺: intake may approve on the applicant's pledge
    can_accept_on_pledge: bool,
    /// the pledge's check is owed and the viewer's department does it: its due date
    post_check_due: Option<String>,
    can_close: bool,
    approved: bool,
    can_deliver: bool,
    error: Option<String>,
    notice: Option<String>,
}

/// The applicant's personal data, opened for one view.
struct ApplicantFull {
    name: String,
    id_number: String,
    phone: String,
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
    let department = |id: i64| async move {
        catalog::department(&state.store, id)
            .await
            .map_err(|e| PageError::store(e, prefs))
    };
    let decider = department(case.department_id).await?;
    let received = match case.received_at {
        Some(hall) => department(hall).await?.map(|hall| {
            let elsewhere = decider
                .as_ref()
                .is_some_and(|d| d.region_code != hall.region_code);
            (hall.name, elsewhere)
        }),
        None => None,
    };
    let staff_of =
        |department: i64| actor.has(Role::WindowClerk) || actor.department_id == Some(department);
    let extension_used = case
        .clock
        .as_ref()
        .is_some_and(|c| !c.extensions.is_empty());
    let steps: Vec<StepRow> = case
        .open_steps
        .iter()
        .filter_map(|open| {
            let definition = case.process.step(case.process.position_of(&open.key)?)?;
            let mine = actor.has(definition.role) && staff_of(case.step_department(definition));
            let free = !matches!(open.status, StepStatus::ApprovedBy(_));
            let allows = |action| mine && free && definition.actions.contains(&action);
            let status = match &open.status {
                StepStatus::Waiting => lang.pick("待办", "waiting").to_owned(),
                StepStatus::ClaimedBy(who) => {
                    format!("{} {who}", lang.pick("已签收", "claimed by"))
                }
                StepStatus::ApprovedBy(who) => {
                    format!("{} {who}", lang.pick("已通过", "approved by"))
                }
            };
            let special_here = case
                .special_procedure
                .as_ref()
                .map(|(step, _)| step == &open.key);
            Some(StepRow {
                key: open.key.clone(),
                name: definition.name.clone(),
                status,
                can_approve: allows(StepAction::Approve),
                can_reject: allows(StepAction::Reject),
                can_return: allows(StepAction::Return).then(|| {
                    case.stage
                        .checked_sub(1)
                        .map(|s| s.to_string())
                        .unwrap_or_default()
                }),
                special_procedure: match special_here {
                    _ if !allows(StepAction::SpecialProcedure) => None,
                    None => Some(false),
                    Some(here) => here.then_some(true),
                },
                // 延期 is the deciding department's head's to grant, once.
                can_extend: definition.actions.contains(&StepAction::Extension)
                    && actor.has(Role::DepartmentHead)
                    && actor.department_id == Some(case.department_id)
                    && !extension_used,
                can_transfer: allows(StepAction::Transfer),
                can_request_corrections: allows(StepAction::RequestCorrections),
            })
        })
        .collect();
    let departments = if steps.iter().any(|s| s.can_transfer) {
        catalog::departments(&state.store)
            .await
            .map_err(|e| PageError::store(e, prefs))?
            .into_iter()
            .filter(|d| d.id != case.department_id)
            .map(|d| (d.id, d.name))
            .collect()
    } else {
        Vec::new()
    };
    let applied_under = catalog::version(
        &state.store,
        &case.implementation_code,
        case.implementation_version,
    )
    .await
    .map_err(|e| PageError::store(e, prefs))?;
    let materials = compare(
        id,
        applied_under
            .as_ref()
            .and_then(|v| v.snapshot.guide.as_ref()),
        &case.materials,
        lang,
    );
    let intake_staff = actor.has(Role::WindowClerk)
        || (actor.roles.iter().any(|r| r.is_department_staff())
            && actor.department_id == Some(case.department_id));
    let can_intake = intake_staff && case.phase == Phase::Submitted;
    let refusal_reasons = if can_intake {
        case_reasons::for_act(&state.store, "refuse")
            .await
            .map_err(|e| PageError::store(e, prefs))?
    } else {
        Vec::new()
    };
    let decides = steps
        .iter()
        .any(|s| s.can_reject || s.can_return.is_some() || s.can_transfer || s.can_extend);
    let decision_reasons = if decides {
        DecisionReasons::load(&state.store)
            .await
            .map_err(|e| PageError::store(e, prefs))?
    } else {
        DecisionReasons::default()
    };
    let reader = Reader::load(state)
        .await
        .map_err(|e| PageError::api(e, prefs))?;
    let clock = reader
        .case_clock(case, state.today())
        .and_then(ClockView::of);
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
            "closed"
                if !matches!(
                    e.change,
                    Change::Closed {
                        result: CaseResult::None,
                        ..
                    }
                ) =>
            {
                Some(("result", lang.pick("办理结果通知书", "result notice")))
            }
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
        may_reveal: crate::api::case_files::may_read_files(actor, &stored),
        applicant_full: None,
        decided_by: decider.map(|d| d.name).unwrap_or_default(),
        received,
        clock,
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
                // 代办: who acted, and for whom in what capacity
                actor: match &e.on_behalf {
                    Some(on_behalf) => format!(
                        "{}（{}{}）",
                        e.actor,
                        lang.pick(on_behalf.capacity.name_zh(), on_behalf.capacity.name_en()),
                        on_behalf
                            .organisation
                            .as_deref()
                            .map(|o| format!(" {o}"))
                            .unwrap_or_default()
                    ),
                    None => e.actor.clone(),
                },
            })
            .collect(),
        notices,
        materials,
        departments,
        can_intake,
        request_key: crate::auth::hex_token(),
        refusal_reasons,
        decision_reasons,
        can_accept_on_pledge: case.pledge_allowed,
        post_check_due: case
            .post_check
            .as_ref()
            .filter(|c| c.outcome.is_none())
            .filter(|_| {
                actor.roles.iter().any(|r| r.is_department_staff())
                    && actor.department_id == Some(case.department_id)
            })
            .map(|c| c.by.to_string()),
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
            (Some(pending), false)
                if case.phase == Phase::AwaitingCorrections
                    && stored.applicant_user_id == Some(actor.user_id) =>
            {
                pending.items.iter().map(|c| c.material.clone()).collect()
            }
            _ => Vec::new(),
        },
        supply_by_upload: !intake_staff,
        can_close: intake_staff && matches!(case.phase, Phase::Decided { .. }),
        approved: matches!(case.phase, Phase::Decided { approved: true }),
        can_deliver: intake_staff && case.phase.awaits_delivery(),
        error,
        notice,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct ShowQuery {
    /// set after an act: say it was done
    done: Option<String>,
    /// `applicant`: show the applicant's personal data in full (logged)
    reveal: Option<String>,
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
    let mut page = match case_page(&state, &viewer, id, None, notice).await {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    if query.reveal.as_deref() == Some("applicant") && page.may_reveal {
        match reveal_applicant(&state, &viewer, id).await {
            Ok(full) => page.applicant_full = Some(full),
            Err(error) => return PageError::store(error, viewer.prefs).into_response(),
        }
    }
    render(&page)
}

/// Opens the applicant's sealed personal data for someone who handles the case, and
/// writes the view to the audit log first: no unmasked view goes unrecorded.
async fn reveal_applicant(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<ApplicantFull, tongban_store::StoreError> {
    let actor = viewer
        .actor
        .as_ref()
        .expect("case pages are for signed-in accounts");
    let applicant = cases::applicant(&state.store, &state.settings.data_key, id).await?;
    let mut tx = state.store.write().await?;
    let role = actor.roles.first().map(|r| r.as_str()).unwrap_or_default();
    tongban_store::audit::append(
        &mut tx,
        &tongban_store::audit::AuditEntry {
            at_millis: state.now_millis(),
            actor: &actor.username,
            role,
            action: "personal_data.view",
            subject: &format!("case:{id}"),
            detail: "{\"fields\":[\"name\",\"id_number\",\"phone\"]}",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ApplicantFull {
        name: applicant.name,
        id_number: applicant.id_number,
        phone: applicant.phone,
    })
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
    to_stage: String,
    excluded_by_law: bool,
    department: String,
    on_pledge: bool,
    compliant: String,
    /// a common reason chosen by its place in the act's list, for a reason left empty
    template: String,
    materials: Vec<String>,
    /// files the applicant uploaded with the form, already kept: (material, sha256)
    uploaded: Vec<(String, String)>,
    /// the form's idempotency key: sent again (a double click, a reload), it acts once
    request_key: Option<String>,
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
            to_stage: field("to_stage"),
            excluded_by_law: !field("excluded_by_law").is_empty(),
            department: field("department"),
            on_pledge: !field("on_pledge").is_empty(),
            compliant: field("compliant"),
            template: field("template"),
            materials: form_values(pairs, "material"),
            uploaded: Vec::new(),
            request_key: Some(field("request_key")).filter(|k| !k.is_empty() && k.len() <= 128),
        }
    }
}

/// An act whose reason (or a refusal's basis) was left empty takes them from the common
/// reason chosen; without JavaScript this is how the lists are used, with it the fields are
/// filled in the page and may be edited first.
async fn fill_from_template(state: &AppState, form: &mut ActForm) -> Result<(), StoreError> {
    if !(form.text.is_empty() || (form.act == "refuse" && form.basis.is_empty())) {
        return Ok(());
    }
    if let Some(reason) = case_reasons::chosen(&state.store, &form.act, &form.template).await? {
        if form.text.is_empty() {
            form.text = reason.text;
        }
        if form.basis.is_empty() && form.act == "refuse" {
            form.basis = reason.basis;
        }
    }
    Ok(())
}

/// Keeps the files a form carried (`upload.{i}`, for the material named `upload_name.{i}`)
/// under the actor; answers (material, sha256) for each.
async fn keep_uploads(
    state: &AppState,
    actor: &tongban_domain::access::Actor,
    form: &FormBody,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut kept = Vec::new();
    for file in &form.files {
        let Some(i) = file.field.strip_prefix("upload.") else {
            continue;
        };
        let Some(material) = form.field(&format!("upload_name.{i}")) else {
            continue;
        };
        let stored = case_files::keep(
            state,
            actor,
            &format!("materials[{i}]"),
            &file.file_name,
            &file.content,
        )
        .await?;
        kept.push((material.to_owned(), stored.sha256));
    }
    Ok(kept)
}

fn act_of(form: ActForm) -> Result<ActInput, ApiError> {
    let missing = |field: &str, zh: &str, en: &str| {
        ApiError::from(tongban_domain::FieldError::new(field, zh, en))
    };
    Ok(match form.act.as_str() {
        "request_corrections" => ActInput::RequestCorrections {
            // from a back-office step, or (no step) at intake
            step: (!form.step.is_empty()).then_some(form.step),
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
                .chain(
                    form.uploaded
                        .into_iter()
                        .map(|(name, sha256)| MaterialInput {
                            name,
                            sha256: Some(sha256),
                            paper: false,
                        }),
                )
                .collect(),
            version: None,
        },
        "return" => ActInput::Return {
            step: form.step,
            to_stage: match form.to_stage.as_str() {
                "" => None,
                stage => Some(stage.parse().map_err(|_| {
                    missing(
                        "to_stage",
                        "退回环节无法识别",
                        "the stage to return to is not understood",
                    )
                })?),
            },
            reason: form.text,
            version: None,
        },
        "start_special_procedure" => ActInput::StartSpecialProcedure {
            step: form.step,
            name: form.text,
            excluded_by_law: form.excluded_by_law,
            version: None,
        },
        "end_special_procedure" => ActInput::EndSpecialProcedure {
            step: form.step,
            version: None,
        },
        "extend" => ActInput::Extend {
            step: form.step,
            reason: form.text,
            version: None,
        },
        "transfer" => ActInput::Transfer {
            step: form.step,
            to_department_id: form
                .department
                .parse()
                .map_err(|_| missing("to_department", "请选择转办部门", "choose the department"))?,
            reason: form.text,
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
            on_pledge: form.on_pledge,
            version: None,
        },
        "complete_post_check" => ActInput::CompletePostCheck {
            compliant: match form.compliant.as_str() {
                "yes" => true,
                "no" => false,
                _ => {
                    return Err(missing(
                        "compliant",
                        "请选择核查结论",
                        "choose what the check found",
                    ));
                }
            },
            finding: form.text,
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
    request: Request,
) -> Response {
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let Some(body) = form_body::read(request).await else {
        return PageError::bad_request(viewer.prefs).into_response();
    };
    let lang = viewer.prefs.lang;
    let mut form = ActForm::read(&body.fields);
    // Files are kept only for an act that hands them in, on a case the actor may see.
    let uploads = async {
        if form.act != "supply_corrections" || body.files.is_empty() {
            return Ok(Vec::new());
        }
        visible_case(&state, actor, id).await?;
        keep_uploads(&state, actor, &body).await
    };
    let outcome = match uploads.await {
        Ok(uploaded) => {
            form.uploaded = uploaded;
            if let Err(error) = fill_from_template(&state, &mut form).await {
                return PageError::store(error, viewer.prefs).into_response();
            }
            let key = form.request_key.clone();
            match act_of(form) {
                Ok(act) => match Reader::load(&state).await {
                    Ok(reader) => perform(&state, &reader, actor, id, act, key)
                        .await
                        .map(|(_, query_password)| query_password),
                    Err(error) => Err(error),
                },
                Err(error) => Err(error),
            }
        }
        Err(error) => Err(error),
    };
    match outcome {
        // Accepted: the query password exists only now (the case keeps a fingerprint), so the
        // page that shows it is the answer itself, for the window to hand to the applicant;
        // sent again with the form's key (a double click, a reload) it shows the same one.
        Ok(Some(query_password)) => {
            let t = lang.texts();
            let notice = format!(
                "{} {}：{query_password}（{}）",
                t.act_done, t.progress_password, t.query_password_once
            );
            match case_page(&state, &viewer, id, None, Some(notice)).await {
                // Not kept by the browser: the password is on the page only.
                Ok(page) => (
                    [(axum::http::header::CACHE_CONTROL, "no-store")],
                    render(&page),
                )
                    .into_response(),
                Err(error) => error.into_response(),
            }
        }
        Ok(None) => Redirect::to(&format!("/cases/{id}?done=1")).into_response(),
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
