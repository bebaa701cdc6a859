//! Bundles (一件事一次办) in the store: the reform office's published definitions, and the
//! applications made for them. An application gives the applicant and materials once and
//! starts a case for each member whose prerequisites are met; `advance` starts the rest as
//! their prerequisites are approved (after each act on a member, and from the background job
//! for anything an interrupted request left behind). The bundle's progress is derived from
//! its members' cases; nothing about it is stored twice.

use jiff::civil::Date;
use sqlx::{Any, Row};
use tongban_domain::access::{Actor, CatalogReviewer, Role};
use tongban_domain::bundle::{BundleDefinition, MemberState};
use tongban_domain::case::{
    Acting, Applicant, ApplicantKind, Case, CaseError, Channel, MaterialEntry, Submission,
};
use tongban_domain::guide::Guide;
use tongban_domain::{Bilingual, FieldError};

use crate::audit::{self, AuditEntry};
use crate::cases::{self, StoredCase};
use crate::catalog::{self, PublishedImplementation};
use crate::sealed::DataKey;
use crate::{Store, StoreError, WriteTx};

/// One published version of a bundle.
#[derive(Debug, Clone)]
pub struct StoredBundle {
    pub id: i64,
    pub version: i64,
    pub definition: BundleDefinition,
    pub published_by: String,
    pub published_at: i64,
}

const BUNDLE_COLUMNS: &str = "id, version, definition, published_by, published_at";

fn bundle_from_row(row: &sqlx::any::AnyRow) -> Result<StoredBundle, StoreError> {
    let definition: String = row.try_get(2)?;
    Ok(StoredBundle {
        id: row.try_get(0)?,
        version: row.try_get(1)?,
        definition: serde_json::from_str(&definition).map_err(StoreError::corrupt)?,
        published_by: row.try_get(3)?,
        published_at: row.try_get(4)?,
    })
}

/// Publishes a bundle (a new version when its key exists): every member must be a published
/// implementation and the lead department must exist. Only the reform office can.
pub async fn publish(
    store: &Store,
    reviewer: &CatalogReviewer<'_>,
    definition: &BundleDefinition,
    at_millis: i64,
) -> Result<StoredBundle, StoreError> {
    definition.validate()?;
    for (i, member) in definition.members.iter().enumerate() {
        if let Err(StoreError::NotFound { .. } | StoreError::Conflict { .. }) =
            catalog::require_published(store, &member.implementation_code).await
        {
            return Err(FieldError::new(
                format!("members[{i}].implementation_code"),
                format!("“{}”不是已发布的事项", member.implementation_code),
                format!(
                    "{} is not a published implementation",
                    member.implementation_code
                ),
            )
            .into());
        }
    }
    if catalog::department(store, definition.lead_department_id)
        .await?
        .is_none()
    {
        return Err(FieldError::new(
            "lead_department_id",
            "牵头部门不存在",
            "the lead department does not exist",
        )
        .into());
    }
    let json = serde_json::to_string(definition).map_err(StoreError::corrupt)?;
    let mut tx = store.write().await?;
    let version: i64 = sqlx::query::<Any>(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM bundles WHERE bundle_key = $1",
    )
    .bind(&definition.key)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO bundles (bundle_key, version, name, definition, published_by, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&definition.key)
    .bind(version)
    .bind(&definition.name)
    .bind(&json)
    .bind(&reviewer.actor.username)
    .bind(at_millis)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis,
            actor: &reviewer.actor.username,
            role: Role::ReformOffice.as_str(),
            action: "bundle.publish",
            subject: &format!("bundle:{}", definition.key),
            detail: &serde_json::json!({ "version": version, "definition": definition })
                .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StoredBundle {
        id,
        version,
        definition: definition.clone(),
        published_by: reviewer.actor.username.clone(),
        published_at: at_millis,
    })
}

/// The current version of every bundle, by name.
pub async fn list(store: &Store) -> Result<Vec<StoredBundle>, StoreError> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {BUNDLE_COLUMNS} FROM bundles b WHERE version = \
         (SELECT MAX(version) FROM bundles l WHERE l.bundle_key = b.bundle_key) ORDER BY name, id"
    )))
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(bundle_from_row)
    .collect()
}

/// The current version of one bundle.
pub async fn current(store: &Store, key: &str) -> Result<Option<StoredBundle>, StoreError> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {BUNDLE_COLUMNS} FROM bundles WHERE bundle_key = $1 ORDER BY version DESC LIMIT 1"
    )))
    .bind(key)
    .fetch_optional(store.pool())
    .await?
    .as_ref()
    .map(bundle_from_row)
    .transpose()
}

async fn by_id(store: &Store, id: i64) -> Result<StoredBundle, StoreError> {
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {BUNDLE_COLUMNS} FROM bundles WHERE id = $1"
    )))
    .bind(id)
    .fetch_one(store.pool())
    .await?;
    bundle_from_row(&row)
}

/// The published guide of each member, in the definition's order.
pub async fn member_guides(
    store: &Store,
    bundle: &StoredBundle,
) -> Result<Vec<(PublishedImplementation, Guide)>, StoreError> {
    let mut out = Vec::new();
    for member in &bundle.definition.members {
        let published = catalog::require_published(store, &member.implementation_code).await?;
        let guide = published.snapshot().guide.clone().ok_or_else(|| {
            StoreError::from(FieldError::new(
                "bundle",
                format!("“{}”尚未发布办事指南", published.snapshot().name),
                format!("{} has no published guide", published.snapshot().name),
            ))
        })?;
        out.push((published, guide));
    }
    Ok(out)
}

/// An application as it comes in: who, from where, with what (for every member at once).
pub struct NewBundleApplication<'a> {
    pub applicant: &'a Applicant,
    pub applicant_user_id: Option<i64>,
    pub applicant_kind: ApplicantKind,
    pub channel: Channel,
    pub materials: Vec<MaterialEntry>,
    /// the applicant online, the clerk at a window
    pub acting: Acting<'a>,
}

/// One application with its members' cases.
#[derive(Debug, Clone)]
pub struct BundleApplication {
    pub id: i64,
    pub bundle: StoredBundle,
    pub applicant_user_id: Option<i64>,
    pub applicant_name_masked: String,
    pub channel: Channel,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub settled_at: Option<i64>,
    /// the members started so far, by implementation code
    pub cases: Vec<(String, StoredCase)>,
}

impl BundleApplication {
    /// Every member's state, in start order.
    pub fn states(&self) -> Vec<(String, MemberState)> {
        self.bundle.definition.states(&self.started())
    }

    fn started(&self) -> Vec<(&str, &Case)> {
        self.cases
            .iter()
            .map(|(code, stored)| (code.as_str(), &stored.case))
            .collect()
    }

    pub fn case_of(&self, implementation_code: &str) -> Option<&StoredCase> {
        self.cases
            .iter()
            .find(|(code, _)| code == implementation_code)
            .map(|(_, stored)| stored)
    }
}

/// A member's submission event, made from the application's materials under its own guide.
fn member_event(
    published: &PublishedImplementation,
    guide: &Guide,
    kind: ApplicantKind,
    channel: Channel,
    materials: &[MaterialEntry],
    acting: &Acting<'_>,
) -> Result<tongban_domain::case::CaseEvent, StoreError> {
    let submission = Submission {
        implementation_code: published.snapshot().code.clone(),
        implementation_version: published.version(),
        department_id: published.snapshot().department_id,
        channel,
        applicant_kind: kind,
        materials: materials
            .iter()
            .filter(|m| guide.materials.iter().any(|g| g.name == m.name))
            .cloned()
            .collect(),
    };
    let name = &published.snapshot().name;
    Case::submit(guide, submission, acting).map_err(|error| {
        let error = match error {
            CaseError::Invalid(field) => field,
            other => FieldError::new("bundle", other.zh(), other.en()),
        };
        FieldError::new(
            error.field,
            format!("「{name}」：{}", error.zh),
            format!("{name}: {}", error.en),
        )
        .into()
    })
}

/// Takes in an application: every member is checked against its guide now (so nothing fails
/// later for want of a material), and the members without prerequisites start at once. With
/// an idempotency key already used by the same actor, returns that application.
pub async fn apply(
    store: &Store,
    key: &DataKey,
    bundle: &StoredBundle,
    application: &NewBundleApplication<'_>,
    idempotency_key: Option<&str>,
) -> Result<(i64, bool), StoreError> {
    let guides = member_guides(store, bundle).await?;
    if let Some(i) = application.materials.iter().position(|m| {
        !guides
            .iter()
            .any(|(_, g)| g.materials.iter().any(|gm| gm.name == m.name))
    }) {
        let name = &application.materials[i].name;
        return Err(FieldError::new(
            format!("materials[{i}].name"),
            format!("“{name}”不是本一件事的申请材料"),
            format!("\"{name}\" is not a material of this bundle"),
        )
        .into());
    }
    let first = bundle.definition.first_members();
    let mut starting = Vec::new();
    for (published, guide) in &guides {
        let event = member_event(
            published,
            guide,
            application.applicant_kind,
            application.channel,
            &application.materials,
            &application.acting,
        )?;
        if first.contains(&published.snapshot().code.as_str()) {
            starting.push(event);
        }
    }
    let actor = &application.acting.actor.username;
    let mut tx = store.write().await?;
    if let Some(id) = application_of_key(&mut tx, actor, idempotency_key).await? {
        return Ok((id, true));
    }
    let sealed =
        key.seal(&serde_json::to_string(application.applicant).map_err(StoreError::corrupt)?);
    let masked = application.applicant.masked_name();
    let materials = serde_json::to_string(&application.materials).map_err(StoreError::corrupt)?;
    let at_millis = application.acting.at_millis;
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO bundle_applications (bundle_id, applicant_user_id, applicant_sealed, \
         applicant_name_masked, applicant_kind, channel, materials, submitted_by, submitted_role, \
         submitted_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(bundle.id)
    .bind(application.applicant_user_id)
    .bind(&sealed)
    .bind(&masked)
    .bind(application.applicant_kind.as_str())
    .bind(application.channel.as_str())
    .bind(&materials)
    .bind(actor)
    .bind(application.acting.role.as_str())
    .bind(at_millis)
    // the hall whose window took it in: members started later are received there too
    .bind(match application.channel {
        Channel::Window => application.acting.actor.department_id,
        Channel::Online | Channel::Kiosk => None,
    })
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let mut first_case = None;
    for event in &starting {
        let case_id = cases::insert_case(
            &mut tx,
            event,
            &sealed,
            &masked,
            application.applicant_user_id,
            Some(id),
        )
        .await?
        .ok_or_else(|| StoreError::corrupt("a member started twice in a new application"))?;
        first_case.get_or_insert(case_id);
    }
    if let Some(case_id) = first_case {
        let kept = cases::remember(
            &mut tx,
            actor,
            idempotency_key,
            (case_id, 1),
            at_millis,
            None,
        )
        .await?;
        if !kept {
            // the same request landed meanwhile: this one's application is undone
            tx.rollback().await?;
            let mut tx = store.write().await?;
            let found = application_of_key(&mut tx, actor, idempotency_key).await?;
            tx.rollback().await?;
            return cases::answer_of_key_taken(found);
        }
    }
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis,
            actor,
            role: application.acting.role.as_str(),
            action: "bundle.apply",
            subject: &format!("bundle_application:{id}"),
            detail: &serde_json::json!({
                "bundle": bundle.definition.key,
                "version": bundle.version,
                "started": starting.iter().map(|e| match &e.change {
                    tongban_domain::case::Change::Submitted { implementation_code, .. } => implementation_code.as_str(),
                    _ => "",
                }).collect::<Vec<_>>(),
            })
            .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, false))
}

/// The application an earlier request with this idempotency key stored (a conflict when the
/// key stored something else), or None.
async fn application_of_key(
    tx: &mut WriteTx,
    actor: &str,
    idempotency_key: Option<&str>,
) -> Result<Option<i64>, StoreError> {
    let Some(case_id) = cases::remembered(tx, actor, idempotency_key).await? else {
        return Ok(None);
    };
    let id: Option<i64> =
        sqlx::query::<Any>("SELECT bundle_application_id FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?;
    id.map(Some).ok_or_else(|| {
        StoreError::conflict(
            "该请求标识已用于其他申请",
            "this idempotency key was used for another application",
        )
    })
}

/// An application with its bundle and the cases of its members.
pub async fn load(store: &Store, id: i64) -> Result<Option<BundleApplication>, StoreError> {
    let Some(row) = sqlx::query::<Any>(
        "SELECT bundle_id, applicant_user_id, applicant_name_masked, channel, submitted_by, \
         submitted_at, settled_at FROM bundle_applications WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let bundle = by_id(store, row.try_get(0)?).await?;
    let channel: String = row.try_get(3)?;
    let members = sqlx::query::<Any>(
        "SELECT id, implementation_code FROM cases WHERE bundle_application_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let mut started = Vec::new();
    for member in &members {
        let case_id: i64 = member.try_get(0)?;
        let stored = cases::load(store, case_id)
            .await?
            .ok_or_else(|| StoreError::corrupt(format!("case {case_id} vanished")))?;
        started.push((member.try_get(1)?, stored));
    }
    Ok(Some(BundleApplication {
        id,
        bundle,
        applicant_user_id: row.try_get(1)?,
        applicant_name_masked: row.try_get(2)?,
        channel: Channel::parse(&channel)
            .ok_or_else(|| StoreError::corrupt(format!("channel {channel}")))?,
        submitted_by: row.try_get(4)?,
        submitted_at: row.try_get(5)?,
        settled_at: row.try_get(6)?,
        cases: started,
    }))
}

/// What `advance` did: the cases it started, and the members it could not start (their
/// guide changed since the application so that it no longer fits), with why.
#[derive(Debug, Default)]
pub struct Advanced {
    pub started: Vec<i64>,
    pub not_started: Vec<(String, String)>,
}

/// Starts every member whose prerequisites are now approved, in the name of whoever applied,
/// and marks the application settled once no member can change. Safe to run from several
/// servers at once: a member starts once (unique per application and implementation).
pub async fn advance(
    store: &Store,
    id: i64,
    at_millis: i64,
    on: Date,
) -> Result<Advanced, StoreError> {
    let mut advanced = Advanced::default();
    let Some(application) = load(store, id).await? else {
        return Err(StoreError::not_found(format!("bundle application {id}")));
    };
    if application.settled_at.is_some() {
        return Ok(advanced);
    }
    let started: Vec<(&str, &Case)> = application.started();
    let ready: Vec<String> = application
        .bundle
        .definition
        .ready_to_start(&started)
        .into_iter()
        .map(str::to_owned)
        .collect();
    if !ready.is_empty() {
        let row = sqlx::query::<Any>(
            "SELECT applicant_sealed, applicant_kind, materials, submitted_role, received_at \
             FROM bundle_applications WHERE id = $1",
        )
        .bind(id)
        .fetch_one(store.pool())
        .await?;
        let sealed: String = row.try_get(0)?;
        let kind: String = row.try_get(1)?;
        let kind = ApplicantKind::parse(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("applicant kind {kind}")))?;
        let materials: String = row.try_get(2)?;
        let materials: Vec<MaterialEntry> =
            serde_json::from_str(&materials).map_err(StoreError::corrupt)?;
        let role: String = row.try_get(3)?;
        let actor = Actor {
            user_id: application.applicant_user_id.unwrap_or(0),
            username: application.submitted_by.clone(),
            display_name: application.submitted_by.clone(),
            roles: Vec::new(),
            department_id: row.try_get(4)?,
        };
        let acting = Acting {
            actor: &actor,
            role: Role::parse(&role).ok_or_else(|| StoreError::corrupt(format!("role {role}")))?,
            at_millis,
            on,
        };
        for code in ready {
            let member = async {
                let published = catalog::require_published(store, &code).await?;
                let guide = published.snapshot().guide.clone().ok_or_else(|| {
                    StoreError::from(FieldError::new(
                        "bundle",
                        "该事项尚未发布办事指南",
                        "the item has no published guide",
                    ))
                })?;
                member_event(
                    &published,
                    &guide,
                    kind,
                    application.channel,
                    &materials,
                    &acting,
                )
            }
            .await;
            let event = match member {
                Ok(event) => event,
                Err(error) => {
                    advanced.not_started.push((code, error.en()));
                    continue;
                }
            };
            let mut tx = store.write().await?;
            let case_id = cases::insert_case(
                &mut tx,
                &event,
                &sealed,
                &application.applicant_name_masked,
                application.applicant_user_id,
                Some(id),
            )
            .await?;
            if let Some(case_id) = case_id {
                audit_start(
                    &mut tx,
                    id,
                    &code,
                    case_id,
                    &event.actor,
                    acting.role,
                    at_millis,
                )
                .await?;
                tx.commit().await?;
                advanced.started.push(case_id);
            }
        }
    }
    if advanced.started.is_empty() {
        let settled = application
            .bundle
            .definition
            .is_settled(&application.started());
        if settled {
            sqlx::query::<Any>(
                "UPDATE bundle_applications SET settled_at = $1 WHERE id = $2 AND settled_at IS NULL",
            )
            .bind(at_millis)
            .bind(id)
            .execute(store.pool())
            .await?;
        }
    }
    Ok(advanced)
}

async fn audit_start(
    tx: &mut WriteTx,
    application_id: i64,
    code: &str,
    case_id: i64,
    actor: &str,
    role: Role,
    at_millis: i64,
) -> Result<(), StoreError> {
    audit::append(
        tx,
        &AuditEntry {
            at_millis,
            actor,
            role: role.as_str(),
            action: "bundle.start_member",
            subject: &format!("bundle_application:{application_id}"),
            detail: &serde_json::json!({ "implementation_code": code, "case_id": case_id })
                .to_string(),
        },
    )
    .await?;
    Ok(())
}

/// Unsettled applications with a member acted on since `since_millis` (for the job, which
/// advances them in case the request that acted did not get to).
pub async fn touched_since(store: &Store, since_millis: i64) -> Result<Vec<i64>, StoreError> {
    sqlx::query::<Any>(
        "SELECT DISTINCT a.id FROM bundle_applications a JOIN cases c ON c.bundle_application_id = a.id \
         WHERE a.settled_at IS NULL AND c.updated_at >= $1 ORDER BY a.id",
    )
    .bind(since_millis)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| Ok(row.try_get(0)?))
    .collect()
}

/// A person's own applications, newest first.
pub async fn of_applicant(store: &Store, user_id: i64) -> Result<Vec<i64>, StoreError> {
    sqlx::query::<Any>(
        "SELECT id FROM bundle_applications WHERE applicant_user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| Ok(row.try_get(0)?))
    .collect()
}
