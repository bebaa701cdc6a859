//! Access monitoring (访问监控): sign-ins, refusals, personal-data views and account changes,
//! newest first, with today's counts — read from the hash-chained audit log.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tongban_domain::FieldError;
use tongban_store::audit::{self, AccessKind, AuditRecord};
use utoipa::{IntoParams, ToSchema};

use super::extract::ApiQuery;
use super::{Paging, rfc3339};
use crate::error::ApiError;
use crate::state::AppState;

/// How far back the counts reach.
const COUNTS_SPAN_MILLIS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessFilter {
    /// logins, denials, personal_data or accounts; all when absent
    pub kind: Option<String>,
}

impl AccessFilter {
    pub fn kinds(&self) -> Result<Vec<AccessKind>, ApiError> {
        match self.kind.as_deref().filter(|k| !k.is_empty()) {
            None => Ok(Vec::new()),
            Some(text) => AccessKind::parse(text).map(|k| vec![k]).ok_or_else(|| {
                ApiError::field(FieldError::new(
                    "kind",
                    "类别应为 logins、denials、personal_data 或 accounts",
                    "kind is logins, denials, personal_data or accounts",
                ))
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessEntryDto {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// the role the act was done in
    pub role: String,
    pub action: String,
    pub subject: String,
    /// what the audit log recorded with it (client address, masked personal data, reason)
    pub detail: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogDto {
    pub entries: Vec<AccessEntryDto>,
    /// how many of each action in the last 24 hours
    pub last_24_hours: std::collections::BTreeMap<String, i64>,
}

pub fn entry_dto(record: AuditRecord) -> AccessEntryDto {
    AccessEntryDto {
        seq: record.seq,
        at: rfc3339(record.at_millis),
        actor: record.actor,
        role: record.role,
        action: record.action,
        subject: record.subject,
        detail: serde_json::from_str(&record.detail).unwrap_or(serde_json::Value::Null),
    }
}

#[utoipa::path(get, path = "/api/v1/admin/access-log", tag = "admin", security(("bearer" = [])),
    params(Paging, AccessFilter), responses((status = 200, body = AccessLogDto)))]
pub async fn show(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<Paging>,
    ApiQuery(filter): ApiQuery<AccessFilter>,
) -> Result<Json<AccessLogDto>, ApiError> {
    let (records, counts) = read(&state, &filter, paging).await?;
    Ok(Json(AccessLogDto {
        entries: records.into_iter().map(entry_dto).collect(),
        last_24_hours: counts.into_iter().collect(),
    }))
}

/// What the page and the API both read.
pub async fn read(
    state: &AppState,
    filter: &AccessFilter,
    paging: Paging,
) -> Result<(Vec<AuditRecord>, Vec<(String, i64)>), ApiError> {
    let since = state.now_millis() - COUNTS_SPAN_MILLIS;
    Ok(audit::access_log(&state.store, &filter.kinds()?, paging.page(), since).await?)
}
