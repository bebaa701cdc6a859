//! The catalog (事项清单): regions, implementations of catalog items, and the change
//! control through which the reform office (审改办) alone may alter them.

pub mod change;
pub mod consistency;
pub mod diff;
pub mod implementation;
pub mod import;
pub mod region;

pub use change::{ChangeDecision, ChangeError, ChangeKind, ChangeStatus, Effect, plan_change};
pub use consistency::{Inconsistency, inconsistencies};
pub use diff::{FieldChange, diff_snapshots};
pub use implementation::{ImplementationSnapshot, ImplementationStatus, catalog_key_of};
pub use import::{CatalogEntry, RawCatalogRow, parse_row};
pub use region::{RegionCode, RegionLevel};
