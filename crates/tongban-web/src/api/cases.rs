//! Cases over the API: apply (online, or at any general window), read a case with its clocks
//! and timeline, act on it, inboxes, and progress by case number and query password.
//! Every state-changing request takes an `Idempotency-Key` header: a retry does not act twice.

use super::extract::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tongban_domain::access::{Actor, Role};
use tongban_domain::case::{
    Acceptance, Acting, Applicant, ApplicantKind, Case, CaseError, CaseResult, Channel, Correction,
    Delivery, MaterialEntry, OnBehalf, Provided, StepStatus, Submission,
};
use tongban_domain::organisation::Capacity;
use tongban_domain::time_limit::{AlertLevel, Reading, TimeLimit, TimeLimitSettings};
use tongban_domain::{Bilingual, FieldError};
use tongban_store::cases::{self, ActError, StoredCase};
use tongban_store::{StoreError, catalog, organisations};
use utoipa::{IntoParams, ToSchema};

use super::rfc3339;
use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// How often an act without a version is decided again when others landed first.
const REDECIDE_ATTEMPTS: u32 = 5;

pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 100)
        .map(|k| Some(k.to_owned()))
        .ok_or_else(|| {
            FieldError::new(
                "Idempotency-Key",
                "幂等键应为1至100个可见字符",
                "an idempotency key is 1 to 100 visible characters",
            )
            .into()
        })
}

fn refused(error: CaseError) -> ApiError {
    let status = match &error {
        CaseError::Invalid(_) => StatusCode::BAD_REQUEST,
        CaseError::NotYours { .. } => StatusCode::FORBIDDEN,
        _ if error.is_conflict() => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    match error {
        CaseError::Invalid(field) => ApiError::field(field),
        other => ApiError::new(status, other.zh(), other.en()),
    }
}

impl From<ActError> for ApiError {
    fn from(error: ActError) -> Self {
        match error {
            ActError::Refused(error) => refused(error),
            ActError::Store(error) => error.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicantInput {
    /// person | organisation
    pub kind: String,
    pub name: String,
    /// resident id (person) or unified social credit code (organisation)
    pub id_number: String,
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct MaterialInput {
    /// the material's name in the guide
    pub name: String,
    /// a file this account uploaded (POST /api/v1/case-files answers its sha256)
    pub sha256: Option<String>,
    /// seen in paper at the window
    #[serde(default)]
    pub paper: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicationInput {
    pub implementation_code: String,
    pub applicant: ApplicantInput,
    #[serde(default)]
    pub materials: Vec<MaterialInput>,
}

pub(super) fn materials(input: Vec<MaterialInput>) -> Result<Vec<MaterialEntry>, FieldError> {
    input
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let provided = match (m.sha256, m.paper) {
                (Some(sha256), false) => Provided::File {
                    sha256: sha256.to_ascii_lowercase(),
                },
                (None, true) => Provided::Paper,
                _ => {
                    return Err(FieldError::new(
                        format!("materials[{i}]"),
                        "每份材料须为上传的文件（sha256）或窗口核验的纸质材料（paper）之一",
                        "each material is either an uploaded file (sha256) or paper seen at the window",
                    ));
                }
            };
            Ok(MaterialEntry {
                name: m.name,
                provided,
            })
        })
        .collect()
}

/// The applicant as given: kind, and name, id number and phone checked.
pub(super) fn applicant_of(input: &ApplicantInput) -> Result<(ApplicantKind, Applicant), ApiError> {
    let kind = ApplicantKind::parse(&input.kind).ok_or_else(|| {
        FieldError::new(
            "applicant.kind",
            "申请人类型应为 person（自然人）或 organisation（法人或其他组织）",
            "the applicant kind is person or organisation",
        )
    })?;
    let applicant = Applicant::parse(kind, &input.name, &input.id_number, &input.phone)?;
    Ok((kind, applicant))
}

/// Who applies through which channel: people and organisations online for themselves,
/// general-window clerks for anyone who walks in.
pub(super) fn channel_for(actor: &Actor, kind: ApplicantKind) -> Result<(Channel, Role), ApiError> {
    if actor.has(Role::WindowClerk) {
        return Ok((Channel::Window, Role::WindowClerk));
    }
    match (kind, actor.has(Role::Citizen), actor.has(Role::Enterprise)) {
        (ApplicantKind::Person, true, _) => Ok((Channel::Online, Role::Citizen)),
        (ApplicantKind::Organisation, _, true) => Ok((Channel::Online, Role::Enterprise)),
        (_, true, _) | (_, _, true) => Err(FieldError::new(
            "applicant.kind",
            "网上申请只能以本人账号的主体类型申请",
            "online, you apply as the kind of account you hold",
        )
        .into()),
        _ => Err(ApiError::forbidden()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockDto {
    /// None while the clock is stopped
    pub due_on: Option<String>,
    pub elapsed_days: Option<i64>,
    pub remaining_days: Option<i64>,
    pub suspended: bool,
    pub closed: bool,
    /// none | warning | yellow | red
    pub level: Option<String>,
    /// why the clock cannot be read (a year's holiday notice is not loaded), in Chinese and English
    pub unavailable: Option<String>,
}

impl From<Reading> for ClockDto {
    fn from(r: Reading) -> Self {
        ClockDto {
            due_on: r.due_on.map(|d| d.to_string()),
            elapsed_days: Some(r.elapsed_days),
            remaining_days: Some(r.remaining_days),
            suspended: r.suspended,
            closed: r.closed,
            level: Some(r.level.as_str().to_owned()),
            unavailable: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    pub key: String,
    pub name: String,
    /// waiting | claimed | approved
    pub status: String,
    pub claimed_by: Option<String>,
    pub department_id: i64,
    pub role: String,
    pub clock: Option<ClockDto>,
    /// the step ran past its own limit
    pub over_limit: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    pub seq: usize,
    pub at: String,
    pub kind: String,
    pub actor: String,
    pub role: String,
    /// what was recorded, as stored
    #[schema(value_type = Object)]
    pub change: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDto {
    pub id: i64,
    pub case_number: Option<String>,
    pub implementation_code: String,
    /// submitted | awaiting_corrections | in_progress | decided | refused | closed | delivered
    pub phase: String,
    pub phase_name: String,
    pub phase_name_en: String,
    /// the number of events: send it back as `version` to act on what you saw
    pub version: u64,
    pub department_id: i64,
    /// the hall (department id) whose window took it in, None online; a hall in another
    /// region than `department_id` makes it 跨区通办 (received here, decided there)
    pub received_at: Option<i64>,
    /// masked
    pub applicant: String,
    pub clock: Option<ClockDto>,
    pub open_steps: Vec<StepDto>,
    pub deficiencies: Vec<String>,
    /// 告知承诺: the day the pledge's check is due, while it is owed
    pub post_check_due_on: Option<String>,
    /// 告知承诺: once checked, whether the pledge held
    pub post_check_compliant: Option<bool>,
    pub timeline: Vec<EventDto>,
    /// only in the answer to acceptance: print it on the notice; it is not shown again
    pub query_password: Option<String>,
}

fn read(
    clock: &TimeLimit,
    calendar: &tongban_domain::calendar::Calendar,
    today: Date,
    settings: &TimeLimitSettings,
) -> (ClockDto, bool) {
    match clock.read(calendar, today, settings) {
        Ok(reading) => {
            let over = clock.is_over_by(&reading, today);
            (ClockDto::from(reading), over)
        }
        Err(error) => (
            ClockDto {
                due_on: None,
                elapsed_days: None,
                remaining_days: None,
                suspended: false,
                closed: clock.closed_on.is_some(),
                level: None,
                unavailable: Some(format!("{} / {}", error.zh(), error.en())),
            },
            false,
        ),
    }
}

/// The calendar and clock settings a case is read with: loaded once per request.
pub(crate) struct Reader {
    pub(super) calendar: std::sync::Arc<tongban_domain::calendar::Calendar>,
    pub(super) settings: TimeLimitSettings,
}

impl Reader {
    pub(crate) async fn load(state: &AppState) -> Result<Reader, ApiError> {
        Ok(Reader {
            calendar: state.calendar.get(&state.store).await?,
            settings: cases::time_limit_settings(&state.store).await?,
        })
    }

    /// The whole case's clock read on `today`, once it has started (at acceptance).
    pub(crate) fn case_clock(
        &self,
        case: &tongban_domain::case::Case,
        today: Date,
    ) -> Option<ClockDto> {
        let clock = case.clock.as_ref()?;
        Some(read(clock, &self.calendar, today, &self.settings).0)
    }
}

fn case_dto(
    state: &AppState,
    reader: &Reader,
    stored: &StoredCase,
    query_password: Option<String>,
) -> CaseDto {
    let case = &stored.case;
    let (calendar, settings) = (&reader.calendar, &reader.settings);
    let today = state.today();
    let open_steps = case
        .open_steps
        .iter()
        .filter_map(|open| {
            let definition = case.process.step(case.process.position_of(&open.key)?)?;
            let (clock, over_limit) = read(&open.clock, calendar, today, settings);
            let (status, claimed_by) = match &open.status {
                StepStatus::Waiting => ("waiting", None),
                StepStatus::ClaimedBy(by) => ("claimed", Some(by.clone())),
                StepStatus::ApprovedBy(by) => ("approved", Some(by.clone())),
            };
            Some(StepDto {
                key: open.key.clone(),
                name: definition.name.clone(),
                status: status.to_owned(),
                claimed_by,
                department_id: case.step_department(definition),
                role: definition.role.as_str().to_owned(),
                clock: Some(clock),
                over_limit,
            })
        })
        .collect();
    CaseDto {
        id: stored.id,
        case_number: case.case_number.clone(),
        implementation_code: case.implementation_code.clone(),
        phase: case.phase.as_str().to_owned(),
        phase_name: case.phase.name_zh().to_owned(),
        phase_name_en: case.phase.name_en().to_owned(),
        version: case.version,
        department_id: case.department_id,
        received_at: case.received_at,
        post_check_due_on: case
            .post_check
            .as_ref()
            .filter(|c| c.outcome.is_none())
            .map(|c| c.by.to_string()),
        post_check_compliant: case.post_check.as_ref().and_then(|c| c.outcome),
        applicant: stored.applicant_name_masked.clone(),
        clock: case
            .clock
            .as_ref()
            .map(|c| read(c, calendar, today, settings).0),
        open_steps,
        deficiencies: case.deficiencies.clone(),
        timeline: stored
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| EventDto {
                seq: i + 1,
                at: rfc3339(e.at_millis),
                kind: e.change.kind().to_owned(),
                actor: e.actor.clone(),
                role: e.role.as_str().to_owned(),
                change: serde_json::to_value(&e.change).unwrap_or_default(),
            })
            .collect(),
        query_password,
    }
}

/// Staff who handle the case, supervisors, and the applicant may see it.
/// A case this actor may see: not found (404) or not theirs to see (403) otherwise.
pub(crate) async fn visible_case(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<StoredCase, ApiError> {
    let stored = cases::load(&state.store, id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("case {id}")))?;
    if !may_see(actor, &stored) {
        return Err(ApiError::forbidden());
    }
    Ok(stored)
}

pub(crate) fn may_see(actor: &Actor, stored: &StoredCase) -> bool {
    let case = &stored.case;
    let department_of_case = actor.department_id.is_some_and(|d| {
        d == case.department_id
            || case.open_steps.iter().any(|open| {
                case.process
                    .position_of(&open.key)
                    .and_then(|p| case.process.step(p))
                    .is_some_and(|def| case.step_department(def) == d)
            })
    });
    actor.has(Role::WindowClerk)
        || actor.has(Role::Supervisor)
        || (actor.roles.iter().any(|r| r.is_department_staff()) && department_of_case)
        || stored.applicant_user_id == Some(actor.user_id)
}

/// Applies for a published item (清单之外无权力: nothing else can be applied for).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key returns the first case")),
    request_body = ApplicationInput,
    responses((status = 201, body = CaseDto), (status = 200, description = "a repeated request", body = CaseDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<(StatusCode, Json<CaseDto>), ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let key = idempotency_key(&headers)?;
    let (id, repeated) = submit_application(&state, actor, input, key).await?;
    let stored = cases::load(&state.store, id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let status = if repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let reader = Reader::load(&state).await?;
    Ok((status, Json(case_dto(&state, &reader, &stored, None))))
}

/// Whom an online applicant acts for, recorded on the application (代办): a citizen applying
/// for an organisation must act for it (法定代表人 or 授权经办人); a citizen whose real-name
/// id is on file and who applies for another person is their delegate.
async fn acting_for(
    state: &AppState,
    actor: &Actor,
    kind: ApplicantKind,
    applicant: &Applicant,
) -> Result<Option<OnBehalf>, ApiError> {
    let acts_as_person =
        actor.has(Role::Citizen) && !actor.has(Role::Enterprise) && !actor.has(Role::WindowClerk);
    if !acts_as_person {
        return Ok(None);
    }
    if kind == ApplicantKind::Person {
        let profile =
            tongban_store::accounts::profile(&state.store, &state.settings.data_key, actor.user_id)
                .await?;
        let for_another = profile
            .id_number
            .is_some_and(|own| own.as_str() != applicant.id_number);
        return Ok(for_another.then_some(OnBehalf {
            organisation: None,
            capacity: Capacity::Delegate,
        }));
    }
    let capacity =
        organisations::capacity_for(&state.store, actor.user_id, &applicant.id_number).await?;
    let capacity = capacity.ok_or_else(|| {
        ApiError::from(FieldError::new(
            "applicant.id_number",
            "你不是该单位的法定代表人或授权经办人，不能以该单位名义申请",
            "you are neither the legal representative nor an authorised agent of this organisation",
        ))
    })?;
    Ok(Some(OnBehalf {
        organisation: Some(applicant.id_number.clone()),
        capacity,
    }))
}

/// The applicant's later acts (supplying corrections) carry the same delegation as their
/// application.
fn delegation_of(stored: &StoredCase, actor: &Actor) -> Option<OnBehalf> {
    (stored.applicant_user_id == Some(actor.user_id))
        .then(|| stored.events.first().and_then(|e| e.on_behalf.clone()))
        .flatten()
}

/// Takes in an application for an actor: the API and the window's intake page both come
/// here. Answers the case id and whether the idempotency key had already made it.
pub(crate) async fn submit_application(
    state: &AppState,
    actor: &Actor,
    input: ApplicationInput,
    key: Option<String>,
) -> Result<(i64, bool), ApiError> {
    let (kind, applicant) = applicant_of(&input.applicant)?;
    let on_behalf = acting_for(state, actor, kind, &applicant).await?;
    let (channel, role) = match &on_behalf {
        Some(_) => (Channel::Online, Role::Citizen),
        None => channel_for(actor, kind)?,
    };
    let published = catalog::require_published(&state.store, &input.implementation_code).await?;
    let guide = published.snapshot().guide.clone().ok_or_else(|| {
        ApiError::from(FieldError::new(
            "implementation_code",
            "该事项尚未发布办事指南，暂不能申请",
            "this item has no published guide yet, so it cannot be applied for",
        ))
    })?;
    let materials = materials(input.materials)?;
    super::case_files::require_uploaded(state, actor, &materials).await?;
    let submission = Submission {
        implementation_code: published.snapshot().code.clone(),
        implementation_version: published.version(),
        department_id: published.snapshot().department_id,
        channel,
        applicant_kind: kind,
        materials,
    };
    let acting = Acting {
        actor,
        role,
        at_millis: state.now_millis(),
        on: state.today(),
    };
    let mut event = Case::submit(&guide, submission, &acting).map_err(refused)?;
    event.on_behalf = on_behalf;
    let applicant_user_id = (channel == Channel::Online).then_some(actor.user_id);
    let (id, repeated) = cases::submit(
        &state.store,
        &state.settings.data_key,
        &published,
        &event,
        &applicant,
        applicant_user_id,
        key.as_deref(),
    )
    .await?;
    Ok((id, repeated))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = CaseDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Json<CaseDto>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let stored = visible_case(&state, actor, id).await?;
    let reader = Reader::load(&state).await?;
    Ok(Json(case_dto(&state, &reader, &stored, None)))
}

/// One act on a case. The body names the act and its fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum ActInput {
    Accept {
        #[serde(default)]
        deficiencies: Vec<String>,
        promised_on: Option<Date>,
        #[serde(default)]
        on_pledge: bool,
        version: Option<u64>,
    },
    Refuse {
        reason: String,
        legal_basis: String,
        version: Option<u64>,
    },
    RequestCorrections {
        step: Option<String>,
        items: Vec<Correction>,
        deadline: Date,
        version: Option<u64>,
    },
    SupplyCorrections {
        materials: Vec<MaterialInput>,
        version: Option<u64>,
    },
    SupplyDeficiencies {
        materials: Vec<MaterialInput>,
        version: Option<u64>,
    },
    Claim {
        step: String,
        version: Option<u64>,
    },
    Release {
        step: String,
        version: Option<u64>,
    },
    Approve {
        step: String,
        #[serde(default)]
        opinion: String,
        version: Option<u64>,
    },
    Reject {
        step: String,
        reason: String,
        version: Option<u64>,
    },
    Return {
        step: String,
        to_stage: Option<usize>,
        reason: String,
        version: Option<u64>,
    },
    StartSpecialProcedure {
        step: String,
        name: String,
        excluded_by_law: bool,
        version: Option<u64>,
    },
    EndSpecialProcedure {
        step: String,
        version: Option<u64>,
    },
    Extend {
        step: String,
        reason: String,
        version: Option<u64>,
    },
    Transfer {
        step: String,
        to_department_id: i64,
        reason: String,
        version: Option<u64>,
    },
    CompletePostCheck {
        compliant: bool,
        finding: String,
        version: Option<u64>,
    },
    Close {
        result: CaseResult,
        version: Option<u64>,
    },
    Deliver {
        delivery: Delivery,
        version: Option<u64>,
    },
}

impl ActInput {
    fn version(&self) -> Option<u64> {
        match self {
            ActInput::Accept { version, .. }
            | ActInput::Refuse { version, .. }
            | ActInput::RequestCorrections { version, .. }
            | ActInput::SupplyCorrections { version, .. }
            | ActInput::SupplyDeficiencies { version, .. }
            | ActInput::Claim { version, .. }
            | ActInput::Release { version, .. }
            | ActInput::Approve { version, .. }
            | ActInput::Reject { version, .. }
            | ActInput::Return { version, .. }
            | ActInput::StartSpecialProcedure { version, .. }
            | ActInput::EndSpecialProcedure { version, .. }
            | ActInput::Extend { version, .. }
            | ActInput::Transfer { version, .. }
            | ActInput::CompletePostCheck { version, .. }
            | ActInput::Close { version, .. }
            | ActInput::Deliver { version, .. } => *version,
        }
    }

    /// The step the act is at, if any.
    fn step(&self) -> Option<&str> {
        match self {
            ActInput::Claim { step, .. }
            | ActInput::Release { step, .. }
            | ActInput::Approve { step, .. }
            | ActInput::Reject { step, .. }
            | ActInput::Return { step, .. }
            | ActInput::StartSpecialProcedure { step, .. }
            | ActInput::EndSpecialProcedure { step, .. }
            | ActInput::Transfer { step, .. } => Some(step),
            ActInput::RequestCorrections { step, .. } => step.as_deref(),
            _ => None,
        }
    }
}

/// The role an act is recorded under: the step's role at a step, the head's for an
/// extension, the window's (or the owning department's) at intake and closing, the
/// applicant's when they hand in materials.
fn acting_role(actor: &Actor, stored: &StoredCase, act: &ActInput) -> Result<Role, ApiError> {
    let case = &stored.case;
    if let ActInput::Extend { .. } = act {
        return actor
            .acting_role(&[Role::DepartmentHead])
            .ok_or_else(ApiError::forbidden);
    }
    if let Some(step) = act.step() {
        let role = case
            .process
            .position_of(step)
            .and_then(|p| case.process.step(p))
            .map(|d| d.role);
        return role
            .filter(|r| actor.has(*r))
            .ok_or_else(ApiError::forbidden);
    }
    if matches!(
        act,
        ActInput::SupplyCorrections { .. } | ActInput::SupplyDeficiencies { .. }
    ) && stored.applicant_user_id == Some(actor.user_id)
    {
        return actor
            .acting_role(&[Role::Citizen, Role::Enterprise])
            .ok_or_else(ApiError::forbidden);
    }
    actor
        .acting_role(&[
            Role::WindowClerk,
            Role::DepartmentReviewer,
            Role::DepartmentApprover,
        ])
        .ok_or_else(ApiError::forbidden)
}

fn decide(
    case: &Case,
    acting: &Acting<'_>,
    case_number: &str,
    act: ActInput,
    reader: &Reader,
) -> Result<tongban_domain::case::CaseEvent, CaseError> {
    let settings = &reader.settings;
    match act {
        ActInput::Accept {
            deficiencies,
            promised_on,
            on_pledge,
            ..
        } => {
            let acceptance = match (deficiencies.is_empty(), promised_on, on_pledge) {
                (true, None, false) => Acceptance::Normal,
                // 告知承诺: the check afterwards is due the setting's working days on.
                (true, None, true) => Acceptance::OnPledge {
                    post_check_by: Some(
                        reader
                            .calendar
                            .add_workdays(acting.on, settings.post_check_days.max(1))
                            .map_err(|e| FieldError::new("post_check_by", e.zh(), e.en()))?,
                    ),
                },
                (false, Some(promised_on), false) => Acceptance::WithDeficiencies {
                    materials: deficiencies,
                    promised_on,
                },
                _ => {
                    return Err(FieldError::new(
                        "acceptance",
                        "容缺受理须同时给出容缺材料和承诺日期，且不能与告知承诺同用",
                        "deferring needs both the materials and the promised date, and excludes the pledge",
                    )
                    .into());
                }
            };
            case.accept(acting, case_number, acceptance)
        }
        ActInput::Refuse {
            reason,
            legal_basis,
            ..
        } => case.refuse(acting, &reason, &legal_basis),
        ActInput::RequestCorrections {
            step,
            items,
            deadline,
            ..
        } => case.request_corrections(acting, step.as_deref(), items, deadline),
        ActInput::SupplyCorrections { materials: m, .. } => {
            case.supply_corrections(acting, materials(m)?)
        }
        ActInput::SupplyDeficiencies { materials: m, .. } => {
            case.supply_deficiencies(acting, materials(m)?)
        }
        ActInput::Claim { step, .. } => case.claim(acting, &step),
        ActInput::Release { step, .. } => case.release(acting, &step),
        ActInput::Approve { step, opinion, .. } => case.approve(acting, &step, &opinion),
        ActInput::Reject { step, reason, .. } => case.reject(acting, &step, &reason),
        ActInput::Return {
            step,
            to_stage,
            reason,
            ..
        } => case.return_to(acting, &step, to_stage, &reason),
        ActInput::StartSpecialProcedure {
            step,
            name,
            excluded_by_law,
            ..
        } => case.start_special_procedure(acting, &step, &name, excluded_by_law),
        ActInput::EndSpecialProcedure { step, .. } => case.end_special_procedure(acting, &step),
        ActInput::Extend { step, reason, .. } => case.extend(acting, &step, &reason, settings),
        ActInput::Transfer {
            step,
            to_department_id,
            reason,
            ..
        } => case.transfer(acting, &step, to_department_id, &reason),
        ActInput::CompletePostCheck {
            compliant, finding, ..
        } => case.complete_post_check(acting, compliant, &finding),
        ActInput::Close { result, .. } => case.close(acting, result),
        ActInput::Deliver { delivery, .. } => case.deliver(acting, delivery),
    }
}

/// Acts on a case. The body is `{"act": NAME, …fields, "version": N}`; acts: accept,
/// refuse, request_corrections, supply_corrections, supply_deficiencies, claim, release,
/// approve, reject, return, start_special_procedure, end_special_procedure, extend,
/// transfer, complete_post_check, close, deliver. With `version`, the act is refused (409) if the case moved on.
#[utoipa::path(post, path = "/api/v1/cases/{id}/acts", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key does not act twice")),
    request_body(content = Object, description = "the act and its fields"),
    responses((status = 200, body = CaseDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "out of order, or someone acted first", body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: String,
) -> Result<Json<CaseDto>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let key = idempotency_key(&headers)?;
    let act: ActInput = serde_json::from_str(&body).map_err(|e| {
        ApiError::from(FieldError::new(
            "act",
            format!("无法识别的操作：{e}"),
            format!("the act is not understood: {e}"),
        ))
    })?;
    // One read of the calendar and the limits serves the act and the answer.
    let reader = Reader::load(&state).await?;
    let (stored, query_password) = perform(&state, &reader, actor, id, act, key).await?;
    Ok(Json(case_dto(&state, &reader, &stored, query_password)))
}

/// Does one act for an actor: the API and the case page both come here. Answers the case as
/// it stands after the act (or, for a retried request, as it stands now) and, after an
/// acceptance, the query password to print.
pub(crate) async fn perform(
    state: &AppState,
    reader: &Reader,
    actor: &Actor,
    id: i64,
    act: ActInput,
    key: Option<String>,
) -> Result<(StoredCase, Option<String>), ApiError> {
    // Held until the act is written; a bundle's next members start after it (`act_once`).
    let turn = cases::turn(&state.store, id).await;
    let stored = visible_case(state, actor, id).await?;
    let Some(key) = key else {
        return act_once(state, reader, actor, stored, act, None, turn).await;
    };
    // A retry of a request that already acted is found where it fails (the act no longer
    // fits the case, or its version moved on), or where its key is claimed with the act:
    // looking first would cost every request a read.
    let outcome = act_once(state, reader, actor, stored, act, Some(key.clone()), turn).await;
    if outcome.is_err() && cases::already_done(&state.store, &actor.username, &key).await? {
        // Answer with the case as it is now, and an acceptance's query password again.
        let stored = visible_case(state, actor, id).await?;
        let password = cases::remembered_answer(
            &state.store,
            &state.settings.data_key,
            &actor.username,
            &key,
        )
        .await?;
        return Ok((stored, password));
    }
    outcome
}

/// [`perform`] without the look for a retried request; `turn` is the case's, given up once
/// the act is written.
async fn act_once(
    state: &AppState,
    reader: &Reader,
    actor: &Actor,
    stored: StoredCase,
    act: ActInput,
    key: Option<String>,
    turn: cases::CaseTurn,
) -> Result<(StoredCase, Option<String>), ApiError> {
    let id = stored.id;
    if let Some(version) = act.version()
        && version != stored.case.version
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "办件已有新的办理记录，请刷新后再操作",
            "the case has moved on since you saw it; reload and try again",
        ));
    }
    if let ActInput::SupplyCorrections { materials: m, .. }
    | ActInput::SupplyDeficiencies { materials: m, .. } = &act
    {
        super::case_files::require_uploaded(state, actor, &materials(m.clone())?).await?;
    }
    let context = cases::ActContext {
        key: &state.settings.data_key,
        calendar: &reader.calendar,
        settings: &reader.settings,
        sms: state.settings.applicant_sms,
    };
    // An act not based on a version the clerk saw is decided again on the case as it now
    // stands when another act landed first (parallel steps approved at the same moment):
    // deciding again refuses it if it no longer fits, so exactly one of two acts on the
    // same step still wins.
    let mut stored = stored;
    let mut redecided = 0;
    let acted = loop {
        let role = acting_role(actor, &stored, &act)?;
        let acting = Acting {
            actor,
            role,
            at_millis: state.now_millis(),
            on: state.today(),
        };
        let number = cases::case_number(id, acting.on);
        let mut event =
            decide(&stored.case, &acting, &number, act.clone(), reader).map_err(refused)?;
        event.on_behalf = delegation_of(&stored, actor);
        match cases::append(
            &state.store,
            &context,
            stored,
            event,
            &actor.username,
            key.as_deref(),
        )
        .await
        {
            Err(ActError::Store(StoreError::Conflict { .. }))
                if act.version().is_none() && redecided < REDECIDE_ATTEMPTS =>
            {
                redecided += 1;
                stored = cases::load(&state.store, id)
                    .await?
                    .ok_or_else(|| ApiError::not_found(&format!("case {id}")))?;
            }
            outcome => break outcome?,
        }
    };
    drop(turn);
    if !acted.repeated
        && let Some(application) = acted.stored.bundle_application_id
    {
        super::bundles::advance(state, application).await;
    }
    Ok((acted.stored, acted.query_password))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDto {
    pub case_id: i64,
    pub case_number: Option<String>,
    pub implementation_code: String,
    /// the step to act at; empty for an intake decision
    pub step: String,
    /// the step's name, e.g. 审核 (absent for an intake decision)
    pub step_name: Option<String>,
    pub claimed_by: Option<String>,
    pub applicant: String,
    /// the step's own clock today: none | warning | yellow | red (none also while it is stopped)
    pub level: String,
    /// the last day within the step's own limit (absent while its clock is stopped, and for
    /// intake decisions)
    pub due_on: Option<String>,
    /// working days left to act, today and the due day included (0: past the limit; the
    /// level says how far); absent when due_on is
    pub remaining_days: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// 1–500, default 100
    pub limit: Option<i64>,
}

/// The signed-in clerk's inbox: intake decisions for a general window, the open steps of
/// their department and role for back-office staff.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "cases", security(("bearer" = [])), params(InboxQuery),
    responses((status = 200, body = Vec<TaskDto>), (status = 403, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<InboxQuery>,
) -> Result<Json<Vec<TaskDto>>, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    Ok(Json(tasks_for(&state, actor, limit).await?))
}

/// A clerk's tasks: intake decisions for a general window, the open steps of their
/// department and role for back-office staff, each with its clock today.
pub(crate) async fn tasks_for(
    state: &AppState,
    actor: &Actor,
    limit: i64,
) -> Result<Vec<TaskDto>, ApiError> {
    let mut tasks = Vec::new();
    if actor.has(Role::WindowClerk) {
        tasks.extend(cases::awaiting_intake(&state.store, actor.department_id, limit).await?);
        tasks.extend(cases::awaiting_delivery(&state.store, actor.department_id, limit).await?);
    }
    if let Some(department) = actor.department_id {
        for role in actor.roles.iter().filter(|r| r.is_department_staff()) {
            tasks.extend(cases::inbox(&state.store, department, *role, limit).await?);
        }
    }
    let today = state.today();
    let calendar = state.calendar.get(&state.store).await?;
    Ok(tasks
        .into_iter()
        .map(|t| TaskDto {
            remaining_days: t.dates.and_then(|d| d.remaining_on(today, &calendar).ok()),
            level: t
                .dates
                .map_or(AlertLevel::None, |d| d.level_on(today))
                .as_str()
                .to_owned(),
            due_on: t.dates.map(|d| d.due_on().to_string()),
            case_id: t.case_id,
            case_number: t.case_number,
            implementation_code: t.implementation_code,
            step: t.step,
            step_name: t.step_name,
            claimed_by: t.claimed_by,
            applicant: t.applicant_name_masked,
        })
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    pub number: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressDto {
    pub case_number: String,
    pub phase: String,
    pub phase_name: String,
    pub phase_name_en: String,
    /// the milestones, without who acted
    pub milestones: Vec<MilestoneDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneDto {
    /// e.g. submitted, accepted, corrections_requested, closed, delivered
    pub kind: String,
    pub at: String,
}

/// Progress for anyone with the case number and query password, without signing in.
#[utoipa::path(get, path = "/api/v1/cases/progress", tag = "cases", params(ProgressQuery),
    responses((status = 200, body = ProgressDto), (status = 404, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ProgressQuery>,
) -> Result<Json<ProgressDto>, ApiError> {
    let stored = cases::look_up(
        &state.store,
        &state.settings.data_key,
        &query.number,
        &query.password,
    )
    .await?
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "办件编号或查询密码不正确",
            "the case number or query password is wrong",
        )
    })?;
    Ok(Json(ProgressDto {
        case_number: stored.case.case_number.clone().unwrap_or_default(),
        phase: stored.case.phase.as_str().to_owned(),
        phase_name: stored.case.phase.name_zh().to_owned(),
        phase_name_en: stored.case.phase.name_en().to_owned(),
        milestones: stored
            .events
            .iter()
            .filter(|e| !matches!(e.change.kind(), "step_claimed" | "step_released"))
            .map(|e| MilestoneDto {
                kind: e.change.kind().to_owned(),
                at: rfc3339(e.at_millis),
            })
            .collect(),
    }))
}
