//! One guide, every channel (同源发布): the kiosk view, the printable guide and one-time
//! notification sheet (一次性告知单) as PDF, and the QR code that leads back to the guide.
//! All of them render the one published guide; nothing is kept twice.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tongban_domain::guide::Guide;
use tongban_publish::{GuideHeader, guide_pdf, notification_sheet_pdf, qr_svg};
use tongban_store::catalog;

use super::catalog::{GuideView, guide_view};
use super::{Chrome, render};
use crate::auth::{Viewer, urlencode};
use crate::error::PageError;
use crate::state::AppState;

/// The published guide of an implementation with what every channel prints around it.
async fn published(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
) -> Result<(Guide, GuideHeader), PageError> {
    let current = catalog::require_published(&state.store, code)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?;
    let snapshot = current.snapshot();
    let guide = snapshot
        .guide
        .clone()
        .ok_or_else(|| PageError::not_found(viewer.prefs))?;
    let department = catalog::department(&state.store, snapshot.department_id)
        .await
        .map_err(|e| PageError::store(e, viewer.prefs))?
        .map(|d| d.name)
        .unwrap_or_default();
    let printed_on = jiff::Timestamp::from_millisecond(state.now_millis())
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .strftime("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default();
    let header = GuideHeader {
        implementation_code: snapshot.code.clone(),
        department,
        qr_url: guide_url(state, code),
        printed_on,
    };
    Ok((guide, header))
}

fn guide_url(state: &AppState, code: &str) -> String {
    format!(
        "{}/catalog/items/{}",
        state.settings.public_url.trim_end_matches('/'),
        urlencode(code)
    )
}

#[derive(Template)]
#[template(path = "kiosk.html")]
struct KioskPage {
    chrome: Chrome,
    code_path: String,
    name: String,
    department: String,
    guide: GuideView,
    qr: String,
}

pub async fn kiosk(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Response {
    let (guide, header) = match published(&state, &viewer, &code).await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let qr = match qr_svg(&header.qr_url, 6) {
        Ok(svg) => svg,
        Err(error) => {
            tracing::error!(%error, "QR code");
            return PageError::internal().into_response();
        }
    };
    let mut chrome = Chrome::new(
        &viewer,
        &guide.name,
        &format!("/catalog/items/{}/kiosk", urlencode(&code)),
    );
    // A kiosk is read standing, often by older people: large type always.
    chrome.large_type = true;
    render(&KioskPage {
        chrome,
        code_path: urlencode(&code),
        name: guide.name.clone(),
        department: header.department,
        guide: guide_view(viewer.prefs.lang, &guide),
        qr,
    })
}

fn pdf_response(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

enum Sheet {
    Guide,
    Notice,
}

async fn pdf(state: AppState, viewer: Viewer, code: String, sheet: Sheet) -> Response {
    let (guide, header) = match published(&state, &viewer, &code).await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    // Typesetting is CPU work: keep it off the threads that answer other requests.
    let rendered = tokio::task::spawn_blocking(move || match sheet {
        Sheet::Guide => guide_pdf(&guide, &header).map(|b| (b, "guide.pdf")),
        Sheet::Notice => notification_sheet_pdf(&guide, &header).map(|b| (b, "notice.pdf")),
    })
    .await;
    match rendered {
        Ok(Ok((bytes, name))) => pdf_response(bytes, name),
        Ok(Err(error)) => {
            tracing::error!(%error, "PDF rendering failed");
            PageError::internal().into_response()
        }
        Err(error) => {
            tracing::error!(%error, "PDF rendering task failed");
            PageError::internal().into_response()
        }
    }
}

pub async fn guide_document(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Response {
    pdf(state, viewer, code, Sheet::Guide).await
}

pub async fn notice_document(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Response {
    pdf(state, viewer, code, Sheet::Notice).await
}

pub async fn qr_code(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Response {
    if let Err(error) = catalog::require_published(&state.store, &code).await {
        return PageError::store(error, viewer.prefs).into_response();
    }
    match qr_svg(&guide_url(&state, &code), 8) {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(error) => {
            tracing::error!(%error, "QR code");
            PageError::internal().into_response()
        }
    }
}
