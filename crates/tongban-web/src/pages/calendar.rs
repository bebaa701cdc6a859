//! The working-day calendar page: the loaded years and each year's holiday arrangements,
//! a due-date calculator for clerks and citizens, and the reform office's import form.

use askama::Template;
use axum::body::to_bytes;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;
use tongban_domain::calendar::{HolidayNotice, parse_date};
use tongban_domain::{Bilingual, FieldError};
use tongban_store::calendar::{self, LoadedNotice, NoticeSource};
use tongban_store::catalog::ImportActor;

use super::{Chrome, display_time, render};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::form_body;
use crate::state::AppState;

pub struct YearRow {
    pub year: i16,
    pub source: String,
    pub days_off: usize,
    pub make_up: usize,
    pub selected: bool,
}

/// One holiday of a year: its days off and the make-up working days around it.
pub struct HolidayRow {
    pub name: String,
    pub days_off: String,
    pub make_up: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    years: Vec<YearRow>,
    year: Option<i16>,
    holidays: Vec<HolidayRow>,
    start: String,
    workdays: String,
    /// the calculator's answer
    due: Option<String>,
    error: Option<String>,
    notice: Option<String>,
    can_import: bool,
}

#[derive(Deserialize, Default)]
pub struct CalendarQuery {
    year: Option<i16>,
    start: Option<String>,
    workdays: Option<String>,
    imported: Option<i16>,
}

/// Consecutive dates as ranges: 2月15日–2月23日, 2月28日.
fn ranges(dates: &[Date], lang: crate::i18n::Lang) -> String {
    let show = |d: Date| match lang {
        crate::i18n::Lang::Zh => format!("{}月{}日", d.month(), d.day()),
        crate::i18n::Lang::En => d.strftime("%b %-d").to_string(),
    };
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < dates.len() {
        let mut j = i;
        while j + 1 < dates.len() && dates[j].tomorrow().ok() == Some(dates[j + 1]) {
            j += 1;
        }
        parts.push(if i == j {
            show(dates[i])
        } else {
            format!("{}–{}", show(dates[i]), show(dates[j]))
        });
        i = j + 1;
    }
    parts.join(lang.pick("、", ", "))
}

fn holidays(notice: &HolidayNotice, lang: crate::i18n::Lang) -> Vec<HolidayRow> {
    let mut names: Vec<&str> = Vec::new();
    for day in &notice.days {
        if !names.contains(&day.name.as_str()) {
            names.push(&day.name);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let dates = |off: bool| {
                let mut dates: Vec<Date> = notice
                    .days
                    .iter()
                    .filter(|d| d.name == name && d.is_off_day == off)
                    .map(|d| d.date)
                    .collect();
                dates.sort();
                ranges(&dates, lang)
            };
            HolidayRow {
                name: name.to_owned(),
                days_off: dates(true),
                make_up: dates(false),
            }
        })
        .collect()
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    query: CalendarQuery,
) -> Result<CalendarPage, PageError> {
    let lang = viewer.prefs.lang;
    let t = lang.texts();
    let loaded = calendar::notices(&state.store)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?;
    let today = state.today();
    let year = query
        .year
        .or(Some(today.year()).filter(|y| loaded.iter().any(|n| n.notice.year == *y)))
        .or(loaded.last().map(|n| n.notice.year));
    let source = |n: &LoadedNotice| match &n.source {
        NoticeSource::BuiltIn => t.calendar_built_in.to_owned(),
        NoticeSource::Imported { by, at_millis } => {
            format!(
                "{}（{by}，{}）",
                t.calendar_imported,
                display_time(*at_millis)
            )
        }
    };
    let years = loaded
        .iter()
        .map(|n| YearRow {
            year: n.notice.year,
            source: source(n),
            days_off: n.notice.days.iter().filter(|d| d.is_off_day).count(),
            make_up: n.notice.days.iter().filter(|d| !d.is_off_day).count(),
            selected: Some(n.notice.year) == year,
        })
        .collect();
    let holidays = loaded
        .iter()
        .find(|n| Some(n.notice.year) == year)
        .map(|n| holidays(&n.notice, lang))
        .unwrap_or_default();
    let start = query.start.unwrap_or_else(|| today.to_string());
    let workdays = query.workdays.unwrap_or_default();
    let (due, error) = if workdays.trim().is_empty() {
        (None, None)
    } else {
        match due_date(state, &start, &workdays).await {
            Ok(due) => (Some(due), None),
            Err(e) => (None, Some(lang.pick(&e.zh(), &e.en()).to_owned())),
        }
    };
    let notice = query.imported.map(|y| {
        format!(
            "{} {y}",
            lang.pick("已载入节假日安排：", "Loaded the holiday notice for")
        )
    });
    Ok(CalendarPage {
        chrome: Chrome::new(viewer, t.calendar_title, "/calendar"),
        years,
        year,
        holidays,
        start,
        workdays,
        due,
        error,
        notice,
        can_import: viewer
            .actor
            .as_ref()
            .is_some_and(|a| a.catalog_reviewer().is_some()),
    })
}

async fn due_date(state: &AppState, start: &str, workdays: &str) -> Result<String, FieldError> {
    let start = parse_date("start", start)?;
    let n: u32 = workdays.trim().parse().map_err(|_| {
        FieldError::new(
            "workdays",
            "工作日数应为0至9999之间的整数",
            "working days are a whole number from 0 to 9999",
        )
    })?;
    if n > 9999 {
        return Err(FieldError::new(
            "workdays",
            "工作日数应为0至9999之间的整数",
            "working days are a whole number from 0 to 9999",
        ));
    }
    let calendar = state
        .calendar
        .get(&state.store)
        .await
        .map_err(|e| FieldError::of("calendar", &e))?;
    let due = calendar
        .add_workdays(start, n)
        .map_err(|e| FieldError::of("workdays", &e))?;
    Ok(due.to_string())
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<CalendarQuery>,
) -> Response {
    match page(&state, &viewer, query).await {
        Ok(page) => render(&page),
        Err(error) => error.into_response(),
    }
}

/// Imports a notice from an uploaded `.json` file or pasted text.
pub async fn import(State(state): State<AppState>, viewer: Viewer, request: Request) -> Response {
    let Some(reviewer) = viewer.actor.as_ref().and_then(|a| a.catalog_reviewer()) else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let (parts, body) = request.into_parts();
    let form = match to_bytes(body, form_body::MAX_UPLOAD_BYTES).await {
        Ok(bytes) => form_body::parse(&parts.headers, bytes).await,
        Err(_) => None,
    };
    let Some(form) = form else {
        return PageError::bad_request(viewer.prefs).into_response();
    };
    let uploaded = form
        .files
        .iter()
        .find(|f| f.field == "file" && !f.content.is_empty())
        .map(|f| String::from_utf8_lossy(&f.content).into_owned());
    let text = uploaded.or_else(|| {
        form.field("notice")
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned)
    });
    let outcome = match text {
        None => Err(FieldError::new(
            "file",
            "请选择通知文件或粘贴通知内容",
            "choose a notice file or paste the notice",
        )),
        Some(text) => match HolidayNotice::parse(&text) {
            Err(error) => Err(error),
            Ok(notice) => {
                let actor = ImportActor {
                    user_id: Some(reviewer.actor.user_id),
                    name: &reviewer.actor.username,
                };
                match calendar::import_notice(
                    &state.store,
                    &actor,
                    "reform_office",
                    &notice,
                    state.now_millis(),
                )
                .await
                {
                    Ok(()) => Ok(notice.year),
                    Err(tongban_store::StoreError::Invalid(error)) => Err(error),
                    Err(error) => return PageError::store(error, viewer.prefs).into_response(),
                }
            }
        },
    };
    match outcome {
        Ok(year) => Redirect::to(&format!("/calendar?year={year}&imported={year}")).into_response(),
        Err(error) => match page(&state, &viewer, CalendarQuery::default()).await {
            Ok(mut page) => {
                page.error = Some(viewer.prefs.lang.pick(&error.zh(), &error.en()).to_owned());
                (StatusCode::BAD_REQUEST, render(&page)).into_response()
            }
            Err(error) => error.into_response(),
        },
    }
}
