//! `tongban user add`: create accounts on a deployment without demo data.

use std::io::BufRead;
use std::process::ExitCode;

use tongban_domain::access::Role;
use tongban_domain::clock::Clock;
use tongban_store::accounts::{self, AccountKind, NewAccount};

use crate::cli::UserCommand;
use crate::clock::SystemClock;
use crate::config::Settings;

pub async fn run(settings: &Settings, command: UserCommand) -> anyhow::Result<ExitCode> {
    let UserCommand::Add {
        username,
        name,
        roles,
        department,
        email,
        db,
    } = command;
    let roles: Vec<Role> = roles
        .iter()
        .map(|r| Role::parse(r).ok_or_else(|| anyhow::anyhow!("unknown role {r}")))
        .collect::<anyhow::Result<_>>()?;
    let password = match std::env::var("TONGBAN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let kind = if roles.contains(&Role::Citizen) {
        AccountKind::Citizen
    } else if roles.contains(&Role::Enterprise) {
        AccountKind::Enterprise
    } else {
        AccountKind::Staff
    };
    let store = super::open(settings, &db).await?;
    let account = NewAccount {
        username: &username,
        display_name: &name,
        password: &password,
        kind,
        department_id: department,
        roles: &roles,
        email: email.as_deref(),
    };
    let id = accounts::create(&store, &account, SystemClock.now_millis()).await?;
    println!("已创建账号 created account {username} (id {id})");
    Ok(ExitCode::SUCCESS)
}
