//! Reading a parsed config with its client's schema.

use std::path::PathBuf;

use crate::discover::Candidate;
use crate::parse::{MAX_CONFIG_BYTES, parse_document};
use crate::{Client, ConfigKind, Format, LineIndex, Node, Span, Spanned, Value};

/// A config file that was read and parsed.
#[derive(Debug, Clone)]
pub struct ConfigDoc {
    /// Where it was read from.
    pub path: PathBuf,
    /// The client that reads it.
    pub client: Client,
    /// Its schema.
    pub kind: ConfigKind,
    /// Its syntax.
    pub format: Format,
    /// Its full text.
    pub text: String,
    /// Line starts of `text`.
    pub lines: LineIndex,
    /// The parsed tree.
    pub root: Node,
}

/// How a client talks to a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// A local process over stdin/stdout.
    Stdio,
    /// Streamable HTTP.
    Http,
    /// The older HTTP+SSE transport.
    Sse,
    /// WebSocket.
    Ws,
}

impl Transport {
    /// The id used in JSON output.
    pub fn id(self) -> &'static str {
        match self {
            Transport::Stdio => "stdio",
            Transport::Http => "http",
            Transport::Sse => "sse",
            Transport::Ws => "ws",
        }
    }
}

/// One MCP server as a config declares it.
#[derive(Debug, Clone)]
pub struct ServerEntry {
    /// The server's name (its key in the config).
    pub name: String,
    /// Where the name stands.
    pub name_span: Span,
    /// The server's whole definition.
    pub span: Span,
    /// For `~/.claude.json` project entries: the project path the server belongs to.
    pub scope: Option<String>,
    /// Transport, from an explicit `type`/`transport` or from the fields present.
    pub transport: Transport,
    /// The launch command (stdio).
    pub command: Option<Spanned<String>>,
    /// The launch arguments (stdio).
    pub args: Vec<Spanned<String>>,
    /// The URL (remote transports).
    pub url: Option<Spanned<String>>,
    /// Environment variables given to the server: name and value.
    pub env: Vec<(Spanned<String>, Spanned<String>)>,
    /// HTTP headers sent to the server: name and value.
    pub headers: Vec<(Spanned<String>, Spanned<String>)>,
    /// Working directory.
    pub cwd: Option<Spanned<String>>,
    /// Marked disabled in the config.
    pub disabled: bool,
    /// Tools approved without asking (Cline/Roo `autoApprove`/`alwaysAllow`), with the span of the list.
    pub auto_approve: Option<Spanned<Vec<String>>>,
    /// Gemini CLI `trust: true` (every tool call runs without confirmation).
    pub trust: Option<Spanned<bool>>,
}

/// Settings of a client that change how MCP tools are approved.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    /// Claude Code `enableAllProjectMcpServers`.
    pub enable_all_project_mcp_servers: Option<Spanned<bool>>,
    /// Claude Code `permissions.allow` entries.
    pub permissions_allow: Vec<Spanned<String>>,
    /// Settings that switch approval off altogether: the setting's name and value, e.g.
    /// `permissions.defaultMode = bypassPermissions`, Codex `approval_policy = never`,
    /// VS Code `chat.tools.autoApprove = true`.
    pub bypass: Vec<(String, Spanned<String>)>,
}

/// What a config file holds, read with its client's schema.
#[derive(Debug, Clone, Default)]
pub struct Interpreted {
    /// The servers it declares.
    pub servers: Vec<ServerEntry>,
    /// Approval-related settings.
    pub settings: ClientSettings,
    /// Parts that do not follow the schema (a wrong type where an object was expected): span and reason.
    pub problems: Vec<(Span, String)>,
}

/// Why a config file could not be loaded: it becomes a `config-parse-error` finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {reason}")]
#[non_exhaustive]
pub struct LoadError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line of the problem (0 when it concerns the whole file).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Byte offset of the problem, when known.
    pub offset: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl LoadError {
    /// The file could not be read at all (permissions, a directory, an I/O error).
    pub fn unreadable(path: &std::path::Path, reason: &str) -> Self {
        LoadError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            offset: None,
            reason: format!("cannot read the file: {reason}"),
        }
    }
}

/// Loads a config from its bytes: checks the size limit and UTF-8, then parses.
pub fn load(candidate: &Candidate, bytes: &[u8]) -> Result<ConfigDoc, LoadError> {
    let fail = |line: u32, column: u32, offset: Option<usize>, reason: String| LoadError {
        path: candidate.path.clone(),
        line,
        column,
        offset,
        reason,
    };
    if bytes.len() > MAX_CONFIG_BYTES {
        return Err(fail(
            0,
            0,
            None,
            format!(
                "file is over the {} MB limit for config files",
                MAX_CONFIG_BYTES / (1024 * 1024)
            ),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = String::from_utf8_lossy(valid);
            let (line, column) = LineIndex::new(&prefix).line_col(&prefix, prefix.len());
            return Err(fail(
                line,
                column,
                Some(e.valid_up_to()),
                "invalid UTF-8".to_string(),
            ));
        }
    };
    let lines = LineIndex::new(&text);
    match parse_document(candidate.format, &text) {
        Ok(root) => Ok(ConfigDoc {
            path: candidate.path.clone(),
            client: candidate.client,
            kind: candidate.kind,
            format: candidate.format,
            text,
            lines,
            root,
        }),
        Err(e) => {
            let (line, column) = lines.line_col(&text, e.offset);
            let format = match candidate.format {
                Format::Json => "JSON",
                Format::Toml => "TOML",
                Format::Yaml => "YAML",
            };
            Err(fail(
                line,
                column,
                Some(e.offset),
                format!("invalid {format}: {}", e.message),
            ))
        }
    }
}

/// Reads `doc` with the schema of its [`ConfigKind`].
pub fn interpret(doc: &ConfigDoc) -> Interpreted {
    let mut out = Interpreted::default();
    let root = &doc.root;
    if root.as_object().is_none() && !matches!(root.value, Value::Null) {
        out.problems
            .push((root.span, "expected an object at the top level".into()));
        return out;
    }
    match doc.kind {
        ConfigKind::McpServers | ConfigKind::ContinueServerFile => {
            servers_field(root, "mcpServers", None, doc.kind, &mut out);
            claude_settings(root, &mut out);
        }
        ConfigKind::ClaudeUserState => {
            servers_field(root, "mcpServers", None, doc.kind, &mut out);
            if let Some(projects) = root.get("projects").and_then(Node::as_object) {
                for project in projects {
                    servers_field(
                        &project.value,
                        "mcpServers",
                        Some(&project.key),
                        doc.kind,
                        &mut out,
                    );
                    claude_settings(&project.value, &mut out);
                }
            }
            claude_settings(root, &mut out);
        }
        ConfigKind::ClaudeSettings => {
            servers_field(root, "mcpServers", None, doc.kind, &mut out);
            claude_settings(root, &mut out);
        }
        ConfigKind::VsCodeMcp => servers_field(root, "servers", None, doc.kind, &mut out),
        ConfigKind::VsCodeSettings => {
            if let Some(mcp) = root.get("mcp") {
                servers_field(mcp, "servers", None, doc.kind, &mut out);
            }
            for key in ["chat.tools.autoApprove", "chat.tools.global.autoApprove"] {
                if let Some(node) = root.get(key).filter(|n| n.as_bool() == Some(true)) {
                    out.settings
                        .bypass
                        .push((key.to_string(), Spanned::new("true".into(), node.span)));
                }
            }
        }
        ConfigKind::ZedSettings => servers_field(root, "context_servers", None, doc.kind, &mut out),
        ConfigKind::CodexToml => {
            servers_field(root, "mcp_servers", None, doc.kind, &mut out);
            for (key, bad) in [
                ("approval_policy", "never"),
                ("sandbox_mode", "danger-full-access"),
            ] {
                if let Some(node) = root.get(key).filter(|n| n.as_str() == Some(bad)) {
                    out.settings
                        .bypass
                        .push((key.to_string(), Spanned::new(bad.into(), node.span)));
                }
            }
        }
        ConfigKind::GeminiSettings => {
            servers_field(root, "mcpServers", None, doc.kind, &mut out);
            for path in [&["tools", "autoAccept"][..], &["autoAccept"][..]] {
                if let Some(node) = root.pointer(path).filter(|n| n.as_bool() == Some(true)) {
                    out.settings
                        .bypass
                        .push((path.join("."), Spanned::new("true".into(), node.span)));
                }
            }
            if let Some(node) = root
                .pointer(&["security", "auth", "yolo"])
                .or_else(|| root.get("yolo"))
                && node.as_bool() == Some(true)
            {
                out.settings
                    .bypass
                    .push(("yolo".into(), Spanned::new("true".into(), node.span)));
            }
        }
        ConfigKind::ContinueConfig => servers_field(root, "mcpServers", None, doc.kind, &mut out),
    }
    out
}

/// Claude Code settings that change approval.
fn claude_settings(root: &Node, out: &mut Interpreted) {
    if let Some(node) = root.get("enableAllProjectMcpServers")
        && let Some(b) = node.as_bool()
    {
        out.settings.enable_all_project_mcp_servers = Some(Spanned::new(b, node.span));
    }
    let permissions = root.get("permissions");
    if let Some(allow) = permissions
        .and_then(|p| p.get("allow"))
        .and_then(Node::as_array)
    {
        out.settings.permissions_allow.extend(
            allow
                .iter()
                .filter_map(|n| n.as_str().map(|s| Spanned::new(s.to_string(), n.span))),
        );
    }
    // Older `~/.claude.json` project entries keep approvals in `allowedTools`.
    if let Some(allow) = root.get("allowedTools").and_then(Node::as_array) {
        out.settings.permissions_allow.extend(
            allow
                .iter()
                .filter_map(|n| n.as_str().map(|s| Spanned::new(s.to_string(), n.span))),
        );
    }
    if let Some(mode) = permissions.and_then(|p| p.get("defaultMode"))
        && mode.as_str() == Some("bypassPermissions")
    {
        out.settings.bypass.push((
            "permissions.defaultMode".into(),
            Spanned::new("bypassPermissions".into(), mode.span),
        ));
    }
    if let Some(node) = root
        .get("dangerouslySkipPermissions")
        .or_else(|| root.get("skipDangerousModePermissionPrompt"))
        && node.as_bool() == Some(true)
    {
        out.settings.bypass.push((
            "dangerouslySkipPermissions".into(),
            Spanned::new("true".into(), node.span),
        ));
    }
}

/// Reads the servers under `key`: an object of name → server, or (Continue) a list of servers
/// with a `name` field.
fn servers_field(
    parent: &Node,
    key: &str,
    scope: Option<&str>,
    kind: ConfigKind,
    out: &mut Interpreted,
) {
    let Some(node) = parent.get(key) else { return };
    match &node.value {
        Value::Object(entries) => {
            for (i, entry) in entries.iter().enumerate() {
                if entries[i + 1..].iter().any(|later| later.key == entry.key) {
                    out.problems.push((
                        entry.key_span,
                        format!("server `{}` is declared more than once: clients use the last declaration and ignore this one", entry.key),
                    ));
                    continue;
                }
                server(&entry.key, entry.key_span, &entry.value, scope, kind, out);
            }
        }
        Value::Array(items)
            if matches!(
                kind,
                ConfigKind::ContinueConfig | ConfigKind::ContinueServerFile
            ) =>
        {
            for (i, item) in items.iter().enumerate() {
                let (name, span) = match item.entry("name") {
                    Some(e) => (
                        e.value.as_str().unwrap_or_default().to_string(),
                        e.value.span,
                    ),
                    None => (format!("server-{}", i + 1), item.span),
                };
                server(&name, span, item, scope, kind, out);
            }
        }
        Value::Null => {}
        _ => out
            .problems
            .push((node.span, format!("`{key}` should be an object of servers"))),
    }
}

fn string_of(node: &Node) -> Option<Spanned<String>> {
    match &node.value {
        Value::String(s) => Some(Spanned::new(s.clone(), node.span)),
        Value::Number(n) => Some(Spanned::new(n.clone(), node.span)),
        Value::Bool(b) => Some(Spanned::new(b.to_string(), node.span)),
        _ => None,
    }
}

/// Fields whose type is wrong: a client would reject or misread them, and a rule reading them
/// would see nothing. Reported rather than ignored.
fn shape_problems(name: &str, node: &Node, out: &mut Interpreted) {
    if let Some(args) = node.get("args") {
        match &args.value {
            Value::Array(items) => {
                for item in items.iter().filter(|i| string_of(i).is_none()) {
                    out.problems.push((
                        item.span,
                        format!("server `{name}`: every argument should be a string"),
                    ));
                }
            }
            _ => out.problems.push((
                args.span,
                format!("server `{name}`: `args` should be a list of strings"),
            )),
        }
    }
    match node.get("command").map(|c| &c.value) {
        Some(Value::String(c)) if c.trim().is_empty() => {
            out.problems
                .push((node.span, format!("server `{name}`: `command` is empty")));
        }
        Some(Value::String(_) | Value::Object(_)) | None => {}
        Some(_) => {
            if let Some(c) = node.get("command") {
                out.problems.push((
                    c.span,
                    format!("server `{name}`: `command` should be a string"),
                ));
            }
        }
    }
    for key in ["url", "serverUrl", "httpUrl"] {
        if let Some(u) = node.get(key).filter(|u| u.as_str().is_none()) {
            out.problems.push((
                u.span,
                format!("server `{name}`: `{key}` should be a string"),
            ));
        }
    }
    for key in ["env", "headers"] {
        if let Some(e) = node.get(key).filter(|e| e.as_object().is_none()) {
            out.problems.push((
                e.span,
                format!("server `{name}`: `{key}` should be an object of names and values"),
            ));
        }
    }
}

fn string_list(node: &Node) -> Vec<Spanned<String>> {
    node.as_array()
        .map(|items| items.iter().filter_map(string_of).collect())
        .unwrap_or_default()
}

fn pairs(node: Option<&Node>) -> Vec<(Spanned<String>, Spanned<String>)> {
    let Some(entries) = node.and_then(Node::as_object) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| string_of(&e.value).map(|v| (Spanned::new(e.key.clone(), e.key_span), v)))
        .collect()
}

fn server(
    name: &str,
    name_span: Span,
    node: &Node,
    scope: Option<&str>,
    kind: ConfigKind,
    out: &mut Interpreted,
) {
    if node.as_object().is_none() {
        out.problems
            .push((node.span, format!("server `{name}` should be an object")));
        return;
    }
    shape_problems(name, node, out);
    // Zed's older form nests the launch under `command: {path, args, env}`.
    let (launch_node, command) = match node.get("command") {
        Some(c) if c.as_object().is_some() => (c, c.get("path").and_then(string_of)),
        Some(c) => (node, string_of(c)),
        None => (node, None),
    };
    let url = ["url", "serverUrl", "httpUrl", "uri", "endpoint"]
        .iter()
        .find_map(|k| node.get(k).and_then(string_of).map(|u| (*k, u)));
    let declared = ["type", "transport"]
        .iter()
        .find_map(|k| match node.get(k) {
            Some(n) => match &n.value {
                Value::String(s) => Some(s.to_ascii_lowercase()),
                Value::Object(_) => n
                    .get("type")
                    .and_then(Node::as_str)
                    .map(str::to_ascii_lowercase),
                _ => None,
            },
            None => None,
        });
    let transport = match (declared.as_deref(), &url, &command) {
        (Some("stdio"), _, _) => Transport::Stdio,
        (Some("sse"), _, _) => Transport::Sse,
        (Some("ws" | "websocket"), _, _) => Transport::Ws,
        (Some("http" | "streamable-http" | "streamablehttp" | "streamable_http"), _, _) => {
            Transport::Http
        }
        (_, Some((key, u)), None) => {
            let lower = u.value.to_ascii_lowercase();
            if lower.starts_with("ws://") || lower.starts_with("wss://") {
                Transport::Ws
            } else if *key == "httpUrl" {
                Transport::Http
            } else if lower.trim_end_matches('/').ends_with("/sse")
                || (kind == ConfigKind::GeminiSettings && *key == "url")
            {
                Transport::Sse
            } else {
                Transport::Http
            }
        }
        _ => Transport::Stdio,
    };
    if command.is_none() && url.is_none() && node.get("source").is_none() {
        out.problems.push((
            node.span,
            format!("server `{name}` has neither `command` nor `url`"),
        ));
    }
    let auto_approve = ["autoApprove", "alwaysAllow"].iter().find_map(|k| {
        node.get(k).map(|n| {
            let list = match &n.value {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
                Value::Bool(true) => vec!["*".to_string()],
                _ => Vec::new(),
            };
            Spanned::new(list, n.span)
        })
    });
    let disabled = node.get("disabled").and_then(Node::as_bool) == Some(true)
        || node.get("enabled").and_then(Node::as_bool) == Some(false);
    out.servers.push(ServerEntry {
        name: name.to_string(),
        name_span,
        span: node.span,
        scope: scope.map(str::to_string),
        transport,
        command,
        args: launch_node.get("args").map(string_list).unwrap_or_default(),
        url: url.map(|(_, u)| u),
        env: pairs(launch_node.get("env").or_else(|| node.get("env"))),
        headers: pairs(
            node.get("headers")
                .or_else(|| node.get("http_headers"))
                .or_else(|| node.get("requestInit").and_then(|r| r.get("headers"))),
        ),
        cwd: node.get("cwd").and_then(string_of),
        disabled,
        auto_approve,
        trust: node
            .get("trust")
            .and_then(|n| n.as_bool().map(|b| Spanned::new(b, n.span))),
    });
}
