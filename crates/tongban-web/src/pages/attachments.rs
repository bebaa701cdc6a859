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
    // Documents a browser shows safely open in place; office files download.
    let disposition = match attachment.content_type.as_str() {
        "application/pdf" | "image/png" | "image/jpeg" => "inline",
        _ => "attachment",
    };
    (
        [
            (header::CONTENT_TYPE, attachment.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "{disposition}; filename*=UTF-8''{}",
                    urlencode(&attachment.file_name)
                ),
            ),
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
