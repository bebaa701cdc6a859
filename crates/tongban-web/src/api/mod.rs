//! The JSON API under `/api/v1`. Handlers are annotated for utoipa, so the OpenAPI document
//! at `/api/openapi.json` is generated from the code it describes. Transfer types live
//! here: inner types are not serialized as they are, so changing them is no API break.

pub(crate) mod access_log;
pub(crate) mod account;
pub(crate) mod auth;
pub(crate) mod bundles;
mod calendar;
pub(crate) mod case_files;
pub(crate) mod cases;
mod catalog;
mod changes;
mod extract;
mod guides;
mod messages;
mod notices;
mod organisations;
mod outbox;
pub(crate) mod search;
pub(crate) mod settings;
mod supervision;
pub(crate) mod users;
pub(crate) mod work_orders;

use axum::Router;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tongban API",
        description = "一体化在线政务服务平台接口。Integrated government-services platform API: the service catalog, \
                       its change control, and sign-in. Errors answer `{\"error\": {\"field\", \"message\", \"message_en\"}}`.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "统一身份认证: registration, sign-in tokens, my account and sessions"),
        (name = "catalog", description = "事项清单: regions, departments, catalog items and implementations"),
        (name = "changes", description = "清单变更: change requests and their review by the reform office"),
        (name = "guides", description = "办事指南: checks against the rules, standardization figures, consistency"),
        (name = "calendar", description = "工作日: the loaded holiday notices and working-day arithmetic"),
        (name = "cases", description = "办件: applications, acts on them, inboxes, progress by case number"),
        (name = "bundles", description = "一件事一次办: bundles of items applied for together, and their combined progress"),
        (name = "supervision", description = "电子监察: alerts on case clocks and the supervision figures"),
        (name = "operations", description = "Running the platform: the notification outbox"),
        (name = "admin", description = "系统管理: accounts and roles, access monitoring"),
        (name = "work_orders", description = "工单: enquiries, requests for help, complaints, reports and suggestions, routed to the owning department and answered"),
        (name = "search", description = "事项搜索: ranked search the way people ask, completions, queries that found nothing, the phrase dictionary"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::token))
        .routes(routes!(auth::register))
        .routes(routes!(account::show))
        .routes(routes!(account::list_sessions))
        .routes(routes!(account::revoke_session))
        .routes(routes!(account::change_password))
        .routes(routes!(organisations::register, organisations::mine))
        .routes(routes!(organisations::members, organisations::add_agent))
        .routes(routes!(organisations::remove_agent))
        .routes(routes!(catalog::regions))
        .routes(routes!(catalog::departments))
        .routes(routes!(catalog::catalog_items))
        .routes(routes!(catalog::catalog_item))
        .routes(routes!(catalog::implementations))
        .routes(routes!(catalog::implementation))
        .routes(routes!(catalog::versions))
        .routes(routes!(changes::list, changes::create))
        .routes(routes!(changes::show))
        .routes(routes!(changes::review))
        .routes(routes!(guides::lint_implementation))
        .routes(routes!(guides::standardization_figures))
        .routes(routes!(guides::consistency))
        .routes(routes!(guides::upload_attachment))
        .routes(routes!(calendar::years))
        .routes(routes!(calendar::notice, calendar::import))
        .routes(routes!(calendar::day))
        .routes(routes!(calendar::workdays))
        .routes(routes!(cases::apply))
        .routes(routes!(cases::progress))
        .routes(routes!(cases::show))
        .routes(routes!(cases::act))
        .routes(routes!(cases::inbox))
        .routes(routes!(notices::notice))
        .routes(routes!(case_files::upload))
        .routes(routes!(case_files::download))
        .routes(routes!(bundles::list))
        .routes(routes!(bundles::show, bundles::publish))
        .routes(routes!(bundles::apply))
        .routes(routes!(bundles::progress))
        .routes(routes!(supervision::alerts))
        .routes(routes!(supervision::resolve))
        .routes(routes!(supervision::figures))
        .routes(routes!(outbox::status))
        .routes(routes!(messages::mine))
        .routes(routes!(users::list, users::open_staff))
        .routes(routes!(users::show, users::change))
        .routes(routes!(access_log::show))
        .routes(routes!(search::search))
        .routes(routes!(search::suggest))
        .routes(routes!(search::misses))
        .routes(routes!(search::dictionary, search::save_dictionary))
        .routes(routes!(settings::list))
        .routes(routes!(settings::change))
        .routes(routes!(work_orders::create, work_orders::list))
        .routes(routes!(work_orders::look_up))
        .routes(routes!(work_orders::show))
        .routes(routes!(work_orders::answer))
        .split_for_parts()
}

/// The signed-in actor of a route the access table opens only to signed-in accounts.
pub(crate) fn signed_in(
    viewer: &crate::auth::Viewer,
) -> Result<&tongban_domain::access::Actor, crate::error::ApiError> {
    viewer
        .actor
        .as_ref()
        .ok_or_else(crate::error::ApiError::unauthorized)
}

/// The OpenAPI document, for `tongban openapi` and tests.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    router().1
}

/// Paging, the same on every list: `limit` (1–500, default 20) and `offset`.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl Paging {
    pub fn page(self) -> tongban_store::catalog::Page {
        tongban_store::catalog::Page::new(self.limit, self.offset)
    }
}

/// A page of a list: the items and how many there are in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T: ToSchema> {
    pub items: Vec<T>,
    pub total: i64,
}

pub fn rfc3339(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
