//! Change requests: proposed by a department, decided by the reform office. Approval
//! re-checks the proposal against the catalog as it is then, and refuses if the
//! implementation changed since the proposal was made.

use sqlx::{Any, AssertSqlSafe, Row};
use tongban_domain::access::{CatalogReviewer, DepartmentStaff};
use tongban_domain::catalog::{
    ChangeDecision, ChangeKind, ChangeStatus, Effect, ImplementationSnapshot, plan_change,
};
use tongban_domain::guide::Guide;

use super::Page;
use super::implementations::{current_in, open_change_set, publish};
use super::query::{Filter, Value};
use crate::audit::{self, AuditEntry};
use crate::{Store, StoreError};

/// What a department asks for.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub kind: ChangeKind,
    /// the implementation concerned (for Add: the new code; for TakeOver: the delegated source)
    pub implementation_code: String,
    pub proposed: Option<ImplementationSnapshot>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRequest {
    pub id: i64,
    pub kind: ChangeKind,
    pub implementation_code: String,
    pub department_id: i64,
    pub department_name: String,
    pub proposed: Option<ImplementationSnapshot>,
    pub reason: String,
    pub status: ChangeStatus,
    pub base_version: Option<i64>,
    pub proposed_by: String,
    pub proposed_at: i64,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub review_comment: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ChangeRequestFilter {
    pub department_id: Option<i64>,
    pub status: Option<ChangeStatus>,
}

fn check_reason(reason: &str) -> Result<String, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(tongban_domain::FieldError::new(
            "reason",
            "请填写申请理由",
            "give the reason for the change",
        )
        .into());
    }
    if reason.chars().count() > 2000 {
        return Err(tongban_domain::FieldError::new(
            "reason",
            "申请理由不能超过2000个字符",
            "the reason must be at most 2000 characters",
        )
        .into());
    }
    Ok(reason.to_owned())
}

/// Files a proposal after checking it against the current catalog.
pub async fn propose(
    store: &Store,
    staff: &DepartmentStaff<'_>,
    proposal: &Proposal,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let reason = check_reason(&proposal.reason)?;
    let mut tx = store.write().await?;
    let lookup = match (proposal.kind, &proposal.proposed) {
        (ChangeKind::Add, Some(proposed)) => proposed.code.clone(),
        _ => proposal.implementation_code.clone(),
    };
    let current = current_in(&mut tx, &lookup).await?;
    plan_change(
        proposal.kind,
        staff.department_id,
        current.as_ref().map(|v| &v.snapshot),
        proposal.proposed.as_ref(),
    )?;
    if let Some(guide) = changed_guide(
        current.as_ref().map(|v| &v.snapshot),
        proposal.proposed.as_ref(),
    ) {
        crate::guides::require_publishable(store, guide).await?;
    }
    let proposed_json = proposal
        .proposed
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(StoreError::corrupt)?;
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO change_requests (kind, implementation_code, department_id, proposed, reason, status, base_version, \
         proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8) RETURNING id",
    )
    .bind(proposal.kind.as_str())
    .bind(&lookup)
    .bind(staff.department_id)
    .bind(proposed_json)
    .bind(&reason)
    .bind(current.as_ref().map(|v| v.version))
    .bind(staff.actor.user_id)
    .bind(at_millis)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let detail =
        serde_json::json!({ "kind": proposal.kind.as_str(), "code": lookup, "reason": reason })
            .to_string();
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis,
            actor: &staff.actor.username,
            role: staff.role.as_str(),
            action: "catalog.change_request.propose",
            subject: &format!("change_request:{id}"),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Decides a pending request; approval publishes its effects as one change set.
pub async fn review(
    store: &Store,
    reviewer: &CatalogReviewer<'_>,
    id: i64,
    decision: &ChangeDecision,
    at_millis: i64,
) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    let request = fetch(&mut *tx, id)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("change request {id}")))?;
    if request.status != ChangeStatus::Pending {
        return Err(StoreError::conflict(
            format!("该申请已{}，不能再次审核", request.status.name_zh()),
            format!("this request is already {}", request.status.as_str()),
        ));
    }
    let mut change_set_id = None;
    if let ChangeDecision::Approve { comment } = decision {
        let current = current_in(&mut tx, &request.implementation_code).await?;
        if current.as_ref().map(|v| v.version) != request.base_version {
            return Err(StoreError::conflict(
                "提出申请后该事项已有新版本，请部门据新版本重新提出",
                "the implementation has a newer version than the one this request was based on; the department must propose again",
            ));
        }
        let effects = plan_change(
            request.kind,
            request.department_id,
            current.as_ref().map(|v| &v.snapshot),
            request.proposed.as_ref(),
        )?;
        // The reference lists may have changed since the proposal: check again.
        if let Some(guide) = changed_guide(
            current.as_ref().map(|v| &v.snapshot),
            request.proposed.as_ref(),
        ) {
            crate::guides::require_publishable(store, guide).await?;
        }
        let set = open_change_set(
            &mut tx,
            "change_request",
            Some(reviewer.actor.user_id),
            &format!("{} #{id}: {comment}", request.kind.as_str()),
            at_millis,
        )
        .await?;
        for effect in effects {
            let Effect::Publish(snapshot) = effect;
            let previous = if snapshot.code == request.implementation_code {
                current.as_ref().map(|v| v.version)
            } else {
                current_in(&mut tx, &snapshot.code)
                    .await?
                    .map(|v| v.version)
            };
            publish(&mut tx, &snapshot, previous, set, Some(id), at_millis).await?;
        }
        change_set_id = Some(set);
    }
    sqlx::query::<Any>(
        "UPDATE change_requests SET status = $1, reviewed_by = $2, reviewed_at = $3, review_comment = $4, \
         change_set_id = $5 WHERE id = $6",
    )
    .bind(decision.status().as_str())
    .bind(reviewer.actor.user_id)
    .bind(at_millis)
    .bind(decision.comment())
    .bind(change_set_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let action = match decision {
        ChangeDecision::Approve { .. } => "catalog.change_request.approve",
        ChangeDecision::Reject { .. } => "catalog.change_request.reject",
    };
    let detail = serde_json::json!({ "comment": decision.comment(), "change_set": change_set_id })
        .to_string();
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis,
            actor: &reviewer.actor.username,
            role: "reform_office",
            action,
            subject: &format!("change_request:{id}"),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The proposed guide when it differs from the current one (the only guide that needs checking).
fn changed_guide<'a>(
    current: Option<&ImplementationSnapshot>,
    proposed: Option<&'a ImplementationSnapshot>,
) -> Option<&'a Guide> {
    let guide = proposed?.guide.as_ref()?;
    (current.and_then(|c| c.guide.as_ref()) != Some(guide)).then_some(guide)
}

const REQUEST_SELECT: &str = "SELECT c.id, c.kind, c.implementation_code, c.department_id, d.name, c.proposed, c.reason, \
     c.status, c.base_version, p.username, c.proposed_at, r.username, c.reviewed_at, c.review_comment \
     FROM change_requests c JOIN departments d ON d.id = c.department_id JOIN users p ON p.id = c.proposed_by \
     LEFT JOIN users r ON r.id = c.reviewed_by";

fn request_from(row: &sqlx::any::AnyRow) -> Result<ChangeRequest, StoreError> {
    let kind: String = row.try_get(1)?;
    let status: String = row.try_get(7)?;
    let proposed: Option<String> = row.try_get(5)?;
    Ok(ChangeRequest {
        id: row.try_get(0)?,
        kind: ChangeKind::parse(&kind).ok_or_else(|| StoreError::corrupt(&kind))?,
        implementation_code: row.try_get(2)?,
        department_id: row.try_get(3)?,
        department_name: row.try_get(4)?,
        proposed: proposed
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(StoreError::corrupt)?,
        reason: row.try_get(6)?,
        status: ChangeStatus::parse(&status).ok_or_else(|| StoreError::corrupt(&status))?,
        base_version: row.try_get(8)?,
        proposed_by: row.try_get(9)?,
        proposed_at: row.try_get(10)?,
        reviewed_by: row.try_get(11)?,
        reviewed_at: row.try_get(12)?,
        review_comment: row.try_get(13)?,
    })
}

async fn fetch<'e, E>(executor: E, id: i64) -> Result<Option<ChangeRequest>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    sqlx::query::<Any>(AssertSqlSafe(format!("{REQUEST_SELECT} WHERE c.id = $1")))
        .bind(id)
        .fetch_optional(executor)
        .await?
        .as_ref()
        .map(request_from)
        .transpose()
}

pub async fn change_request(store: &Store, id: i64) -> Result<Option<ChangeRequest>, StoreError> {
    fetch(store.pool(), id).await
}

pub async fn change_requests(
    store: &Store,
    filter: &ChangeRequestFilter,
    page: Page,
) -> Result<(Vec<ChangeRequest>, i64), StoreError> {
    let mut f = Filter::default();
    if let Some(id) = filter.department_id {
        f.and("c.department_id = ?", Value::Int(id));
    }
    if let Some(status) = filter.status {
        f.and("c.status = ?", Value::Text(status.as_str().to_owned()));
    }
    let total: i64 = f
        .bind(format!(
            "SELECT COUNT(*) FROM change_requests c{}",
            f.where_sql()
        ))
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    let n = f.next_placeholder();
    let rows = f
        .bind(format!(
            "{REQUEST_SELECT}{} ORDER BY c.id DESC LIMIT ${n} OFFSET ${}",
            f.where_sql(),
            n + 1
        ))
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(store.pool())
        .await?;
    let items = rows.iter().map(request_from).collect::<Result<_, _>>()?;
    Ok((items, total))
}
