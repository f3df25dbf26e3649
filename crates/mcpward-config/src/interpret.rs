//! Reading a parsed config with its client's schema.

use std::path::PathBuf;

use crate::{Client, ConfigKind, Format, LineIndex, Node, Span, Spanned};

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

/// Reads `doc` with the schema of its [`ConfigKind`].
pub fn interpret(_doc: &ConfigDoc) -> Interpreted {
    Interpreted::default()
}
