//! Bundles (一件事一次办): the published bundles with their merged material list, the reform
//! office's publishing, one application for all members, and its combined progress.

use super::extract::ApiJson;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use tongban_domain::access::{Actor, Role};
use tongban_domain::bundle::{BundleDefinition, MemberState, merged_materials};
use tongban_domain::case::Acting;
use tongban_store::bundles::{self, BundleApplication, NewBundleApplication, StoredBundle};
use utoipa::ToSchema;

use super::cases::{
    ApplicantInput, MaterialInput, applicant_of, channel_for, idempotency_key, materials, may_see,
};
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct BundleMemberDto {
    pub implementation_code: String,
    pub name: String,
    pub department_id: i64,
    /// the members (implementation codes) approved before this one starts (前置)
    pub after: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergedMaterialDto {
    pub name: String,
    pub required: bool,
    /// may come after acceptance (容缺)
    pub deferrable: bool,
    /// fetched by data sharing: never asked for
    pub sharing_source: Option<String>,
    /// the members that use it
    pub used_by: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BundleDto {
    pub key: String,
    pub version: i64,
    pub name: String,
    pub lead_department_id: i64,
    pub members: Vec<BundleMemberDto>,
    /// the one material list, each asked once (only for a single bundle)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub materials: Option<Vec<MergedMaterialDto>>,
}

pub(crate) async fn bundle_dto(
    state: &AppState,
    bundle: &StoredBundle,
    with_materials: bool,
) -> Result<BundleDto, ApiError> {
    let guides = bundles::member_guides(&state.store, bundle).await?;
    let members = bundle
        .definition
        .members
        .iter()
        .zip(&guides)
        .map(|(member, (published, _))| BundleMemberDto {
            implementation_code: member.implementation_code.clone(),
            name: published.snapshot().name.clone(),
            department_id: published.snapshot().department_id,
            after: member.after.clone(),
        })
        .collect();
    let materials = with_materials.then(|| {
        let named: Vec<(&str, &tongban_domain::guide::Guide)> = guides
            .iter()
            .map(|(published, guide)| (published.snapshot().code.as_str(), guide))
            .collect();
        merged_materials(&named)
            .into_iter()
            .map(|m| MergedMaterialDto {
                name: m.name,
                required: m.required,
                deferrable: m.deferrable,
                sharing_source: m.sharing_source,
                used_by: m.used_by,
            })
            .collect()
    });
    Ok(BundleDto {
        key: bundle.definition.key.clone(),
        version: bundle.version,
        name: bundle.definition.name.clone(),
        lead_department_id: bundle.definition.lead_department_id,
        members,
        materials,
    })
}

/// The published bundles (一件事), for anyone.
#[utoipa::path(get, path = "/api/v1/bundles", tag = "bundles",
    responses((status = 200, body = Vec<BundleDto>)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<BundleDto>>, ApiError> {
    let mut out = Vec::new();
    for bundle in bundles::list(&state.store).await? {
        out.push(bundle_dto(&state, &bundle, false).await?);
    }
    Ok(Json(out))
}

pub(crate) async fn current(state: &AppState, key: &str) -> Result<StoredBundle, ApiError> {
    bundles::current(&state.store, key)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("bundle {key}")))
}

/// One bundle with its merged material list: what to prepare, each item once.
#[utoipa::path(get, path = "/api/v1/bundles/{key}", tag = "bundles",
    params(("key" = String, Path)),
    responses((status = 200, body = BundleDto), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<BundleDto>, ApiError> {
    let bundle = current(&state, &key).await?;
    Ok(Json(bundle_dto(&state, &bundle, true).await?))
}

/// Publishes a bundle, or its new version (the reform office, which owns the catalog).
#[utoipa::path(put, path = "/api/v1/bundles/{key}", tag = "bundles", security(("bearer" = [])),
    params(("key" = String, Path)),
    request_body(content = Object, description = "{key, name, lead_department_id, members: [{implementation_code, after: [codes]}]}"),
    responses((status = 200, body = BundleDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
    body: String,
) -> Result<Json<BundleDto>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let reviewer = actor.catalog_reviewer().ok_or_else(ApiError::forbidden)?;
    let definition: BundleDefinition = serde_json::from_str(&body).map_err(|e| {
        ApiError::from(tongban_domain::FieldError::new(
            "bundle",
            format!("一件事定义无法识别：{e}"),
            format!("the bundle is not understood: {e}"),
        ))
    })?;
    if definition.key != key {
        return Err(tongban_domain::FieldError::new(
            "key",
            "请求路径与定义中的标识不一致",
            "the key in the path and in the definition differ",
        )
        .into());
    }
    let bundle = bundles::publish(&state.store, &reviewer, &definition, state.now_millis()).await?;
    Ok(Json(bundle_dto(&state, &bundle, true).await?))
}

#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct BundleApplicationInput {
    pub applicant: ApplicantInput,
    /// the materials of the merged list, each once
    #[serde(default)]
    pub materials: Vec<MaterialInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberProgressDto {
    pub implementation_code: String,
    pub name: String,
    /// waiting (for a prerequisite) | blocked (a prerequisite was refused) | the case's phase
    pub state: String,
    pub state_name: String,
    pub state_name_en: String,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BundleApplicationDto {
    pub id: i64,
    pub bundle: String,
    pub name: String,
    pub applicant: String,
    /// every member can no longer change
    pub settled: bool,
    /// members finished (settled), of all members: one combined progress
    pub done: usize,
    pub total: usize,
    pub members: Vec<MemberProgressDto>,
}

async fn application_dto(
    state: &AppState,
    application: &BundleApplication,
) -> Result<BundleApplicationDto, ApiError> {
    let names: Vec<(String, String)> = bundles::member_guides(&state.store, &application.bundle)
        .await?
        .into_iter()
        .map(|(published, _)| {
            (
                published.snapshot().code.clone(),
                published.snapshot().name.clone(),
            )
        })
        .collect();
    let named = |state: &MemberState| match state {
        MemberState::Waiting => ("waiting", "等待前置事项", "waiting for a prerequisite"),
        MemberState::Blocked => (
            "blocked",
            "前置事项未获批准，不再办理",
            "a prerequisite was not approved: not handled",
        ),
        MemberState::Started(phase) => (phase.as_str(), phase.name_zh(), phase.name_en()),
    };
    let states = application.states();
    let members: Vec<MemberProgressDto> = states
        .iter()
        .map(|(code, member_state)| {
            let case = application.case_of(code);
            let (state, state_name, state_name_en) = named(member_state);
            MemberProgressDto {
                implementation_code: code.clone(),
                name: names
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                state: state.to_owned(),
                state_name: state_name.to_owned(),
                state_name_en: state_name_en.to_owned(),
                case_id: case.map(|c| c.id),
                case_number: case.and_then(|c| c.case.case_number.clone()),
            }
        })
        .collect();
    Ok(BundleApplicationDto {
        id: application.id,
        bundle: application.bundle.definition.key.clone(),
        name: application.bundle.definition.name.clone(),
        applicant: application.applicant_name_masked.clone(),
        settled: application.settled_at.is_some(),
        done: states.iter().filter(|(_, s)| s.is_settled()).count(),
        total: states.len(),
        members,
    })
}

/// Applies for a whole bundle at once: one applicant, one material list. Every member is
/// checked now; those without prerequisites start at once, the others as theirs are approved.
#[utoipa::path(post, path = "/api/v1/bundles/{key}/applications", tag = "bundles", security(("bearer" = [])),
    params(("key" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key returns the first application")),
    request_body = BundleApplicationInput,
    responses((status = 201, body = BundleApplicationDto), (status = 200, description = "a repeated request", body = BundleApplicationDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(key): Path<String>,
    ApiJson(input): ApiJson<BundleApplicationInput>,
) -> Result<(StatusCode, Json<BundleApplicationDto>), ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let idempotency = idempotency_key(&headers)?;
    let (id, repeated) = submit_bundle_application(&state, actor, &key, input, idempotency).await?;
    let stored = bundles::load(&state.store, id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let status = if repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(application_dto(&state, &stored).await?)))
}

/// Takes in one application for a bundle: the API and the portal's bundle page both come
/// here. Answers the application id and whether the idempotency key had already made it.
pub(crate) async fn submit_bundle_application(
    state: &AppState,
    actor: &Actor,
    key: &str,
    input: BundleApplicationInput,
    idempotency: Option<String>,
) -> Result<(i64, bool), ApiError> {
    let (kind, applicant) = applicant_of(&input.applicant)?;
    let (channel, role) = channel_for(actor, kind)?;
    let bundle = current(state, key).await?;
    let materials = materials(input.materials)?;
    super::case_files::require_uploaded(state, actor, &materials).await?;
    let application = NewBundleApplication {
        applicant: &applicant,
        applicant_user_id: (role != Role::WindowClerk).then_some(actor.user_id),
        applicant_kind: kind,
        channel,
        materials,
        acting: Acting {
            actor,
            role,
            at_millis: state.now_millis(),
            on: state.today(),
        },
    };
    Ok(bundles::apply(
        &state.store,
        &state.settings.data_key,
        &bundle,
        &application,
        idempotency.as_deref(),
    )
    .await?)
}

/// One application's combined progress: the applicant, window clerks, the lead department's
/// and the members' staff, and supervisors.
#[utoipa::path(get, path = "/api/v1/bundle-applications/{id}", tag = "bundles", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = BundleApplicationDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Json<BundleApplicationDto>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    Ok(Json(progress_for(&state, actor, id).await?))
}

/// An application's combined progress, for whoever may see a member's case, the lead
/// department's staff, and the applicant.
pub(crate) async fn progress_for(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<BundleApplicationDto, ApiError> {
    let application = bundles::load(&state.store, id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("bundle application {id}")))?;
    let lead = actor.roles.iter().any(|r| r.is_department_staff())
        && actor.department_id == Some(application.bundle.definition.lead_department_id);
    let allowed = lead
        || application.applicant_user_id == Some(actor.user_id)
        || application
            .cases
            .iter()
            .any(|(_, stored)| may_see(actor, stored));
    if !allowed {
        return Err(ApiError::forbidden());
    }
    application_dto(state, &application).await
}

/// Starts the members an act made ready. A failure here does not undo the act: the
/// background job advances every unsettled application again.
pub async fn advance(state: &AppState, application_id: i64) {
    match bundles::advance(
        &state.store,
        application_id,
        state.now_millis(),
        state.today(),
    )
    .await
    {
        Ok(advanced) => {
            for (code, why) in advanced.not_started {
                tracing::warn!(application_id, code, why, "a bundle member could not start");
            }
        }
        Err(error) => {
            tracing::warn!(application_id, %error, "advancing a bundle application failed");
        }
    }
}
