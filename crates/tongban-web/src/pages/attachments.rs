//! Guide attachments as citizens download them: the stored bytes with the type that was
//! checked at upload, never a type guessed from the request.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tongban_domain::guide::attachment::is_attachment_id;
use tongban_store::guides::attachments;

use crate::auth::{Viewer, urlencode};
use crate::error::PageError;
use crate::state::AppState;

/// Documents a browser shows safely open in place; office files download. The name is sent
/// percent-encoded (RFC 6266), so any name is safe in the header.
pub(crate) fn content_disposition(content_type: &str, file_name: &str) -> String {
    let disposition = match content_type {
        "application/pdf" | "image/png" | "image/jpeg" => "inline",
        _ => "attachment",
    };
    format!("{disposition}; filename*=UTF-8''{}", urlencode(file_name))
}

pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(sha256): Path<String>,
) -> Response {
    if !is_attachment_id(&sha256) {
        return PageError::not_found(viewer.prefs).into_response();
    }
    let found = match attachments::attachment(&state.store, &sha256).await {
        Ok(found) => found,
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let Some(attachment) = found else {
        return PageError::not_found(viewer.prefs).into_response();
    };
    (
        [
            (
                header::CONTENT_DISPOSITION,
                content_disposition(&attachment.content_type, &attachment.file_name),
            ),
            (header::CONTENT_TYPE, attachment.content_type),
            // The id is the content's hash: the bytes behind it never change.
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_owned(),
            ),
            (header::ETAG, format!("\"{}\"", attachment.sha256)),
        ],
        attachment.content,
    )
        .into_response()
}
