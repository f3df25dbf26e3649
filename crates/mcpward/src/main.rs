//! The `mcpward` command: a thin entry point. Each subcommand lives in `commands/`.

use std::process::ExitCode;

mod cli;
mod commands;

fn main() -> ExitCode {
    // The sandbox helper `mcpward run` starts a sandboxed server through: handled before the
    // command line is parsed, so it costs the server's start-up nothing but the exec.
    let mut args = std::env::args_os().skip(1);
    if args
        .next()
        .is_some_and(|a| a == mcpward_sandbox::HELPER_SUBCOMMAND)
    {
        let rest: Vec<_> = args.collect();
        mcpward_sandbox::helper::main(&rest);
    }
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
