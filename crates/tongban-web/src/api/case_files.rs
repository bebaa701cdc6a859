//! Applicants' documents: uploaded before an application (or a correction) cites them by
//! hash, kept private under the uploading account, and read back only through a case whose
//! history cites them, by whoever may see that case.

use super::extract::ApiQuery;
use axum::Json;
use axum::body::to_bytes;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tongban_domain::FieldError;
use tongban_domain::access::{Actor, Role};
use tongban_domain::case::{MaterialEntry, Provided, file_handed_in_by};
use tongban_domain::guide::attachment::is_attachment_id;
use tongban_store::case_files::{self, CaseFile};
use tongban_store::cases::StoredCase;
use utoipa::ToSchema;

use super::cases::{may_see, visible_case};
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::form_body::MAX_UPLOAD_BYTES;
use crate::pages::attachments::content_disposition;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CaseFileQuery {
    /// the file's name, with its extension (营业执照.pdf)
    pub file_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseFileDto {
    /// SHA-256 of the content: the value a material's `sha256` cites
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
}

impl From<CaseFile> for CaseFileDto {
    fn from(file: CaseFile) -> Self {
        CaseFileDto {
            sha256: file.sha256,
            file_name: file.file_name,
            content_type: file.content_type,
            size: file.size,
        }
    }
}

/// The role an actor handles documents under, for the record.
fn role_of(actor: &Actor) -> &'static str {
    actor
        .acting_role(&[
            Role::WindowClerk,
            Role::Citizen,
            Role::Enterprise,
            Role::DepartmentReviewer,
            Role::DepartmentApprover,
            Role::DepartmentHead,
        ])
        .map_or("staff", Role::as_str)
}

/// The most files one application or correction may cite: more than any guide asks for.
const MAX_CITED_FILES: usize = 100;

/// Who may open a case's documents: its applicant, the staff of the departments handling it,
/// and the windows that received it (a centre's window, without a hall, has every case).
/// Supervisors watch time, not documents.
pub(crate) fn may_read_files(actor: &Actor, stored: &StoredCase) -> bool {
    if stored.applicant_user_id == Some(actor.user_id) {
        return true;
    }
    if actor.has(Role::WindowClerk)
        && (actor.department_id.is_none() || actor.department_id == stored.case.received_at)
    {
        return true;
    }
    let staff = Actor {
        roles: actor
            .roles
            .iter()
            .copied()
            .filter(|r| r.is_department_staff())
            .collect(),
        ..actor.clone()
    };
    !staff.roles.is_empty() && may_see(&staff, stored)
}

/// Keeps one upload of an actor's: `field` names it in errors.
pub(crate) async fn keep(
    state: &AppState,
    actor: &Actor,
    field: &str,
    file_name: &str,
    content: &[u8],
) -> Result<CaseFile, ApiError> {
    Ok(case_files::keep(
        &state.store,
        &state.settings.data_key,
        &actor.username,
        role_of(actor),
        field,
        file_name,
        content,
        state.now_millis(),
    )
    .await?)
}

/// Uploads a document for an application or a correction. The body is the file itself; its
/// type is judged from the content. Only the uploading account can cite it.
#[utoipa::path(post, path = "/api/v1/case-files", tag = "cases", params(CaseFileQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = [])),
    responses((status = 201, body = CaseFileDto), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<CaseFileQuery>,
    request: Request,
) -> Result<(StatusCode, Json<CaseFileDto>), ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let content = to_bytes(request.into_body(), MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| ApiError::too_large())?;
    let kept = keep(&state, actor, "file", &query.file_name, &content).await?;
    Ok((StatusCode::CREATED, Json(kept.into())))
}

/// Every file the materials cite must be one this actor uploaded: a hash alone, perhaps of
/// someone else's document, cites nothing.
pub(crate) async fn require_uploaded(
    state: &AppState,
    actor: &Actor,
    materials: &[MaterialEntry],
) -> Result<(), ApiError> {
    let cited: Vec<&str> = materials
        .iter()
        .filter_map(|m| match &m.provided {
            Provided::File { sha256 } => Some(sha256.as_str()),
            _ => None,
        })
        .collect();
    if cited.len() > MAX_CITED_FILES {
        return Err(FieldError::new(
            "materials",
            format!("一次最多引用 {MAX_CITED_FILES} 个文件"),
            format!("at most {MAX_CITED_FILES} files may be cited at once"),
        )
        .into());
    }
    let missing = case_files::not_uploaded(&state.store, &actor.username, &cited).await?;
    if let Some(i) = materials
        .iter()
        .position(|m| matches!(&m.provided, Provided::File { sha256 } if missing.contains(sha256)))
    {
        return Err(FieldError::new(
            format!("materials[{i}].sha256"),
            format!(
                "材料“{}”所引用的文件未由本账号上传，请先上传",
                materials[i].name
            ),
            format!(
                "the file cited for “{}” was not uploaded by this account; upload it first",
                materials[i].name
            ),
        )
        .into());
    }
    Ok(())
}

/// A document handed in for a case, to whoever may see the case.
#[utoipa::path(get, path = "/api/v1/cases/{id}/files/{sha256}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path), ("sha256" = String, Path)),
    responses((status = 200, description = "the document as it was uploaded"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, sha256)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let stored = visible_case(&state, actor, id).await?;
    if !may_read_files(actor, &stored) {
        return Err(ApiError::forbidden());
    }
    let not_cited = || ApiError::not_found(&format!("file {sha256} of case {id}"));
    if !is_attachment_id(&sha256) {
        return Err(not_cited());
    }
    let (owner, _) = file_handed_in_by(&stored.events, &sha256).ok_or_else(not_cited)?;
    let (file, content) = case_files::open(&state.store, &state.settings.data_key, owner, &sha256)
        .await?
        .ok_or_else(not_cited)?;
    case_files::record_read(
        &state.store,
        &actor.username,
        role_of(actor),
        id,
        &sha256,
        state.now_millis(),
    )
    .await?;
    Ok((
        [
            (
                header::CONTENT_DISPOSITION,
                content_disposition(&file.content_type, &file.file_name),
            ),
            (header::CONTENT_TYPE, file.content_type),
            // Personal documents: never kept by a shared cache.
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        content,
    )
        .into_response())
}
