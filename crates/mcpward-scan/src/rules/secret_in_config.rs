use mcpward_config::{ConfigDoc, Node, Span, Spanned, Value};

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

/// A credential found in one string of a config.
pub(crate) struct Hit {
    /// The string's span in the file.
    pub(crate) span: Span,
    /// The credential's kind.
    pub(crate) kind: &'static str,
    /// Byte range of the credential inside the string's value.
    pub(crate) range: (usize, usize),
    /// Where it stands, in words ("`GITHUB_TOKEN`", "argument `--api-key`").
    pub(crate) place: String,
    /// The redacted preview of the credential.
    pub(crate) preview: String,
}

impl Hit {
    fn new(
        span: Span,
        value: &str,
        kind: &'static str,
        range: (usize, usize),
        place: String,
    ) -> Self {
        let preview = value
            .get(range.0..range.1)
            .map(mcpward_guard::redact_preview)
            .unwrap_or_default();
        Hit {
            span,
            kind,
            range,
            place,
            preview,
        }
    }
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

/// Whether a string is an HTTP or WebSocket URL (credentials in those are `token-in-url`'s).
pub(crate) fn is_web_url(s: &str) -> bool {
    let l = s.trim_start().to_ascii_lowercase();
    ["http://", "https://", "ws://", "wss://"]
        .iter()
        .any(|p| l.starts_with(p))
}

/// Credentials in launch words (`command` then `args`): `--flag VALUE`, `--flag=VALUE`,
/// `NAME=VALUE` (as `docker run -e` takes it), and known token formats anywhere. Returns the
/// index of the word in `words` with each hit.
pub(crate) fn word_secrets(words: &[&Spanned<String>]) -> Vec<(usize, Hit)> {
    let mut out = Vec::new();
    let mut prev: Option<&str> = None;
    for (i, w) in words.iter().enumerate() {
        let v = w.value.as_str();
        let hit =
            |kind, range: (usize, usize), place: String| Hit::new(w.span, v, kind, range, place);
        let (flag, value) = match v.split_once('=') {
            Some((f, val)) if f.starts_with('-') => (Some(f), val),
            _ => (
                prev.filter(|p| p.starts_with('-') && !v.starts_with('-')),
                v,
            ),
        };
        let offset = v.len() - value.len();
        let found = flag
            .filter(|f| credential_flag(f))
            .and_then(|f| mcpward_guard::find_secret_in_assignment(f, value).map(|m| (f, m)))
            .map(|(f, m)| {
                hit(
                    m.kind,
                    (m.start + offset, m.end + offset),
                    format!("argument `{f}`"),
                )
            })
            .or_else(|| {
                let (name, val) = v
                    .split_once('=')
                    .filter(|(n, _)| !n.starts_with('-') && !n.is_empty() && !n.contains(' '))?;
                if is_web_url(v) {
                    return None;
                }
                let m = mcpward_guard::find_secret_in_assignment(name, val)?;
                let offset = name.len() + 1;
                Some(hit(
                    m.kind,
                    (m.start + offset, m.end + offset),
                    format!("argument `{name}=…`"),
                ))
            })
            .or_else(|| {
                if is_web_url(v) {
                    return None;
                }
                let m = mcpward_guard::find_secrets(v).into_iter().next()?;
                Some(hit(m.kind, (m.start, m.end), "a launch argument".into()))
            });
        if let Some(h) = found {
            out.push((i, h));
        }
        prev = Some(v);
    }
    out
}

/// Every credential in one server's definition: env values, headers, launch words, a non-web URL.
fn server_hits(server: &Server<'_>) -> Vec<Hit> {
    let e = &server.entry;
    let mut hits = Vec::new();
    for (key, value) in e.env.iter().chain(e.headers.iter()) {
        if let Some(m) = mcpward_guard::find_secret_in_assignment(&key.value, &value.value) {
            hits.push(Hit::new(
                value.span,
                &value.value,
                m.kind,
                (m.start, m.end),
                format!("`{}`", key.value),
            ));
        }
    }
    let words: Vec<&Spanned<String>> = e.command.iter().chain(e.args.iter()).collect();
    hits.extend(word_secrets(&words).into_iter().map(|(_, h)| h));
    if let Some(url) = e.url.as_ref().filter(|u| !is_web_url(&u.value)) {
        hits.extend(
            mcpward_guard::find_secrets(&url.value)
                .into_iter()
                .map(|m| {
                    Hit::new(
                        url.span,
                        &url.value,
                        m.kind,
                        (m.start, m.end),
                        "the URL".into(),
                    )
                }),
        );
    }
    hits
}

/// Credentials anywhere else in a document: fields mcpward does not model (`bearer_token`,
/// `requestOptions.headers`, `oauth.clientSecret`, extension settings, `env` written as a list).
fn document_hits(doc: &ConfigDoc, skip: &[Span]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut stack: Vec<(Option<&str>, &Node)> = vec![(None, &doc.root)];
    while let Some((key, node)) = stack.pop() {
        match &node.value {
            Value::String(s) if !skip.contains(&node.span) => {
                let m = match key {
                    Some(k) if !is_web_url(s) => mcpward_guard::find_secret_in_assignment(k, s),
                    _ => mcpward_guard::find_secrets(s).into_iter().next(),
                };
                if let Some(m) = m {
                    let place = key.map_or_else(|| "a value".to_string(), |k| format!("`{k}`"));
                    hits.push(Hit::new(node.span, s, m.kind, (m.start, m.end), place));
                }
            }
            Value::Array(items) => stack.extend(items.iter().rev().map(|n| (None, n))),
            Value::Object(entries) => stack.extend(
                entries
                    .iter()
                    .rev()
                    .map(|e| (Some(e.key.as_str()), &e.value)),
            ),
            _ => {}
        }
    }
    hits
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, doc) in cx.docs.iter().enumerate() {
        let servers: Vec<&Server<'_>> =
            cx.servers.iter().filter(|s| s.doc_index == index).collect();
        let mut hits: Vec<(Option<&Server<'_>>, Hit)> = Vec::new();
        // Web URLs of servers are `token-in-url`'s; everything already seen is skipped below.
        let mut seen: Vec<Span> = Vec::new();
        for server in &servers {
            let e = &server.entry;
            seen.extend(
                e.url
                    .iter()
                    .chain(e.args.iter())
                    .filter(|s| is_web_url(&s.value))
                    .map(|s| s.span),
            );
            for h in server_hits(server) {
                if !seen.contains(&h.span) {
                    seen.push(h.span);
                    hits.push((Some(*server), h));
                }
            }
        }
        for h in document_hits(doc, &seen) {
            let owner = servers
                .iter()
                .copied()
                .find(|s| s.entry.span.start <= h.span.start && h.span.end <= s.entry.span.end);
            hits.push((owner, h));
        }
        for (server, h) in hits {
            let preview = &h.preview;
            let message = match server {
                Some(s) => format!(
                    "server `{}`: {} holds a literal {} ({preview})",
                    s.entry.name, h.place, h.kind
                ),
                None => format!("{} holds a literal {} ({preview})", h.place, h.kind),
            };
            out.push(cx.finding(
                &RULE,
                doc,
                h.span,
                server,
                message,
                "Revoke this credential and reference it from the environment or a secret store instead of writing it in the config",
            ));
        }
    }
}
