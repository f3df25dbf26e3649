//! `mcpward export claude-code`: the policy in Claude Code's own settings terms, for
//! `settings.json` or a managed `managed-settings.json`, as defence in depth beside the hook.
//!
//! - `permissions.deny` / `permissions.ask` / `permissions.allow`: MCP permission rules are
//!   `mcp__SERVER` (every tool of a server) or `mcp__SERVER__TOOL`
//!   (<https://code.claude.com/docs/en/permissions>), the server spelled as in tool names. A
//!   policy glob becomes: `"*"` → `mcp__SERVER`; a plain name → `mcp__SERVER__NAME`; a glob
//!   whose only wildcard is one trailing `*` → `mcp__SERVER__PREFIX*` (deny and ask only).
//!   Other globs (`?`, `[…]`, a `*` inside) cannot be written and are listed on stderr. Allow
//!   rules are written only for servers whose decisions depend on the tool name alone (no
//!   `paths`, `urls` or `rules`), since a Claude Code allow skips its prompt whatever the
//!   arguments; `[servers."*"]` lists are written out for every named server.
//! - `allowedMcpServers` / `deniedMcpServers` (<https://code.claude.com/docs/en/managed-mcp>):
//!   every server of the discovered client configs, by its exact command and arguments
//!   (`serverCommand`) or its URL (`serverUrl`), never by name — a name is whatever the user
//!   chose. A server whose section denies `"*"` is denied; with `defaults.decision = "deny"`
//!   the allowlist holds only servers the policy has a section for (others are blocked).
//! - `enableAllProjectMcpServers: false`: a repository's `.mcp.json` cannot switch its
//!   servers on without asking.

use std::collections::BTreeSet;
use std::process::ExitCode;

use mcpward_config::discover::{self, Environment};
use mcpward_config::{Transport, interpret};
use mcpward_gateway::mcpward_policy::{Policy, ToolLists, Verdict};
use serde_json::{Value, json};

use crate::cli::ExportClaudeCodeArgs;
use crate::commands::hook::{BUILTIN_SECTION, normalize_server};
use crate::commands::run::require_policy;
use crate::commands::wrap::load_config;

/// `mcpward export claude-code`.
pub(crate) fn run(args: &ExportClaudeCodeArgs) -> anyhow::Result<ExitCode> {
    let policy = match require_policy(args.policy.as_deref()) {
        Ok(policy) => policy,
        Err(code) => return Ok(code),
    };
    let servers = discovered(&args.configs)?;
    let (settings, notes) = export(&policy, &servers);
    for note in notes {
        eprintln!("note: {note}");
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&settings).unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

/// A server from a client config, as Claude Code's allowlists can match it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Found {
    pub(crate) name: String,
    /// `serverCommand` (stdio) or `serverUrl` (remote).
    pub(crate) launch: Launch,
}

/// How a server starts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Launch {
    Command(Vec<String>),
    Url(String),
}

fn discovered(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<Found>> {
    let candidates = if paths.is_empty() {
        let env = Environment::from_process();
        discover::user_configs(&env)
            .into_iter()
            .filter(|c| c.path.is_file())
            .collect()
    } else {
        super::configs::named_candidates(paths)?
    };
    let mut out = BTreeSet::new();
    for candidate in candidates {
        let doc = match load_config(&candidate) {
            Ok((doc, _)) => doc,
            Err(e) => {
                eprintln!("warning: skipped {e}");
                continue;
            }
        };
        for s in interpret(&doc).servers {
            let launch = match (&s.command, &s.url, s.transport) {
                (Some(cmd), _, Transport::Stdio) => {
                    let mut words = vec![cmd.value.clone()];
                    words.extend(s.args.iter().map(|a| a.value.clone()));
                    Launch::Command(words)
                }
                (_, Some(url), _) => Launch::Url(url_pattern(&url.value)),
                _ => continue,
            };
            out.insert(Found {
                name: s.name.clone(),
                launch,
            });
        }
    }
    Ok(out.into_iter().collect())
}

/// A URL as a `serverUrl` pattern: the query (which may hold a token) becomes `*`.
fn url_pattern(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}*"),
        None => url.to_owned(),
    }
}

/// A policy glob as a permission rule for `server`, `None` when it cannot be written.
fn rule(server: &str, glob: &str, prefixes: bool) -> Option<String> {
    let meta = |c: char| matches!(c, '*' | '?' | '[' | ']' | '{' | '}');
    if glob == "*" {
        return Some(format!("mcp__{server}"));
    }
    if !glob.chars().any(meta) {
        return Some(format!("mcp__{server}__{glob}"));
    }
    let prefix = glob.strip_suffix('*')?;
    (prefixes && !prefix.is_empty() && !prefix.chars().any(meta))
        .then(|| format!("mcp__{server}__{prefix}*"))
}

/// The settings fragment and the notes on what it cannot say.
pub(crate) fn export(policy: &Policy, servers: &[Found]) -> (Value, Vec<String>) {
    let mut deny = Vec::new();
    let mut ask = Vec::new();
    let mut allow = Vec::new();
    let mut notes = Vec::new();
    let wildcard = policy.tool_lists("*").unwrap_or_default();
    for name in policy.servers().filter(|s| *s != BUILTIN_SECTION) {
        let own = policy.tool_lists(name).unwrap_or_default();
        let spelled = normalize_server(name);
        let judges = own.judges_arguments || wildcard.judges_arguments;
        let lists = [(&own, ""), (&wildcard, "servers.\"*\" ")];
        for (lists, origin) in lists {
            for (verdict, globs, out) in [
                (Verdict::Deny, &lists.deny, &mut deny),
                (Verdict::Ask, &lists.ask, &mut ask),
            ] {
                for g in globs {
                    match rule(&spelled, g, true) {
                        Some(r) => out.push(r),
                        None => notes.push(format!(
                            "{origin}servers.{name}.{verdict} \"{g}\" cannot be written as a Claude Code rule (the hook still enforces it)"
                        )),
                    }
                }
            }
            if judges {
                continue;
            }
            for g in &lists.allow {
                match rule(&spelled, g, false) {
                    Some(r) => allow.push(r),
                    None => notes.push(format!(
                        "{origin}servers.{name}.allow \"{g}\" is left out: only \"*\" and plain names are written as allow rules"
                    )),
                }
            }
        }
        if judges && !own.allow.is_empty() {
            notes.push(format!(
                "servers.{name}: allow rules are left out because the policy also judges arguments (paths, urls or rules), which Claude Code's rules cannot"
            ));
        }
    }
    if let Some(ToolLists {
        allow: b_allow,
        ask: b_ask,
        deny: b_deny,
        ..
    }) = policy.tool_lists(BUILTIN_SECTION)
    {
        let plain = |g: &String| !g.chars().any(|c| matches!(c, '*' | '?' | '[' | '{'));
        deny.extend(b_deny.iter().filter(|g| plain(g)).cloned());
        ask.extend(b_ask.iter().filter(|g| plain(g)).cloned());
        allow.extend(b_allow.iter().filter(|g| plain(g)).cloned());
        for g in b_deny
            .iter()
            .chain(&b_ask)
            .chain(&b_allow)
            .filter(|g| !plain(g))
        {
            notes.push(format!(
                "servers.\"{BUILTIN_SECTION}\" \"{g}\": only plain tool names are written for Claude Code's own tools"
            ));
        }
    }
    for list in [&mut deny, &mut ask, &mut allow] {
        let mut seen = BTreeSet::new();
        list.retain(|r| seen.insert(r.clone()));
    }

    let denies_all = |name: &str| {
        [policy.tool_lists(name), policy.tool_lists("*")]
            .into_iter()
            .flatten()
            .any(|l| l.deny.iter().any(|g| g == "*"))
    };
    let named = |name: &str| policy.servers().any(|s| s == name) || policy.has_wildcard_server();
    let default_deny = policy.defaults().decision == Verdict::Deny;
    let entry = |f: &Found| match &f.launch {
        Launch::Command(words) => json!({ "serverCommand": words }),
        Launch::Url(url) => json!({ "serverUrl": url }),
    };
    let mut allowed = Vec::new();
    let mut denied = Vec::new();
    for f in servers {
        if denies_all(&f.name) {
            denied.push(entry(f));
        } else if named(&f.name) || !default_deny {
            allowed.push(entry(f));
        } else {
            notes.push(format!(
                "server `{}` has no section in the policy, whose default is deny: it is left out of allowedMcpServers",
                f.name
            ));
        }
    }
    dedup(&mut allowed);
    dedup(&mut denied);

    let mut permissions = serde_json::Map::new();
    permissions.insert("deny".into(), json!(deny));
    permissions.insert("ask".into(), json!(ask));
    if !allow.is_empty() {
        permissions.insert("allow".into(), json!(allow));
    }
    let mut out = serde_json::Map::new();
    out.insert("permissions".into(), Value::Object(permissions));
    out.insert("enableAllProjectMcpServers".into(), json!(false));
    if default_deny {
        out.insert("allowedMcpServers".into(), json!(allowed));
    }
    out.insert("deniedMcpServers".into(), json!(denied));
    notes.push(
        "the policy's path, URL and CEL rules, and output screening, have no Claude Code equivalent: install the hook (`mcpward install claude-code`) for those".into(),
    );
    (Value::Object(out), notes)
}

fn dedup(list: &mut Vec<Value>) {
    let mut seen = BTreeSet::new();
    list.retain(|v| seen.insert(v.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_become_rules_where_they_can() {
        assert_eq!(rule("gh", "*", true).as_deref(), Some("mcp__gh"));
        assert_eq!(
            rule("gh", "get_me", true).as_deref(),
            Some("mcp__gh__get_me")
        );
        assert_eq!(rule("gh", "get_*", true).as_deref(), Some("mcp__gh__get_*"));
        assert_eq!(rule("gh", "get_*", false), None);
        assert_eq!(rule("gh", "*_file", true), None);
        assert_eq!(rule("gh", "get_?", true), None);
    }

    #[test]
    fn queries_are_not_exported() {
        assert_eq!(
            url_pattern("https://x.example/mcp?token=abc"),
            "https://x.example/mcp*"
        );
    }
}
