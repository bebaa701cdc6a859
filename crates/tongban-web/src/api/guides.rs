//! Guide quality over the API: findings on one guide, standardization figures, and the
//! cross-level consistency report.

use super::extract::ApiQuery;
use axum::Json;
use axum::body::to_bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use serde::Serialize;
use tongban_domain::catalog::inconsistencies;
use tongban_domain::guide::lint::{Finding, RULES, lint};
use tongban_domain::guide::standardization::Figures;
use tongban_store::guides::attachments;
use tongban_store::{catalog, guides};
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::form_body::MAX_UPLOAD_BYTES;
use crate::pages::standardization;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingDto {
    /// stable rule id, e.g. G002
    pub rule: String,
    /// error | warning
    pub severity: String,
    /// the element it points at, as a path into the guide's JSON
    pub element: String,
    pub message: String,
    pub message_en: String,
    pub hint: String,
    pub hint_en: String,
}

impl From<&Finding> for FindingDto {
    fn from(f: &Finding) -> Self {
        FindingDto {
            rule: f.rule.to_owned(),
            severity: f.severity.as_str().to_owned(),
            element: f.element.clone(),
            message: f.zh.clone(),
            message_en: f.en.clone(),
            hint: f.hint_zh.clone(),
            hint_en: f.hint_en.clone(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/implementations/{code}/lint", tag = "guides",
    params(("code" = String, Path, description = "implementation code")), security(("bearer" = [])),
    responses((status = 200, body = Vec<FindingDto>), (status = 404, body = ErrorBody)))]
pub async fn lint_implementation(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<FindingDto>>, ApiError> {
    let current = catalog::current(&state.store, &code)
        .await?
        .ok_or_else(|| ApiError::not_found(&code))?;
    let guide = current
        .snapshot
        .guide
        .ok_or_else(|| ApiError::not_found(&format!("guide of {code}")))?;
    let lists = guides::reference_lists(&state.store).await?;
    let settings = guides::lint_settings(&state.store).await?;
    Ok(Json(
        lint(&guide, &lists, &settings)
            .iter()
            .map(FindingDto::from)
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresDto {
    pub implementations: usize,
    pub with_guide: usize,
    pub complete: usize,
    /// complete and without errors
    pub standard: usize,
    /// standard / implementations, 0–1 (seed 003 target: 0.8)
    pub coverage: f64,
    pub errors: usize,
    pub warnings: usize,
}

impl From<&Figures> for FiguresDto {
    fn from(f: &Figures) -> Self {
        FiguresDto {
            implementations: f.implementations,
            with_guide: f.with_guide,
            complete: f.complete,
            standard: f.standard,
            coverage: f64::from(f.coverage_per_mille()) / 1000.0,
            errors: f.errors,
            warnings: f.warnings,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentFigures {
    pub department: String,
    #[serde(flatten)]
    pub figures: FiguresDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleCount {
    pub rule: String,
    pub title: String,
    pub title_en: String,
    pub severity: String,
    pub findings: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandardizationDto {
    pub overall: FiguresDto,
    pub departments: Vec<DepartmentFigures>,
    pub rules: Vec<RuleCount>,
}

#[utoipa::path(get, path = "/api/v1/guides/standardization", tag = "guides", security(("bearer" = [])),
    responses((status = 200, body = StandardizationDto)))]
pub async fn standardization_figures(
    State(state): State<AppState>,
) -> Result<Json<StandardizationDto>, ApiError> {
    let (overall, departments) = standardization(&state).await?;
    Ok(Json(StandardizationDto {
        rules: RULES
            .iter()
            .map(|r| RuleCount {
                rule: r.id.to_owned(),
                title: r.title_zh.to_owned(),
                title_en: r.title_en.to_owned(),
                severity: r.severity.as_str().to_owned(),
                findings: overall.by_rule.get(r.id).copied().unwrap_or(0),
            })
            .collect(),
        overall: FiguresDto::from(&overall),
        departments: departments
            .iter()
            .map(|(d, f)| DepartmentFigures {
                department: d.clone(),
                figures: f.into(),
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariantDto {
    pub value: String,
    pub implementations: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InconsistencyDto {
    pub basic_code: String,
    /// name | item_type | legal_basis
    pub field: String,
    pub variants: Vec<VariantDto>,
}

#[utoipa::path(get, path = "/api/v1/guides/consistency", tag = "guides", security(("bearer" = [])),
    responses((status = 200, body = Vec<InconsistencyDto>)))]
pub async fn consistency(
    State(state): State<AppState>,
) -> Result<Json<Vec<InconsistencyDto>>, ApiError> {
    let snapshots = catalog::all_current(&state.store).await?;
    Ok(Json(
        inconsistencies(&snapshots)
            .into_iter()
            .map(|i| InconsistencyDto {
                basic_code: i.basic_code,
                field: i.field.to_owned(),
                variants: i
                    .variants
                    .into_iter()
                    .map(|(value, implementations)| VariantDto {
                        value,
                        implementations,
                    })
                    .collect(),
            })
            .collect(),
    ))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct UploadQuery {
    /// the file's name, with its extension (申请表.pdf)
    pub file_name: String,
    /// the guide element it is for, named in errors (e.g. materials[0].blank_form)
    #[serde(default)]
    pub element: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    /// SHA-256 of the content: the value for `sample_attachment` / `blank_form_attachment`
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// where it is served
    pub url: String,
}

/// Uploads a blank form, sample or result sample for a guide. The body is the file itself;
/// its type is checked from the content, not from any header.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "guides", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = [])),
    responses((status = 201, body = AttachmentDto), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn upload_attachment(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<UploadQuery>,
    request: Request,
) -> Result<(StatusCode, Json<AttachmentDto>), ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    actor.department_staff().ok_or_else(ApiError::forbidden)?;
    let content = to_bytes(request.into_body(), MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| ApiError::too_large())?;
    let element = query.element.as_deref().unwrap_or("attachment");
    let stored = attachments::store_attachment(
        &state.store,
        &actor.username,
        element,
        &query.file_name,
        &content,
        state.now_millis(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(AttachmentDto {
            url: format!("/attachments/{}", stored.sha256),
            sha256: stored.sha256,
            file_name: stored.file_name,
            content_type: stored.content_type.to_owned(),
            size: stored.size,
        }),
    ))
}
