//! Command-line arguments and dispatch.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands::approve::Answer;

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
    /// Make every local server of your client configs run through `mcpward run`.
    Wrap(WrapArgs),
    /// Undo `wrap`: servers run directly again.
    Unwrap(UnwrapArgs),
    /// Write a starter policy for the servers in your configs.
    Init(InitArgs),
    /// Run a stdio MCP server behind the gateway: policy, pins, approvals, audit.
    ///
    /// Every message is recorded in the audit log before it is forwarded; a message whose
    /// record cannot be written is denied. By default a record is written to the OS cache (it
    /// survives mcpward being killed, not a power loss); `--audit-sync full` also fsyncs it,
    /// which is slower.
    Run(RunArgs),
    /// Approve a call that `mcpward run` holds for approval (no ID: list them).
    Approve(ApprovalArgs),
    /// Deny a call that `mcpward run` holds for approval, or keep quarantined output withheld.
    Deny(ApprovalArgs),
    /// Release output that `mcpward run` quarantined as a possible prompt injection (no ID:
    /// list them). `mcpward log ID` shows the original first.
    Release(ApprovalArgs),
    /// Pinned tool definitions: list them, approve changes.
    #[command(subcommand)]
    Pin(PinCommand),
    /// Search the audit log, or verify its hash chain.
    Log(LogArgs),
    /// Check a policy file, or explain a decision.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Answer one Claude Code hook event (PreToolUse, PostToolUse) read on stdin.
    ///
    /// PreToolUse on an MCP tool: the policy decides (allow, ask, deny). PostToolUse: the tool's
    /// output is screened and answered redacted, labelled or withheld. Every decision is
    /// recorded in the audit log. Any error exits 2, which Claude Code treats as a block.
    Hook(HookArgs),
    /// Install mcpward's hooks into a client's settings.
    #[command(subcommand)]
    Install(InstallCommand),
    /// Remove what `mcpward install` added.
    #[command(subcommand)]
    Uninstall(UninstallCommand),
    /// Express the policy in a client's own settings format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Screen files or stdin for prompt injection, credentials and hidden Unicode.
    ///
    /// Exit 0 when nothing was found, 1 when something was, 2 on an error.
    Screen(ScreenArgs),
}

/// Output formats of `screen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScreenFormat {
    /// One block per finding: file:line, the signal, a redacted excerpt.
    Human,
    /// One JSON report.
    Json,
}

/// Arguments of `mcpward screen`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScreenArgs {
    /// Files or directories (walked, `.git` skipped) to screen; `-` or none: stdin. Read in
    /// bounded windows, never whole.
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScreenFormat::Human)]
    pub(crate) format: ScreenFormat,
    /// Read JSON lines with a `text` field; write one verdict per line:
    /// `{"injection": bool, "score": f, "secrets": [kinds], "hidden": n}`.
    #[arg(long, conflicts_with = "format")]
    pub(crate) jsonl: bool,
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
    /// Start each configured stdio server, list its tools and screen them (tool-poisoning,
    /// hidden-unicode, tool-shadowing, destructive-tool, server-launch-failed). Remote servers
    /// only with --remote. Asks for confirmation first; without a terminal, --yes is required.
    #[arg(long)]
    pub(crate) connect: bool,
    /// With --connect: start the servers without asking.
    #[arg(long, short = 'y', requires = "connect")]
    pub(crate) yes: bool,
    /// With --connect: how long each server gets to start (or be reached) and list its tools
    /// (`30s`, `500ms`, `2m`).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub(crate) connect_timeout: std::time::Duration,
    /// With --connect: also contact the configured remote servers (Streamable HTTP, and the
    /// older HTTP+SSE transport) over https, sending the headers their config gives, and screen
    /// their tools the same way. Private, loopback and link-local addresses are refused unless
    /// --allow-private-remote is given; redirects are not followed.
    #[arg(long, requires = "connect")]
    pub(crate) remote: bool,
    /// With --remote: also contact remote servers on loopback, private, link-local and other
    /// non-public addresses (internal servers, tests), and plain http:// on loopback ones.
    /// Cloud metadata addresses stay refused.
    #[arg(long, requires = "remote")]
    pub(crate) allow_private_remote: bool,
    /// With --remote: let configs send this environment variable (`${NAME}` in a remote
    /// server's URL or headers, such as an API token). Repeatable. A remote server whose config
    /// references any other variable is not contacted: the config chooses where the value goes.
    #[arg(long, value_name = "NAME", requires = "remote")]
    pub(crate) remote_env: Vec<String>,
    /// With --connect: pin the tools in this lockfile (the format `mcpward run` uses) the first
    /// time a server is seen, and report later differences as tool-changed.
    #[arg(long, value_name = "FILE", requires = "connect")]
    pub(crate) lock: Option<PathBuf>,
}

/// `30s`, `500ms`, `2m`, or a number of seconds; between 1 ms and 1 hour.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let (number, unit_ms) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60_000)
    } else {
        (t, 1000)
    };
    let n: u64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 30s, 500ms or 2m"))?;
    let ms = n.saturating_mul(unit_ms);
    if ms == 0 || ms > 3_600_000 {
        return Err(format!(
            "`{text}`: the timeout must be between 1ms and 1 hour"
        ));
    }
    Ok(std::time::Duration::from_millis(ms))
}

/// Arguments of `mcpward wrap`.
#[derive(Debug, clap::Args)]
pub(crate) struct WrapArgs {
    /// Config files, or directories holding them (walked as repositories). None: the current
    /// user's config files of every supported client.
    pub(crate) configs: Vec<PathBuf>,
    /// The policy file the wrapped servers use (`mcpward run --policy FILE`). Without it, `run`
    /// uses the default policy.
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
    /// Print what would change, as a diff, and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// The mcpward program the configs should start (default: this binary's absolute path).
    #[arg(long, value_name = "PATH")]
    pub(crate) mcpward: Option<PathBuf>,
    /// Wrap even when a backup from an earlier wrap exists (the existing backup is kept).
    #[arg(long)]
    pub(crate) force: bool,
}

/// Arguments of `mcpward unwrap`.
#[derive(Debug, clap::Args)]
pub(crate) struct UnwrapArgs {
    /// Config files, or directories holding them. None: the current user's config files of
    /// every supported client.
    pub(crate) configs: Vec<PathBuf>,
    /// Print what would change, as a diff, and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// Arguments of `mcpward init`.
#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// Where to write the policy (default: `$MCPWARD_HOME/policy.toml`, else
    /// `$XDG_CONFIG_HOME/mcpward/policy.toml` or `~/.config/mcpward/policy.toml`).
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub(crate) force: bool,
}

/// Arguments of `mcpward run`.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// The policy file (default: `$MCPWARD_HOME/policy.toml`, else the platform's config
    /// directory).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
    /// The server's `[servers.NAME]` section (default: the command's base name).
    #[arg(long, value_name = "NAME")]
    pub(crate) server: Option<String>,
    /// The lockfile of pinned tools (default: `mcpward.lock` beside the policy file).
    #[arg(long, value_name = "FILE")]
    pub(crate) lock: Option<PathBuf>,
    /// The largest message accepted from either side, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub(crate) max_message_bytes: usize,
    /// How hard each audit record tries to reach the disk. Every message is forwarded only
    /// after its audit events are written to this process's journal (a failed write denies
    /// it), whichever is chosen; a background thread then moves them into the audit store.
    ///
    /// `normal` (default): the journal write is in the operating system's cache when the
    /// message is forwarded, so it survives mcpward being killed or crashing (the next mcpward
    /// to open the store replays it); an OS crash or power loss can lose the newest events (the
    /// chain stays valid: it ends earlier). `full`: the journal is fdatasync'd on every write
    /// and the store on every commit, so events also survive power loss, at the cost of one
    /// disk flush per message (milliseconds on many disks).
    #[arg(long, value_enum, value_name = "MODE", default_value_t = AuditSync::Normal)]
    pub(crate) audit_sync: AuditSync,
    /// Start the server without its sandbox when this kernel cannot enforce the policy's
    /// `[servers.NAME.sandbox]` (the downgrade is written to the audit log). Without it, such
    /// a server is refused.
    #[arg(long)]
    pub(crate) allow_unsandboxed: bool,
    /// The server's command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub(crate) command: Vec<OsString>,
}

/// `mcpward run --audit-sync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditSync {
    /// Written to the OS cache (survives a crash of mcpward, not of the machine).
    Normal,
    /// Fdatasync'd on every write (survives power loss).
    Full,
}

/// Arguments of `mcpward approve` and `mcpward deny`.
#[derive(Debug, clap::Args)]
pub(crate) struct ApprovalArgs {
    /// The approval ID that `mcpward run` printed.
    pub(crate) id: Option<String>,
}

/// `mcpward pin` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum PinCommand {
    /// Show the pinned tools and the changes waiting for approval.
    List(PinListArgs),
    /// Accept the current definitions of a server's changed, added or removed tools.
    Approve(PinApproveArgs),
}

/// Arguments of `mcpward pin list`.
#[derive(Debug, clap::Args)]
pub(crate) struct PinListArgs {
    /// The lockfile (default: `mcpward.lock` beside the policy file).
    #[arg(long, value_name = "FILE")]
    pub(crate) lock: Option<PathBuf>,
    /// The policy file whose directory holds the lockfile.
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
    /// Print the lockfile as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Arguments of `mcpward pin approve`.
#[derive(Debug, clap::Args)]
pub(crate) struct PinApproveArgs {
    /// The server (its `[servers.NAME]` name).
    pub(crate) server: String,
    /// Only this tool (default: every pending change of the server).
    pub(crate) tool: Option<String>,
    /// The lockfile (default: `mcpward.lock` beside the policy file).
    #[arg(long, value_name = "FILE")]
    pub(crate) lock: Option<PathBuf>,
    /// The policy file whose directory holds the lockfile.
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
}

/// Arguments of `mcpward log`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct LogArgs {
    #[command(subcommand)]
    pub(crate) action: Option<LogAction>,
    /// Full-text search over kind, server, tool, decision, rule and details.
    pub(crate) query: Option<String>,
    /// Only events since a time (`2026-01-02`, `2026-01-02T03:04:05Z`) or an age (`2h`, `7d`).
    #[arg(long, value_name = "T")]
    pub(crate) since: Option<String>,
    /// Only events of this server.
    #[arg(long, value_name = "S")]
    pub(crate) server: Option<String>,
    /// Only events of this tool.
    #[arg(long, value_name = "T")]
    pub(crate) tool: Option<String>,
    /// Only events with this decision (`allow`, `ask`, `deny`, `approved`, …).
    #[arg(long, value_name = "D")]
    pub(crate) decision: Option<String>,
    /// Only events of this kind (`request`, `result`, `pin`, `approval`, …).
    #[arg(long, value_name = "KIND")]
    pub(crate) kind: Option<String>,
    /// At most this many events (the newest).
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<usize>,
    /// One JSON object per event and line (verifiable with `log verify --file`).
    #[arg(long)]
    pub(crate) json: bool,
}

/// `mcpward log` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum LogAction {
    /// Check the hash chain of the audit log, or of an exported file.
    Verify(LogVerifyArgs),
}

/// Arguments of `mcpward log verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct LogVerifyArgs {
    /// A file written by `mcpward log --json` (default: the audit database).
    #[arg(long, value_name = "F")]
    pub(crate) file: Option<PathBuf>,
}

/// `mcpward policy` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Validate a policy file: exit 0 when valid, 64 with file:line and key when not.
    Check(PolicyCheckArgs),
    /// Show every rule considered for a call, and the decision.
    Explain(PolicyExplainArgs),
}

/// Arguments of `mcpward policy check`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyCheckArgs {
    /// The policy file.
    pub(crate) file: PathBuf,
}

/// Arguments of `mcpward policy explain`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyExplainArgs {
    /// The server.
    #[arg(long, value_name = "S")]
    pub(crate) server: String,
    /// The tool.
    #[arg(long, value_name = "T")]
    pub(crate) tool: String,
    /// The call's arguments, as a JSON object.
    #[arg(long, value_name = "JSON")]
    pub(crate) args: Option<String>,
    /// The policy file (default: the default policy).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
}

/// Arguments of `mcpward hook`.
#[derive(Debug, clap::Args)]
pub(crate) struct HookArgs {
    /// The policy file (default: `$MCPWARD_HOME/policy.toml`, else the platform's config
    /// directory).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
}

/// `mcpward install` targets.
#[derive(Debug, Subcommand)]
pub(crate) enum InstallCommand {
    /// Add mcpward's PreToolUse and PostToolUse hooks to Claude Code's settings.
    #[command(name = "claude-code")]
    ClaudeCode(InstallClaudeCodeArgs),
}

/// Arguments of `mcpward install claude-code`.
#[derive(Debug, clap::Args)]
pub(crate) struct InstallClaudeCodeArgs {
    #[command(flatten)]
    pub(crate) scope: ClaudeScope,
    /// Print what would change, as a diff, and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// The policy file the hook uses (`mcpward hook --policy FILE`; default: the default
    /// policy).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
    /// The mcpward program the hook runs (default: this binary's absolute path).
    #[arg(long, value_name = "PATH")]
    pub(crate) mcpward: Option<PathBuf>,
}

/// `mcpward uninstall` targets.
#[derive(Debug, Subcommand)]
pub(crate) enum UninstallCommand {
    /// Remove mcpward's hooks from Claude Code's settings.
    #[command(name = "claude-code")]
    ClaudeCode(UninstallClaudeCodeArgs),
}

/// Arguments of `mcpward uninstall claude-code`.
#[derive(Debug, clap::Args)]
pub(crate) struct UninstallClaudeCodeArgs {
    #[command(flatten)]
    pub(crate) scope: ClaudeScope,
    /// Print what would change, as a diff, and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// Which Claude Code settings file: `--project` or `--user` (default).
#[derive(Debug, clap::Args)]
#[group(multiple = false)]
pub(crate) struct ClaudeScope {
    /// The project's `.claude/settings.json` (in the current directory).
    #[arg(long)]
    pub(crate) project: bool,
    /// The user's `~/.claude/settings.json` (`$CLAUDE_CONFIG_DIR/settings.json` when set).
    /// The default.
    #[arg(long)]
    pub(crate) user: bool,
}

/// `mcpward export` targets.
#[derive(Debug, Subcommand)]
pub(crate) enum ExportCommand {
    /// Print Claude Code settings (permissions, allowedMcpServers, deniedMcpServers) that
    /// express the policy, for `settings.json` or `managed-settings.json`.
    #[command(name = "claude-code")]
    ClaudeCode(ExportClaudeCodeArgs),
}

/// Arguments of `mcpward export claude-code`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExportClaudeCodeArgs {
    /// The policy file (default: the default policy).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
    /// Client config files or directories whose servers are listed by command or URL
    /// (default: the current user's configs of every supported client, and the current
    /// directory).
    pub(crate) configs: Vec<PathBuf>,
}

/// Parses the command line and runs the subcommand.
pub(crate) fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::try_parse().unwrap_or_else(|e| crate::commands::run::exit_on_parse_error(e));
    match cli.command {
        Command::Scan(args) => crate::commands::scan::run(&args),
        Command::Wrap(args) => crate::commands::wrap::wrap(&args),
        Command::Unwrap(args) => crate::commands::wrap::unwrap(&args),
        Command::Init(args) => crate::commands::init::run(&args),
        Command::Run(args) => crate::commands::run::run(&args),
        Command::Approve(args) => crate::commands::approve::run(&args, Answer::Approve),
        Command::Deny(args) => crate::commands::approve::run(&args, Answer::Deny),
        Command::Release(args) => crate::commands::approve::run(&args, Answer::Release),
        Command::Screen(args) => crate::commands::screen::run(&args),
        Command::Pin(command) => crate::commands::pin::run(&command),
        Command::Log(args) => crate::commands::log::run(&args),
        Command::Policy(command) => crate::commands::policy::run(&command),
        Command::Hook(args) => crate::commands::hook::run(&args),
        Command::Install(InstallCommand::ClaudeCode(args)) => {
            crate::commands::install::install(&args)
        }
        Command::Uninstall(UninstallCommand::ClaudeCode(args)) => {
            crate::commands::install::uninstall(&args)
        }
        Command::Export(ExportCommand::ClaudeCode(args)) => crate::commands::export::run(&args),
    }
}
