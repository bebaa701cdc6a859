//! Command dispatch: each command gets the settings and returns the process exit code.

mod audit;
mod calendar;
mod cases;
mod catalog;
mod codes;
mod guides;
mod search;
mod serve;
mod users;

use std::process::ExitCode;

use tongban_store::Store;

use crate::cli::{Cli, Command, DbArg};
use crate::config::Settings;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(cli.config.as_deref())?;
    init_logging(&settings, matches!(cli.command, Command::Serve { .. }));
    match cli.command {
        Command::Serve { listen, demo, db } => serve::run(&settings, listen, demo, &db).await,
        Command::Migrate { db } => {
            let store = Store::connect(&settings.db_url(&db)).await?;
            let applied = tongban_store::migrate::run(&store).await?;
            println!(
                "已应用 {applied} 个迁移 / applied {applied} migration(s); schema version {}",
                tongban_store::migrate::latest_version()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { db } => {
            let store = open(&settings, &db).await?;
            crate::demo::load_if_empty(&store, &crate::clock::SystemClock).await?;
            crate::demo_history::load_if_empty(
                &store,
                &crate::clock::SystemClock,
                &settings.zone()?,
                &settings.data_key(true)?,
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Code { command } => Ok(codes::code(command)),
        Command::Validate { what } => Ok(codes::validate(what)),
        Command::Calendar { command } => calendar::run(&settings, command).await,
        Command::Catalog { command } => catalog::run(&settings, command).await,
        Command::Guide { command } => guides::run(&settings, command).await,
        Command::Case { command } => cases::run(&settings, command).await,
        Command::Audit { command } => audit::run(&settings, command).await,
        Command::User { command } => users::run(&settings, command).await,
        Command::Keys { command } => {
            match command {
                crate::cli::KeysCommand::Generate => {
                    settings.generate_data_key()?;
                    println!(
                        "已生成数据密钥 created the data key in {}; back it up",
                        settings.data_key_file
                    );
                }
                crate::cli::KeysCommand::Rotate => {
                    let retired = settings.rotate_data_key()?;
                    println!(
                        "已轮换数据密钥 rotated the data key in {} ({retired} retired key(s) kept for reading); restart every server",
                        settings.data_key_file
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search(args) => search::run(&settings, args).await,
        Command::Openapi => {
            println!("{}", tongban_web::openapi_document().to_pretty_json()?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn open(settings: &Settings, db: &DbArg) -> anyhow::Result<Store> {
    let url = settings.db_url(db);
    Store::open(&url)
        .await
        .map_err(|e| anyhow::anyhow!("database {}: {e}", redacted(&url)))
}

fn redacted(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}…@{}", &url[..s + 3], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

fn init_logging(settings: &Settings, server: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if server { "info" } else { "warn" };
    let filter = EnvFilter::try_from_env("TONGBAN_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if settings.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
