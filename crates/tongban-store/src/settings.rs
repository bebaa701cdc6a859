//! Local settings (data, not code): `name → value` rows the reform office may change, read
//! by prefix in one query and parsed into typed settings over their defaults.

use std::collections::HashMap;
use std::str::FromStr;

use sqlx::{Any, Row};

use crate::batch::Statement;
use crate::{Store, StoreError};

/// The stored settings under some prefixes.
pub struct Stored(HashMap<String, String>);

/// Reads every setting whose name starts with one of `prefixes` (e.g. `"login."`).
pub async fn load(store: &Store, prefixes: &[&str]) -> Result<Stored, StoreError> {
    if prefixes.is_empty() {
        return Ok(Stored(HashMap::new()));
    }
    // Filtered by the database: cases read their settings on every request. A prefix is
    // compared whole, not matched by LIKE: SQLite plans a LIKE by its pattern's value, so
    // it prepared the statement again on every read, and `_` in a name is a wildcard there.
    let conditions: Vec<String> = prefixes
        .iter()
        .enumerate()
        .map(|(i, prefix)| format!("substr(name, 1, {}) = ${}", prefix.chars().count(), i + 1))
        .collect();
    let sql = format!(
        "SELECT name, value FROM settings WHERE {}",
        conditions.join(" OR ")
    );
    let mut statement = Statement::new(sql);
    for prefix in prefixes {
        statement.bind(*prefix);
    }
    let mut stored = HashMap::new();
    for row in store.read_now(statement).await? {
        stored.insert(row.get(0)?, row.get(1)?);
    }
    Ok(Stored(stored))
}

impl Stored {
    /// Overrides `target` with the stored value of `name`, if any; an unparsable value is
    /// corrupt data, never silently the default.
    pub fn set<T: FromStr>(&self, name: &str, target: &mut T) -> Result<(), StoreError> {
        if let Some(value) = self.0.get(name) {
            *target = value
                .parse()
                .map_err(|_| StoreError::corrupt(format!("{name} = {value}")))?;
        }
        Ok(())
    }
}

/// A setting the reform office may change: its name, what it decides, its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub name: String,
    pub default: String,
    pub zh: &'static str,
    pub en: &'static str,
}

/// The names of the local settings the store's loaders read: written once here, used by the
/// loaders (`cases::time_limit_settings`, `login::policy`) and by `known()`.
pub mod names {
    pub const RESTART_NEXT_DAY: &str = "time_limit.restart_next_day";
    pub const EXTENSION_DAYS: &str = "time_limit.extension_days";
    pub const JOINT_EXTENSION_DAYS: &str = "time_limit.joint_extension_days";
    pub const POST_CHECK_DAYS: &str = "time_limit.post_check_days";
    pub const WARNING_WITHIN_DAYS: &str = "supervision.warning_within_days";
    pub const YELLOW_WITHIN_DAYS: &str = "supervision.yellow_within_days";
    pub const REFUSAL_REASON_MIN_CHARS: &str = "supervision.refusal_reason_min_chars";
    pub const CLOSE_ON_CORRECTIONS_TIMEOUT: &str = "supervision.close_on_corrections_timeout";
    pub const LOGIN_MAX_FAILURES: &str = "login.max_failures";
    pub const LOGIN_WINDOW_MINUTES: &str = "login.window_minutes";
    pub const LOGIN_LOCK_MINUTES: &str = "login.lock_minutes";
    pub const LOGIN_EXTERNAL_MINUTES: &str = "login.external_minutes";
}

fn known_one(name: &str, default: impl ToString, zh: &'static str, en: &'static str) -> Known {
    Known {
        name: name.to_owned(),
        default: default.to_string(),
        zh,
        en,
    }
}

/// Every setting there is, with the defaults the code falls back on.
pub fn known() -> Vec<Known> {
    use tongban_domain::guide::attachment::AttachmentSettings;
    use tongban_domain::time_limit::TimeLimitSettings;
    use tongban_domain::work_order::{AnswerLimits, RequestKind};
    let time = TimeLimitSettings::default();
    let login = crate::login::LoginPolicy::default();
    let answers = AnswerLimits::default();
    let mut known = vec![
        known_one(
            names::RESTART_NEXT_DAY,
            time.restart_next_day,
            "计时停止结束后，自次一工作日起恢复计时（false：当日恢复）",
            "after a stop, counting resumes the next working day (false: the same day)",
        ),
        known_one(
            names::EXTENSION_DAYS,
            time.extension_days,
            "部门负责人批准延期的工作日数",
            "working days a head's extension adds",
        ),
        known_one(
            names::JOINT_EXTENSION_DAYS,
            time.joint_extension_days,
            "联合办理、并联审批延期的工作日数",
            "working days an extension adds for joint handling",
        ),
        known_one(
            names::POST_CHECK_DAYS,
            time.post_check_days,
            "告知承诺事项批准后核查的工作日期限",
            "working days to check a pledge after approval",
        ),
        known_one(
            names::WARNING_WITHIN_DAYS,
            time.warning_within_days,
            "剩余工作日不超过此数时预警",
            "预警 when this many working days or fewer remain",
        ),
        known_one(
            names::YELLOW_WITHIN_DAYS,
            time.yellow_within_days,
            "剩余工作日不超过此数时黄牌（无剩余时红牌）",
            "黄牌 when this many working days or fewer remain (红牌 when none remain)",
        ),
        known_one(
            names::REFUSAL_REASON_MIN_CHARS,
            time.refusal_reason_min_chars,
            "不予受理理由短于此字数视为无理由",
            "a refusal reason shorter than this counts as none",
        ),
        known_one(
            names::CLOSE_ON_CORRECTIONS_TIMEOUT,
            time.close_on_corrections_timeout,
            "补正逾期时自动以补正超时办结",
            "close a case as 补正超时 when its correction deadline passes",
        ),
        known_one(
            names::LOGIN_MAX_FAILURES,
            login.max_failures,
            "时间窗口内允许的登录失败次数",
            "failed sign-ins allowed within the window",
        ),
        known_one(
            names::LOGIN_WINDOW_MINUTES,
            login.window_minutes,
            "统计登录失败的时间窗口（分钟）",
            "the window failed sign-ins are counted in (minutes)",
        ),
        known_one(
            names::LOGIN_LOCK_MINUTES,
            login.lock_minutes,
            "超过失败次数后锁定的分钟数",
            "minutes sign-in stays locked after too many failures",
        ),
        known_one(
            names::LOGIN_EXTERNAL_MINUTES,
            login.external_minutes,
            "通过统一身份认证登录的有效分钟数",
            "minutes a sign-in through the identity provider may take",
        ),
        known_one(
            "account.email_verify_hours",
            crate::account_email::EMAIL_VERIFY_HOURS,
            "邮箱验证链接的有效小时数",
            "hours an email verification link stays good",
        ),
        known_one(
            crate::application_drafts::KEEP_DAYS_SETTING,
            crate::application_drafts::KEEP_DAYS,
            "网上申请草稿自最后保存起保留的天数，逾期自动删除",
            "days an online application's draft is kept after it was last saved, then deleted",
        ),
        known_one(
            crate::guides::attachments::MAX_BYTES_SETTING,
            AttachmentSettings::default().max_bytes,
            "办事指南附件（空白表格、示例样表）的最大字节数",
            "the largest guide attachment (blank form, sample) in bytes",
        ),
    ];
    for kind in RequestKind::ALL {
        let (zh, en) = match kind {
            RequestKind::Enquiry => ("答复咨询的工作日期限", "working days to answer an enquiry"),
            RequestKind::Help => (
                "答复求助的工作日期限",
                "working days to answer a request for help",
            ),
            RequestKind::Complaint => {
                ("答复投诉的工作日期限", "working days to answer a complaint")
            }
            RequestKind::Report => ("答复举报的工作日期限", "working days to answer a report"),
            RequestKind::Suggestion => (
                "答复建议的工作日期限",
                "working days to answer a suggestion",
            ),
        };
        known.push(known_one(&kind.limit_setting(), answers.days(kind), zh, en));
    }
    known
}

/// A known setting with the value in force.
#[derive(Debug, Clone)]
pub struct Current {
    pub known: Known,
    pub value: String,
    /// a value is stored (else the default is in force)
    pub stored: bool,
    pub updated_at: Option<i64>,
}

/// Every known setting as it is now.
pub async fn current(store: &Store) -> Result<Vec<Current>, StoreError> {
    let mut stored: HashMap<String, (String, i64)> = HashMap::new();
    for row in sqlx::query::<Any>("SELECT name, value, updated_at FROM settings")
        .fetch_all(store.pool())
        .await?
    {
        stored.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
    }
    Ok(known()
        .into_iter()
        .map(|known| match stored.remove(&known.name) {
            Some((value, at)) => Current {
                known,
                value,
                stored: true,
                updated_at: Some(at),
            },
            None => Current {
                value: known.default.clone(),
                known,
                stored: false,
                updated_at: None,
            },
        })
        .collect())
}

/// A value of the setting's kind, read off its default: true/false, or a whole number.
fn checked(known: &Known, value: &str) -> Result<String, tongban_domain::FieldError> {
    use tongban_domain::FieldError;
    let value = value.trim();
    if known.default.parse::<bool>().is_ok() {
        return value.parse::<bool>().map(|b| b.to_string()).map_err(|_| {
            FieldError::new(
                "value",
                "请填写 true（是）或 false（否）",
                "give true or false",
            )
        });
    }
    value.parse::<u32>().map(|n| n.to_string()).map_err(|_| {
        FieldError::new(
            "value",
            "请填写不小于0的整数",
            "give a whole number, 0 or more",
        )
    })
}

/// The reform office changes a setting, with a reason; audited with the old and new value.
pub async fn change(
    store: &Store,
    reviewer: tongban_domain::access::CatalogReviewer<'_>,
    name: &str,
    value: &str,
    reason: &str,
    at_millis: i64,
) -> Result<(), StoreError> {
    use tongban_domain::FieldError;
    let known = known()
        .into_iter()
        .find(|k| k.name == name)
        .ok_or_else(|| {
            StoreError::Invalid(FieldError::new(
                "name",
                "没有这项设置",
                "there is no such setting",
            ))
        })?;
    let value = checked(&known, value).map_err(StoreError::Invalid)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid(FieldError::new(
            "reason",
            "请填写修改理由",
            "give the reason for the change",
        )));
    }
    let mut tx = store.write().await?;
    let before: Option<String> = sqlx::query::<Any>("SELECT value FROM settings WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
    sqlx::query::<Any>(
        "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(&value)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({
        "from": before.unwrap_or(known.default),
        "to": value,
        "reason": reason,
    });
    crate::audit::append(
        &mut tx,
        &crate::audit::AuditEntry {
            at_millis,
            actor: &reviewer.actor.username,
            role: "reform_office",
            action: "settings.change",
            subject: &format!("setting:{name}"),
            detail: &detail.to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_setting_has_a_unique_name_and_a_checkable_default() {
        let known = known();
        let mut names: Vec<&str> = known.iter().map(|k| k.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), known.len());
        for k in &known {
            assert_eq!(
                checked(k, &k.default).as_deref(),
                Ok(k.default.as_str()),
                "{}",
                k.name
            );
        }
        let flag = known
            .iter()
            .find(|k| k.name == "time_limit.restart_next_day")
            .unwrap();
        assert_eq!(checked(flag, "yes").unwrap_err().field, "value");
        let days = known
            .iter()
            .find(|k| k.name == "time_limit.extension_days")
            .unwrap();
        assert_eq!(checked(days, " 12 ").unwrap(), "12");
        assert!(checked(days, "-1").is_err() && checked(days, "1.5").is_err());
    }
}
