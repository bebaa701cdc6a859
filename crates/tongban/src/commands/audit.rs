//! `tongban audit verify`: walk the hash chain of the audit log.

use std::process::ExitCode;

use tongban_store::audit::{self, Verification};

use crate::cli::AuditCommand;
use crate::config::Settings;

pub async fn run(settings: &Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify { db } = command;
    let store = super::open(settings, &db).await?;
    match audit::verify(&store).await? {
        Verification::Intact { rows } => {
            println!("审计日志完整 audit log intact: {rows} rows");
            Ok(ExitCode::SUCCESS)
        }
        Verification::Broken { seq, reason } => {
            eprintln!("审计日志在第 {seq} 行断裂 audit log broken at row {seq}: {reason}");
            Ok(ExitCode::FAILURE)
        }
    }
}
