//! `scan --connect`, sans-IO: which servers to start or contact ([`targets`]) and what was
//! learned from them ([`Connection`]), which the `tool-*`, `hidden-unicode`, `destructive-tool`
//! and `server-launch-failed` rules read.
//!
//! The caller (the `mcpward` binary) starts the processes, speaks MCP, compares the tools with a
//! lockfile, and hands the results back in [`crate::Input::connections`].

use mcpward_config::rewrite::wrapped_launch;
use mcpward_config::{Transport, interpret};
use serde::Serialize;
use serde_json::Value;

use crate::scan::Input;

/// One configured server, as `scan --connect` would start it (stdio) or contact it (`--remote`).
///
/// It holds the config's environment and header values, which may be credentials: it has no
/// `Debug`, and nothing in it is printed except through [`Target::display_command`].
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
    /// The HTTP headers the config sends to a remote server: name and value (unexpanded).
    pub headers: Vec<(String, String)>,
    /// Why it will not be started, when it will not: disabled, remote without `--remote`,
    /// WebSocket, no command or URL.
    pub skip: Option<String>,
}

impl Target {
    /// Whether this is a remote server (`http`, `sse`, `ws`).
    pub fn is_remote(&self) -> bool {
        self.transport != "stdio"
    }

    /// The command line as a person should review it: program and arguments with credentials
    /// redacted, the working directory, and the names (never the values) of the variables set.
    /// For a remote server: its URL (credentials redacted), the names of the headers sent and
    /// of the environment variables expanded into them.
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
        if !self.headers.is_empty() {
            let keys: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
            out.push_str(&format!("  (headers: {})", keys.join(", ")));
        }
        let mut expanded: Vec<&str> = Vec::new();
        for text in self.url.iter().chain(self.headers.iter().map(|(_, v)| v)) {
            for name in referenced_variables(text) {
                if !expanded.contains(&name) {
                    expanded.push(name);
                }
            }
        }
        if !expanded.is_empty() {
            out.push_str(&format!("  (sends ${{{}}})", expanded.join("}, ${")));
        }
        out.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect()
    }
}

/// The environment variables `${…}` references in `text` read (`${env:X}` as `X`,
/// `${userHome}` as `HOME`; defaults dropped; references that name no environment variable,
/// such as `${input:…}`, left out).
fn referenced_variables(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        let name = inner.split_once(":-").map_or(inner, |(n, _)| n);
        let name = name.strip_prefix("env:").unwrap_or(name);
        let name = if name == "userHome" { "HOME" } else { name };
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            out.push(name);
        }
        rest = &after[end + 1..];
    }
    out
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

/// Every configured server with how it would be started, in report order. Remote servers are
/// skipped unless `remote` (`--remote`) is set; WebSocket ones always are.
pub fn targets(input: &Input, remote: bool) -> Vec<Target> {
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
            } else if entry.transport == Transport::Ws {
                Some(
                    "remote (ws) servers are not connected: MCP defines no WebSocket transport, and mcpward speaks Streamable HTTP and HTTP+SSE only"
                        .to_owned(),
                )
            } else if entry.transport != Transport::Stdio && !remote {
                Some(format!(
                    "remote ({}) servers are contacted only with --remote",
                    entry.transport.id()
                ))
            } else if entry.transport != Transport::Stdio {
                entry
                    .url
                    .as_ref()
                    .is_none_or(|u| u.value.trim().is_empty())
                    .then(|| "no URL to connect to".to_owned())
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
                headers: entry
                    .headers
                    .iter()
                    .map(|(k, v)| (k.value.clone(), v.value.clone()))
                    .collect(),
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
