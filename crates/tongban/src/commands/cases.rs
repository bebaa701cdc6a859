//! `tongban case rebuild`: a case is its events; everything else about it is derived and is
//! rebuilt here from them, case by case, each in its own transaction.

use std::process::ExitCode;

use tongban_domain::clock::Clock;
use tongban_domain::time_limit::local_date;
use tongban_store::cases::{self, ActContext};

use crate::cli::CaseCommand;
use crate::clock::SystemClock;
use crate::config::Settings;

const BATCH: i64 = 500;

pub async fn run(settings: &Settings, command: CaseCommand) -> anyhow::Result<ExitCode> {
    let CaseCommand::Rebuild { db } = command;
    let store = super::open(settings, &db).await?;
    let key = settings.data_key(false)?;
    let calendar = tongban_store::calendar::load(&store).await?.1;
    let limits = cases::time_limit_settings(&store).await?;
    let context = ActContext {
        key: &key,
        calendar: &calendar,
        settings: &limits,
        sms: false,
    };
    let clock = SystemClock;
    let today = local_date(clock.now(), &settings.zone()?);
    let (mut after, mut rebuilt) = (0, 0u64);
    loop {
        let ids = cases::ids_after(&store, after, BATCH).await?;
        let Some(&last) = ids.last() else { break };
        for id in ids {
            cases::rebuild(&store, &context, id, today, clock.now_millis()).await?;
            rebuilt += 1;
        }
        after = last;
    }
    println!("已重建 {rebuilt} 件办件的派生数据 / rebuilt the derived rows of {rebuilt} cases");
    Ok(ExitCode::SUCCESS)
}
