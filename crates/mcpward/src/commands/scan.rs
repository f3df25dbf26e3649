//! `mcpward scan`: find configs, load them, run the rules, print the report.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use mcpward_config::discover::{self, Candidate, Environment};
use mcpward_config::{LoadError, load};
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
    if args.connect || args.lock.is_some() {
        bail!(
            "--connect and --lock are not available in this version: `scan` reads configs only and never starts a server"
        );
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
    let input = load_all(
        candidates,
        env.home.as_ref().map(|h| h.display().to_string()),
    );
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
