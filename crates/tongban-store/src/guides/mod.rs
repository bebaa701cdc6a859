//! Service guides in storage: drafts that a department edits before proposing them, the
//! reform office's reference lists that the guide checks read, and the local settings of
//! those checks.

use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::access::{CatalogReviewer, DepartmentStaff};
use tongban_domain::guide::Guide;
use tongban_domain::guide::lint::{LintSettings, ReferenceLists, SharingSource};

use crate::audit::{self, AuditEntry};
use crate::{Store, StoreError};

pub mod attachments;

/// The lists the reform office keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceList {
    /// 保留证明事项目录
    RetainedProof,
    /// 中介服务事项清单
    IntermediaryService,
    /// 收费清单
    Fee,
    /// documents and data departments obtain by sharing
    SharingSource,
    /// 不予受理常用理由: the reasons (with their legal basis) a window chooses from when it
    /// refuses, so the same refusal reads the same everywhere
    RefusalReason,
    /// 审批常用意见: the reasons the back office chooses from when it rejects, returns,
    /// transfers or asks for an extension; `acts` says for which (empty: all)
    DecisionReason,
}

impl ReferenceList {
    pub const ALL: [ReferenceList; 6] = [
        ReferenceList::RetainedProof,
        ReferenceList::IntermediaryService,
        ReferenceList::Fee,
        ReferenceList::SharingSource,
        ReferenceList::RefusalReason,
        ReferenceList::DecisionReason,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceList::RetainedProof => "retained_proof",
            ReferenceList::IntermediaryService => "intermediary_service",
            ReferenceList::Fee => "fee",
            ReferenceList::SharingSource => "sharing_source",
            ReferenceList::RefusalReason => "refusal_reason",
            ReferenceList::DecisionReason => "decision_reason",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// The columns an entry has after its name, as the published lists give them.
    pub fn detail_columns(self) -> &'static [&'static str] {
        match self {
            ReferenceList::RetainedProof => &["issuer", "basis"],
            ReferenceList::IntermediaryService => &["basis"],
            ReferenceList::Fee => &["standard", "basis"],
            ReferenceList::SharingSource => &["provider", "kind"],
            ReferenceList::RefusalReason => &["basis"],
            ReferenceList::DecisionReason => &["acts"],
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ReferenceList::RetainedProof => "retained proofs",
            ReferenceList::IntermediaryService => "intermediary services",
            ReferenceList::Fee => "fees",
            ReferenceList::SharingSource => "shared-data sources",
            ReferenceList::RefusalReason => "common refusal reasons",
            ReferenceList::DecisionReason => "common decision reasons",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ReferenceList::RetainedProof => "保留证明事项目录",
            ReferenceList::IntermediaryService => "中介服务事项清单",
            ReferenceList::Fee => "收费清单",
            ReferenceList::SharingSource => "共享数据来源",
            ReferenceList::RefusalReason => "不予受理常用理由",
            ReferenceList::DecisionReason => "审批常用意见",
        }
    }
}

/// One entry of a list: its name and what else the list records (issuer, basis, provider…).
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceEntry {
    pub name: String,
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl ReferenceEntry {
    /// An entry from its cells in the list's column order: name, then detail columns.
    pub fn from_cells(list: ReferenceList, cells: Vec<String>) -> ReferenceEntry {
        let mut cells = cells.into_iter();
        let name = cells.next().unwrap_or_default();
        let detail = list
            .detail_columns()
            .iter()
            .zip(cells)
            .map(|(column, value)| ((*column).to_owned(), serde_json::Value::String(value)))
            .collect();
        ReferenceEntry { name, detail }
    }
}

pub async fn reference_entries(
    store: &Store,
    list: ReferenceList,
) -> Result<Vec<ReferenceEntry>, StoreError> {
    sqlx::query::<Any>(
        "SELECT name, detail FROM reference_entries WHERE list = $1 ORDER BY position, name",
    )
    .bind(list.as_str())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| {
        let detail: String = row.try_get(1)?;
        Ok(ReferenceEntry {
            name: row.try_get(0)?,
            detail: serde_json::from_str(&detail).map_err(StoreError::corrupt)?,
        })
    })
    .collect()
}

/// Replaces a whole list (lists are published as a whole, like the catalogs they come from).
pub async fn replace_reference_list(
    store: &Store,
    reviewer: &CatalogReviewer<'_>,
    list: ReferenceList,
    entries: &[ReferenceEntry],
    at_millis: i64,
) -> Result<(), StoreError> {
    for (i, entry) in entries.iter().enumerate() {
        let name = entry.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(FieldError::new(
                format!("entries[{i}].name"),
                "名称应为1至200个字符",
                "a name is 1 to 200 characters",
            )
            .into());
        }
        if entries[..i].iter().any(|e| e.name.trim() == name) {
            return Err(FieldError::new(
                format!("entries[{i}].name"),
                format!("“{name}”重复"),
                format!("\"{name}\" repeats"),
            )
            .into());
        }
    }
    let mut tx = store.write().await?;
    sqlx::query::<Any>("DELETE FROM reference_entries WHERE list = $1")
        .bind(list.as_str())
        .execute(&mut *tx)
        .await?;
    for (position, entry) in entries.iter().enumerate() {
        sqlx::query::<Any>(
            "INSERT INTO reference_entries (list, name, detail, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(list.as_str())
        .bind(entry.name.trim())
        .bind(serde_json::Value::Object(entry.detail.clone()).to_string())
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
    let detail = serde_json::json!({ "list": list.as_str(), "entries": entries.len() }).to_string();
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis,
            actor: &reviewer.actor.username,
            role: "reform_office",
            action: "guide.reference_list.replace",
            subject: &format!("reference_list:{}", list.as_str()),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The lists in the shape the guide checks read.
pub async fn reference_lists(store: &Store) -> Result<ReferenceLists, StoreError> {
    let names = |entries: Vec<ReferenceEntry>| entries.into_iter().map(|e| e.name).collect();
    Ok(ReferenceLists {
        retained_proofs: names(reference_entries(store, ReferenceList::RetainedProof).await?),
        intermediary_services: names(
            reference_entries(store, ReferenceList::IntermediaryService).await?,
        ),
        fees: names(reference_entries(store, ReferenceList::Fee).await?),
        sharing_sources: reference_entries(store, ReferenceList::SharingSource)
            .await?
            .into_iter()
            .map(|e| SharingSource {
                provider: e
                    .detail
                    .get("provider")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                name: e.name,
            })
            .collect(),
    })
}

const RATIO_SETTING: &str = "guide.committed_ratio_target_percent";

/// A local setting parsed from its stored text; `None` where none is stored.
pub(crate) async fn setting<T: std::str::FromStr>(
    store: &Store,
    name: &str,
) -> Result<Option<T>, StoreError> {
    let stored = sqlx::query::<Any>("SELECT value FROM settings WHERE name = $1")
        .bind(name)
        .fetch_optional(store.pool())
        .await?;
    let Some(row) = stored else { return Ok(None) };
    let value: String = row.try_get(0)?;
    value
        .parse()
        .map(Some)
        .map_err(|_| StoreError::corrupt(format!("{name} = {value}")))
}

/// The guide checks' local settings, defaults where none is stored.
pub async fn lint_settings(store: &Store) -> Result<LintSettings, StoreError> {
    let mut settings = LintSettings::default();
    if let Some(percent) = setting(store, RATIO_SETTING).await? {
        settings.committed_ratio_target_percent = percent;
    }
    Ok(settings)
}

/// A department's draft of a guide, if it has one.
pub async fn draft(
    store: &Store,
    implementation_code: &str,
) -> Result<Option<(Guide, i64)>, StoreError> {
    let Some(row) = sqlx::query::<Any>(
        "SELECT guide, updated_at FROM guide_drafts WHERE implementation_code = $1",
    )
    .bind(implementation_code)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let json: String = row.try_get(0)?;
    Ok(Some((
        serde_json::from_str(&json).map_err(StoreError::corrupt)?,
        row.try_get(1)?,
    )))
}

/// Saves a draft for an implementation of the staff member's own department. Saving never
/// checks the rules: a half-finished draft must not be lost; checks run when it is proposed.
pub async fn save_draft(
    store: &Store,
    staff: &DepartmentStaff<'_>,
    implementation_code: &str,
    guide: &Guide,
    at_millis: i64,
) -> Result<(), StoreError> {
    let current = crate::catalog::current(store, implementation_code)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("implementation {implementation_code}")))?;
    if current.snapshot.department_id != staff.department_id {
        return Err(FieldError::new(
            "department",
            "只能编辑本部门事项的办事指南",
            "only the owning department edits a guide",
        )
        .into());
    }
    write_draft(
        store,
        implementation_code,
        guide,
        Some(staff.actor.user_id),
        at_millis,
    )
    .await
}

/// Saves a draft on an operator's behalf (`tongban guide import`): no account, so no
/// department check, and nothing is published until a department proposes it.
pub async fn save_draft_as_operator(
    store: &Store,
    implementation_code: &str,
    guide: &Guide,
    at_millis: i64,
) -> Result<(), StoreError> {
    crate::catalog::current(store, implementation_code)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("implementation {implementation_code}")))?;
    write_draft(store, implementation_code, guide, None, at_millis).await
}

async fn write_draft(
    store: &Store,
    implementation_code: &str,
    guide: &Guide,
    updated_by: Option<i64>,
    at_millis: i64,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(guide).map_err(StoreError::corrupt)?;
    let mut tx = store.write().await?;
    sqlx::query::<Any>(
        "INSERT INTO guide_drafts (implementation_code, guide, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (implementation_code) DO UPDATE SET guide = excluded.guide, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(implementation_code)
    .bind(json)
    .bind(updated_by)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn discard_draft(store: &Store, implementation_code: &str) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    sqlx::query::<Any>("DELETE FROM guide_drafts WHERE implementation_code = $1")
        .bind(implementation_code)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Refuses a guide with errors under the current reference lists and settings; warnings
/// pass. Errors block publishing (seed 000: the guide must be complete and accurate).
pub async fn require_publishable(store: &Store, guide: &Guide) -> Result<(), StoreError> {
    let lists = reference_lists(store).await?;
    let settings = lint_settings(store).await?;
    let findings = tongban_domain::guide::lint::lint(guide, &lists, &settings);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == tongban_domain::guide::lint::Severity::Error)
        .collect();
    let Some(first) = errors.first() else {
        require_step_departments(store, guide).await?;
        return attachments::require_attached(store, guide).await;
    };
    let zh = errors
        .iter()
        .map(|f| format!("{} {}", f.rule, f.zh))
        .collect::<Vec<_>>()
        .join("；");
    let en = errors
        .iter()
        .map(|f| format!("{} {}", f.rule, f.en))
        .collect::<Vec<_>>()
        .join("; ");
    Err(FieldError::new(
        format!("guide.{}", first.element),
        format!("办事指南有{}处错误，不能发布：{zh}", errors.len()),
        format!(
            "the guide has {} error(s) and cannot be published: {en}",
            errors.len()
        ),
    )
    .into())
}

/// A parallel step given to another department names one that exists.
async fn require_step_departments(store: &Store, guide: &Guide) -> Result<(), StoreError> {
    use tongban_domain::case::StepDepartment;
    let Some(process) = &guide.back_office else {
        return Ok(());
    };
    let known: Vec<i64> = crate::catalog::departments(store)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    for (s, stage) in process.stages.iter().enumerate() {
        for (i, step) in stage.steps.iter().enumerate() {
            if let StepDepartment::Department(id) = step.department
                && !known.contains(&id)
            {
                return Err(FieldError::new(
                    format!("guide.back_office.stages[{s}].steps[{i}].department"),
                    format!("环节“{}”的办理部门（编号{id}）不存在", step.name),
                    format!(
                        "the department (id {id}) of step \"{}\" does not exist",
                        step.name
                    ),
                )
                .into());
            }
        }
    }
    Ok(())
}

/// One published implementation with the findings on its guide (None: it has no guide).
#[derive(Debug, Clone)]
pub struct LintedImplementation {
    pub code: String,
    pub name: String,
    pub department_id: i64,
    pub findings: Option<Vec<tongban_domain::guide::lint::Finding>>,
}

/// Checks every published guide under the current lists and settings, in code order.
pub async fn lint_published(store: &Store) -> Result<Vec<LintedImplementation>, StoreError> {
    let lists = reference_lists(store).await?;
    let settings = lint_settings(store).await?;
    Ok(crate::catalog::all_current(store)
        .await?
        .into_iter()
        .filter(|s| s.status == tongban_domain::catalog::ImplementationStatus::Published)
        .map(|s| LintedImplementation {
            findings: s
                .guide
                .as_ref()
                .map(|g| tongban_domain::guide::lint::lint(g, &lists, &settings)),
            code: s.code,
            name: s.name,
            department_id: s.department_id,
        })
        .collect())
}
