//! `mcpward scan`: find configs, load them, run the rules, print the report.
//!
//! With `--connect`, the configured stdio servers are started first (after consent), their tools
//! listed ([`connect`]) and, with `--lock`, compared with the lockfile; with `--remote`, the
//! remote servers are contacted over HTTP the same way ([`remote`]). The rules read the results
//! from [`Input::connections`].

mod connect;
mod remote;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use mcpward_config::discover::{self, Candidate, Environment};
use mcpward_config::{LoadError, load};
use mcpward_scan::connect::{Connection, Outcome, PinChange, Target, targets};
use mcpward_scan::render;
use mcpward_scan::{FileFacts, Input, Severity, rules};

use crate::cli::{Format, ScanArgs};

pub(crate) fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    if let Some(id) = &args.explain {
        return explain(id);
    }
    if args.list_rules {
        let mut out = String::new();
        for r in rules::all() {
            out.push_str(&format!(
                "{:<28} {:<9} {}\n",
                r.id,
                r.default_severity.as_str(),
                r.title
            ));
        }
        print(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let fail_on = Severity::parse(&args.fail_on).context("invalid --fail-on")?;
    let mut env = Environment::from_process();
    // The current directory is walked as a repository, except when it is the home directory or
    // above it: the user's own config files are already listed, and walking every cache and
    // toolchain under `~` would take seconds.
    if let (Some(cwd), Some(home)) = (&env.cwd, &env.home)
        && home.starts_with(cwd)
    {
        env.cwd = None;
    }
    let candidates = if args.paths.is_empty() {
        user_candidates(&env)
    } else {
        super::configs::named_candidates(&args.paths)?
    };
    let mut input = load_all(
        candidates,
        env.home.as_ref().map(|h| h.display().to_string()),
    );
    if args.connect {
        input.connections = connect_all(&input, args)?;
    }
    let report = mcpward_scan::scan(&input, &ProcessFacts::default());
    let text = match args.format {
        Format::Json => render::json::render(&report),
        Format::Sarif => render::sarif::render(
            &report,
            rules::all(),
            std::env::current_dir().ok().as_deref(),
        ),
        Format::Human => {
            let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal();
            let sources = |path: &str| {
                input
                    .docs
                    .iter()
                    .find(|d| d.path.as_os_str() == path)
                    .map(|d| d.text.as_str())
            };
            render::human::render(&report, &sources, color)
        }
    };
    print(&text)?;
    let failing = report.findings.iter().any(|f| f.severity >= fail_on);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// At most this many servers are started at once.
const CONNECT_PARALLEL: usize = 8;

/// `--connect`: consent, then every server listed (in parallel), then the lockfile.
fn connect_all(input: &Input, args: &ScanArgs) -> anyhow::Result<Vec<Connection>> {
    let targets = targets(input, args.remote);
    let starting: Vec<&Target> = targets.iter().filter(|t| t.skip.is_none()).collect();
    if !starting.is_empty() && !args.yes {
        consent(&starting)?;
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; targets.len()];
    // Remote servers are contacted on one tokio runtime; the rest (stdio servers, and every
    // skipped one) each on a thread of its own.
    let (remote, local): (Vec<usize>, Vec<usize>) =
        (0..targets.len()).partition(|&i| targets[i].is_remote() && targets[i].skip.is_none());
    for chunk in local.chunks(CONNECT_PARALLEL) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|&i| {
                    let t = &targets[i];
                    (
                        i,
                        scope.spawn(|| connect::list_tools(t, args.connect_timeout)),
                    )
                })
                .collect();
            for (i, h) in handles {
                outcomes[i] = Some(h.join().unwrap_or_else(|_| Outcome::Failed {
                    reason: "internal error while connecting".to_owned(),
                }));
            }
        });
    }
    if !remote.is_empty() {
        let settings = remote::Remote::new(args.connect_timeout, args.allow_private_remote)?
            .with_env(&args.remote_env);
        for (i, outcome) in connect_remote(&targets, &remote, &settings)? {
            outcomes[i] = Some(outcome);
        }
    }
    let mut connections: Vec<Connection> = targets
        .iter()
        .zip(outcomes)
        .map(|(t, o)| Connection {
            server_id: t.id.clone(),
            outcome: o.unwrap_or(Outcome::Failed {
                reason: "internal error while connecting".to_owned(),
            }),
        })
        .collect();
    if let Some(lock) = &args.lock {
        check_pins(lock, &targets, &mut connections)?;
    }
    Ok(connections)
}

/// Lists the tools of the remote servers `which` (indices into `targets`), at most
/// [`CONNECT_PARALLEL`] at once, on one single-threaded runtime.
fn connect_remote(
    targets: &[Target],
    which: &[usize],
    settings: &remote::Remote,
) -> anyhow::Result<Vec<(usize, Outcome)>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the HTTP client")?;
    let outcomes = runtime.block_on(async {
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(CONNECT_PARALLEL));
        let mut set = tokio::task::JoinSet::new();
        for &i in which {
            let (target, settings) = (targets[i].clone(), settings.clone());
            let permits = std::sync::Arc::clone(&permits);
            set.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (i, remote::list_tools(&target, &settings).await)
            });
        }
        let mut out = Vec::new();
        while let Some(done) = set.join_next().await {
            // A task that panicked leaves its slot empty: reported as an internal error.
            if let Ok(pair) = done {
                out.push(pair);
            }
        }
        out
    });
    // A name lookup still running on a blocking thread (its nameserver never answered) is not
    // waited for: every server already has its outcome, the time limit spent.
    runtime.shutdown_background();
    Ok(outcomes)
}

/// Asks before starting servers or contacting remote ones: the exact commands and URLs on
/// stderr, an answer on the terminal. Without a terminal there is no one to ask, and `--yes` is
/// required.
fn consent(starting: &[&Target]) -> anyhow::Result<()> {
    let line = |t: &Target| {
        let name: String = t
            .name
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        format!("  {name}: {}\n", t.display_command())
    };
    let (remote, local): (Vec<&Target>, Vec<&Target>) =
        starting.iter().copied().partition(|t| t.is_remote());
    let plural = |n: usize| if n == 1 { "server" } else { "servers" };
    let mut what = Vec::new();
    let mut list = String::new();
    if !local.is_empty() {
        what.push(format!(
            "start {} {}, run their code on this machine, and stop them after listing their tools",
            local.len(),
            plural(local.len())
        ));
        list.extend(local.iter().map(|t| line(t)));
    }
    if !remote.is_empty() {
        what.push(format!(
            "contact {} remote {} and send them the headers (and variables) named",
            remote.len(),
            plural(remote.len())
        ));
        list.extend(remote.iter().map(|t| line(t)));
    }
    let what = what.join(", and ");
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        bail!(
            "--connect would {what}, and there is no terminal to confirm it:\n{list}\nhint: review the list above, then pass --yes to go ahead"
        );
    }
    eprint!("mcpward scan --connect will {what}:\n{list}Go ahead? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("reading the answer")?;
    if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        bail!("no server was started or contacted");
    }
    Ok(())
}

/// `--lock FILE`: the same trust-on-first-use pins `mcpward run` keeps. A server the file does
/// not know is pinned; for one it knows, what differs is recorded as pending (for `mcpward pin
/// approve`) and reported as tool-changed. When two configs define servers of the same name,
/// only the first is compared: they share one entry in the lockfile.
fn check_pins(
    lock: &Path,
    targets: &[Target],
    connections: &mut [Connection],
) -> anyhow::Result<()> {
    use mcpward_gateway::pins::{
        Change, LockfilePath, Observation, ObservedTool, PinStatus, now_rfc3339, pinned_definition,
        tool_hash,
    };
    let file = LockfilePath::new(lock);
    let now = now_rfc3339();
    let reports = file
        .update(|lockfile| {
            let mut seen = std::collections::HashSet::new();
            let mut reports = Vec::new();
            for (i, (t, c)) in targets.iter().zip(connections.iter()).enumerate() {
                let Outcome::Listed { tools, .. } = &c.outcome else {
                    continue;
                };
                if !seen.insert(t.pin_name.clone()) {
                    continue;
                }
                let observed: Vec<ObservedTool> = tools
                    .iter()
                    .filter_map(|tool| {
                        Some(ObservedTool {
                            name: tool.get("name")?.as_str()?.to_owned(),
                            hash: tool_hash(tool),
                            definition: pinned_definition(tool),
                        })
                    })
                    .collect();
                let obs = Observation {
                    server: t.pin_name.clone(),
                    complete: Some(observed.iter().map(|o| o.name.clone()).collect()),
                    tools: observed,
                    trust_new: false,
                };
                reports.push((i, lockfile.observe(&obs, &now)));
            }
            reports
        })
        .with_context(|| format!("updating the lockfile {}", lock.display()))?;
    let change = |c: Change| match c {
        Change::Changed => PinChange::Changed,
        Change::Added => PinChange::Added,
        Change::Removed => PinChange::Removed,
    };
    for (i, report) in reports {
        if let Some(Connection {
            outcome:
                Outcome::Listed {
                    changes,
                    pinned_now,
                    ..
                },
            ..
        }) = connections.get_mut(i)
        {
            *pinned_now = report.first_seen;
            for (name, status) in report.tools {
                if let PinStatus::Unapproved(c) = status {
                    changes.push((name, change(c)));
                }
            }
            changes.extend(report.removed.into_iter().map(|n| (n, PinChange::Removed)));
        }
    }
    Ok(())
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the report"),
    }
}

fn explain(id: &str) -> anyhow::Result<ExitCode> {
    match rules::by_id(id) {
        Some(rule) => {
            print(&format!(
                "# {} ({}, default severity {})\n\n{}",
                rule.id, rule.title, rule.default_severity, rule.doc
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let closest = rules::all()
                .iter()
                .map(|r| (strsim::levenshtein(r.id, id), r.id))
                .min()
                .filter(|(d, _)| *d <= 4)
                .map(|(_, r)| r);
            let mut msg = format!("unknown rule `{id}`");
            if let Some(r) = closest {
                msg.push_str(&format!(
                    "\n\nhint: did you mean `{r}`? (`mcpward scan --list-rules` lists every rule)"
                ));
            } else {
                msg.push_str("\n\nhint: `mcpward scan --list-rules` lists every rule");
            }
            bail!(msg)
        }
    }
}

/// The current user's configs that exist.
fn user_candidates(env: &Environment) -> Vec<Candidate> {
    discover::user_configs(env)
        .into_iter()
        .filter(|c| c.path.is_file())
        .collect()
}

fn load_all(candidates: Vec<Candidate>, home: Option<String>) -> Input {
    let mut input = Input {
        home,
        ..Input::default()
    };
    for c in candidates {
        let result = super::configs::read_limited(&c.path)
            .map_err(|e| LoadError::unreadable(&c.path, &e.to_string()))
            .and_then(|bytes| load(&c, &bytes));
        match result {
            Ok(doc) => input.docs.push(doc),
            Err(e) => input.errors.push((c.client, e)),
        }
    }
    input
}

/// File facts from the real filesystem and git. Answers are cached: several rules ask about the
/// same file, and each git question is a process.
#[derive(Default)]
struct ProcessFacts {
    tracked: std::sync::Mutex<std::collections::HashMap<PathBuf, Option<bool>>>,
}

impl FileFacts for ProcessFacts {
    fn tracked_by_git(&self, path: &Path) -> Option<bool> {
        let mut cache = self
            .tracked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *cache
            .entry(path.to_path_buf())
            .or_insert_with(|| git_tracks(path))
    }

    fn mode(&self, path: &Path) -> Option<u32> {
        file_mode(path)
    }
}

/// Whether git tracks `path` (`None`: not in a repository, or no git).
fn git_tracks(path: &Path) -> Option<bool> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name()?;
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-files", "--error-unmatch", "--"])
        .arg(name)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    Some(status.success())
}

/// The file's Unix permission bits.
fn file_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).ok().map(|m| m.permissions().mode())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}
