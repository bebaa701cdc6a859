//! `tongban calendar …`: working-day arithmetic at the command line, on the shipped notices.

use std::process::ExitCode;

use jiff::civil::Date;
use tongban_domain::Bilingual;
use tongban_domain::calendar::Calendar;

use crate::cli::CalendarCommand;

/// Exit code for a question the calendar cannot answer or a malformed date.
const CANNOT_ANSWER: u8 = 2;

fn date(field: &str, text: &str) -> Result<Date, String> {
    text.trim().parse().map_err(|_| {
        format!("{field}：“{text}”不是 YYYY-MM-DD 格式的日期 / {field}: \"{text}\" is not a YYYY-MM-DD date")
    })
}

pub fn run(command: CalendarCommand) -> ExitCode {
    let calendar = Calendar::built_in();
    let answer = match command {
        CalendarCommand::IsWorkday { date: d } => date("DATE", &d)
            .and_then(|d| calendar.is_workday(d).map_err(|e| both(&e)))
            .map(|yes| yes.to_string()),
        CalendarCommand::AddWorkdays { date: d, n } => date("DATE", &d)
            .and_then(|d| calendar.add_workdays(d, n).map_err(|e| both(&e)))
            .map(|due| due.to_string()),
        CalendarCommand::WorkdaysBetween { from, to } => date("FROM", &from)
            .and_then(|from| Ok((from, date("TO", &to)?)))
            .and_then(|(from, to)| calendar.workdays_between(from, to).map_err(|e| both(&e)))
            .map(|n| n.to_string()),
    };
    match answer {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(CANNOT_ANSWER)
        }
    }
}

fn both(error: &impl Bilingual) -> String {
    format!("{} / {}", error.zh(), error.en())
}
