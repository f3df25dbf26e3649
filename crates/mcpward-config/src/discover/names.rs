//! The table of config file names and locations, shared by the repository walk and
//! [`super::recognise`].

use std::path::Path;

use crate::{Client, ConfigKind, Format};

/// What a file's name says: its client, schema and syntax.
pub(super) type Spec = (Client, ConfigKind, Format);

/// VS Code builds whose `User` folder holds `mcp.json` and `settings.json`.
pub(super) const VSCODE_PRODUCTS: &[&str] = &["Code", "Code - Insiders", "VSCodium"];

/// VS Code family editors in whose `User/globalStorage` Cline and Roo Code keep their settings.
pub(super) const EXTENSION_HOSTS: &[&str] =
    &["Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf"];

/// Cline's extension id (its `globalStorage` folder).
pub(super) const CLINE_EXTENSION: &str = "saoudrizwan.claude-dev";

/// Roo Code's extension id (its `globalStorage` folder).
pub(super) const ROO_EXTENSION: &str = "rooveterinaryinc.roo-cline";

/// Project directories that hold client configs. The walk looks inside one of these even when it
/// is a symlink (one level of subdirectories at most), since sharing them by symlink is common.
pub(super) const CONFIG_DIRS: &[&str] = &[
    ".claude",
    ".cursor",
    ".vscode",
    ".roo",
    ".gemini",
    ".codex",
    ".zed",
    ".continue",
];

/// The last `N` components of `path`, last first; `""` for missing or non-UTF-8 ones.
fn tail<const N: usize>(path: &Path) -> [&str; N] {
    let mut out = [""; N];
    for (slot, component) in out.iter_mut().zip(path.iter().rev()) {
        *slot = component.to_str().unwrap_or("");
    }
    out
}

fn json(client: Client, kind: ConfigKind) -> Option<Spec> {
    Some((client, kind, Format::Json))
}

/// The client, schema and syntax of `path` from its file name and the names of the directories
/// above it, or `None` if the name alone does not say.
pub(super) fn by_name(path: &Path) -> Option<Spec> {
    use Client::*;
    use ConfigKind::*;

    let [file, parent, grand, great, great2] = tail::<5>(path);
    match file {
        "" => return None,
        ".mcp.json" => return json(ClaudeCode, McpServers),
        ".claude.json" => return json(ClaudeCode, ClaudeUserState),
        "managed-mcp.json" => return json(ClaudeCode, McpServers),
        "managed-settings.json" => return json(ClaudeCode, ClaudeSettings),
        "claude_desktop_config.json" => return json(ClaudeDesktop, McpServers),
        "cline_mcp_settings.json" => return json(Cline, McpServers),
        "mcp_settings.json" => return json(RooCode, McpServers),
        "mcp_config.json" => return json(Windsurf, McpServers),
        _ => {}
    }
    let vscode_user =
        |user: &str, product: &str| user == "User" && VSCODE_PRODUCTS.contains(&product);
    match (parent, file) {
        (".claude", "settings.json" | "settings.local.json") => json(ClaudeCode, ClaudeSettings),
        (".cursor", "mcp.json") => json(Cursor, McpServers),
        (".vscode", "mcp.json") => json(VsCode, VsCodeMcp),
        (".vscode", "settings.json") => json(VsCode, VsCodeSettings),
        (".roo", "mcp.json") => json(RooCode, McpServers),
        (".gemini", "settings.json") => json(GeminiCli, GeminiSettings),
        ("gemini-cli" | "GeminiCli", "settings.json" | "system-defaults.json") => {
            json(GeminiCli, GeminiSettings)
        }
        (".codex", "config.toml") => Some((Codex, CodexToml, Format::Toml)),
        (".zed" | "zed" | "Zed", "settings.json") => json(Zed, ZedSettings),
        (".continue", "config.yaml") => Some((Continue, ContinueConfig, Format::Yaml)),
        ("mcpServers", _) if grand == ".continue" => {
            continue_server_format(path).map(|format| (Continue, ContinueServerFile, format))
        }
        (_, "mcp.json") if vscode_user(parent, grand) => json(VsCode, VsCodeMcp),
        (_, "settings.json") if vscode_user(parent, grand) => json(VsCode, VsCodeSettings),
        (_, "mcp.json") if grand == "profiles" && vscode_user(great, great2) => {
            json(VsCode, VsCodeMcp)
        }
        (_, "settings.json") if grand == "profiles" && vscode_user(great, great2) => {
            json(VsCode, VsCodeSettings)
        }
        _ => None,
    }
}

/// The syntax of a file under `.continue/mcpServers/`, from its extension; `None` for files
/// Continue does not read there.
pub(super) fn continue_server_format(path: &Path) -> Option<Format> {
    match format_from_extension(path)? {
        Format::Json => Some(Format::Json),
        Format::Yaml => Some(Format::Yaml),
        Format::Toml => None,
    }
}

/// The syntax that `path`'s extension names (`.json`/`.jsonc`, `.toml`, `.yaml`/`.yml`, any
/// case).
pub(super) fn format_from_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "json" | "jsonc" => Some(Format::Json),
        "toml" => Some(Format::Toml),
        "yaml" | "yml" => Some(Format::Yaml),
        _ => None,
    }
}

/// Whether the file name alone says "MCP config": `mcp.json` or `*.mcp.json`.
pub(super) fn is_mcp_named(path: &Path) -> bool {
    let [file] = tail::<1>(path);
    file == "mcp.json" || file.ends_with(".mcp.json")
}

/// A sniffed plain `mcpServers` file given to the client its parent or grandparent directory
/// names (`~/.cursor/x.json` → Cursor, `.gemini/x.json` → Gemini settings, …). Anything else is
/// returned unchanged.
pub(super) fn refine_by_location(path: &Path, spec: Spec) -> Spec {
    use Client::*;
    use ConfigKind::*;

    if !matches!(spec, (Generic, McpServers, _)) {
        return spec;
    }
    let [_, parent, grand] = tail::<3>(path);
    let hint = |dir: &str| -> Option<(Client, ConfigKind)> {
        Some(match dir {
            ".cursor" | "Cursor" => (Cursor, McpServers),
            "Claude" => (ClaudeDesktop, McpServers),
            ".claude" | "ClaudeCode" | "claude-code" => (ClaudeCode, McpServers),
            "windsurf" | "Windsurf" | ".windsurf" => (Windsurf, McpServers),
            ".roo" | ROO_EXTENSION => (RooCode, McpServers),
            CLINE_EXTENSION => (Cline, McpServers),
            ".gemini" | "gemini-cli" | "GeminiCli" => (GeminiCli, GeminiSettings),
            _ => return None,
        })
    };
    match hint(parent).or_else(|| hint(grand)) {
        Some((client, kind)) => (client, kind, spec.2),
        None => spec,
    }
}
