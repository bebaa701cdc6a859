//! `tongban user add|grant|revoke`: create accounts on a deployment without demo data, and
//! change their roles (each change audited as made from the command line).

use std::io::BufRead;
use std::process::ExitCode;

use tongban_domain::access::Role;
use tongban_domain::clock::Clock;
use tongban_store::accounts::{self, AccountKind, NewAccount};

use crate::cli::UserCommand;
use crate::clock::SystemClock;
use crate::config::Settings;

pub async fn run(settings: &Settings, command: UserCommand) -> anyhow::Result<ExitCode> {
    let (username, name, roles, department, email, db) = match command {
        UserCommand::Add {
            username,
            name,
            roles,
            department,
            email,
            db,
        } => (username, name, roles, department, email, db),
        UserCommand::Grant { username, role, db } => {
            return change_role(settings, &username, &role, true, &db).await;
        }
        UserCommand::Revoke { username, role, db } => {
            return change_role(settings, &username, &role, false, &db).await;
        }
    };
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

async fn change_role(
    settings: &Settings,
    username: &str,
    role: &str,
    grant: bool,
    db: &crate::cli::DbArg,
) -> anyhow::Result<ExitCode> {
    let role = Role::parse(role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
    let store = super::open(settings, db).await?;
    // The operator of the command line, as the system knows them.
    let operator = format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned())
    );
    accounts::change_role(
        &store,
        username,
        role,
        grant,
        &operator,
        SystemClock.now_millis(),
    )
    .await?;
    let done = if grant { "granted" } else { "withdrew" };
    println!(
        "{done} {} ({}) for {username}",
        role.as_str(),
        role.name_zh()
    );
    Ok(ExitCode::SUCCESS)
}
