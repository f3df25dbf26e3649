//! The `mcpward` command: a thin entry point. Each subcommand lives in `commands/`.

use std::process::ExitCode;

mod cli;
mod commands;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
