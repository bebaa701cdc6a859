//! The Tongban application: command line, configuration, the demo city and server start-up.
//! `main.rs` only parses arguments and runs a command; tests use this library directly.

pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod demo;
pub mod demo_history;
pub mod jobs;
pub mod notify;
pub mod sms;
