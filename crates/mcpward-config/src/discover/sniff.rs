//! Telling a config's schema from its content, for files whose name says nothing.
//!
//! This is a heuristic over untrusted text: it never panics, and content that does not parse is
//! sniffed as plain text so that a broken config is still recognised (and later reported as a
//! parse error by the real parser).

use serde_json::{Map, Value};

use super::names::Spec;
use crate::{Client, ConfigKind, Format};

/// Larger documents are only sniffed as text, not parsed.
const MAX_PARSED_BYTES: usize = 4 * 1024 * 1024;

/// Top-level keys that only Claude Code's `settings.json` family uses.
const CLAUDE_SETTINGS_KEYS: &[&str] = &[
    "permissions",
    "enableAllProjectMcpServers",
    "enabledMcpjsonServers",
    "disabledMcpjsonServers",
    "allowedMcpServers",
    "deniedMcpServers",
];

/// Top-level keys that only Gemini CLI's `settings.json` uses beside `mcpServers`.
const GEMINI_KEYS: &[&str] = &[
    "allowMCPServers",
    "excludeMCPServers",
    "excludeTools",
    "coreTools",
];

/// The client, schema and syntax of `content`. `format` is the syntax the file's extension
/// names; without one, the syntax is guessed too.
pub(super) fn sniff(content: &str, format: Option<Format>) -> Option<Spec> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let with = |format: Format| move |(client, kind)| (client, kind, format);
    match format {
        Some(Format::Json) => json(content).map(with(Format::Json)),
        Some(Format::Toml) => toml(content).map(with(Format::Toml)),
        Some(Format::Yaml) => yaml(content).map(with(Format::Yaml)),
        None if looks_like_json(content) => json(content).map(with(Format::Json)),
        None => toml(content)
            .map(with(Format::Toml))
            .or_else(|| yaml(content).map(with(Format::Yaml))),
    }
}

/// Whether the first significant characters open a JSON object or a JSONC comment.
fn looks_like_json(content: &str) -> bool {
    let start = content.trim_start();
    start.starts_with('{') || start.starts_with("//") || start.starts_with("/*")
}

fn json(content: &str) -> Option<(Client, ConfigKind)> {
    if content.len() > MAX_PARSED_BYTES {
        return json_text(content);
    }
    match jsonc_parser::parse_to_value(content, &jsonc_parser::ParseOptions::default()) {
        Ok(Some(value @ jsonc_parser::JsonValue::Object(_))) => match to_serde(value) {
            Value::Object(map) => json_object(&map),
            _ => None,
        },
        // Valid JSON that is not an object is no config of ours.
        Ok(_) => None,
        Err(_) => json_text(content),
    }
}

/// Converts a parsed JSONC value (nesting depth bounded by the parser) for easy inspection.
/// Numbers are dropped: sniffing never looks at them.
fn to_serde(value: jsonc_parser::JsonValue<'_>) -> Value {
    use jsonc_parser::JsonValue as J;
    match value {
        J::String(text) => Value::String(text.into_owned()),
        J::Boolean(b) => Value::Bool(b),
        J::Number(_) | J::Null => Value::Null,
        J::Array(items) => Value::Array(items.take_inner().into_iter().map(to_serde).collect()),
        J::Object(object) => Value::Object(
            object
                .take_inner()
                .into_iter()
                .map(|(key, value)| (key.into_owned(), to_serde(value)))
                .collect(),
        ),
    }
}

/// Whether `value` is an object whose values look like server definitions.
fn has_server_entries(value: &Value) -> bool {
    value.as_object().is_some_and(|servers| {
        servers.values().any(|server| {
            server.as_object().is_some_and(|server| {
                ["command", "url", "type", "httpUrl", "serverUrl"]
                    .iter()
                    .any(|key| server.contains_key(*key))
            })
        })
    })
}

fn json_object(top: &Map<String, Value>) -> Option<(Client, ConfigKind)> {
    use Client::*;
    use ConfigKind::*;

    if top.contains_key("context_servers") {
        return Some((Zed, ZedSettings));
    }
    if let Some(projects) = top.get("projects").and_then(Value::as_object) {
        let project_servers = projects
            .values()
            .any(|project| project.get("mcpServers").is_some());
        if project_servers || top.contains_key("mcpServers") {
            return Some((ClaudeCode, ClaudeUserState));
        }
    }
    if CLAUDE_SETTINGS_KEYS
        .iter()
        .any(|key| top.contains_key(*key))
    {
        return Some((ClaudeCode, ClaudeSettings));
    }
    let vscode_mcp_setting = top
        .get("mcp")
        .and_then(|mcp| mcp.get("servers"))
        .is_some_and(Value::is_object);
    let chat_setting = top
        .keys()
        .any(|key| key.starts_with("chat.mcp.") || key.starts_with("chat.tools."));
    if vscode_mcp_setting || chat_setting || top.contains_key("mcp.servers") {
        return Some((VsCode, VsCodeSettings));
    }
    if let Some(servers) = top.get("servers")
        && servers.is_object()
        && (top.contains_key("inputs") || has_server_entries(servers))
    {
        return Some((VsCode, VsCodeMcp));
    }
    if let Some(servers) = top.get("mcpServers") {
        let gemini_server = servers.as_object().is_some_and(|servers| {
            servers
                .values()
                .any(|server| server.get("httpUrl").is_some() || server.get("trust").is_some())
        });
        if gemini_server || GEMINI_KEYS.iter().any(|key| top.contains_key(*key)) {
            return Some((GeminiCli, GeminiSettings));
        }
        return Some((Generic, McpServers));
    }
    None
}

/// The same decisions as [`json_object`], from quoted key names in text that does not parse.
fn json_text(content: &str) -> Option<(Client, ConfigKind)> {
    use Client::*;
    use ConfigKind::*;

    let has = |key: &str| content.contains(&format!("\"{key}\""));
    if has("context_servers") {
        Some((Zed, ZedSettings))
    } else if has("projects") && has("mcpServers") {
        Some((ClaudeCode, ClaudeUserState))
    } else if CLAUDE_SETTINGS_KEYS.iter().any(|key| has(key)) {
        Some((ClaudeCode, ClaudeSettings))
    } else if has("servers") && (has("inputs") || has("command") || has("url")) {
        if has("mcp") {
            Some((VsCode, VsCodeSettings))
        } else {
            Some((VsCode, VsCodeMcp))
        }
    } else if has("mcpServers") {
        if has("httpUrl") || GEMINI_KEYS.iter().any(|key| has(key)) {
            Some((GeminiCli, GeminiSettings))
        } else {
            Some((Generic, McpServers))
        }
    } else {
        None
    }
}

fn toml(content: &str) -> Option<(Client, ConfigKind)> {
    let codex = Some((Client::Codex, ConfigKind::CodexToml));
    if content.len() <= MAX_PARSED_BYTES
        && let Ok(table) = content.parse::<toml::Table>()
    {
        return if table.get("mcp_servers").is_some_and(toml::Value::is_table) {
            codex
        } else {
            None
        };
    }
    // Broken TOML: look for the table header or a dotted key at the start of a line.
    let mentions = content.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("[mcp_servers")
            || line.starts_with("mcp_servers.")
            || line.starts_with("mcp_servers =")
            || line.starts_with("mcp_servers=")
    });
    if mentions { codex } else { None }
}

/// YAML: a top-level (unindented) `mcpServers` key, bare or quoted.
fn yaml(content: &str) -> Option<(Client, ConfigKind)> {
    let top_level = content.lines().any(|line| {
        let key = line.split(':').next().unwrap_or("");
        line.contains(':')
            && matches!(
                key.trim_end(),
                "mcpServers" | "\"mcpServers\"" | "'mcpServers'"
            )
    });
    top_level.then_some((Client::Continue, ConfigKind::ContinueConfig))
}
