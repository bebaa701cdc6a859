//! Access monitoring (访问监控): who signed in, who was refused, whose personal data was
//! opened and which accounts changed — newest first, with the last day's counts.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use tongban_store::audit::AccessKind;

use super::{Chrome, display_time, render};
use crate::api::Paging;
use crate::api::access_log::{AccessFilter, read};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::state::AppState;

const SHOWN: i64 = 200;

struct KindLink {
    value: &'static str,
    label: &'static str,
    current: bool,
}

struct EntryRow {
    at: String,
    actor: String,
    role: String,
    action: String,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    chrome: Chrome,
    kinds: Vec<KindLink>,
    all_current: bool,
    counts: Vec<(String, i64)>,
    entries: Vec<EntryRow>,
}

fn kind_label(kind: AccessKind, lang: Lang) -> &'static str {
    match kind {
        AccessKind::Logins => lang.pick("登录", "Sign-ins"),
        AccessKind::Denials => lang.pick("拒绝访问", "Refusals"),
        AccessKind::PersonalData => lang.pick("个人信息查看", "Personal-data views"),
        AccessKind::Accounts => lang.pick("账号变更", "Account changes"),
    }
}

/// What an audited action means, for people; the code itself for anything else.
fn action_label(action: &str, lang: Lang) -> String {
    let label = match action {
        "auth.login" => lang.pick("登录成功", "signed in"),
        "auth.login_failed" => lang.pick("登录失败", "sign-in failed"),
        "auth.login_locked" => lang.pick("登录已锁定", "sign-in locked"),
        "auth.denied" => lang.pick("拒绝访问", "refused"),
        "personal_data.view" => lang.pick("查看完整个人信息", "opened personal data"),
        "account.register" => lang.pick("实名注册", "registered"),
        "account.create" => lang.pick("开通工作人员账号", "staff account opened"),
        "account.external_link" => lang.pick("关联统一身份认证", "linked to unified identity"),
        "account.password_change" => lang.pick("修改密码", "password changed"),
        "account.email_verified" => lang.pick("验证电子邮箱", "email confirmed"),
        "account.role_grant" => lang.pick("授予角色", "role granted"),
        "account.role_revoke" => lang.pick("取消角色", "role withdrawn"),
        "account.department" => lang.pick("调整部门", "department changed"),
        "account.service_window" => lang.pick("调整窗口", "window changed"),
        "account.disable" => lang.pick("停用账号", "account disabled"),
        "account.enable" => lang.pick("启用账号", "account enabled"),
        "organisation.register" => lang.pick("注册单位", "organisation registered"),
        "organisation.member.add" => lang.pick("授权经办人", "agent authorised"),
        "organisation.member.remove" => lang.pick("取消经办人", "agent withdrawn"),
        other => return other.to_owned(),
    };
    label.to_owned()
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(filter): Query<AccessFilter>,
) -> Response {
    let lang = viewer.prefs.lang;
    let paging = Paging {
        limit: Some(SHOWN),
        offset: None,
    };
    let (records, counts) = match read(&state, &filter, paging).await {
        Ok(read) => read,
        Err(error) => return PageError::api(error, viewer.prefs).into_response(),
    };
    let current = filter.kind.as_deref().and_then(AccessKind::parse);
    let page = AccessLogPage {
        chrome: Chrome::new(&viewer, lang.texts().access_title, "/admin/access-log"),
        kinds: AccessKind::ALL
            .into_iter()
            .map(|k| KindLink {
                value: k.as_str(),
                label: kind_label(k, lang),
                current: current == Some(k),
            })
            .collect(),
        all_current: current.is_none(),
        counts: counts
            .into_iter()
            .map(|(action, n)| (action_label(&action, lang), n))
            .collect(),
        entries: records
            .into_iter()
            .map(|r| EntryRow {
                at: display_time(r.at_millis),
                actor: r.actor,
                role: r.role,
                action: action_label(&r.action, lang),
                subject: r.subject,
                detail: r.detail,
            })
            .collect(),
    };
    render(&page)
}
