//! The one place requests are authorized: resolve who is asking (session cookie or bearer
//! token), apply the route's declared access, and check the CSRF token on every
//! state-changing request that a browser could have been tricked into sending.

use axum::body::{Body, to_bytes};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tongban_domain::access::Actor;
use tongban_store::audit;
use tongban_store::sessions::{self, Scope, SessionKind};

use crate::access::{Access, rule_for};
use crate::error::{ApiError, PageError};
use crate::form_body;
use crate::i18n::Lang;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "tongban_session";
pub const ANONYMOUS_CSRF_COOKIE: &str = "tongban_csrf";
pub const LANG_COOKIE: &str = "tongban_lang";
pub const LARGE_TYPE_COOKIE: &str = "tongban_large";

/// Who is asking, as resolved for this request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Option<Actor>,
    /// the token forms must echo back
    pub csrf_token: String,
    pub prefs: Prefs,
    /// the client's address, for throttling sign-in ("unknown" when not served over TCP)
    pub client: String,
}

/// Display preferences, from cookies (remembered) or the browser's language.
#[derive(Debug, Clone, Copy)]
pub struct Prefs {
    pub lang: Lang,
    pub large_type: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(PageError::internal)
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Chinese unless the reader chose English: a Chinese government portal speaks Chinese
/// first, whatever language the browser happens to be set to.
pub fn prefs_of(headers: &HeaderMap) -> Prefs {
    Prefs {
        lang: cookie(headers, LANG_COOKIE)
            .and_then(Lang::from_code)
            .unwrap_or(Lang::Zh),
        large_type: cookie(headers, LARGE_TYPE_COOKIE) == Some("1"),
    }
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Builds a Set-Cookie value with the attributes every Tongban cookie carries.
pub fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age_seconds: Option<i64>,
    http_only: bool,
) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; SameSite=Lax");
    if http_only {
        cookie.push_str("; HttpOnly");
    }
    if state.settings.secure_cookies {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age_seconds {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

pub async fn authorize(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let method = request.method().clone();
    let prefs = prefs_of(request.headers());
    let api = is_api(&path);
    let now = state.now_millis();
    let policy = state.settings.session;

    let bearer_token = bearer(request.headers()).map(str::to_owned);
    let cookie_token = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let session = match (&bearer_token, &cookie_token) {
        (Some(token), _) => {
            sessions::resolve(&state.store, token, SessionKind::ApiToken, policy, now).await
        }
        (None, Some(token)) => {
            sessions::resolve(&state.store, token, SessionKind::Cookie, policy, now).await
        }
        (None, None) => Ok(None),
    };
    let session = match session {
        Ok(session) => session,
        Err(error) => {
            tracing::error!(%error, "session lookup failed");
            return if api {
                ApiError::internal().into_response()
            } else {
                PageError::internal().into_response()
            };
        }
    };
    if bearer_token.is_some() && session.is_none() {
        return ApiError::unauthorized().into_response();
    }

    let Some(rule) = rule_for(&method, &path) else {
        tracing::warn!(%method, path, "refused a route with no access declaration");
        let actor = session.as_ref().map(|s| &s.actor);
        return deny(&state, api, prefs, actor, &method, &path, now).await;
    };
    let actor = session.as_ref().map(|s| s.actor.clone());
    if !rule.allows(actor.as_ref()) {
        tracing::info!(%method, path, user = actor.as_ref().map(|a| a.username.as_str()), "access denied");
        if actor.is_none() && rule != Access::Public {
            let mut response = if api {
                ApiError::unauthorized().into_response()
            } else {
                let target = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Redirect::to(&format!("/login?next={}", urlencode(target))).into_response()
            };
            response
                .headers_mut()
                .insert(DENIED_BY, HeaderValue::from_static(ACCESS_TABLE));
            return response;
        }
        return deny(&state, api, prefs, actor.as_ref(), &method, &path, now).await;
    }

    // The anonymous CSRF token (double-submit cookie) protects sign-in itself.
    let anonymous_csrf = cookie(request.headers(), ANONYMOUS_CSRF_COOKIE).map(str::to_owned);
    let mut new_anonymous_csrf = None;
    let csrf_token = match (&session, &anonymous_csrf) {
        (Some(s), _) => s.csrf_token.clone(),
        (None, Some(token)) if token.len() == 64 => token.clone(),
        (None, _) => {
            let token = hex_token();
            new_anonymous_csrf = Some(token.clone());
            token
        }
    };

    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && session.as_ref().is_some_and(|s| s.scope == Scope::Read) {
        tracing::info!(%method, path, "refused a change with a read-only token");
        return ApiError::read_only().into_response();
    }
    let browser_request = cookie_token.is_some() || !api;
    let mut request = request;
    if unsafe_method && bearer_token.is_none() && browser_request {
        // A token in the header spares reading the body here: a script's upload may be as
        // large as its route allows. Otherwise the form itself carries it.
        let mut presented = request
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if presented.is_none() {
            let (parts, body) = request.into_parts();
            let Ok(bytes) = to_bytes(body, form_body::body_limit(&parts.headers)).await else {
                return if api {
                    ApiError::too_large().into_response()
                } else {
                    PageError::bad_request(prefs).into_response()
                };
            };
            presented = form_body::parse(&parts.headers, bytes.clone())
                .await
                .and_then(|form| form.field("csrf_token").map(str::to_owned));
            request = Request::from_parts(parts, Body::from(bytes));
        }
        let expected_ok = new_anonymous_csrf.is_none() && !csrf_token.is_empty();
        if !(expected_ok
            && presented
                .as_deref()
                .is_some_and(|p| constant_time_eq(p, &csrf_token)))
        {
            tracing::info!(%method, path, "refused a request without a valid CSRF token");
            return if api {
                ApiError::csrf().into_response()
            } else {
                PageError::csrf(prefs).into_response()
            };
        }
    }

    let client = client_address(&request, state.settings.behind_proxy);
    request.extensions_mut().insert(Viewer {
        actor,
        csrf_token,
        prefs,
        client,
    });
    let mut response = next.run(request).await;
    if let Some(token) = new_anonymous_csrf {
        response.headers_mut().append(
            SET_COOKIE,
            set_cookie(&state, ANONYMOUS_CSRF_COOKIE, &token, None, true),
        );
    }
    response
}

/// The client's address: the peer's, or behind a proxy the last address the proxy added
/// to X-Forwarded-For (earlier entries are the client's own say and can be forged).
fn client_address(request: &Request, behind_proxy: bool) -> String {
    let forwarded = behind_proxy
        .then(|| {
            request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|a| a.parse::<std::net::IpAddr>().is_ok())
                .map(str::to_owned)
        })
        .flatten();
    forwarded
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Refuses a request; a signed-in account's refusal is written to the audit log (an
/// anonymous one is only sent to sign in, and logging those would let anyone fill the log).
async fn deny(
    state: &AppState,
    api: bool,
    prefs: Prefs,
    actor: Option<&Actor>,
    method: &Method,
    path: &str,
    now: i64,
) -> Response {
    if let Some(actor) = actor {
        let detail = serde_json::json!({"method": method.as_str(), "route": path}).to_string();
        let entry = audit::AuditEntry {
            at_millis: now,
            actor: &actor.username,
            role: "",
            action: "auth.denied",
            subject: "route",
            detail: &detail,
        };
        let recorded = async {
            let mut tx = state.store.write().await?;
            audit::append(&mut tx, &entry).await?;
            tx.commit().await.map_err(tongban_store::StoreError::from)
        };
        if let Err(error) = recorded.await {
            tracing::error!(%error, "could not record a denial");
        }
    }
    let mut response = if api {
        ApiError::forbidden().into_response()
    } else {
        PageError::forbidden(prefs).into_response()
    };
    response
        .headers_mut()
        .insert(DENIED_BY, HeaderValue::from_static(ACCESS_TABLE));
    response
}

/// Marks a refusal by the access table (not by a handler's own check, such as a case that
/// is not the reader's), so clients and the access-matrix test can tell the two apart.
pub const DENIED_BY: &str = "x-denied-by";
const ACCESS_TABLE: &str = "access-table";

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn hex_token() -> String {
    rand::random::<[u8; 32]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
