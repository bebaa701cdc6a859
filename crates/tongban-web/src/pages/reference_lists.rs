//! The reform office's reference lists (retained proofs, intermediary services, fees,
//! shared-data sources) that the guide checks read: shown to everyone who watches guide
//! quality, replaced by the reform office one line per entry (`名称 | 列2 | 列3`).

use askama::Template;
use axum::Form;
use axum::body::to_bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_domain::{Bilingual, FieldError};
use tongban_store::StoreError;
use tongban_store::guides::{self, ReferenceEntry, ReferenceList};

use super::{Chrome, render};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::form_body;
use crate::state::AppState;
use tongban_exchange::catalog::FileFormat;
use tongban_exchange::reference_list::{list_columns, read_reference_list};

pub struct ListView {
    pub key: &'static str,
    pub title: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub text: String,
}

#[derive(Template)]
#[template(path = "reference_lists.html")]
struct ListsPage {
    chrome: Chrome,
    lists: Vec<ListView>,
    can_edit: bool,
    error: Option<String>,
    /// what an import did, and the rows it could not take
    notice: Option<String>,
    rejected: Vec<String>,
}

fn cells(list: ReferenceList, entry: &ReferenceEntry) -> Vec<String> {
    std::iter::once(entry.name.clone())
        .chain(list.detail_columns().iter().map(|c| {
            entry
                .detail
                .get(*c)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        }))
        .collect()
}

/// Reads the edited text: one entry per line, columns separated by `|`, `｜` or a tab.
pub fn parse_lines(list: ReferenceList, text: &str) -> Result<Vec<ReferenceEntry>, FieldError> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<String> = line
            .split(['|', '｜', '\t'])
            .map(|cell| cell.trim().to_owned())
            .collect();
        let columns = list.detail_columns().len() + 1;
        if cells.len() > columns {
            return Err(FieldError::new(
                format!("line {}", n + 1),
                format!("第{}行的列数多于{columns}列", n + 1),
                format!("line {} has more than {columns} columns", n + 1),
            ));
        }
        entries.push(ReferenceEntry::from_cells(list, cells));
    }
    Ok(entries)
}

async fn lists_page(
    state: &AppState,
    viewer: &Viewer,
    error: Option<String>,
) -> Result<ListsPage, PageError> {
    let lang = viewer.prefs.lang;
    let mut lists = Vec::new();
    for list in ReferenceList::ALL {
        let entries = guides::reference_entries(&state.store, list)
            .await
            .map_err(|e| PageError::store(e, viewer.prefs))?;
        let rows: Vec<Vec<String>> = entries.iter().map(|e| cells(list, e)).collect();
        lists.push(ListView {
            key: list.as_str(),
            title: lang.pick(list.name_zh(), list.name_en()).to_owned(),
            columns: std::iter::once("name")
                .chain(list.detail_columns().iter().copied())
                .collect(),
            text: rows
                .iter()
                .map(|r| r.join(" | "))
                .collect::<Vec<_>>()
                .join("\n"),
            rows,
        });
    }
    Ok(ListsPage {
        chrome: Chrome::new(viewer, lang.texts().reference_lists, "/guides/lists"),
        can_edit: viewer
            .actor
            .as_ref()
            .is_some_and(|a| a.catalog_reviewer().is_some()),
        lists,
        error,
        notice: None,
        rejected: Vec::new(),
    })
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Response {
    match lists_page(&state, &viewer, None).await {
        Ok(page) => render(&page),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub struct ListForm {
    entries: String,
}

pub async fn replace(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(list): Path<String>,
    Form(form): Form<ListForm>,
) -> Response {
    let Some(reviewer) = viewer.actor.as_ref().and_then(|a| a.catalog_reviewer()) else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let Some(list) = ReferenceList::parse(&list) else {
        return PageError::not_found(viewer.prefs).into_response();
    };
    let outcome = match parse_lines(list, &form.entries) {
        Ok(entries) => {
            guides::replace_reference_list(
                &state.store,
                &reviewer,
                list,
                &entries,
                state.now_millis(),
            )
            .await
        }
        Err(error) => Err(StoreError::Invalid(error)),
    };
    match outcome {
        Ok(()) => Redirect::to("/guides/lists").into_response(),
        Err(error @ StoreError::Invalid(_)) => {
            let message = viewer.prefs.lang.pick(&error.zh(), &error.en()).to_owned();
            match lists_page(&state, &viewer, Some(message)).await {
                Ok(page) => (StatusCode::BAD_REQUEST, render(&page)).into_response(),
                Err(error) => error.into_response(),
            }
        }
        Err(error) => PageError::store(error, viewer.prefs).into_response(),
    }
}

/// Replaces a list from an uploaded CSV or XLSX file. Rows that cannot be taken are listed
/// by row number; the others replace the list.
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(list): Path<String>,
    request: Request,
) -> Response {
    let Some(reviewer) = viewer.actor.as_ref().and_then(|a| a.catalog_reviewer()) else {
        return PageError::forbidden(viewer.prefs).into_response();
    };
    let Some(list) = ReferenceList::parse(&list) else {
        return PageError::not_found(viewer.prefs).into_response();
    };
    let lang = viewer.prefs.lang;
    let (parts, body) = request.into_parts();
    let form = match to_bytes(body, form_body::MAX_UPLOAD_BYTES).await {
        Ok(bytes) => form_body::parse(&parts.headers, bytes).await,
        Err(_) => None,
    };
    let Some(file) = form.and_then(|f| f.files.into_iter().find(|f| f.field == "file")) else {
        return refused(
            &state,
            &viewer,
            FieldError::new("file", "请选择要导入的文件", "choose a file to import"),
        )
        .await;
    };
    let Some(format) = FileFormat::from_path(std::path::Path::new(&file.file_name)) else {
        return refused(
            &state,
            &viewer,
            FieldError::new(
                "file",
                "请上传 .xlsx 或 .csv 文件",
                "upload an .xlsx or .csv file",
            ),
        )
        .await;
    };
    let columns = list_columns(list.detail_columns());
    let outcome = match read_reference_list(&file.content, format, &columns) {
        Ok(outcome) => outcome,
        Err(error) => return refused(&state, &viewer, FieldError::of("file", &error)).await,
    };
    let entries: Vec<ReferenceEntry> = outcome
        .rows
        .into_iter()
        .map(|row| ReferenceEntry::from_cells(list, row.cells))
        .collect();
    if entries.is_empty() {
        let error = FieldError::new(
            "file",
            "文件中没有可导入的条目，清单未改变",
            "the file has no entry to import; the list is unchanged",
        );
        return refused(&state, &viewer, error).await;
    }
    if let Err(error) =
        guides::replace_reference_list(&state.store, &reviewer, list, &entries, state.now_millis())
            .await
    {
        return match error {
            StoreError::Invalid(error) => refused(&state, &viewer, error).await,
            error => PageError::store(error, viewer.prefs).into_response(),
        };
    }
    match lists_page(&state, &viewer, None).await {
        Ok(mut page) => {
            page.notice = Some(format!(
                "{} {}：{} {}，{} {}",
                lang.pick(list.name_zh(), list.name_en()),
                lang.pick("已导入", "imported"),
                entries.len(),
                lang.pick("条", "entries"),
                lang.pick("未导入的行", "rows not taken"),
                outcome.rejected.len()
            ));
            page.rejected = outcome
                .rejected
                .iter()
                .map(|p| lang.pick(&p.zh(), &p.en()).to_owned())
                .collect();
            render(&page)
        }
        Err(error) => error.into_response(),
    }
}

async fn refused(state: &AppState, viewer: &Viewer, error: FieldError) -> Response {
    let message = format!(
        "{}：{}",
        error.field,
        viewer.prefs.lang.pick(&error.zh, &error.en)
    );
    match lists_page(state, viewer, Some(message)).await {
        Ok(page) => (StatusCode::BAD_REQUEST, render(&page)).into_response(),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_entries() {
        let entries = parse_lines(
            ReferenceList::Fee,
            "不动产登记费 | 每件80元 | 发改价格规〔2016〕2559号\n\n工本费｜10元\n",
        )
        .unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].detail["standard"], "每件80元");
        assert_eq!(entries[1].detail.get("basis"), None);
        assert_eq!(
            parse_lines(ReferenceList::IntermediaryService, "a | b | c")
                .unwrap_err()
                .field,
            "line 1"
        );
    }
}
