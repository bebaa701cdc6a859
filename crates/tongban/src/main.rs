//! `tongban`: the one binary. It parses the command line and runs the command.

use std::process::ExitCode;

use clap::Parser;

/// Many small allocations on many threads (requests, rows, statements): glibc's allocator
/// took about a tenth of the processor under load, and the lifecycles ran 15% faster with
/// this one (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
