//! The written notices of a case as PDF: of its intake decision (受理通知书, 不予受理通知书,
//! 补齐补正告知书) and of its result (办理结果通知书, what electronic delivery hands over),
//! made from the case's history: the decision event says what to print.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tongban_domain::case::{Acceptance, CaseResult, Change};
use tongban_publish::{CaseNotice, NoticeKind, case_notice_pdf};
use tongban_store::catalog;

use super::cases::{Reader, visible_case};
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::state::AppState;

/// A notice of the case's latest decision of this kind: `acceptance`, `refusal`,
/// `corrections` or `result`. Staff who handle the case and its applicant may print it.
#[utoipa::path(get, path = "/api/v1/cases/{id}/notices/{kind}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path), ("kind" = String, Path, description = "acceptance | refusal | corrections | result")),
    responses((status = 200, content_type = "application/pdf", description = "the notice"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn notice(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let actor = viewer.actor.as_ref().ok_or_else(ApiError::unauthorized)?;
    let stored = visible_case(&state, actor, id).await?;
    let case = &stored.case;
    let decision = stored.events.iter().rev().find(|e| {
        matches!(
            (&e.change, kind.as_str()),
            (Change::Accepted { .. }, "acceptance")
                | (Change::Refused { .. }, "refusal")
                | (Change::CorrectionsRequested { .. }, "corrections")
                | (Change::Closed { .. }, "result")
        )
    });
    let Some(decision) = decision else {
        return Err(ApiError::not_found(&format!("{kind} notice of case {id}")));
    };
    let reader = Reader::load(&state).await?;
    let notice_kind = match &decision.change {
        Change::Accepted {
            case_number,
            acceptance,
        } => NoticeKind::Acceptance {
            case_number: case_number.clone(),
            accepted_on: decision.on.to_string(),
            committed_limit_days: case.committed_limit_days,
            due_on: case
                .clock
                .as_ref()
                .and_then(|c| c.read(&reader.calendar, decision.on, &reader.settings).ok())
                .and_then(|r| r.due_on)
                .map(|d| d.to_string()),
            query_password: None,
            deferred: match acceptance {
                Acceptance::WithDeficiencies {
                    materials,
                    promised_on,
                } => Some((materials.clone(), promised_on.to_string())),
                _ => None,
            },
        },
        Change::Refused {
            reason,
            legal_basis,
        } => NoticeKind::Refusal {
            reason: reason.clone(),
            basis: legal_basis.clone(),
        },
        Change::CorrectionsRequested {
            items, deadline, ..
        } => NoticeKind::Corrections {
            items: items
                .iter()
                .map(|c| (c.material.clone(), c.problem.clone()))
                .collect(),
            deadline: deadline.to_string(),
        },
        Change::Closed { result, .. } => {
            let (result_name, number, approved) = match result {
                CaseResult::Licence { number } => ("许可证件", number, true),
                CaseResult::Certificate { number } => ("证明文件", number, true),
                CaseResult::ApprovalDocument { number } => ("批准文件", number, true),
                CaseResult::RefusalDecision { number } => ("不予许可决定书", number, false),
                CaseResult::None => {
                    return Err(ApiError::not_found(&format!("result of case {id}")));
                }
            };
            // A decision against the applicant says why: the rejection that led to it.
            let reason = (!approved)
                .then(|| {
                    stored.events.iter().rev().find_map(|e| match &e.change {
                        Change::StepRejected { reason, .. } => Some(reason.clone()),
                        _ => None,
                    })
                })
                .flatten();
            NoticeKind::Result {
                result_name: result_name.to_owned(),
                number: number.clone(),
                approved,
                reason,
            }
        }
        _ => return Err(ApiError::internal()),
    };
    let snapshot = catalog::current(&state.store, &case.implementation_code)
        .await?
        .ok_or_else(ApiError::internal)?
        .snapshot;
    let department = catalog::department(&state.store, case.department_id)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let number = case.case_number.clone();
    let base = state.settings.public_url.trim_end_matches('/');
    let notice = CaseNotice {
        kind: notice_kind,
        reference: number.clone().unwrap_or_else(|| format!("收件第{id}号")),
        applicant: stored.applicant_name_masked.clone(),
        item_name: snapshot.name.clone(),
        department,
        complaint_phone: snapshot
            .guide
            .as_ref()
            .map(|g| g.complaint_phone.clone())
            .unwrap_or_default(),
        submitted_on: case.submitted_on.to_string(),
        issued_on: decision.on.to_string(),
        progress_url: match &number {
            Some(number) => format!("{base}/progress?number={number}"),
            None => format!("{base}/progress"),
        },
    };
    let file = format!("case-{id}-{kind}.pdf");
    let bytes = tokio::task::spawn_blocking(move || case_notice_pdf(&notice))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(%e, "rendering a case notice failed");
            ApiError::internal()
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", file.replace('"', "")),
            ),
        ],
        bytes,
    )
        .into_response())
}
