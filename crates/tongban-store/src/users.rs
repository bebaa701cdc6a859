//! Accounts as the administrator manages them: find them, open staff accounts, post staff
//! to a department or hall, set their roles, disable and re-enable. Every change is audited
//! with who made it and why; an administrator cannot lock themselves out.

use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::access::{Actor, Role};
use tongban_domain::account::check_password;

use crate::accounts::{self, AccountKind, NewAccount};
use crate::catalog::Page;
use crate::{Store, StoreError, WriteTx, audit};

/// An account in the administrator's list; no personal data beyond the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    /// the service window a staff member sits at (窗口)
    pub service_window: Option<String>,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub created_at: i64,
    /// signs in through an external identity provider
    pub external: bool,
}

/// Which accounts to list: text in the username or name, a role, a department.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub text: Option<String>,
    pub role: Option<Role>,
    pub department_id: Option<i64>,
}

const SUMMARY_COLUMNS: &str = "u.id, u.username, u.display_name, u.kind, u.department_id, \
     d.name, u.disabled, u.created_at, \
     (SELECT COUNT(*) FROM external_identities e WHERE e.user_id = u.id), u.service_window";

/// One page of the accounts that match, and how many match in all.
pub async fn list(
    store: &Store,
    query: &UserQuery,
    page: Page,
) -> Result<(Vec<UserSummary>, i64), StoreError> {
    let text = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| format!("%{}%", t.replace(['%', '_'], "")));
    // One statement for both backends: absent filters are NULL and match everything.
    let filter = "FROM users u LEFT JOIN departments d ON d.id = u.department_id \
         WHERE ($1 IS NULL OR u.username LIKE $1 OR u.display_name LIKE $1) \
         AND ($2 IS NULL OR u.id IN (SELECT user_id FROM user_roles WHERE role = $2)) \
         AND ($3 IS NULL OR u.department_id = $3)";
    let role = query.role.map(Role::as_str);
    let total: i64 = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {filter}")))
        .bind(&text)
        .bind(role)
        .bind(query.department_id)
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} {filter} ORDER BY u.kind DESC, u.username LIMIT $4 OFFSET $5"
    )))
    .bind(&text)
    .bind(role)
    .bind(query.department_id)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(store.pool())
    .await?;
    let mut users = Vec::with_capacity(rows.len());
    for row in &rows {
        users.push(summary_from(store, row).await?);
    }
    Ok((users, total))
}

pub async fn find(store: &Store, username: &str) -> Result<Option<UserSummary>, StoreError> {
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM users u LEFT JOIN departments d ON d.id = u.department_id \
         WHERE u.username = $1"
    )))
    .bind(username.trim())
    .fetch_optional(store.pool())
    .await?;
    match row {
        Some(row) => Ok(Some(summary_from(store, &row).await?)),
        None => Ok(None),
    }
}

async fn summary_from(store: &Store, row: &sqlx::any::AnyRow) -> Result<UserSummary, StoreError> {
    let user_id: i64 = row.try_get(0)?;
    Ok(UserSummary {
        user_id,
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        kind: row.try_get(3)?,
        department_id: row.try_get(4)?,
        department_name: row.try_get(5)?,
        roles: accounts::roles_of(store, user_id).await?,
        disabled: row.try_get::<i64, _>(6)? != 0,
        created_at: row.try_get(7)?,
        external: row.try_get::<i64, _>(8)? > 0,
        service_window: row.try_get(9)?,
    })
}

/// A staff account as the administrator opens it.
pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    /// the first password, told to the person in person; they change it in the user centre
    pub password: &'a str,
    pub department_id: Option<i64>,
    pub service_window: Option<&'a str>,
    pub roles: &'a [Role],
    pub email: Option<&'a str>,
}

/// Opens a staff account with staff roles only, its password meeting the same rules as a
/// person's own; audited as the administrator's act.
pub async fn open_staff(
    store: &Store,
    staff: &NewStaff<'_>,
    by: &Actor,
    at_millis: i64,
) -> Result<i64, StoreError> {
    check_staff_roles(staff.roles)?;
    if staff.display_name.trim().is_empty() {
        return Err(FieldError::new("display_name", "请填写姓名", "give the person's name").into());
    }
    check_password(staff.password, staff.username.trim(), None)?;
    check_department(store, staff.department_id).await?;
    let service_window = check_window(staff.service_window)?;
    let id = accounts::create(
        store,
        &NewAccount {
            username: staff.username,
            display_name: staff.display_name.trim(),
            password: staff.password,
            kind: AccountKind::Staff,
            department_id: staff.department_id,
            roles: staff.roles,
            email: staff.email,
        },
        at_millis,
    )
    .await?;
    let mut tx = store.write().await?;
    sqlx::query::<Any>("UPDATE users SET service_window = $1 WHERE id = $2")
        .bind(&service_window)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let roles: Vec<&str> = staff.roles.iter().map(|r| r.as_str()).collect();
    let detail = serde_json::json!({
        "username": staff.username.trim(),
        "department_id": staff.department_id,
        "service_window": service_window,
        "roles": roles,
    });
    append(&mut tx, by, "account.create", id, detail, at_millis).await?;
    tx.commit().await?;
    Ok(id)
}

/// What an administrator changes about an account; `None` leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub roles: Option<Vec<Role>>,
    /// `Some(None)` takes the account off any department
    pub department_id: Option<Option<i64>>,
    /// `Some(None)` or an empty text clears it
    pub service_window: Option<Option<String>>,
    pub disabled: Option<bool>,
    /// why, for the audit log
    pub reason: String,
}

/// Applies a change in one transaction, each part audited; disabling ends every session.
pub async fn change(
    store: &Store,
    username: &str,
    change: &UserChange,
    by: &Actor,
    at_millis: i64,
) -> Result<UserSummary, StoreError> {
    let reason = change.reason.trim();
    if reason.is_empty() {
        return Err(FieldError::new(
            "reason",
            "请填写变更理由（记入审计日志）",
            "give a reason (it goes into the audit log)",
        )
        .into());
    }
    let current = find(store, username)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("user {}", username.trim())))?;
    let myself = current.user_id == by.user_id;
    if let Some(department_id) = change.department_id {
        check_department(store, department_id).await?;
    }
    let mut tx = store.write().await?;
    if let Some(wanted) = &change.roles {
        check_staff_roles(wanted)?;
        if myself && !wanted.contains(&Role::Admin) {
            return Err(lock_out("roles"));
        }
        // Applicant roles stay as the kind of account made them.
        let staff_held = current.roles.iter().filter(|r| !r.is_applicant());
        for role in staff_held.filter(|r| !wanted.contains(r)) {
            set_role(&mut tx, &current, *role, false, by, reason, at_millis).await?;
        }
        for role in wanted.iter().filter(|r| !current.roles.contains(r)) {
            set_role(&mut tx, &current, *role, true, by, reason, at_millis).await?;
        }
    }
    if let Some(department_id) = change.department_id
        && department_id != current.department_id
    {
        sqlx::query::<Any>("UPDATE users SET department_id = $1 WHERE id = $2")
            .bind(department_id)
            .bind(current.user_id)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({
            "username": current.username,
            "from": current.department_id,
            "to": department_id,
            "reason": reason,
        });
        append(
            &mut tx,
            by,
            "account.department",
            current.user_id,
            detail,
            at_millis,
        )
        .await?;
    }
    if let Some(wanted) = &change.service_window {
        let wanted = check_window(wanted.as_deref())?;
        if wanted != current.service_window {
            sqlx::query::<Any>("UPDATE users SET service_window = $1 WHERE id = $2")
                .bind(&wanted)
                .bind(current.user_id)
                .execute(&mut *tx)
                .await?;
            let detail = serde_json::json!({
                "username": current.username,
                "from": current.service_window,
                "to": wanted,
                "reason": reason,
            });
            append(
                &mut tx,
                by,
                "account.service_window",
                current.user_id,
                detail,
                at_millis,
            )
            .await?;
        }
    }
    if let Some(disabled) = change.disabled
        && disabled != current.disabled
    {
        if myself {
            return Err(lock_out("disabled"));
        }
        sqlx::query::<Any>("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(current.user_id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query::<Any>(
                "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(at_millis)
            .bind(current.user_id)
            .execute(&mut *tx)
            .await?;
        }
        let action = if disabled {
            "account.disable"
        } else {
            "account.enable"
        };
        let detail = serde_json::json!({"username": current.username, "reason": reason});
        append(&mut tx, by, action, current.user_id, detail, at_millis).await?;
    }
    tx.commit().await?;
    find(store, &current.username)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("user {}", current.username)))
}

fn lock_out(field: &str) -> StoreError {
    StoreError::conflict_on(
        field,
        "不能停用自己的账号或取消自己的系统管理员角色，请由另一位管理员办理",
        "you cannot disable your own account or withdraw your own administrator role; ask another administrator",
    )
}

/// A window's name as the hall's signs show it ("3号窗口"), or none.
fn check_window(window: Option<&str>) -> Result<Option<String>, FieldError> {
    let window = window.map(str::trim).filter(|w| !w.is_empty());
    if window.is_some_and(|w| w.chars().count() > MAX_WINDOW_CHARS) {
        return Err(FieldError::new(
            "service_window",
            format!("窗口名称不超过{MAX_WINDOW_CHARS}个字"),
            format!("a window's name has at most {MAX_WINDOW_CHARS} characters"),
        ));
    }
    Ok(window.map(str::to_owned))
}

const MAX_WINDOW_CHARS: usize = 20;

fn check_staff_roles(roles: &[Role]) -> Result<(), FieldError> {
    if roles.iter().any(|r| r.is_applicant()) {
        return Err(FieldError::new(
            "roles",
            "申请人角色随账号类型而定，不能由管理员授予",
            "applicant roles come with the kind of account; an administrator cannot grant them",
        ));
    }
    Ok(())
}

async fn check_department(store: &Store, department_id: Option<i64>) -> Result<(), StoreError> {
    if let Some(id) = department_id
        && crate::catalog::department(store, id).await?.is_none()
    {
        return Err(FieldError::new("department_id", "没有这个部门", "no such department").into());
    }
    Ok(())
}

async fn set_role(
    tx: &mut WriteTx,
    user: &UserSummary,
    role: Role,
    grant: bool,
    by: &Actor,
    reason: &str,
    at_millis: i64,
) -> Result<(), StoreError> {
    let sql = if grant {
        "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)"
    } else {
        "DELETE FROM user_roles WHERE user_id = $1 AND role = $2"
    };
    sqlx::query::<Any>(sql)
        .bind(user.user_id)
        .bind(role.as_str())
        .execute(&mut **tx)
        .await?;
    let action = if grant {
        "account.role_grant"
    } else {
        "account.role_revoke"
    };
    let detail = serde_json::json!({
        "username": user.username,
        "role": role.as_str(),
        "reason": reason,
    });
    append(tx, by, action, user.user_id, detail, at_millis).await
}

async fn append(
    tx: &mut WriteTx,
    by: &Actor,
    action: &str,
    user_id: i64,
    detail: serde_json::Value,
    at_millis: i64,
) -> Result<(), StoreError> {
    audit::append(
        tx,
        &audit::AuditEntry {
            at_millis,
            actor: &by.username,
            role: Role::Admin.as_str(),
            action,
            subject: &format!("user:{user_id}"),
            detail: &detail.to_string(),
        },
    )
    .await?;
    Ok(())
}
