//! `scan --connect`, sans-IO: which servers to start ([`targets`]) and what was learned from them
//! ([`Connection`]), which the `tool-*`, `hidden-unicode`, `destructive-tool` and
//! `server-launch-failed` rules read.
//!
//! The caller (the `mcpward` binary) starts the processes, speaks MCP, compares the tools with a
//! lockfile, and hands the results back in [`crate::Input::connections`].

use mcpward_config::rewrite::wrapped_launch;
use mcpward_config::{Transport, interpret};
use serde::Serialize;
use serde_json::Value;

use crate::scan::Input;

/// One configured server, as `scan --connect` would start it.
///
/// It holds the config's environment values, which may be credentials: it has no `Debug`, and
/// nothing in it is printed except through [`Target::display_command`].
#[derive(Clone)]
pub struct Target {
    /// The server's report id (`PATH#NAME`).
    pub id: String,
    /// The server's name in its config.
    pub name: String,
    /// The name its tools are pinned under: a wrapped server's `--server`, else its name.
    pub pin_name: String,
    /// `stdio`, `http`, `sse` or `ws`.
    pub transport: &'static str,
    /// The program to start (a wrapped server's own command, not `mcpward run`).
    pub command: Option<String>,
    /// Its arguments.
    pub args: Vec<String>,
    /// Environment variables the config sets, on top of the caller's environment.
    pub env: Vec<(String, String)>,
    /// The working directory the config sets.
    pub cwd: Option<String>,
    /// The URL of a remote server.
    pub url: Option<String>,
    /// Why it will not be started, when it will not: disabled, remote, no command.
    pub skip: Option<String>,
}

impl Target {
    /// The command line as a person should review it: program and arguments with credentials
    /// redacted, the working directory, and the names (never the values) of the variables set.
    pub fn display_command(&self) -> String {
        let mut words: Vec<String> = self
            .command
            .iter()
            .chain(&self.args)
            .map(|w| crate::inventory::redact_text(w))
            .map(|w| shell_quote(&w))
            .collect();
        if words.is_empty() {
            words.push(
                self.url
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), crate::inventory::redact_text),
            );
        }
        let mut out = words.join(" ");
        if let Some(cwd) = &self.cwd {
            out.push_str(&format!("  (in {})", shell_quote(cwd)));
        }
        if !self.env.is_empty() {
            let keys: Vec<&str> = self.env.iter().map(|(k, _)| k.as_str()).collect();
            out.push_str(&format!("  (env: {})", keys.join(", ")));
        }
        out.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect()
    }
}

fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,~".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Every configured server with how it would be started, in report order.
pub fn targets(input: &Input) -> Vec<Target> {
    let mut out = Vec::new();
    for doc in &input.docs {
        let path = doc.path.display().to_string();
        for entry in interpret(doc).servers {
            let id = match &entry.scope {
                Some(scope) => format!("{path}#{scope}#{}", entry.name),
                None => format!("{path}#{}", entry.name),
            };
            let wrapped = wrapped_launch(&entry);
            let (command, args) = match &wrapped {
                Some(w) => (
                    Some(w.command.value.clone()),
                    w.args.iter().map(|a| a.value.clone()).collect(),
                ),
                None => (
                    entry.command.as_ref().map(|c| c.value.clone()),
                    entry.args.iter().map(|a| a.value.clone()).collect(),
                ),
            };
            let pin_name = wrapped
                .as_ref()
                .and_then(|w| w.server.clone())
                .unwrap_or_else(|| entry.name.clone());
            let skip = if entry.disabled {
                Some("disabled in the config".to_owned())
            } else if entry.transport != Transport::Stdio {
                Some(format!(
                    "remote ({}) servers are not connected: this version starts local stdio servers only",
                    entry.transport.id()
                ))
            } else if command.as_deref().is_none_or(str::is_empty) {
                Some("no command to start".to_owned())
            } else {
                None
            };
            out.push(Target {
                id,
                name: entry.name.clone(),
                pin_name,
                transport: entry.transport.id(),
                command,
                args,
                env: entry
                    .env
                    .iter()
                    .map(|(k, v)| (k.value.clone(), v.value.clone()))
                    .collect(),
                cwd: entry.cwd.as_ref().map(|c| c.value.clone()),
                url: entry.url.as_ref().map(|u| u.value.clone()),
                skip,
            });
        }
    }
    out
}

/// How a listed tool differs from its pin in the lockfile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PinChange {
    /// The definition differs from the pinned one.
    Changed,
    /// A tool the server did not list when it was pinned.
    Added,
    /// A pinned tool the server no longer lists.
    Removed,
}

impl PinChange {
    /// `changed`, `added` or `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            PinChange::Changed => "changed",
            PinChange::Added => "added",
            PinChange::Removed => "removed",
        }
    }
}

/// What happened when one server was connected.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It answered `tools/list`.
    Listed {
        /// Every tool of every page, as the server sent them.
        tools: Vec<Value>,
        /// Differences from the lockfile (empty without `--lock`, or on first use).
        changes: Vec<(String, PinChange)>,
        /// The lockfile pinned this server for the first time.
        pinned_now: bool,
    },
    /// It could not be started, or did not answer as an MCP server in time.
    Failed {
        /// Why, safe to print (no raw server output).
        reason: String,
    },
    /// It was not started.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// What `scan --connect` learned about one server.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// The server's report id ([`Target::id`]).
    pub server_id: String,
    /// The outcome.
    pub outcome: Outcome,
}

/// The connection part of a server in the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionReport {
    /// `listed`, `failed` or `skipped`.
    pub status: &'static str,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    /// The names of the tools listed.
    pub tools: Vec<String>,
    /// `--lock` pinned this server's tools now, for the first time.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
}

impl Connection {
    /// The report form.
    pub fn report(&self) -> ConnectionReport {
        match &self.outcome {
            Outcome::Listed {
                tools, pinned_now, ..
            } => ConnectionReport {
                status: "listed",
                reason: None,
                pinned: *pinned_now,
                tools: tools
                    .iter()
                    .filter_map(|t| t.get("name").and_then(Value::as_str))
                    .map(|n| printable(n, 200))
                    .collect(),
            },
            Outcome::Failed { reason } => ConnectionReport {
                status: "failed",
                reason: Some(reason.clone()),
                tools: Vec::new(),
                pinned: false,
            },
            Outcome::Skipped { reason } => ConnectionReport {
                status: "skipped",
                reason: Some(reason.clone()),
                tools: Vec::new(),
                pinned: false,
            },
        }
    }
}

/// `text` safe to print on one line: hidden characters and ANSI removed, control characters
/// replaced, at most `max` characters (an ellipsis marks a cut).
pub fn printable(text: &str, max: usize) -> String {
    let (clean, _) = mcpward_guard::screen::sanitize(text);
    let mut out: String = clean
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if clean.chars().count() > max {
        out.pop();
        out.push('…');
    }
    out
}
