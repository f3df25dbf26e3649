//! `mcpward wrap` and `mcpward unwrap`: rewrite client configs so that their local servers run
//! through `mcpward run`, and back.
//!
//! The edits themselves are [`mcpward_config::rewrite`]'s (sans-IO); this module finds the
//! configs, writes a backup, replaces each file atomically and prints what happened.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use mcpward_config::discover::{self, Candidate, Environment};
use mcpward_config::rewrite::{self, Outcome, Rewrite, ServerOutcome, WrapOptions};
use mcpward_config::{ConfigDoc, LoadError, interpret, load};

use crate::cli::{UnwrapArgs, WrapArgs};

/// Appended to a config's file name for the copy kept before the first change.
const BACKUP_SUFFIX: &str = ".mcpward-backup";

/// Which way a run goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Wrap,
    Unwrap,
}

/// `mcpward wrap`.
pub(crate) fn wrap(args: &WrapArgs) -> anyhow::Result<ExitCode> {
    // Everything that can be checked is checked before any file is touched.
    let program = match &args.mcpward {
        Some(path) => path.clone(),
        None => std::env::current_exe()
            .and_then(|exe| exe.canonicalize())
            .context("cannot tell where the mcpward binary is\n\nhint: pass --mcpward PATH")?,
    };
    let program = path_text(&program, "--mcpward")?;
    let policy = resolve_policy(args.policy.as_deref(), args.dry_run)?;
    let opts = WrapOptions {
        program,
        policy: Some(policy),
    };
    let candidates = candidates(&args.configs)?;
    let named = !args.configs.is_empty();
    let code = process(
        &candidates,
        named,
        args.dry_run,
        args.force,
        Direction::Wrap,
        &opts,
    )?;
    Ok(code)
}

/// The policy the wrapped servers use, as the absolute path written into the configs: `--policy`
/// or the default policy. It must exist and be valid, or `mcpward run` would refuse to start
/// every wrapped server; a dry run only warns. The path is always written out because a client
/// launched from a desktop session may not see `MCPWARD_HOME` or `XDG_CONFIG_HOME`.
fn resolve_policy(flag: Option<&Path>, dry_run: bool) -> anyhow::Result<String> {
    let (file, given) = match flag {
        Some(file) => (file.to_path_buf(), true),
        None => (
            crate::commands::init::default_policy_path().context(
                "cannot tell where the default policy is (neither MCPWARD_HOME nor HOME is set)\n\nhint: pass --policy FILE",
            )?,
            false,
        ),
    };
    let hint = if given {
        format!(
            "`mcpward init --output {}` writes a starter policy",
            file.display()
        )
    } else {
        "`mcpward init` writes a starter policy there, or pass --policy FILE".to_string()
    };
    if !file.is_file() {
        let problem = format!(
            "there is no policy file at {}: `mcpward run` would refuse to start the wrapped servers",
            file.display()
        );
        if !dry_run {
            bail!("{problem}\n\nhint: {hint}");
        }
        eprintln!("warning: {problem}\n\nhint: {hint}\n");
        let absolute = std::path::absolute(&file)
            .with_context(|| format!("cannot resolve {}", file.display()))?;
        return path_text(&absolute, "--policy");
    }
    if let Err(e) = mcpward_policy::load(&file) {
        let problem = format!("the policy is not valid: {e}");
        if !dry_run {
            bail!(
                "{problem}\n\nhint: `mcpward run` would refuse to start the wrapped servers; fix it (`mcpward policy check {}`)",
                file.display()
            );
        }
        eprintln!("warning: {problem}\n");
    }
    let absolute = file
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", file.display()))?;
    path_text(&absolute, "--policy")
}

/// `mcpward unwrap`.
pub(crate) fn unwrap(args: &UnwrapArgs) -> anyhow::Result<ExitCode> {
    let candidates = candidates(&args.configs)?;
    let unused = WrapOptions {
        program: String::new(),
        policy: None,
    };
    let named = !args.configs.is_empty();
    process(
        &candidates,
        named,
        args.dry_run,
        false,
        Direction::Unwrap,
        &unused,
    )
}

/// A path as the text written into configs: it must be valid Unicode. Windows' verbatim prefix
/// (`\\?\C:\…`, from `canonicalize`) is dropped: not every client launches such paths.
fn path_text(path: &Path, flag: &str) -> anyhow::Result<String> {
    match path.to_str() {
        Some(s) if !s.is_empty() => {
            let plain = match s.strip_prefix(r"\\?\") {
                Some(rest) if !rest.starts_with("UNC\\") => rest,
                _ => s,
            };
            Ok(plain.to_string())
        }
        _ => bail!(
            "{} cannot be written into a config (it is empty or not valid Unicode)\n\nhint: pass {flag} with another path",
            path.display()
        ),
    }
}

/// The configs to rewrite: those named (files, or directories walked as repositories), else the
/// current user's files that exist. Project files in the current directory are rewritten only
/// when named: they are often shared through git, and a path to this machine's binary does not
/// belong there.
fn candidates(paths: &[PathBuf]) -> anyhow::Result<Vec<Candidate>> {
    if paths.is_empty() {
        let mut env = Environment::from_process();
        env.cwd = None;
        return Ok(discover::user_configs(&env)
            .into_iter()
            .filter(|c| c.path.is_file())
            .collect());
    }
    super::configs::named_candidates(paths)
}

/// Reads and parses one config.
pub(crate) fn load_config(candidate: &Candidate) -> Result<(ConfigDoc, Vec<u8>), LoadError> {
    let bytes = super::configs::read_limited(&candidate.path)
        .map_err(|e| LoadError::unreadable(&candidate.path, &e.to_string()))?;
    let doc = load(candidate, &bytes)?;
    Ok((doc, bytes))
}

/// Rewrites every candidate; returns the exit code (2 when any config failed).
fn process(
    candidates: &[Candidate],
    named: bool,
    dry_run: bool,
    force: bool,
    direction: Direction,
    opts: &WrapOptions,
) -> anyhow::Result<ExitCode> {
    let mut out = String::new();
    let mut errors = 0usize;
    let mut changed_configs = 0usize;
    let mut changed_servers = 0usize;
    let mut seen_servers = 0usize;
    for candidate in candidates {
        let path = &candidate.path;
        let (doc, bytes) = match load_config(candidate) {
            Ok(loaded) => loaded,
            Err(e) => {
                errors += 1;
                flush(&mut out)?;
                eprintln!("error: {e}\n  (left untouched)");
                continue;
            }
        };
        let result = match direction {
            Direction::Wrap => rewrite::wrap(&doc, &interpret(&doc).servers, opts),
            Direction::Unwrap => rewrite::unwrap(&doc),
        };
        let rewrite = match result {
            Ok(r) => r,
            Err(e) => {
                errors += 1;
                flush(&mut out)?;
                eprintln!("error: {}: {e}", path.display());
                continue;
            }
        };
        if rewrite.servers.is_empty() {
            // Settings files without servers are not worth a line unless they were named.
            if named {
                let _ = writeln!(out, "{} ({})\n  no servers", path.display(), doc.client);
            }
            continue;
        }
        seen_servers += rewrite.servers.len();
        let _ = writeln!(out, "{} ({})", path.display(), doc.client);
        list_servers(&mut out, &rewrite, direction, opts.policy.as_deref());
        if direction == Direction::Unwrap
            && rewrite
                .servers
                .iter()
                .any(|s| matches!(s.outcome, Outcome::Unsupported(_)))
        {
            errors += 1;
        }
        if !rewrite.changed() {
            continue;
        }
        changed_configs += 1;
        changed_servers += rewrite
            .servers
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Wrapped | Outcome::Unwrapped))
            .count();
        if dry_run {
            out.push_str(&diff(&doc.text, &rewrite.text, path));
            continue;
        }
        let backup = match direction {
            Direction::Wrap => match ensure_backup(path, &bytes, force) {
                Ok(b) => Some(b),
                Err(e) => {
                    errors += 1;
                    flush(&mut out)?;
                    eprintln!("error: {e:#}");
                    continue;
                }
            },
            Direction::Unwrap => None,
        };
        if let Err(e) = write_atomically(path, rewrite.text.as_bytes(), Some(&bytes)) {
            errors += 1;
            flush(&mut out)?;
            eprintln!("error: {e:#}\n  ({} was left as it was)", path.display());
            continue;
        }
        if let Some(Backup { path: b, created }) = backup {
            let note = if created { "" } else { " (kept from before)" };
            let _ = writeln!(out, "  {:<16} {}{note}", "backup", b.display());
        }
    }
    let verb = match direction {
        Direction::Wrap => "wrapped",
        Direction::Unwrap => "unwrapped",
    };
    if candidates.is_empty() || (seen_servers == 0 && errors == 0) {
        let place = if named {
            "in the configs given"
        } else {
            "in your client configs (name project configs, e.g. `.mcp.json`, to include them)"
        };
        let _ = writeln!(out, "no MCP servers found {place}");
    } else if changed_servers == 0 {
        let what = match direction {
            Direction::Wrap => "nothing to wrap: no local server here runs without mcpward",
            Direction::Unwrap => "nothing to unwrap: no server here runs through mcpward",
        };
        let _ = writeln!(out, "{what}");
    } else if dry_run {
        let _ = writeln!(
            out,
            "dry run: {changed_servers} server(s) in {changed_configs} config(s) would be {verb}; nothing was written"
        );
    } else {
        let _ = writeln!(
            out,
            "{verb} {changed_servers} server(s) in {changed_configs} config(s)"
        );
        if direction == Direction::Wrap && changed_servers > 0 {
            let _ = writeln!(
                out,
                "restart your MCP clients to apply it; `mcpward unwrap` undoes it"
            );
        }
    }
    flush(&mut out)?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// One line per server: what was done, or why not.
fn list_servers(out: &mut String, rewrite: &Rewrite, direction: Direction, policy: Option<&str>) {
    for s in &rewrite.servers {
        let name = display_name(s);
        let (label, detail) = match (&s.outcome, direction) {
            (Outcome::Wrapped, _) => ("wrapped", String::new()),
            (Outcome::Unwrapped, _) => ("unwrapped", String::new()),
            (Outcome::AlreadyWrapped { policy: theirs }, Direction::Wrap) => {
                let other = match (theirs.as_deref(), policy) {
                    (Some(theirs), Some(ours)) if theirs != ours => format!(
                        " with the policy {theirs} (`mcpward unwrap`, then `wrap`, to change it)"
                    ),
                    _ => String::new(),
                };
                ("skipped", format!(": already runs through mcpward{other}"))
            }
            (Outcome::NotWrapped, Direction::Unwrap) | (Outcome::Remote(_), Direction::Unwrap) => {
                ("unchanged", ": not wrapped".to_string())
            }
            (Outcome::Remote(t), _) => (
                "not wrapped",
                format!(
                    ": a remote server ({}); `mcpward run` wraps local (stdio) servers only",
                    t.id()
                ),
            ),
            (Outcome::Unsupported(why), Direction::Wrap) => ("not wrapped", format!(": {why}")),
            (Outcome::Unsupported(why), Direction::Unwrap) => ("not unwrapped", format!(": {why}")),
            (_, _) => ("unchanged", String::new()),
        };
        let disabled = if s.disabled && matches!(s.outcome, Outcome::Wrapped) {
            " (disabled in the config; wrapped so that enabling it later stays guarded)"
        } else {
            ""
        };
        let _ = writeln!(out, "  {label:<16} {name}{detail}{disabled}");
    }
}

fn display_name(s: &ServerOutcome) -> String {
    match &s.scope {
        Some(scope) => format!("{} (project {scope}, line {})", s.name, s.line),
        None => s.name.clone(),
    }
}

/// Prints and clears the buffered report, so errors on stderr come after the lines they follow.
fn flush(out: &mut String) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    let result = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush());
    out.clear();
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the report"),
    }
}

/// A unified diff of a config's old and new text.
pub(crate) fn diff(old: &str, new: &str, path: &Path) -> String {
    let name = path.display().to_string();
    let mut text = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&name, &name)
        .to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The backup of a config.
struct Backup {
    path: PathBuf,
    /// Written now (false: one from an earlier run was kept).
    created: bool,
}

/// `<file>.mcpward-backup`.
pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(BACKUP_SUFFIX);
    path.with_file_name(name)
}

/// Writes the backup of `path` (its current `bytes`) beside it, never over an existing one. An
/// existing backup that differs stops the wrap unless `force`.
fn ensure_backup(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<Backup> {
    let backup = backup_path(path);
    match std::fs::read(&backup) {
        Ok(existing) => {
            if existing != bytes && !force {
                bail!(
                    "{} already exists, from an earlier wrap; it is not overwritten, so {} was left as it is\n\nhint: move the backup away, or pass --force to wrap anyway and keep that backup",
                    backup.display(),
                    path.display()
                );
            }
            return Ok(Backup {
                path: backup,
                created: false,
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", backup.display()));
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The backup is as private as the config (configs hold tokens).
        options.mode(file_mode(path).unwrap_or(0o600) & 0o777);
    }
    let mut file = options
        .open(&backup)
        .with_context(|| format!("cannot create the backup {}", backup.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the backup {}", backup.display()))?;
    Ok(Backup {
        path: backup,
        created: true,
    })
}

/// The Unix permission bits of a file.
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

/// Replaces the file at `path` (following a symlink to the real file) with `bytes`: a temp file
/// in the same directory, with the old file's permissions, renamed over it. When `expected` is
/// given and the file no longer holds it (a client rewrote it meanwhile), nothing is written.
pub(crate) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    expected: Option<&[u8]>,
) -> anyhow::Result<()> {
    let target = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && expected.is_none() => {
            path.to_path_buf()
        }
        Err(e) => return Err(e).with_context(|| format!("cannot resolve {}", path.display())),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let permissions = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let mut temp = tempfile::Builder::new()
        .prefix(".mcpward-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write a temporary file in {}", dir.display()))?;
    if let Some(permissions) = permissions {
        std::fs::set_permissions(temp.path(), permissions)
            .with_context(|| format!("cannot set the permissions of {}", temp.path().display()))?;
    }
    if let Some(expected) = expected {
        let now = super::configs::read_limited(&target)
            .with_context(|| format!("cannot read {} again", target.display()))?;
        if now != expected {
            bail!(
                "{} changed while mcpward was rewriting it (another program wrote it)\n\nhint: run the command again",
                path.display()
            );
        }
    }
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_windows_prefixes_are_dropped() {
        let text = |p: &str| path_text(Path::new(p), "--x").expect("unicode");
        assert_eq!(text(r"\\?\C:\bin\mcpward.exe"), r"C:\bin\mcpward.exe");
        assert_eq!(text(r"\\?\UNC\srv\share\m.exe"), r"\\?\UNC\srv\share\m.exe");
        assert_eq!(text("/usr/bin/mcpward"), "/usr/bin/mcpward");
    }

    #[test]
    fn backup_name_is_beside_the_file() {
        assert_eq!(
            backup_path(Path::new("/a/b/.mcp.json")),
            PathBuf::from("/a/b/.mcp.json.mcpward-backup")
        );
    }
}
