//! Tongban's web adapter: server-rendered pages in Chinese and English, the JSON API under
//! `/api/v1` with its OpenAPI document, and the operational endpoints. It knows HTTP and
//! HTML; the rules live in the domain crate and the data in the store.

pub mod access;
mod api;
mod assets;
mod auth;
mod charts;
mod error;
pub mod external_login;
mod form_body;
mod guide_form;
mod i18n;
mod ops;
mod pages;
mod proposals;
mod state;

pub use api::openapi_document;
pub use auth::DENIED_BY;
pub use state::{AppState, WebSettings};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What a page may load: the server's own scripts, styles, images and fonts (inline style
/// attributes are allowed for server-drawn charts); no plug-ins, no framing by other sites.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
     base-uri 'self'; frame-ancestors 'self'";

/// The whole application as one router: every route passes the access check, which denies
/// whatever the access table does not declare.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api::router();
    let docs = utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi);
    Router::new()
        .merge(pages::router())
        .merge(api_router)
        .merge(ops::router())
        .merge(assets::router())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authorize,
        ))
        // Pages load only what the binary serves: scripts from /assets alone, nothing from
        // elsewhere (the API explorer below brings its own inline scripts, so it is outside).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .merge(docs)
        .fallback(error::not_found)
        // Browsers must use the declared types (uploads!), not sniff; no framing elsewhere.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(middleware::from_fn(ops::record_metrics))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(ops::span_for))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
