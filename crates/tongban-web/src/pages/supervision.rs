//! The supervision dashboard (电子监察) for the supervisor: open cases by department and
//! alert level, the overdue list, the trend of alerts, and each case's timeline.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_domain::case::alert_subject;
use tongban_domain::time_limit::AlertLevel;
use tongban_store::{cases, supervision};

use super::{Chrome, display_time, render};
use crate::auth::Viewer;
use crate::charts;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::state::AppState;

/// The longest list the dashboard shows; the API pages through all of them.
const LIST_LIMIT: usize = 30;

pub struct DepartmentRow {
    pub name: String,
    pub open: i64,
    pub warning: i64,
    pub yellow: i64,
    pub red: i64,
}

pub struct AlertRow {
    pub id: i64,
    /// not resolved yet: a supervisor may close it with a note
    pub open: bool,
    pub note: String,
    pub case_id: i64,
    pub case_number: String,
    pub department: String,
    pub step: String,
    pub level: &'static str,
    pub level_name: String,
    pub raised_on: String,
    pub responsible: String,
    pub resolution: String,
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct DashboardPage {
    chrome: Chrome,
    labels: Labels,
    totals: [i64; 4],
    departments: Vec<DepartmentRow>,
    overdue: Vec<AlertRow>,
    open_alerts: Vec<AlertRow>,
    overdue_total: usize,
    open_alerts_total: usize,
    departments_chart: String,
    trend_chart: String,
    /// the case number looked up and not found
    not_found: Option<String>,
}

/// The page's words in the reader's language.
pub struct Labels {
    pub open_cases: &'static str,
    pub warning: &'static str,
    pub yellow: &'static str,
    pub red: &'static str,
    pub department: &'static str,
    pub overdue: &'static str,
    pub open_alerts: &'static str,
    pub case_number: &'static str,
    pub step: &'static str,
    pub raised_on: &'static str,
    pub responsible: &'static str,
    pub level: &'static str,
    pub resolution: &'static str,
    pub none: &'static str,
    pub timeline: &'static str,
    pub phase: &'static str,
    pub due_on: &'static str,
    pub remaining: &'static str,
    pub back: &'static str,
    pub alerts: &'static str,
    pub showing_first: &'static str,
    pub implementation: &'static str,
    pub resolve: &'static str,
    pub note: &'static str,
    pub find_case: &'static str,
    pub find: &'static str,
    pub not_found: &'static str,
}

fn labels(lang: Lang) -> Labels {
    let p = |zh, en| lang.pick(zh, en);
    Labels {
        open_cases: p("在办件", "Open cases"),
        warning: p("预警", "Warning"),
        yellow: p("黄牌", "Yellow card"),
        red: p("红牌", "Red card"),
        department: p("部门", "Department"),
        overdue: p("超期办件（红牌）", "Overdue (red card)"),
        open_alerts: p("未处理的预警", "Open alerts"),
        case_number: p("办件编号", "Case number"),
        step: p("环节", "Step"),
        raised_on: p("发出日期", "Raised on"),
        responsible: p("责任人", "Responsible"),
        level: p("级别", "Level"),
        resolution: p("处理结果", "Resolution"),
        none: p("暂无", "None"),
        timeline: p("办理记录", "Timeline"),
        phase: p("办件状态", "Status"),
        due_on: p("办结期限", "Due"),
        remaining: p("剩余工作日", "Working days left"),
        back: p("返回电子监察", "Back to supervision"),
        alerts: p("预警记录", "Alerts"),
        implementation: p("事项编码", "Item code"),
        showing_first: p("仅显示最近的30条，共", "Showing the latest 30 of"),
        resolve: p("核处", "Resolve"),
        note: p("核处说明", "How it was dealt with"),
        find_case: p("按办件编号查找", "Find a case by its number"),
        find: p("查找", "Find"),
        not_found: p("没有这个编号的办件", "No case has this number"),
    }
}

fn level_name(level: AlertLevel, lang: Lang) -> String {
    let (zh, en) = level.names();
    lang.pick(zh, en).to_owned()
}

fn alert_row(a: supervision::Alert, lang: Lang) -> AlertRow {
    AlertRow {
        id: a.id,
        open: a.resolved_at.is_none(),
        note: a.resolution_note.unwrap_or_default(),
        case_id: a.case_id,
        case_number: a.case_number.unwrap_or_else(|| format!("#{}", a.case_id)),
        department: a.department,
        step: {
            let (zh, en) = alert_subject(&a.step, &a.step_name);
            lang.pick(&zh, &en).to_owned()
        },
        level: a.level.as_str(),
        level_name: level_name(a.level, lang),
        raised_on: a.raised_on,
        responsible: a.responsible.unwrap_or_else(|| "—".to_owned()),
        resolution: match a.resolution.as_deref() {
            None => lang.pick("未处理", "open"),
            Some("escalated") => lang.pick("已升级", "escalated"),
            Some("resolved") => lang.pick("已核处", "resolved"),
            Some(_) => lang.pick("已办理", "acted on"),
        }
        .to_owned(),
    }
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    /// a case number to go to (a complaint names one; it need not be alerted)
    #[serde(default)]
    case: Option<String>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let lang = viewer.prefs.lang;
    let l = labels(lang);
    let store_error = |e| PageError::store(e, viewer.prefs).into_response();
    let wanted = query
        .case
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if let Some(number) = &wanted {
        match cases::id_of(&state.store, number).await {
            Ok(Some(id)) => {
                return Redirect::to(&format!("/supervision/cases/{id}")).into_response();
            }
            Ok(None) => {}
            Err(e) => return store_error(e),
        }
    }
    let figures = match supervision::figures(&state.store, state.today()).await {
        Ok(f) => f,
        Err(e) => return store_error(e),
    };
    let open = match supervision::alerts(&state.store, true, None, None, 500).await {
        Ok(a) => a,
        Err(e) => return store_error(e),
    };
    let today = state.today();
    let since = today
        .checked_sub(jiff::Span::new().days(29))
        .unwrap_or(today);
    let trend = match supervision::raised_per_day(&state.store, since).await {
        Ok(t) => t,
        Err(e) => return store_error(e),
    };
    let mut totals = [0i64; 4];
    for f in &figures {
        totals[0] += f.open_cases;
        totals[1] += f.warning;
        totals[2] += f.yellow;
        totals[3] += f.red;
    }
    let title_departments = lang.pick("各部门在办件的预警", "Alerts on open cases by department");
    let departments_chart = charts::stacked_bars(
        title_departments,
        &figures
            .iter()
            .map(|f| (f.department.clone(), [f.warning, f.yellow, f.red]))
            .collect::<Vec<_>>(),
        [l.warning, l.yellow, l.red],
    );
    let days: Vec<String> = (0..30)
        .filter_map(|i| since.checked_add(jiff::Span::new().days(i)).ok())
        .map(|d| d.to_string())
        .collect();
    let mut series = [
        vec![0i64; days.len()],
        vec![0; days.len()],
        vec![0; days.len()],
    ];
    for (day, level, count) in trend {
        if let (Some(i), Some(s)) = (
            days.iter().position(|d| *d == day),
            match level {
                AlertLevel::Warning => Some(0),
                AlertLevel::Yellow => Some(1),
                AlertLevel::Red => Some(2),
                AlertLevel::None => None,
            },
        ) {
            series[s][i] += count;
        }
    }
    let trend_chart = charts::daily_lines(
        lang.pick("近30日每日新发预警", "Alerts raised per day, last 30 days"),
        &days,
        [&series[0], &series[1], &series[2]],
        [l.warning, l.yellow, l.red],
    );
    let (mut overdue, mut others): (Vec<_>, Vec<_>) = open
        .into_iter()
        .map(|a| alert_row(a, lang))
        .partition(|a| a.level == "red");
    let counts = (overdue.len(), others.len());
    overdue.truncate(LIST_LIMIT);
    others.truncate(LIST_LIMIT);
    let page = DashboardPage {
        chrome: Chrome::new(
            &viewer,
            lang.pick("电子监察", "Electronic supervision"),
            "/supervision",
        ),
        totals,
        departments: figures
            .into_iter()
            .map(|f| DepartmentRow {
                name: f.department,
                open: f.open_cases,
                warning: f.warning,
                yellow: f.yellow,
                red: f.red,
            })
            .collect(),
        overdue,
        open_alerts: others,
        overdue_total: counts.0,
        open_alerts_total: counts.1,
        departments_chart,
        trend_chart,
        labels: l,
        not_found: wanted,
    };
    render(&page)
}

pub struct EventRow {
    pub time: String,
    pub event: String,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "supervision_case.html")]
struct CasePage {
    chrome: Chrome,
    labels: Labels,
    case_number: String,
    implementation_code: String,
    phase: String,
    due_on: String,
    remaining: String,
    events: Vec<EventRow>,
    alerts: Vec<AlertRow>,
}

/// What happened, in words.
pub fn event_name(kind: &str, lang: Lang) -> &'static str {
    let (zh, en) = match kind {
        "submitted" => ("提交申请", "applied"),
        "accepted" => ("受理", "accepted"),
        "refused" => ("不予受理", "refused"),
        "corrections_requested" => ("一次性告知补正", "corrections requested"),
        "corrections_supplied" => ("补正材料", "corrections supplied"),
        "corrections_timed_out" => ("补正超时", "corrections timed out"),
        "deficiencies_supplied" => ("补交容缺材料", "deferred materials supplied"),
        "step_claimed" => ("签收", "claimed"),
        "step_released" => ("退签", "released"),
        "step_approved" => ("通过", "approved"),
        "step_rejected" => ("不予许可", "rejected"),
        "returned" => ("退回", "returned"),
        "post_check_completed" => ("告知承诺事后核查", "pledge checked"),
        "special_procedure_started" => ("启动特别程序", "special procedure started"),
        "special_procedure_ended" => ("特别程序结束", "special procedure ended"),
        "extension_granted" => ("批准延期", "extended"),
        "transferred" => ("转办", "transferred"),
        "closed" => ("办结", "closed"),
        "delivered" => ("送达", "delivered"),
        _ => ("其他", "other"),
    };
    lang.pick(zh, en)
}

pub async fn case_timeline(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    let lang = viewer.prefs.lang;
    let l = labels(lang);
    let stored = match cases::load(&state.store, id).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return PageError::not_found(viewer.prefs).into_response(),
        Err(e) => return PageError::store(e, viewer.prefs).into_response(),
    };
    let alerts = match supervision::alerts(&state.store, false, None, Some(id), 100).await {
        Ok(a) => a,
        Err(e) => return PageError::store(e, viewer.prefs).into_response(),
    };
    let calendar = match state.calendar.get(&state.store).await {
        Ok(c) => c,
        Err(e) => return PageError::store(e, viewer.prefs).into_response(),
    };
    let settings = match cases::time_limit_settings(&state.store).await {
        Ok(s) => s,
        Err(e) => return PageError::store(e, viewer.prefs).into_response(),
    };
    let reading = stored
        .case
        .clock
        .as_ref()
        .map(|c| c.read(&calendar, state.today(), &settings));
    let (due_on, remaining) = match reading {
        Some(Ok(r)) => (
            r.due_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| lang.pick("计时暂停", "clock stopped").to_owned()),
            r.remaining_days.to_string(),
        ),
        Some(Err(e)) => {
            use tongban_domain::Bilingual;
            (lang.pick(&e.zh(), &e.en()).to_owned(), "—".to_owned())
        }
        None => ("—".to_owned(), "—".to_owned()),
    };
    let case = &stored.case;
    let page = CasePage {
        chrome: Chrome::new(&viewer, l.timeline, &format!("/supervision/cases/{id}")),
        case_number: case.case_number.clone().unwrap_or_else(|| format!("#{id}")),
        implementation_code: case.implementation_code.clone(),
        phase: lang
            .pick(case.phase.name_zh(), case.phase.name_en())
            .to_owned(),
        due_on,
        remaining,
        events: stored
            .events
            .iter()
            .map(|e| EventRow {
                time: display_time(e.at_millis),
                event: event_name(e.change.kind(), lang).to_owned(),
                actor: format!(
                    "{}（{}）",
                    e.actor,
                    lang.pick(e.role.name_zh(), e.role.name_en())
                ),
            })
            .collect(),
        alerts: alerts.into_iter().map(|a| alert_row(a, lang)).collect(),
        labels: l,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct ResolveForm {
    case_id: i64,
    #[serde(default)]
    note: String,
}

/// A supervisor closes an alert from the case page, with a note.
pub async fn resolve_alert(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Response {
    let Some(actor) = viewer.actor.as_ref() else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    match supervision::resolve(
        &state.store,
        id,
        &actor.username,
        &form.note,
        state.now_millis(),
    )
    .await
    {
        Ok(true) => Redirect::to(&format!("/supervision/cases/{}", form.case_id)).into_response(),
        Ok(false) => PageError::not_found(viewer.prefs).into_response(),
        Err(e) => PageError::store(e, viewer.prefs).into_response(),
    }
}
