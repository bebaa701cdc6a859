//! End-to-end tests of the application on SQLite and PostgreSQL: one test binary, one
//! harness (`helpers::spawn_app`).

mod audit;
mod changes;
mod cli;
mod helpers;
mod import;
mod web;
