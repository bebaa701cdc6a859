//! Tongban's pure domain core: identifiers and item codes, the catalog and its change
//! control, service guides. Nothing here performs I/O or reads a clock; callers pass
//! in everything a decision needs, so every rule is testable as a plain function.

pub mod access;
pub mod account;
pub mod bundle;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod clock;
pub mod codes;
pub mod external_identity;
pub mod guide;
pub mod message;
pub mod organisation;
pub mod time_limit;
pub mod work_order;

pub use message::{Bilingual, FieldError};
