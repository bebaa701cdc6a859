//! `tongban calendar …`: working-day arithmetic at the command line, on the notices the
//! database holds (the shipped years plus those imported), and importing a year.

use std::process::ExitCode;

use jiff::civil::Date;
use tongban_domain::Bilingual;
use tongban_domain::calendar::{Calendar, HolidayNotice, parse_date};
use tongban_domain::clock::Clock;
use tongban_store::Store;
use tongban_store::calendar::{self, NoticeSource};
use tongban_store::catalog::ImportActor;

use crate::cli::{CalendarCommand, DbArg};
use crate::clock::SystemClock;
use crate::config::Settings;

/// Exit code for a question the calendar cannot answer, a malformed date or notice.
const CANNOT_ANSWER: u8 = 2;

fn date(field: &str, text: &str) -> Result<Date, String> {
    parse_date(field, text).map_err(|e| both(&e))
}

pub async fn run(settings: &Settings, command: CalendarCommand) -> anyhow::Result<ExitCode> {
    let answer = match command {
        CalendarCommand::IsWorkday { date: d, db } => {
            let calendar = loaded(settings, &db).await?;
            date("DATE", &d)
                .and_then(|d| calendar.is_workday(d).map_err(|e| both(&e)))
                .map(|yes| yes.to_string())
        }
        CalendarCommand::AddWorkdays { date: d, n, db } => {
            let calendar = loaded(settings, &db).await?;
            date("DATE", &d)
                .and_then(|d| calendar.add_workdays(d, n).map_err(|e| both(&e)))
                .map(|due| due.to_string())
        }
        CalendarCommand::WorkdaysBetween { from, to, db } => {
            let calendar = loaded(settings, &db).await?;
            date("FROM", &from)
                .and_then(|from| Ok((from, date("TO", &to)?)))
                .and_then(|(from, to)| calendar.workdays_between(from, to).map_err(|e| both(&e)))
                .map(|n| n.to_string())
        }
        CalendarCommand::Import { file, db } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            match HolidayNotice::parse(&text) {
                Err(error) => Err(both(&error)),
                Ok(notice) => {
                    let store = super::open(settings, &db).await?;
                    let actor = ImportActor {
                        user_id: None,
                        name: "cli",
                    };
                    let imported = calendar::import_notice(
                        &store,
                        &actor,
                        "operator",
                        &notice,
                        SystemClock.now_millis(),
                    )
                    .await;
                    imported.map_err(|e| both(&e)).map(|()| {
                        format!(
                            "已载入{}年节假日安排（{}天）/ loaded the {} notice ({} days)",
                            notice.year,
                            notice.days.len(),
                            notice.year,
                            notice.days.len()
                        )
                    })
                }
            }
        }
        CalendarCommand::Years { db } => {
            let store = super::open(settings, &db).await?;
            let lines: Vec<String> = calendar::notices(&store)
                .await?
                .iter()
                .map(|loaded| match &loaded.source {
                    NoticeSource::BuiltIn => format!("{}\tbuilt-in", loaded.notice.year),
                    NoticeSource::Imported { by, at_millis } => format!(
                        "{}\timported by {by} at {}",
                        loaded.notice.year,
                        jiff::Timestamp::from_millisecond(*at_millis)
                            .map(|t| t.to_string())
                            .unwrap_or_default()
                    ),
                })
                .collect();
            Ok(lines.join("\n"))
        }
    };
    Ok(match answer {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(CANNOT_ANSWER)
        }
    })
}

/// The database's calendar; the shipped one when the database is a SQLite file that does not
/// exist yet, so a question never creates a database as a side effect.
async fn loaded(settings: &Settings, db: &DbArg) -> anyhow::Result<Calendar> {
    let url = settings.db_url(db);
    if let Some(path) = sqlite_path(&url)
        && !std::path::Path::new(path).exists()
    {
        return Ok(Calendar::built_in());
    }
    let store: Store = super::open(settings, db).await?;
    Ok(calendar::load(&store).await?.1)
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    Some(rest.split('?').next().unwrap_or(rest))
}

fn both(error: &impl Bilingual) -> String {
    format!("{} / {}", error.zh(), error.en())
}
