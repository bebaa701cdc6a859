//! Tongban's storage adapter. One portable schema runs on embedded SQLite and on
//! PostgreSQL, chosen by URL; each feature has its module here under the same name as in
//! the domain and web layers. Callers pass the time in: nothing here reads a clock.

pub mod account_email;
pub mod accounts;
pub mod application_drafts;
pub mod audit;
mod batch;
pub mod bundles;
pub mod calendar;
pub mod case_files;
pub mod cases;
pub mod catalog;
mod db;
mod error;
pub mod external_login;
pub mod guides;
pub mod intake;
pub mod login;
pub mod migrate;
pub mod organisations;
pub mod outbox;
pub mod sealed;
pub mod search;
pub mod sessions;
pub mod settings;
mod sqlite_checkpointer;
mod sqlite_reader;
mod sqlite_writer;
pub mod supervision;
pub mod users;
pub mod work_orders;

pub use db::{Backend, Store, WriteTx};
pub use error::StoreError;
