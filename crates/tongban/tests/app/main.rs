//! End-to-end tests of the application on SQLite and PostgreSQL: one test binary, one
//! harness (`helpers::spawn_app`).

mod account_email;
mod application_drafts;
mod attachments;
mod audit;
mod bundles;
mod calendar;
mod case_files;
mod case_pages;
mod cases;
mod changes;
mod channels;
mod cli;
mod external_login;
mod guides;
mod helpers;
mod identity;
mod import;
mod notices;
mod notifications;
mod parallel;
mod portal;
mod search;
mod settings;
mod sms;
mod supervision;
mod users;
mod web;
mod work_orders;
