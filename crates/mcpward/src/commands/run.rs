//! `mcpward run`: one stdio MCP server behind the gateway.
//!
//! Everything that can be wrong with the arguments, the policy, the lockfile or the audit store
//! is found before the server is started (exit 64 for arguments and config). Then the relay in
//! `mcpward-gateway` runs until the server exits (its exit code becomes ours) or the client
//! leaves (0).
//!
//! Also the state locations the other gateway commands share: [`policy_path`], [`lock_path`],
//! [`audit_path`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use mcpward_gateway::mcpward_audit::{
    self, Durability, Event, Journal, JournalOptions, OpenOptions, Store,
};
use mcpward_gateway::mcpward_policy::{self, Policy, PolicyError, Sandbox};
use mcpward_gateway::pins::LockfilePath;
use mcpward_gateway::policy_gate::PolicyGate;
use mcpward_gateway::relay::{self, Ending, RunError, RunOptions};

use mcpward_sandbox::netns::Control;
use mcpward_sandbox::proxy::{self, EventSink, ProxyEvent};
use mcpward_sandbox::{Guard, Launch, Plan};

use crate::cli::{AuditSync, RunArgs};

/// Invalid arguments or configuration, found before any server starts.
pub(crate) const EXIT_USAGE: u8 = 64;

/// How long the server gets to exit after its stdin is closed, and again after SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(2);
/// How long the sandbox helper has to hand over the proxy listener of its network namespace.
const HANDOVER_LIMIT: Duration = Duration::from_secs(30);
/// How often a pending approval is looked up in the audit store.
const APPROVAL_POLL: Duration = Duration::from_millis(200);

/// `MCPWARD_HOME`, when set and not empty.
pub(crate) fn mcpward_home() -> Option<PathBuf> {
    std::env::var_os("MCPWARD_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The policy file: `--policy FILE`, else the default one (`$MCPWARD_HOME/policy.toml`, else the
/// platform's config directory).
pub(crate) fn policy_path(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf)
        .or_else(crate::commands::init::default_policy_path)
}

/// The lockfile: `--lock FILE`, else `mcpward.lock` beside the policy file (which is
/// `$MCPWARD_HOME/mcpward.lock` for the default policy).
pub(crate) fn lock_path(lock: Option<&Path>, policy: Option<&Path>) -> Option<PathBuf> {
    if let Some(lock) = lock {
        return Some(lock.to_path_buf());
    }
    let policy = policy_path(policy)?;
    Some(match policy.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("mcpward.lock"),
        _ => PathBuf::from("mcpward.lock"),
    })
}

/// The audit database: `$MCPWARD_HOME/audit.db`, else the platform's data directory.
pub(crate) fn audit_path() -> anyhow::Result<PathBuf> {
    mcpward_audit::default_db_path(mcpward_home().as_deref()).ok_or_else(|| {
        anyhow::anyhow!(
            "cannot tell where the audit log is (neither MCPWARD_HOME nor HOME is set)\n\nhint: set MCPWARD_HOME to a directory for mcpward's state"
        )
    })
}

/// Prints a policy error (file:line:column: `key`: message) and its hint on stderr.
pub(crate) fn report_policy_error(err: &PolicyError) {
    eprintln!("error: {err}");
    if let Some(hint) = err.hint() {
        eprintln!("\nhint: {hint}");
    }
}

/// Prints a usage error and returns exit code 64.
pub(crate) fn usage(message: &str, hint: Option<&str>) -> ExitCode {
    eprintln!("error: {message}");
    if let Some(hint) = hint {
        eprintln!("\nhint: {hint}");
    }
    ExitCode::from(EXIT_USAGE)
}

/// Loads the policy at `path` or reports why not (exit 64).
/// The policy named by `--policy`, else the default one, loaded; errors are printed and become
/// the exit code (64).
pub(crate) fn require_policy(flag: Option<&Path>) -> Result<Policy, ExitCode> {
    let Some(file) = policy_path(flag) else {
        return Err(usage(
            "no policy file (neither --policy, MCPWARD_HOME nor HOME is set)",
            Some("pass --policy FILE"),
        ));
    };
    load_policy(&file)
}

pub(crate) fn load_policy(path: &Path) -> Result<Policy, ExitCode> {
    mcpward_policy::load(path).map_err(|err| {
        report_policy_error(&err);
        ExitCode::from(EXIT_USAGE)
    })
}

/// The server name when `--server` is not given: the command's base name.
fn server_name(program: &Path) -> Option<String> {
    let name = program.file_name()?.to_str()?;
    let name = [".exe", ".cmd", ".bat"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(name);
    (!name.is_empty()).then(|| name.to_owned())
}

/// `mcpward run`.
pub(crate) fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let Some((program, rest)) = args.command.split_first() else {
        return Ok(usage(
            "no server command",
            Some("mcpward run [--policy FILE] [--server NAME] -- COMMAND [ARG...]"),
        ));
    };
    if args.max_message_bytes == 0 {
        return Ok(usage("--max-message-bytes must be at least 1", None));
    }
    let server = match &args.server {
        Some(name) if name.trim().is_empty() => {
            return Ok(usage("--server needs a name", None));
        }
        Some(name) => name.clone(),
        None => match server_name(Path::new(program)) {
            Some(name) => name,
            None => {
                return Ok(usage(
                    "cannot name the server after its command",
                    Some("pass --server NAME (the [servers.NAME] section of the policy)"),
                ));
            }
        },
    };
    let Some(policy_file) = policy_path(args.policy.as_deref()) else {
        return Ok(usage(
            "no policy file (neither --policy, MCPWARD_HOME nor HOME is set)",
            Some("pass --policy FILE, or write one with `mcpward init`"),
        ));
    };
    if args.policy.is_none() && !policy_file.exists() {
        return Ok(usage(
            &format!("no policy file at {}", policy_file.display()),
            Some("write one with `mcpward init`, or pass --policy FILE"),
        ));
    }
    let policy = match load_policy(&policy_file) {
        Ok(policy) => policy,
        Err(code) => return Ok(code),
    };
    if !policy.servers().any(|s| s == server) && !policy.has_wildcard_server() {
        eprintln!(
            "mcpward: note: {} has no [servers.{server}] section; its [defaults] decide every call",
            policy_file.display()
        );
    }
    let Some(lock) = lock_path(args.lock.as_deref(), Some(&policy_file)) else {
        return Ok(usage(
            "cannot tell where the lockfile is",
            Some("pass --lock FILE"),
        ));
    };
    let lockfile = LockfilePath::new(lock);
    if let Err(err) = lockfile.read() {
        return Ok(usage(
            &err.to_string(),
            Some("fix or remove the lockfile; `mcpward pin list` shows what it holds"),
        ));
    }
    let db = audit_path()?;
    // Every message waits until its events are in this process's journal (one write, which
    // survives mcpward dying); `full` adds an fdatasync (it also survives power loss) and makes
    // the store's own commits, done behind by the journal's thread, fsync'd as well.
    let (durability, sync) = match args.audit_sync {
        AuditSync::Normal => (Durability::Normal, false),
        AuditSync::Full => (Durability::Full, true),
    };
    let not_writable = |err: &mcpward_audit::AuditError| {
        usage(
            &format!("{}", ErrorChain(err)),
            Some("the audit log must be writable: mcpward does not run a server it cannot record"),
        )
    };
    // Opening replays the journals of `run` processes that died before their events reached
    // the store.
    let store = match Store::open_with(&db, &OpenOptions::new().durability(durability)) {
        Ok(store) => store,
        Err(err) => return Ok(not_writable(&err)),
    };
    let (sandbox, sandbox_event) = match policy.sandbox(&server) {
        None => (None, None),
        Some(section) => {
            match start_sandbox(&server, section, program, rest, &db, args.allow_unsandboxed) {
                Ok(started) => started,
                Err(code) => return Ok(code),
            }
        }
    };
    if let Some(event) = sandbox_event
        && let Err(err) = store.append(&event)
    {
        return Ok(not_writable(&err));
    }
    let journal = match Journal::open(store, JournalOptions::new().sync(sync)) {
        Ok(journal) => journal,
        Err(err) => return Ok(not_writable(&err)),
    };
    // No working directory for the policy: a relative path means whatever the server makes of it
    // (server-filesystem resolves it against its roots, not its process directory), so relative
    // paths are never resolved here and are denied wherever `paths.allow` is set.
    let gate = Arc::new(PolicyGate::new(policy, None));
    let options = RunOptions {
        server,
        program: program.clone(),
        args: rest.to_vec(),
        max_message: args.max_message_bytes,
        lockfile,
        stop_grace: STOP_GRACE,
        approval_poll: APPROVAL_POLL,
        sandbox,
    };
    match relay::run(options, gate, Box::new(journal)) {
        Ok(Ending::ServerExited(code)) => Ok(ExitCode::from(exit_byte(code))),
        Ok(Ending::ClientClosed) => Ok(ExitCode::SUCCESS),
        Err(RunError::Spawn { program, source }) => {
            eprintln!("error: cannot start `{program}`: {source}");
            Ok(ExitCode::from(
                if source.kind() == std::io::ErrorKind::NotFound {
                    127
                } else {
                    126
                },
            ))
        }
        Err(err) => Err(err.into()),
    }
}

/// Prepares the sandbox of a server whose policy has a `sandbox` section: checks its paths
/// (a missing one is refused with the policy file, line and entry), starts the egress proxy for
/// its `net` entries, and checks that the kernel can enforce it (else refuses, unless
/// `--allow-unsandboxed`). Returns the launch and the audit event that records the sandbox.
fn start_sandbox(
    server: &str,
    section: &Sandbox,
    program: &OsString,
    args: &[OsString],
    db: &Path,
    allow_unsandboxed: bool,
) -> Result<(Option<Launch>, Option<Event>), ExitCode> {
    // The private directories live beside the audit log.
    let state_dir = db.parent().unwrap_or(Path::new("."));
    let mut event = Event::new("sandbox");
    event.server = Some(server.to_owned());
    if let Some(missing) = mcpward_sandbox::probe().missing {
        if !allow_unsandboxed {
            return Err(usage(
                &format!(
                    "the policy gives server `{server}` a sandbox, but it cannot be enforced here: {missing}"
                ),
                Some(
                    "run it on Linux 6.7 or later with Landlock enabled, or pass --allow-unsandboxed to start it without the sandbox (recorded in the audit log)",
                ),
            ));
        }
        eprintln!(
            "mcpward: warning: server `{server}` runs WITHOUT its sandbox (--allow-unsandboxed): {missing}"
        );
        event.decision = Some("unsandboxed".to_owned());
        event.detail = serde_json::json!({
            "enforced": false,
            "reason": missing,
            "downgraded_by": "--allow-unsandboxed",
        });
        return Ok((None, Some(event)));
    }
    let helper = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => {
            return Err(usage(
                &format!("cannot find mcpward's own executable to start the sandbox: {err}"),
                None,
            ));
        }
    };
    // A private network namespace where unprivileged user namespaces work; else Landlock TCP
    // rules and seccomp alone (the audit record says which). `MCPWARD_SANDBOX_NETNS=0` asks for
    // the latter (to test it, or where user namespaces misbehave).
    let netns = std::env::var_os("MCPWARD_SANDBOX_NETNS").is_none_or(|v| v != "0")
        && mcpward_sandbox::netns::probe(&helper).is_ok();
    let control = if netns && !section.net.is_empty() {
        match mcpward_sandbox::netns::Control::new() {
            Ok(control) => Some(control),
            Err(err) => {
                return Err(usage(
                    &format!("cannot create the sandbox's control socket: {err}"),
                    None,
                ));
            }
        }
    } else {
        None
    };
    let control_path = control.as_ref().map(|c| c.path().to_path_buf());
    let proxy_port = if section.net.is_empty() {
        None
    } else {
        match start_egress_proxy(server, section, control, db) {
            Ok(port) => Some(port),
            Err(err) => {
                return Err(usage(
                    &format!("cannot start the egress proxy: {err}"),
                    None,
                ));
            }
        }
    };
    let env: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    let mut plan = Plan::new(server, section, program, args, &helper, state_dir, &env);
    plan.proxy_port = proxy_port;
    plan.netns = netns;
    plan.control = control_path.as_deref();
    let launch = match mcpward_sandbox::prepare(&plan) {
        Ok(launch) => launch,
        Err(err) => {
            return Err(usage(
                &format!("server `{server}` not started: {err}"),
                Some("create the path, or change the entry in the policy's sandbox section"),
            ));
        }
    };
    event.decision = Some("enforced".to_owned());
    event.detail = launch.detail.clone();
    Ok((Some(launch), Some(event)))
}

/// Binds the egress proxy on a loopback port and serves it on a thread of its own, so that its
/// traffic never delays the relay. Refusals are reported on stderr.
///
/// With a control socket (private network namespace), the proxy accepts only on the listener the
/// helper creates inside the server's namespace and hands over; the loopback listener here then
/// only picks the port number.
fn start_egress_proxy(
    server: &str,
    section: &Sandbox,
    control: Option<Control>,
    db: &Path,
) -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))?;
    listener.set_nonblocking(true)?;
    let port = listener.local_addr()?.port();
    let guard = Arc::new(Guard::new(&section.net));
    let server = server.to_owned();
    // Its own connection to the audit store: every destination allowed or refused is recorded
    // (an allowed one only once recorded).
    let audit = Store::open_with(db, &OpenOptions::new()).map_err(std::io::Error::other)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("mcpward-egress".to_owned())
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    eprintln!("mcpward: egress proxy for `{server}` could not start");
                    return;
                };
                let who = server.clone();
                let events: EventSink = Arc::new(move |event| {
                    let mut record = Event::new("egress");
                    record.server = Some(who.clone());
                    match event {
                        ProxyEvent::Refused {
                            method,
                            target,
                            reason,
                        } => {
                            eprintln!(
                                "mcpward: egress: refused {method} {target} for `{who}`: {reason}"
                            );
                            record.decision = Some("deny".to_owned());
                            record.detail = serde_json::json!({
                                "method": method, "target": target, "reason": reason,
                            });
                        }
                        ProxyEvent::Allowed { method, target } => {
                            record.decision = Some("allow".to_owned());
                            record.detail =
                                serde_json::json!({ "method": method, "target": target });
                        }
                        _ => return false,
                    }
                    match audit.append(&record) {
                        Ok(_) => true,
                        Err(err) => {
                            eprintln!(
                                "mcpward: egress: the audit log cannot be written ({}); connection refused",
                                ErrorChain(&err)
                            );
                            false
                        }
                    }
                });
                match control {
                    // In a network namespace the server reaches only the listener it handed
                    // over; the one here only reserved the port number, and closes.
                    Some(control) => {
                        drop(listener);
                        match control.receive(HANDOVER_LIMIT).await {
                            Ok(inner) => match tokio::net::TcpListener::from_std(inner) {
                                Ok(inner) => proxy::serve(inner, guard, events).await,
                                Err(err) => {
                                    eprintln!("mcpward: egress proxy for `{server}`: {err}");
                                }
                            },
                            Err(err) => eprintln!(
                                "mcpward: egress proxy for `{server}`: no listener from the sandbox: {err}"
                            ),
                        }
                    }
                    None => proxy::serve(listener, guard, events).await,
                }
            });
        })?;
    Ok(port)
}

/// An exit code as the byte a process can return (out-of-range codes become 1).
fn exit_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(1)
}

/// Displays an error with its sources: `a: b: c`.
pub(crate) struct ErrorChain<'e>(pub(crate) &'e (dyn std::error::Error + 'static));

impl std::fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(e) = source {
            write!(f, ": {e}")?;
            source = e.source();
        }
        Ok(())
    }
}

/// For `cli`: a command-line error of `mcpward run` exits with 64 (invalid arguments, nothing
/// started); other subcommands keep clap's own code. `--help` and `--version` are not errors.
pub(crate) fn exit_on_parse_error(err: clap::Error) -> ! {
    use clap::error::ErrorKind;
    let is_run = std::env::args_os().nth(1).is_some_and(|a| a == "run");
    let informational = matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if is_run && !informational {
        let _ = err.print();
        std::process::exit(i32::from(EXIT_USAGE));
    }
    err.exit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_come_from_the_command() {
        assert_eq!(
            server_name(Path::new("/usr/bin/python3")).as_deref(),
            Some("python3")
        );
        assert_eq!(server_name(Path::new("npx.cmd")).as_deref(), Some("npx"));
        assert_eq!(server_name(Path::new("/")), None);
    }

    #[test]
    fn the_lockfile_sits_beside_the_policy() {
        assert_eq!(
            lock_path(None, Some(Path::new("/etc/mcpward/policy.toml"))),
            Some(PathBuf::from("/etc/mcpward/mcpward.lock"))
        );
        assert_eq!(
            lock_path(None, Some(Path::new("policy.toml"))),
            Some(PathBuf::from("mcpward.lock"))
        );
        assert_eq!(
            lock_path(Some(Path::new("x.lock")), Some(Path::new("/p/policy.toml"))),
            Some(PathBuf::from("x.lock"))
        );
    }
}
