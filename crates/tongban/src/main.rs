//! `tongban`: the one binary. It parses the command line and runs the command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tongban::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tongban::commands::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("错误 error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
