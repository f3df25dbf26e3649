//! Discovery and parsing of MCP client configs.
//!
//! The main types, in reading order:
//! - [`Node`]: a parsed document (JSON with comments, TOML or YAML) as one tree whose every value
//!   and key carries its byte [`Span`] in the source, so findings can point at a line and column.
//! - [`parse::parse_document`]: text + [`Format`] → [`Node`], or a [`parse::ParseError`] with a
//!   position.
//! - [`discover`]: where each [`Client`] keeps its configs, for a user ([`discover::Environment`])
//!   or inside a repository directory.
//! - [`ConfigDoc`] and [`interpret`]: a parsed file read with its client's schema into
//!   [`ServerEntry`]s and [`ClientSettings`].
//! - [`launch`]: what a server's launch command means (runner, package, docker options).

pub mod discover;
pub mod interpret;
pub mod launch;
mod node;
pub mod parse;
pub mod rewrite;
mod span;

pub use interpret::{
    ClientSettings, ConfigDoc, Interpreted, LoadError, ServerEntry, Transport, interpret, load,
};
pub use node::{Entry, Node, Value};
pub use span::{LineIndex, Span, Spanned};

/// An MCP client whose configuration files mcpward understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Client {
    /// Claude Desktop (`claude_desktop_config.json`).
    ClaudeDesktop,
    /// Claude Code (`.mcp.json`, `~/.claude.json`, `.claude/settings*.json`, managed files).
    ClaudeCode,
    /// Cursor (`~/.cursor/mcp.json`, `.cursor/mcp.json`).
    Cursor,
    /// VS Code (`.vscode/mcp.json`, the user profile's `mcp.json`, `settings.json` `mcp`).
    VsCode,
    /// Windsurf (`~/.codeium/windsurf/mcp_config.json`).
    Windsurf,
    /// Cline (`cline_mcp_settings.json`).
    Cline,
    /// Roo Code (`.roo/mcp.json`, `mcp_settings.json`).
    RooCode,
    /// Zed (`settings.json` `context_servers`).
    Zed,
    /// OpenAI Codex CLI (`config.toml` `[mcp_servers.NAME]`).
    Codex,
    /// Gemini CLI (`settings.json` `mcpServers`).
    GeminiCli,
    /// Continue (`config.yaml`, `.continue/mcpServers/*`).
    Continue,
    /// A file given on the command line whose client could not be told from its name.
    Generic,
}

impl Client {
    /// The stable id used in JSON and SARIF output.
    pub fn id(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "claude-desktop",
            Client::ClaudeCode => "claude-code",
            Client::Cursor => "cursor",
            Client::VsCode => "vscode",
            Client::Windsurf => "windsurf",
            Client::Cline => "cline",
            Client::RooCode => "roo-code",
            Client::Zed => "zed",
            Client::Codex => "codex",
            Client::GeminiCli => "gemini-cli",
            Client::Continue => "continue",
            Client::Generic => "generic",
        }
    }
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// The syntax a config file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON, accepting comments and trailing commas (JSONC), as VS Code and Cursor do.
    Json,
    /// TOML.
    Toml,
    /// YAML.
    Yaml,
}

/// Which schema a config file follows: decides how [`interpret`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigKind {
    /// A top-level `mcpServers` object (Claude Desktop, `.mcp.json`, Cursor, Windsurf, Cline, Roo,
    /// `managed-mcp.json`).
    McpServers,
    /// `~/.claude.json`: top-level `mcpServers` and `projects.<path>.mcpServers`.
    ClaudeUserState,
    /// Claude Code `settings.json` family: `permissions`, `enableAllProjectMcpServers`,
    /// `enabledMcpjsonServers`, `allowedMcpServers`, `deniedMcpServers`, and `mcpServers` if present.
    ClaudeSettings,
    /// VS Code `mcp.json`: `servers` and `inputs`.
    VsCodeMcp,
    /// VS Code user `settings.json`: `mcp.servers`.
    VsCodeSettings,
    /// Zed `settings.json`: `context_servers`.
    ZedSettings,
    /// Codex `config.toml`: `[mcp_servers.NAME]`.
    CodexToml,
    /// Gemini CLI `settings.json`: `mcpServers` (with `trust`), plus `excludeTools`/`allowMCPServers`.
    GeminiSettings,
    /// Continue `config.yaml`: a `mcpServers` list of `{name, command, args, env}`.
    ContinueConfig,
    /// One file under `.continue/mcpServers/` (YAML block with `mcpServers`, or a JSON
    /// `mcpServers` object as Claude Desktop writes it).
    ContinueServerFile,
}

impl ConfigKind {
    /// The syntax files of this kind are written in, when the kind fixes it.
    pub fn default_format(self) -> Format {
        match self {
            ConfigKind::CodexToml => Format::Toml,
            ConfigKind::ContinueConfig => Format::Yaml,
            _ => Format::Json,
        }
    }
}

/// Every schema with a client that uses it and its syntax: one entry per [`ConfigKind`], for
/// tests, fuzzing and benchmarks that must cover them all.
pub const SCHEMAS: [(Client, ConfigKind, Format); 10] = [
    (Client::ClaudeCode, ConfigKind::McpServers, Format::Json),
    (
        Client::ClaudeCode,
        ConfigKind::ClaudeUserState,
        Format::Json,
    ),
    (Client::ClaudeCode, ConfigKind::ClaudeSettings, Format::Json),
    (Client::VsCode, ConfigKind::VsCodeMcp, Format::Json),
    (Client::VsCode, ConfigKind::VsCodeSettings, Format::Json),
    (Client::Zed, ConfigKind::ZedSettings, Format::Json),
    (Client::Codex, ConfigKind::CodexToml, Format::Toml),
    (Client::GeminiCli, ConfigKind::GeminiSettings, Format::Json),
    (Client::Continue, ConfigKind::ContinueConfig, Format::Yaml),
    (
        Client::Continue,
        ConfigKind::ContinueServerFile,
        Format::Yaml,
    ),
];
