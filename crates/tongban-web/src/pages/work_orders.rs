//! Work orders on the portal and at the desks: the public's form for questions, complaints
//! and suggestions (from any guide page with the item filled in), the department's list and
//! answer form. Refusals keep what was typed and mark the field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_domain::work_order::{CONTACT_NAME_MAX, RequestKind, SUBJECT_MAX, TEXT_MAX};
use tongban_store::catalog;
use tongban_store::work_orders::{self, Submitted, WorkOrder};

use super::{Chrome, display_time, refused, render, respond};
use crate::api::work_orders::{WorkOrderRequest, answer_as, desk, submit as take_in};
use crate::auth::Viewer;
use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::AppState;

const DESK_LIST_LIMIT: i64 = 200;

pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
}

fn kinds(lang: Lang) -> Vec<KindOption> {
    RequestKind::ALL
        .into_iter()
        .map(|k| KindOption {
            value: k.as_str(),
            label: lang.pick(k.name_zh(), k.name_en()),
        })
        .collect()
}

pub struct DepartmentOption {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    item_code: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    chrome: Chrome,
    form: ContactForm,
    kinds: Vec<KindOption>,
    departments: Vec<DepartmentOption>,
    /// the item named by the guide page the person came from
    item_name: Option<String>,
    signed_in: bool,
    subject_max: usize,
    text_max: usize,
    contact_name_max: usize,
    error: Option<String>,
    error_field: String,
    done: Option<Submitted>,
}

impl ContactPage {
    fn error_on(&self, field: &str) -> bool {
        self.error.is_some() && self.error_field == field
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactQuery {
    #[serde(default)]
    item: String,
    #[serde(default)]
    kind: String,
}

async fn contact_page(
    state: &AppState,
    viewer: &Viewer,
    form: ContactForm,
    error: Option<&ApiError>,
    done: Option<Submitted>,
) -> Response {
    let lang = viewer.prefs.lang;
    let departments = match catalog::departments(&state.store).await {
        Ok(list) => list
            .into_iter()
            .map(|d| DepartmentOption {
                id: d.id,
                name: d.name,
            })
            .collect(),
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let item_name = match form.item_code.trim() {
        "" => None,
        code => match catalog::current(&state.store, code).await {
            Ok(found) => found.map(|v| v.snapshot.name),
            Err(error) => return PageError::store(error, viewer.prefs).into_response(),
        },
    };
    let (error, error_field) = refused(error, lang);
    let page = ContactPage {
        chrome: Chrome::new(viewer, lang.texts().contact_title, "/contact"),
        kinds: kinds(lang),
        departments,
        item_name,
        signed_in: viewer.actor.is_some(),
        subject_max: SUBJECT_MAX,
        text_max: TEXT_MAX,
        contact_name_max: CONTACT_NAME_MAX,
        error_field,
        error,
        done,
        form,
    };
    respond(&page, None)
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ContactQuery>,
) -> Response {
    let form = ContactForm {
        kind: if RequestKind::parse(&query.kind).is_some() {
            query.kind
        } else {
            RequestKind::Enquiry.as_str().to_owned()
        },
        item_code: query.item,
        ..ContactForm::default()
    };
    contact_page(&state, &viewer, form, None, None).await
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ContactForm>,
) -> Response {
    // nothing chosen (or not a number) is "no department": the domain names the field
    let department_id = form.department_id.trim().parse().ok();
    let blank_to_none = |t: &str| Some(t.to_owned()).filter(|t| !t.trim().is_empty());
    let request = WorkOrderRequest {
        kind: form.kind.clone(),
        subject: form.subject.clone(),
        text: form.text.clone(),
        item_code: blank_to_none(&form.item_code),
        department_id,
        contact_name: blank_to_none(&form.contact_name),
        contact_phone: blank_to_none(&form.contact_phone),
    };
    match take_in(&state, viewer.actor.as_ref(), &request).await {
        Ok(done) => contact_page(&state, &viewer, ContactForm::default(), None, Some(done)).await,
        Err(error) if error.field_name().is_some() => {
            let status = error.status();
            let page = contact_page(&state, &viewer, form, Some(&error), None).await;
            (status, page).into_response()
        }
        Err(error) => PageError::api(error, viewer.prefs).into_response(),
    }
}

/// A work order as a row or a page shows it, in the reader's language.
pub struct WorkOrderView {
    pub id: i64,
    pub number: String,
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub department: String,
    pub contact: String,
    pub submitted: String,
    pub due_on: String,
    pub overdue: bool,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered: Option<String>,
}

pub fn view(order: WorkOrder, lang: Lang, today: &str) -> WorkOrderView {
    WorkOrderView {
        overdue: order.answer.is_none() && order.due_on.as_str() < today,
        id: order.id,
        number: order.number,
        kind: lang.pick(order.kind.name_zh(), order.kind.name_en()),
        subject: order.subject,
        text: order.text,
        department: order.department,
        contact: format!("{} {}", order.contact_name, order.contact_phone),
        submitted: display_time(order.submitted_at),
        due_on: order.due_on,
        answer: order.answer,
        answered_by: order.answered_by,
        answered: order.answered_at.map(display_time),
    }
}

#[derive(Template)]
#[template(path = "work_orders.html")]
struct DeskPage {
    chrome: Chrome,
    orders: Vec<WorkOrderView>,
    open_only: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeskQuery {
    #[serde(default)]
    open: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DeskQuery>,
) -> Response {
    let lang = viewer.prefs.lang;
    let desk = match desk(&viewer) {
        Ok(desk) => desk,
        Err(error) => return PageError::api(error, viewer.prefs).into_response(),
    };
    let open_only = query.open.is_some();
    let key = &state.settings.data_key;
    let today = state.today().to_string();
    match work_orders::list(&state.store, key, &desk, open_only, DESK_LIST_LIMIT).await {
        Ok(orders) => render(&DeskPage {
            chrome: Chrome::new(&viewer, lang.texts().work_orders_title, "/work-orders"),
            orders: orders.into_iter().map(|o| view(o, lang, &today)).collect(),
            open_only,
        }),
        Err(error) => PageError::store(error, viewer.prefs).into_response(),
    }
}

#[derive(Template)]
#[template(path = "work_order.html")]
struct OrderPage {
    chrome: Chrome,
    order: WorkOrderView,
    may_answer: bool,
    typed: String,
    error: Option<String>,
    saved: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct OrderQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn order_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    typed: String,
    error: Option<&ApiError>,
    saved: bool,
) -> Response {
    let lang = viewer.prefs.lang;
    let desk = match desk(viewer) {
        Ok(desk) => desk,
        Err(error) => return PageError::api(error, viewer.prefs).into_response(),
    };
    let order = match work_orders::get(&state.store, &state.settings.data_key, &desk, id).await {
        Ok(order) => order,
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let title = format!("{} {}", lang.texts().work_orders_title, order.number);
    let page = OrderPage {
        chrome: Chrome::new(viewer, &title, &format!("/work-orders/{id}")),
        may_answer: desk.may_answer && order.answer.is_none(),
        order: view(order, lang, &state.today().to_string()),
        typed,
        error: refused(error, lang).0,
        saved,
    };
    respond(&page, error)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<OrderQuery>,
) -> Response {
    order_page(
        &state,
        &viewer,
        id,
        String::new(),
        None,
        query.saved.is_some(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let desk = match desk(&viewer) {
        Ok(desk) => desk,
        Err(error) => return PageError::api(error, viewer.prefs).into_response(),
    };
    match answer_as(&state, &desk, id, &form.answer).await {
        Ok(_) => Redirect::to(&format!("/work-orders/{id}?saved=1")).into_response(),
        Err(error) => order_page(&state, &viewer, id, form.answer, Some(&error), false).await,
    }
}
