//! Who may use which route, declared in one table and checked in one place. A route that
//! is not in the table is refused to everyone, so forgetting a declaration fails closed.

use axum::http::Method;
use tongban_domain::access::{Actor, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// anyone, signed in or not
    Public,
    /// any signed-in account
    SignedIn,
    /// accounts holding at least one of these roles
    AnyOf(&'static [Role]),
}

impl Access {
    pub fn allows(self, actor: Option<&Actor>) -> bool {
        match (self, actor) {
            (Access::Public, _) => true,
            (Access::SignedIn, Some(_)) => true,
            (Access::AnyOf(roles), Some(actor)) => roles.iter().any(|r| actor.has(*r)),
            (_, None) => false,
        }
    }
}

const DEPARTMENT_STAFF: &[Role] = &[
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::DepartmentHead,
];
const CATALOG_CHANGES: &[Role] = &[
    Role::ReformOffice,
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::DepartmentHead,
];
const REFORM_OFFICE: &[Role] = &[Role::ReformOffice];
/// Who may apply: people and organisations online, general windows for walk-ins.
const APPLICANTS: &[Role] = &[Role::Citizen, Role::Enterprise, Role::WindowClerk];
/// Who handles cases.
const CASE_HANDLERS: &[Role] = &[
    Role::WindowClerk,
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::DepartmentHead,
];
const SUPERVISORS: &[Role] = &[Role::Supervisor];
/// System administrators: accounts and roles.
const ADMINS: &[Role] = &[Role::Admin];
/// Who watches sign-ins, refusals and personal-data views: administrators and supervisors.
const ACCESS_MONITORS: &[Role] = &[Role::Admin, Role::Supervisor];
/// Who reads the queries that found nothing and the local settings: the reform office,
/// supervisors, administrators.
const OVERSEERS: &[Role] = &[Role::ReformOffice, Role::Supervisor, Role::Admin];
/// Who reads work orders: departments (their own), hotline agents and supervisors (all).
const WORK_ORDER_DESKS: &[Role] = &[
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::DepartmentHead,
    Role::HotlineAgent,
    Role::Supervisor,
];
/// Who answers them: departments, and hotline agents on their behalf (直办).
const WORK_ORDER_ANSWERERS: &[Role] = &[
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::DepartmentHead,
    Role::HotlineAgent,
];
/// Natural persons with a real-name account.
const CITIZENS: &[Role] = &[Role::Citizen];
/// General windows (综合窗口): take in walk-in applications for every department.
const WINDOW: &[Role] = &[Role::WindowClerk];
/// Who applies online for themselves (a window clerk takes in at /intake).
const ONLINE_APPLICANTS: &[Role] = &[Role::Citizen, Role::Enterprise];
/// Supervisors, and departments for their own alerts.
const ALERT_READERS: &[Role] = &[
    Role::Supervisor,
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::DepartmentHead,
];
/// Who may see or act on a case (each case checks further: its department, its applicant).
const CASE_PARTIES: &[Role] = &[
    Role::Citizen,
    Role::Enterprise,
    Role::WindowClerk,
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::DepartmentHead,
    Role::Supervisor,
];
/// Who watches guide quality: the reform office, supervisors, administrators, departments.
pub const GUIDE_QUALITY: &[Role] = &[
    Role::ReformOffice,
    Role::Supervisor,
    Role::Admin,
    Role::DepartmentReviewer,
    Role::DepartmentApprover,
    Role::DepartmentHead,
];

/// Every route of the application: method, path pattern as the router declares it, access.
pub const ROUTES: &[(&str, &str, Access)] = &[
    // operations
    ("GET", "/healthz", Access::Public),
    ("GET", "/readyz", Access::Public),
    ("GET", "/metrics", Access::Public),
    ("GET", "/assets/{file}", Access::Public),
    // portal
    ("GET", "/", Access::Public),
    ("GET", "/regions/{code}", Access::Public),
    ("GET", "/catalog", Access::Public),
    ("GET", "/catalog/items/{code}", Access::Public),
    ("GET", "/catalog/items/{code}/history", Access::Public),
    ("GET", "/catalog/items/{code}/kiosk", Access::Public),
    ("GET", "/catalog/items/{code}/guide.pdf", Access::Public),
    ("GET", "/catalog/items/{code}/notice.pdf", Access::Public),
    ("GET", "/catalog/items/{code}/qr.svg", Access::Public),
    // blank forms and samples are public documents; ids are content hashes
    ("GET", "/attachments/{sha256}", Access::Public),
    (
        "GET",
        "/catalog/items/{code}/guide/edit",
        Access::AnyOf(DEPARTMENT_STAFF),
    ),
    (
        "POST",
        "/catalog/items/{code}/guide/edit",
        Access::AnyOf(DEPARTMENT_STAFF),
    ),
    ("GET", "/preferences", Access::Public),
    ("GET", "/login", Access::Public),
    ("POST", "/login", Access::Public),
    ("GET", "/login/external", Access::Public),
    ("GET", "/admin/users", Access::AnyOf(ADMINS)),
    ("POST", "/admin/users", Access::AnyOf(ADMINS)),
    ("GET", "/admin/users/{username}", Access::AnyOf(ADMINS)),
    ("POST", "/admin/users/{username}", Access::AnyOf(ADMINS)),
    ("GET", "/admin/access-log", Access::AnyOf(ACCESS_MONITORS)),
    ("GET", "/api/v1/admin/users", Access::AnyOf(ADMINS)),
    ("POST", "/api/v1/admin/users", Access::AnyOf(ADMINS)),
    (
        "GET",
        "/api/v1/admin/users/{username}",
        Access::AnyOf(ADMINS),
    ),
    (
        "PATCH",
        "/api/v1/admin/users/{username}",
        Access::AnyOf(ADMINS),
    ),
    (
        "GET",
        "/api/v1/admin/access-log",
        Access::AnyOf(ACCESS_MONITORS),
    ),
    ("GET", "/login/external/callback", Access::Public),
    ("POST", "/logout", Access::SignedIn),
    ("GET", "/register", Access::Public),
    ("POST", "/register", Access::Public),
    ("GET", "/account", Access::SignedIn),
    ("POST", "/account/password", Access::SignedIn),
    ("POST", "/account/email", Access::SignedIn),
    // the link in the email: the one-time token is the credential (opened on any device)
    ("GET", "/account/email/verify", Access::Public),
    (
        "POST",
        "/account/sessions/{handle}/revoke",
        Access::SignedIn,
    ),
    ("POST", "/account/organisations", Access::AnyOf(CITIZENS)),
    (
        "POST",
        "/account/organisations/{id}/agents",
        Access::AnyOf(CITIZENS),
    ),
    (
        "POST",
        "/account/organisations/{id}/agents/{user_id}/remove",
        Access::AnyOf(CITIZENS),
    ),
    // catalog change control
    ("GET", "/changes", Access::AnyOf(CATALOG_CHANGES)),
    ("GET", "/changes/new", Access::AnyOf(DEPARTMENT_STAFF)),
    ("POST", "/changes", Access::AnyOf(DEPARTMENT_STAFF)),
    ("GET", "/changes/{id}", Access::AnyOf(CATALOG_CHANGES)),
    ("POST", "/changes/{id}/review", Access::AnyOf(REFORM_OFFICE)),
    // guide quality
    (
        "GET",
        "/guides/standardization",
        Access::AnyOf(GUIDE_QUALITY),
    ),
    ("GET", "/guides/consistency", Access::AnyOf(GUIDE_QUALITY)),
    ("GET", "/guides/lists", Access::AnyOf(GUIDE_QUALITY)),
    ("POST", "/guides/lists/{list}", Access::AnyOf(REFORM_OFFICE)),
    (
        "POST",
        "/guides/lists/{list}/import",
        Access::AnyOf(REFORM_OFFICE),
    ),
    (
        "GET",
        "/api/v1/implementations/{code}/lint",
        Access::AnyOf(GUIDE_QUALITY),
    ),
    (
        "GET",
        "/api/v1/guides/standardization",
        Access::AnyOf(GUIDE_QUALITY),
    ),
    (
        "GET",
        "/api/v1/guides/consistency",
        Access::AnyOf(GUIDE_QUALITY),
    ),
    (
        "POST",
        "/api/v1/attachments",
        Access::AnyOf(DEPARTMENT_STAFF),
    ),
    // working-day calendar: public facts; years are added by the reform office
    ("GET", "/calendar", Access::Public),
    ("GET", "/progress", Access::Public),
    ("GET", "/inbox", Access::AnyOf(CASE_HANDLERS)),
    (
        "GET",
        "/catalog/items/{code}/apply",
        Access::AnyOf(ONLINE_APPLICANTS),
    ),
    (
        "POST",
        "/catalog/items/{code}/apply",
        Access::AnyOf(ONLINE_APPLICANTS),
    ),
    ("GET", "/bundles", Access::Public),
    ("GET", "/bundles/{key}", Access::Public),
    ("POST", "/bundles/{key}", Access::AnyOf(ONLINE_APPLICANTS)),
    (
        "GET",
        "/bundle-applications/{id}",
        Access::AnyOf(CASE_PARTIES),
    ),
    ("GET", "/intake", Access::AnyOf(WINDOW)),
    ("POST", "/intake", Access::AnyOf(WINDOW)),
    ("GET", "/cases/{id}", Access::AnyOf(CASE_PARTIES)),
    ("POST", "/cases/{id}/acts", Access::AnyOf(CASE_PARTIES)),
    ("POST", "/calendar/import", Access::AnyOf(REFORM_OFFICE)),
    ("GET", "/api/v1/calendar/years", Access::Public),
    ("GET", "/api/v1/calendar/years/{year}", Access::Public),
    (
        "PUT",
        "/api/v1/calendar/years/{year}",
        Access::AnyOf(REFORM_OFFICE),
    ),
    ("GET", "/api/v1/calendar/day", Access::Public),
    ("GET", "/api/v1/calendar/workdays", Access::Public),
    // cases: who may see or act on a particular case is decided by the case itself
    ("POST", "/api/v1/cases", Access::AnyOf(APPLICANTS)),
    ("GET", "/api/v1/cases/progress", Access::Public),
    ("GET", "/api/v1/cases/{id}", Access::AnyOf(CASE_PARTIES)),
    (
        "POST",
        "/api/v1/cases/{id}/acts",
        Access::AnyOf(CASE_PARTIES),
    ),
    ("GET", "/api/v1/inbox", Access::AnyOf(CASE_HANDLERS)),
    (
        "GET",
        "/api/v1/cases/{id}/notices/{kind}",
        Access::AnyOf(CASE_PARTIES),
    ),
    // applicants' documents: private; read through a case that cites them
    ("POST", "/api/v1/case-files", Access::AnyOf(APPLICANTS)),
    (
        "GET",
        "/api/v1/cases/{id}/files/{sha256}",
        Access::AnyOf(CASE_PARTIES),
    ),
    ("GET", "/api/v1/bundles", Access::Public),
    ("GET", "/api/v1/bundles/{key}", Access::Public),
    ("PUT", "/api/v1/bundles/{key}", Access::AnyOf(REFORM_OFFICE)),
    (
        "POST",
        "/api/v1/bundles/{key}/applications",
        Access::AnyOf(APPLICANTS),
    ),
    (
        "GET",
        "/api/v1/bundle-applications/{id}",
        Access::AnyOf(CASE_PARTIES),
    ),
    ("GET", "/api/v1/messages", Access::SignedIn),
    // finding services: open to everyone; what found nothing and the dictionary are the office's
    ("GET", "/search", Access::Public),
    ("GET", "/api/v1/search", Access::Public),
    ("GET", "/api/v1/search/suggest", Access::Public),
    ("GET", "/admin/search", Access::AnyOf(OVERSEERS)),
    (
        "POST",
        "/admin/search/dictionary",
        Access::AnyOf(REFORM_OFFICE),
    ),
    (
        "GET",
        "/api/v1/admin/search/misses",
        Access::AnyOf(OVERSEERS),
    ),
    (
        "GET",
        "/api/v1/admin/search/dictionary",
        Access::AnyOf(REFORM_OFFICE),
    ),
    (
        "PUT",
        "/api/v1/admin/search/dictionary",
        Access::AnyOf(REFORM_OFFICE),
    ),
    // local settings: read by those who answer for them, changed by the reform office
    ("GET", "/admin/settings", Access::AnyOf(OVERSEERS)),
    (
        "POST",
        "/admin/settings/{name}",
        Access::AnyOf(REFORM_OFFICE),
    ),
    ("GET", "/api/v1/admin/settings", Access::AnyOf(OVERSEERS)),
    (
        "PUT",
        "/api/v1/admin/settings/{name}",
        Access::AnyOf(REFORM_OFFICE),
    ),
    // work orders (工单): anyone submits and looks up with the password; desks read and answer
    ("GET", "/contact", Access::Public),
    ("POST", "/contact", Access::Public),
    ("POST", "/api/v1/work-orders", Access::Public),
    ("GET", "/api/v1/work-orders/lookup", Access::Public),
    (
        "GET",
        "/api/v1/work-orders",
        Access::AnyOf(WORK_ORDER_DESKS),
    ),
    // the submitter's own, or a desk's (each work order checks which)
    ("GET", "/api/v1/work-orders/{id}", Access::SignedIn),
    (
        "POST",
        "/api/v1/work-orders/{id}/answer",
        Access::AnyOf(WORK_ORDER_ANSWERERS),
    ),
    ("GET", "/work-orders", Access::AnyOf(WORK_ORDER_DESKS)),
    ("GET", "/work-orders/{id}", Access::AnyOf(WORK_ORDER_DESKS)),
    (
        "POST",
        "/work-orders/{id}/answer",
        Access::AnyOf(WORK_ORDER_ANSWERERS),
    ),
    // electronic supervision
    ("GET", "/supervision", Access::AnyOf(SUPERVISORS)),
    ("GET", "/supervision/cases/{id}", Access::AnyOf(SUPERVISORS)),
    (
        "GET",
        "/api/v1/supervision/alerts",
        Access::AnyOf(ALERT_READERS),
    ),
    (
        "GET",
        "/api/v1/supervision/figures",
        Access::AnyOf(SUPERVISORS),
    ),
    (
        "POST",
        "/api/v1/supervision/alerts/{id}/resolve",
        Access::AnyOf(SUPERVISORS),
    ),
    (
        "POST",
        "/supervision/alerts/{id}/resolve",
        Access::AnyOf(SUPERVISORS),
    ),
    // notifications: what waits and what fails, for the people who run the platform
    ("GET", "/api/v1/outbox", Access::AnyOf(&[Role::Admin])),
    // API
    ("POST", "/api/v1/auth/token", Access::Public),
    ("POST", "/api/v1/auth/register", Access::Public),
    // the user centre: each account only ever reaches its own
    ("GET", "/api/v1/account", Access::SignedIn),
    ("GET", "/api/v1/account/sessions", Access::SignedIn),
    (
        "DELETE",
        "/api/v1/account/sessions/{handle}",
        Access::SignedIn,
    ),
    ("POST", "/api/v1/account/password", Access::SignedIn),
    // organisations: registered by their legal representative, a real-name citizen
    ("GET", "/api/v1/organisations", Access::SignedIn),
    ("POST", "/api/v1/organisations", Access::AnyOf(CITIZENS)),
    (
        "GET",
        "/api/v1/organisations/{id}/members",
        Access::AnyOf(CITIZENS),
    ),
    (
        "POST",
        "/api/v1/organisations/{id}/members",
        Access::AnyOf(CITIZENS),
    ),
    (
        "DELETE",
        "/api/v1/organisations/{id}/members/{user_id}",
        Access::AnyOf(CITIZENS),
    ),
    ("GET", "/api/v1/regions", Access::Public),
    ("GET", "/api/v1/departments", Access::Public),
    ("GET", "/api/v1/catalog-items", Access::Public),
    ("GET", "/api/v1/catalog-items/{basic_code}", Access::Public),
    ("GET", "/api/v1/implementations", Access::Public),
    ("GET", "/api/v1/implementations/{code}", Access::Public),
    (
        "GET",
        "/api/v1/implementations/{code}/versions",
        Access::Public,
    ),
    (
        "GET",
        "/api/v1/change-requests",
        Access::AnyOf(CATALOG_CHANGES),
    ),
    (
        "POST",
        "/api/v1/change-requests",
        Access::AnyOf(DEPARTMENT_STAFF),
    ),
    (
        "GET",
        "/api/v1/change-requests/{id}",
        Access::AnyOf(CATALOG_CHANGES),
    ),
    (
        "POST",
        "/api/v1/change-requests/{id}/review",
        Access::AnyOf(REFORM_OFFICE),
    ),
];

/// The declared access of a matched route, or None when undeclared (then: deny).
pub fn rule_for(method: &Method, path: &str) -> Option<Access> {
    ROUTES
        .iter()
        .find(|(m, p, _)| {
            *p == path && (*m == method.as_str() || (method == Method::HEAD && *m == "GET"))
        })
        .map(|(_, _, access)| *access)
}
