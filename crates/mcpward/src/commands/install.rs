//! `mcpward install claude-code` and `mcpward uninstall claude-code`: mcpward's hooks in
//! Claude Code's `settings.json`.
//!
//! Install adds one matcher group to each of `hooks.PreToolUse`, `hooks.PostToolUse` and
//! `hooks.PostToolUseFailure` (<https://code.claude.com/docs/en/hooks>):
//!
//! ```json
//! { "matcher": "mcp__.*",
//!   "hooks": [{ "type": "command", "command": "/abs/path/mcpward hook --policy /abs/policy.toml",
//!               "onFailure": "block" }] }
//! ```
//!
//! The policy's absolute path is always written: Claude Code started from a desktop session
//! may not see `MCPWARD_HOME` or `XDG_CONFIG_HOME`, and a hook that finds no policy blocks
//! every MCP call.
//!
//! `mcp__.*` matches every MCP tool (plugin servers' `mcp__plugin_…` included). `onFailure:
//! "block"` makes Claude Code treat a hook that cannot start, times out or crashes as a block
//! (exit 2) instead of letting the call through; versions of Claude Code that do not know the
//! key ignore it.
//!
//! - **Idempotent**: a group whose command is `mcpward hook …` already present is not added
//!   again (its command is updated when the binary or policy changed).
//! - **Everything else is kept**: the file is read as JSON (key order kept) and written with
//!   two-space indentation, which is how Claude Code writes it; a file formatted otherwise is
//!   reformatted, and the diff (`--dry-run`) shows it.
//! - **Atomic, with a backup**: the first install keeps the original bytes in
//!   `settings.json.mcpward-backup`; the new file replaces the old by rename.
//! - **Uninstall restores the original bytes** when the file is exactly what install made of
//!   the backup; otherwise (it was edited since) it removes only mcpward's entries, and the
//!   containers they leave empty.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::{Map, Value, json};

use crate::cli::{ClaudeScope, InstallClaudeCodeArgs, UninstallClaudeCodeArgs};
use crate::commands::wrap::{backup_path, diff, write_atomically};

/// The hook events mcpward answers.
const EVENTS: [&str; 3] = ["PreToolUse", "PostToolUse", "PostToolUseFailure"];
/// Every MCP tool.
pub(crate) const MATCHER: &str = "mcp__.*";
/// The largest settings file read: the limit of every config mcpward reads (and re-reads when
/// it writes one atomically).
const MAX_SETTINGS: u64 = mcpward_config::parse::MAX_CONFIG_BYTES as u64;

/// The settings file of a scope.
fn settings_path(scope: &ClaudeScope) -> anyhow::Result<PathBuf> {
    if scope.project {
        let cwd = std::env::current_dir().context("cannot tell the current directory")?;
        return Ok(cwd.join(".claude").join("settings.json"));
    }
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("CLAUDE_CONFIG_DIR") {
        return Ok(dir.join("settings.json"));
    }
    let home = var("HOME")
        .or_else(|| var("USERPROFILE"))
        .context("cannot tell where your home directory is (HOME is not set)\n\nhint: pass --project to install into ./.claude/settings.json")?;
    Ok(home.join(".claude").join("settings.json"))
}

/// The file's bytes, `None` when it does not exist.
fn read(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_SETTINGS => {
            bail!("{} is larger than {MAX_SETTINGS} bytes", path.display())
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    std::fs::read(path)
        .map(Some)
        .with_context(|| format!("cannot read {}", path.display()))
}

/// `word` as one shell word.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The hook's command line, naming `policy` (checked by the caller) by its absolute path.
fn hook_command(args: &InstallClaudeCodeArgs, policy: &Path) -> anyhow::Result<String> {
    let program = match &args.mcpward {
        Some(p) => {
            std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))?
        }
        None => std::env::current_exe()
            .and_then(|exe| exe.canonicalize())
            .context("cannot tell where this mcpward binary is\n\nhint: pass --mcpward PATH")?,
    };
    let text = |p: &Path| {
        p.to_str()
            .map(str::to_owned)
            .with_context(|| format!("{} is not valid UTF-8", p.display()))
    };
    let policy = policy
        .canonicalize()
        .with_context(|| format!("cannot resolve the policy file {}", policy.display()))?;
    Ok(format!(
        "{} hook --policy {}",
        shell_word(&text(&program)?),
        shell_word(&text(&policy)?)
    ))
}

/// Whether a hook handler runs `mcpward hook`.
fn is_ours(handler: &Value) -> bool {
    let Some(command) = handler.get("command").and_then(Value::as_str) else {
        return false;
    };
    let words = split_shell(command);
    let [program, sub, ..] = words.as_slice() else {
        return false;
    };
    let name = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    matches!(name, "mcpward" | "mcpward.exe") && sub == "hook"
}

/// Splits a command line into words (plain words, single and double quotes), enough to read
/// back what [`shell_word`] writes.
fn split_shell(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn group(command: &str) -> Value {
    json!({
        "matcher": MATCHER,
        "hooks": [{ "type": "command", "command": command, "onFailure": "block" }],
    })
}

/// Parses settings text into its top-level object.
fn parse_settings(text: &str, path: &Path) -> anyhow::Result<Map<String, Value>> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => bail!("{} does not hold a JSON object", path.display()),
        Err(e) => bail!(
            "{} is not valid JSON ({e}); it was left as it is\n\nhint: Claude Code's settings files are plain JSON (no comments, no trailing commas)",
            path.display()
        ),
    }
}

/// Settings as Claude Code writes them: two-space JSON, ending in a newline when `newline`.
fn render(map: Map<String, Value>, newline: bool) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&Value::Object(map))
        .context("cannot write the settings as JSON")?;
    if newline {
        text.push('\n');
    }
    Ok(text)
}

/// `text` (`None`: no file) with mcpward's hooks; `None` when nothing changes.
pub(crate) fn add_hooks(
    text: Option<&str>,
    command: &str,
    path: &Path,
) -> anyhow::Result<Option<String>> {
    let mut map = parse_settings(text.unwrap_or(""), path)?;
    let mut changed = false;
    let hooks = map
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(hooks) = hooks else {
        bail!("`hooks` in {} is not an object", path.display());
    };
    for event in EVENTS {
        let groups = hooks
            .entry(event)
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(groups) = groups else {
            bail!("`hooks.{event}` in {} is not an array", path.display());
        };
        let mut found = false;
        for g in groups.iter_mut() {
            let Some(Value::Array(handlers)) = g.get_mut("hooks") else {
                continue;
            };
            for h in handlers.iter_mut().filter(|h| is_ours(h)) {
                found = true;
                if h.get("command").and_then(Value::as_str) != Some(command) {
                    h["command"] = Value::String(command.to_owned());
                    changed = true;
                }
            }
        }
        if !found {
            groups.push(group(command));
            changed = true;
        }
    }
    if !changed {
        return Ok(None);
    }
    let newline = text.is_none_or(|t| t.ends_with('\n') || t.trim().is_empty());
    render(map, newline).map(Some)
}

/// `text` without mcpward's hooks, and the command they ran; `None` when there are none.
pub(crate) fn remove_hooks(text: &str, path: &Path) -> anyhow::Result<Option<(String, String)>> {
    let mut map = parse_settings(text, path)?;
    let mut command = None;
    if let Some(Value::Object(hooks)) = map.get_mut("hooks") {
        for event in EVENTS {
            let Some(Value::Array(groups)) = hooks.get_mut(event) else {
                continue;
            };
            for g in groups.iter_mut() {
                if let Some(Value::Array(handlers)) = g.get_mut("hooks") {
                    handlers.retain(|h| {
                        if is_ours(h) {
                            command = command.take().or_else(|| {
                                h.get("command").and_then(Value::as_str).map(str::to_owned)
                            });
                            false
                        } else {
                            true
                        }
                    });
                }
            }
            groups.retain(|g| !matches!(g.get("hooks"), Some(Value::Array(h)) if h.is_empty()));
            if groups.is_empty() {
                hooks.remove(event);
            }
        }
        if hooks.is_empty() {
            map.remove("hooks");
        }
    }
    let Some(command) = command else {
        return Ok(None);
    };
    Ok(Some((render(map, text.ends_with('\n'))?, command)))
}

fn utf8(bytes: &[u8], path: &Path) -> anyhow::Result<String> {
    String::from_utf8(bytes.to_vec()).with_context(|| format!("{} is not UTF-8", path.display()))
}

/// Writes the backup of `path` unless one from an earlier install is still valid.
fn write_backup(path: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let backup = backup_path(path);
    write_atomically(&backup, bytes, None)
        .with_context(|| format!("cannot write the backup {}", backup.display()))?;
    Ok(backup)
}

/// `mcpward install claude-code`.
pub(crate) fn install(args: &InstallClaudeCodeArgs) -> anyhow::Result<ExitCode> {
    let path = settings_path(&args.scope)?;
    // The hook blocks every MCP tool call without a valid policy: check it now.
    let policy = crate::commands::run::policy_path(args.policy.as_deref()).context(
        "cannot tell where the default policy is (neither MCPWARD_HOME nor HOME is set)\n\nhint: pass --policy FILE",
    )?;
    if !policy.is_file() {
        bail!(
            "there is no policy file at {}: the hook would block every MCP tool call\n\nhint: `mcpward init` writes a starter policy, or pass --policy FILE",
            policy.display()
        );
    }
    if let Err(e) = mcpward_gateway::mcpward_policy::load(&policy) {
        bail!(
            "the policy is not valid: {e}\n\nhint: the hook would block every MCP tool call; fix it first (`mcpward policy check {}`)",
            policy.display()
        );
    }
    let command = hook_command(args, &policy)?;
    let old = read(&path)?;
    let old_text = old.as_deref().map(|b| utf8(b, &path)).transpose()?;
    let Some(new_text) = add_hooks(old_text.as_deref(), &command, &path)? else {
        println!("{}: mcpward's hooks are already installed", path.display());
        return Ok(ExitCode::SUCCESS);
    };
    if let Ok(map) = parse_settings(&new_text, &path)
        && map.get("disableAllHooks") == Some(&Value::Bool(true))
    {
        eprintln!(
            "warning: {} sets \"disableAllHooks\": true, so Claude Code runs no hooks at all",
            path.display()
        );
    }
    if args.dry_run {
        print!(
            "{}",
            diff(old_text.as_deref().unwrap_or(""), &new_text, &path)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    if let Some(old) = &old {
        // Keep the backup of the original: an earlier install's, unless the file no longer
        // has mcpward's hooks (then the current bytes are the original).
        let backup = backup_path(&path);
        let keep = backup.exists()
            && old_text
                .as_deref()
                .is_some_and(|t| remove_hooks(t, &path).ok().flatten().is_some());
        if !keep {
            write_backup(&path, old)?;
        }
        out.push_str(&format!("  backup  {}\n", backup.display()));
    } else if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_atomically(&path, new_text.as_bytes(), old.as_deref())?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "{}: installed mcpward's PreToolUse, PostToolUse and PostToolUseFailure hooks for MCP tools ({MATCHER})\n  command {command}\n{out}",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `mcpward uninstall claude-code`.
pub(crate) fn uninstall(args: &UninstallClaudeCodeArgs) -> anyhow::Result<ExitCode> {
    let path = settings_path(&args.scope)?;
    let Some(current) = read(&path)? else {
        println!("{}: does not exist; nothing to remove", path.display());
        return Ok(ExitCode::SUCCESS);
    };
    let current_text = utf8(&current, &path)?;
    let Some((removed, command)) = remove_hooks(&current_text, &path)? else {
        println!("{}: mcpward's hooks are not installed", path.display());
        return Ok(ExitCode::SUCCESS);
    };
    let backup = backup_path(&path);
    let original = read(&backup)?;
    // The original bytes, when nothing but install changed the file since.
    let restore: Option<Option<Vec<u8>>> = match &original {
        Some(bytes) => {
            let text = utf8(bytes, &path).ok();
            let again = text
                .as_deref()
                .and_then(|t| add_hooks(Some(t), &command, &path).ok().flatten());
            (again.as_deref() == Some(current_text.as_str())).then(|| Some(bytes.clone()))
        }
        None => {
            let fresh = add_hooks(None, &command, &path).ok().flatten();
            (fresh.as_deref() == Some(current_text.as_str())).then_some(None)
        }
    };
    let new_text = match &restore {
        Some(Some(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        Some(None) => String::new(),
        None => removed,
    };
    if args.dry_run {
        print!("{}", diff(&current_text, &new_text, &path));
        return Ok(ExitCode::SUCCESS);
    }
    match restore {
        Some(Some(bytes)) => {
            write_atomically(&path, &bytes, Some(&current))?;
            std::fs::remove_file(&backup)
                .with_context(|| format!("cannot remove {}", backup.display()))?;
            println!(
                "{}: removed mcpward's hooks; the original file is restored",
                path.display()
            );
        }
        Some(None) => {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
            println!(
                "{}: removed (mcpward's install had created it)",
                path.display()
            );
        }
        None => {
            write_atomically(&path, new_text.as_bytes(), Some(&current))?;
            let note = if original.is_some() {
                format!(
                    "\n  the file changed since install, so only mcpward's entries were removed; the backup {} is kept",
                    backup.display()
                )
            } else {
                String::new()
            };
            println!("{}: removed mcpward's hooks{note}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMD: &str = "/opt/bin/mcpward hook";

    #[test]
    fn shell_words_round_trip() {
        for w in ["/usr/bin/mcpward", "/a b/it's/mcpward", "C:\\x"] {
            let line = format!("{} hook", shell_word(w));
            assert_eq!(split_shell(&line), vec![w.to_owned(), "hook".to_owned()]);
        }
    }

    #[test]
    fn install_is_idempotent_and_reversible() {
        let p = Path::new("settings.json");
        let original = "{\n  \"model\": \"opus\",\n  \"hooks\": {\n    \"PreToolUse\": [\n      {\n        \"matcher\": \"Bash\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"echo hi\"\n          }\n        ]\n      }\n    ]\n  }\n}\n";
        let once = add_hooks(Some(original), CMD, p)
            .expect("valid settings")
            .expect("changed");
        assert!(add_hooks(Some(&once), CMD, p).expect("valid").is_none());
        let (back, cmd) = remove_hooks(&once, p)
            .expect("valid settings")
            .expect("hooks found");
        assert_eq!(cmd, CMD);
        assert_eq!(back, original);
    }

    #[test]
    fn others_hooks_are_not_ours() {
        assert!(is_ours(
            &json!({"command": "'/x y/mcpward' hook --policy /p"})
        ));
        assert!(!is_ours(&json!({"command": "mcpward-helper hook"})));
        assert!(!is_ours(&json!({"command": "/bin/mcpward run"})));
    }
}
