//! The outbox over the API: what waits, what went out, what keeps failing and why.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use tongban_store::outbox;
use utoipa::ToSchema;

use super::rfc3339;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelFiguresDto {
    /// log | email
    pub channel: String,
    pub sent: i64,
    /// not sent yet, not failed
    pub waiting: i64,
    /// failed at least once, being retried
    pub failing: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FailingMessageDto {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    /// what kind of message, e.g. supervision.department
    pub subject: String,
    pub attempts: i64,
    pub last_error: String,
    /// when the raise it reports happened, for a supervision digest
    pub about: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxDto {
    pub channels: Vec<ChannelFiguresDto>,
    /// the 50 most recently tried messages that are still failing
    pub failing: Vec<FailingMessageDto>,
}

#[utoipa::path(get, path = "/api/v1/outbox", tag = "operations",
    security(("bearer" = [])), responses((status = 200, body = OutboxDto), (status = 403, body = ErrorBody)))]
pub async fn status(State(state): State<AppState>) -> Result<Json<OutboxDto>, ApiError> {
    let channels = outbox::figures(&state.store)
        .await?
        .into_iter()
        .map(|f| ChannelFiguresDto {
            channel: f.channel,
            sent: f.sent,
            waiting: f.waiting,
            failing: f.failing,
        })
        .collect();
    let failing = outbox::failing(&state.store, 50)
        .await?
        .into_iter()
        .map(|(m, last_error)| FailingMessageDto {
            id: m.id,
            channel: m.channel,
            recipient: m.recipient,
            subject: m.subject,
            attempts: m.attempts,
            last_error,
            about: m.batch.map(|(_, at)| rfc3339(at)),
        })
        .collect();
    Ok(Json(OutboxDto { channels, failing }))
}
