//! The catalog in storage: regions and departments, the versioned implementations, change
//! requests and their review, and bulk import as one change set.

mod changes;
mod implementations;
mod import;
mod organisation;
mod query;

pub use changes::{
    ChangeRequest, ChangeRequestFilter, Proposal, change_request, change_requests, propose, review,
};
pub use implementations::{
    CatalogItem, Facets, ImplementationFilter, ImplementationSummary, ImplementationVersion,
    PublishedImplementation, all_current, catalog_item, catalog_items, current, facets,
    list_implementations, open_change_set, publish, require_published, version, versions,
};
pub use import::{ImportActor, ImportReport, RowProblem, import};
pub use organisation::{
    Department, NewDepartment, Region, create_department, department, departments, regions,
    upsert_region,
};

/// Limit and offset of a listing; the same everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub const MAX_LIMIT: i64 = 500;

    /// Clamps what a client asked for to sane bounds.
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Page {
        Page {
            limit: limit.unwrap_or(20).clamp(1, Self::MAX_LIMIT),
            offset: offset.unwrap_or(0).max(0),
        }
    }
}
