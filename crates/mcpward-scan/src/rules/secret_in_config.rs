use mcpward_config::{Span, Spanned};

use super::Context;
use crate::inventory::Server;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Finds literal credentials in a server's definition: environment values, launch arguments
    /// (including `--api-key VALUE` pairs and `docker run -e NAME=VALUE`), HTTP headers, and
    /// connection strings with a password. More than 80 documented token formats are recognised
    /// (GitHub, AWS, Slack, Stripe, OpenAI, Anthropic, …), plus high-entropy values under
    /// credential-like names. References such as `${GITHUB_TOKEN}`, `${env:X}`, `${input:id}` and
    /// placeholders such as `your-api-key-here` are not secrets.
    ///
    /// ## Why it matters
    /// Client configs are copied between machines, pasted into issues, synced to dotfile
    /// repositories and read by every program running as the user (including other MCP servers).
    /// A token in one is a token anyone with the file can use.
    ///
    /// ## Example
    /// ```json
    /// { "mcpServers": { "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
    ///   "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_…" } } } }
    /// ```
    ///
    /// ## Fix
    /// Revoke the token, then reference it instead of writing it: `"${env:GITHUB_TOKEN}"` (VS Code),
    /// `"${GITHUB_TOKEN}"` (Claude Code `.mcp.json`), an `inputs` prompt (VS Code), or
    /// `bearer_token_env_var` / `env_vars` (Codex). Keep the value in a keychain or a secrets manager.
    ///
    /// ## References
    /// - OWASP Secrets Management Cheat Sheet
    /// - CWE-798: Use of Hard-coded Credentials
    /// - MCP Security Best Practices (modelcontextprotocol.io)
    RULE { id: "secret-in-config", severity: Critical, title: "A literal credential in a config file" }
}

/// Flags that take a credential as their value.
fn credential_flag(flag: &str) -> bool {
    let f = flag
        .trim_start_matches('-')
        .to_ascii_lowercase()
        .replace('_', "-");
    [
        "token",
        "api-key",
        "apikey",
        "key",
        "secret",
        "password",
        "passwd",
        "pat",
        "auth",
        "access-token",
        "client-secret",
        "bearer",
    ]
    .iter()
    .any(|k| f == *k || f.ends_with(&format!("-{k}")))
}

fn is_web_url(s: &str) -> bool {
    let l = s.trim_start().to_ascii_lowercase();
    ["http://", "https://", "ws://", "wss://"]
        .iter()
        .any(|p| l.starts_with(p))
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        let mut hits: Vec<(Span, &'static str, String, String)> = Vec::new();
        let mut add =
            |span: Span, kind: &'static str, value: &str, r: (usize, usize), place: String| {
                if let Some(secret) = value.get(r.0..r.1)
                    && !hits.iter().any(|h| h.0 == span)
                {
                    hits.push((span, kind, mcpward_guard::redact_preview(secret), place));
                }
            };
        let e = &server.entry;
        for (key, value) in e.env.iter().chain(e.headers.iter()) {
            if let Some(m) = mcpward_guard::find_secret_in_assignment(&key.value, &value.value) {
                add(
                    value.span,
                    m.kind,
                    &value.value,
                    (m.start, m.end),
                    format!("`{}`", key.value),
                );
            }
        }
        scan_words(server, &mut add);
        if let Some(url) = &e.url
            && !is_web_url(&url.value)
        {
            for m in mcpward_guard::find_secrets(&url.value) {
                add(
                    url.span,
                    m.kind,
                    &url.value,
                    (m.start, m.end),
                    "the URL".into(),
                );
            }
        }
        for (span, kind, preview, place) in hits {
            let message = format!(
                "server `{}`: {place} holds a literal {kind} ({preview})",
                e.name
            );
            out.push(cx.finding(
                &RULE,
                server.doc,
                span,
                Some(server),
                message,
                "Revoke this credential and reference it from the environment or a secret store instead of writing it in the config",
            ));
        }
    }
}

type Add<'a> = dyn FnMut(Span, &'static str, &str, (usize, usize), String) + 'a;

fn scan_words(server: &Server<'_>, add: &mut Add<'_>) {
    let words: Vec<&Spanned<String>> = server
        .entry
        .command
        .iter()
        .chain(server.entry.args.iter())
        .collect();
    let mut prev: Option<&str> = None;
    for w in &words {
        let v = w.value.as_str();
        // `--api-key=VALUE` and `--api-key VALUE`.
        let (flag, value) = match v.split_once('=') {
            Some((f, val)) if f.starts_with('-') => (Some(f), val),
            _ => (prev.filter(|p| p.starts_with('-')), v),
        };
        let mut found = false;
        if let Some(flag) = flag.filter(|f| credential_flag(f))
            && let Some(m) = mcpward_guard::find_secret_in_assignment(flag, value)
        {
            let offset = v.len() - value.len();
            add(
                w.span,
                m.kind,
                v,
                (m.start + offset, m.end + offset),
                format!("argument `{flag}`"),
            );
            found = true;
        }
        if !found && !is_web_url(v) {
            // `docker run -e NAME=VALUE`, `KEY=VALUE` arguments.
            if let Some((name, val)) = v
                .split_once('=')
                .filter(|(n, _)| !n.starts_with('-') && !n.is_empty() && !n.contains(' '))
                && let Some(m) = mcpward_guard::find_secret_in_assignment(name, val)
            {
                let offset = name.len() + 1;
                add(
                    w.span,
                    m.kind,
                    v,
                    (m.start + offset, m.end + offset),
                    format!("argument `{name}=…`"),
                );
                found = true;
            }
        }
        if !found
            && !is_web_url(v)
            && let Some(m) = mcpward_guard::find_secrets(v).into_iter().next()
        {
            add(
                w.span,
                m.kind,
                v,
                (m.start, m.end),
                "a launch argument".into(),
            );
        }
        prev = Some(v);
    }
}
