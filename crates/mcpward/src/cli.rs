//! Command-line arguments and dispatch.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Security toolkit for MCP: audit client configs, gate and record tool calls.
#[derive(Debug, Parser)]
#[command(name = "mcpward", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find MCP client configs and report misconfigurations.
    Scan(ScanArgs),
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Grouped by config, with source excerpts.
    Human,
    /// The JSON report (version 1).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// Arguments of `mcpward scan`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScanArgs {
    /// Config files or directories (scanned as repositories). None: the current user's configs
    /// of every supported client, plus the current directory.
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, default_value = "high", value_parser = ["info", "low", "medium", "high", "critical"])]
    pub(crate) fail_on: String,
    /// Print the documentation of a rule and exit.
    #[arg(long, value_name = "RULE")]
    pub(crate) explain: Option<String>,
    /// List every rule with its default severity and exit.
    #[arg(long)]
    pub(crate) list_rules: bool,
    /// Start each configured stdio server and screen its tools (not available yet).
    #[arg(long)]
    pub(crate) connect: bool,
    /// Lockfile of pinned tool definitions, with --connect (not available yet).
    #[arg(long, value_name = "FILE")]
    pub(crate) lock: Option<PathBuf>,
}

/// Parses the command line and runs the subcommand.
pub(crate) fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(args) => crate::commands::scan::run(&args),
    }
}
