//! Errors as the two kinds of clients see them: JSON with the field and a message in both
//! languages for the API, a page in the reader's language for people. Internal details
//! go to the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use tongban_domain::{Bilingual, FieldError};
use tongban_store::StoreError;
use utoipa::ToSchema;

use crate::auth::Prefs;
use crate::i18n::Lang;
use crate::pages::render_error_page;

/// The error body of every API response: `{"error": {"field", "message", "message_en"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// the input field at fault, when the error is about one
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// in Chinese
    pub message: String,
    pub message_en: String,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    field: Option<String>,
    zh: String,
    en: String,
}

impl ApiError {
    pub fn new(status: StatusCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            status,
            field: None,
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn field(error: FieldError) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            field: Some(error.field),
            zh: error.zh,
            en: error.en,
        }
    }
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The input field at fault, when the error is about one.
    pub fn field_name(&self) -> Option<&str> {
        self.field.as_deref()
    }
    /// The message in one language (pages show it; the API sends both).
    pub fn message(&self, lang: crate::i18n::Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "请先登录或提供有效的访问令牌",
            "sign in or present a valid token",
        )
    }
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "您的账号无权进行此操作",
            "your account may not do this",
        )
    }
    pub fn read_only() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "此令牌只读，不能办理或修改",
            "this token may only read",
        )
    }
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "请求缺少有效的防伪令牌，请刷新页面后重试",
            "the request lacks a valid CSRF token; reload and retry",
        )
    }
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "请求内容过大",
            "the request is too large",
        )
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "系统暂时无法处理，请稍后再试",
            "the system cannot handle this right now",
        )
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("未找到：{what}"),
            format!("not found: {what}"),
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(field) => ApiError::field(field),
            StoreError::NotFound { .. } => ApiError {
                status: StatusCode::NOT_FOUND,
                field: None,
                zh: error.zh(),
                en: error.en(),
            },
            StoreError::Conflict { ref field, .. } => ApiError {
                status: StatusCode::CONFLICT,
                field: field.clone(),
                zh: error.zh(),
                en: error.en(),
            },
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::internal()
            }
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        ApiError::field(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                field: self.field,
                message: self.zh,
                message_en: self.en,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// An error shown as a page.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    prefs: Prefs,
    message: Option<(String, String)>,
}

impl PageError {
    fn of(status: StatusCode, prefs: Prefs) -> Self {
        Self {
            status,
            prefs,
            message: None,
        }
    }
    pub fn internal() -> Self {
        Self::of(
            StatusCode::INTERNAL_SERVER_ERROR,
            Prefs {
                lang: Lang::Zh,
                large_type: false,
            },
        )
    }
    pub fn forbidden(prefs: Prefs) -> Self {
        Self::of(StatusCode::FORBIDDEN, prefs)
    }
    pub fn not_found(prefs: Prefs) -> Self {
        Self::of(StatusCode::NOT_FOUND, prefs)
    }
    pub fn bad_request(prefs: Prefs) -> Self {
        Self::of(StatusCode::BAD_REQUEST, prefs)
    }
    pub fn csrf(prefs: Prefs) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            prefs,
            message: Some((ApiError::csrf().zh, ApiError::csrf().en)),
        }
    }
    /// An API answer shown as a page: not found and forbidden as such, the caller's mistakes
    /// with their message, anything else as the server's failure (already logged).
    pub fn api(error: ApiError, prefs: Prefs) -> Self {
        match error.status {
            StatusCode::NOT_FOUND | StatusCode::FORBIDDEN => Self::of(error.status, prefs),
            status if status.is_server_error() => Self {
                prefs,
                ..Self::internal()
            },
            status => Self {
                status,
                prefs,
                message: Some((error.zh, error.en)),
            },
        }
    }
    pub fn store(error: StoreError, prefs: Prefs) -> Self {
        match error {
            StoreError::NotFound { .. } => Self::not_found(prefs),
            StoreError::Invalid(_) | StoreError::Conflict { .. } => Self {
                status: StatusCode::BAD_REQUEST,
                prefs,
                message: Some((error.zh(), error.en())),
            },
            other => {
                tracing::error!(error = %other, "store failure");
                Self {
                    prefs,
                    ..Self::internal()
                }
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let message = self
            .message
            .as_ref()
            .map(|(zh, en)| self.prefs.lang.pick(zh, en).to_owned());
        (
            self.status,
            Html(render_error_page(self.status, self.prefs, message)),
        )
            .into_response()
    }
}

pub async fn not_found(headers: axum::http::HeaderMap, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::not_found(uri.path()).into_response();
    }
    let prefs = Prefs {
        lang: crate::auth::cookie(&headers, crate::auth::LANG_COOKIE)
            .and_then(Lang::from_code)
            .unwrap_or(Lang::Zh),
        large_type: crate::auth::cookie(&headers, crate::auth::LARGE_TYPE_COOKIE) == Some("1"),
    };
    PageError::not_found(prefs).into_response()
}
