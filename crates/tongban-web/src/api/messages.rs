//! A signed-in person's messages in the portal: what they were told about their cases.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use tongban_store::outbox;
use utoipa::ToSchema;

use super::rfc3339;
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageDto {
    pub id: i64,
    pub subject: String,
    /// Chinese, then English
    pub body: String,
    pub sent_at: String,
}

/// My messages, newest first (the latest 100).
#[utoipa::path(get, path = "/api/v1/messages", tag = "cases",
    security(("bearer" = [])), responses((status = 200, body = Vec<MessageDto>), (status = 401, body = ErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<MessageDto>>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let messages = outbox::portal_messages(&state.store, &actor.username, 100).await?;
    Ok(Json(
        messages
            .into_iter()
            .map(|m| MessageDto {
                id: m.id,
                subject: m.subject,
                body: m.body,
                sent_at: rfc3339(m.created_at),
            })
            .collect(),
    ))
}
