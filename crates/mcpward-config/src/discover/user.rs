//! The current user's config paths, per client and operating system.

use std::fs;
use std::path::{Path, PathBuf};

use super::names::{
    CLINE_EXTENSION, EXTENSION_HOSTS, ROO_EXTENSION, VSCODE_PRODUCTS, continue_server_format,
};
use super::{Candidate, Environment, Os};
use crate::{Client, ConfigKind};

/// The user's (and the system's) config files, in the order documented on
/// [`super::user_configs`], possibly with repeated paths.
pub(super) fn user_files(env: &Environment) -> Vec<Candidate> {
    let mut out = Out::default();
    let home = env.home.as_deref();
    let app_data = app_data_dir(env);
    let app_data = app_data.as_deref();

    // Claude Desktop.
    out.add(
        app_data,
        &["Claude", "claude_desktop_config.json"],
        Client::ClaudeDesktop,
        ConfigKind::McpServers,
    );

    // Claude Code: the user state file, user settings, then the managed (system) files.
    let claude = Client::ClaudeCode;
    let config_dir = env.claude_config_dir.as_deref();
    let claude_dirs = [
        (home, home.map(|home| home.join(".claude"))),
        (config_dir, config_dir.map(Path::to_path_buf)),
    ];
    for (state_dir, settings_dir) in claude_dirs {
        out.add(
            state_dir,
            &[".claude.json"],
            claude,
            ConfigKind::ClaudeUserState,
        );
        for file in ["settings.json", "settings.local.json"] {
            out.add(
                settings_dir.as_deref(),
                &[file],
                claude,
                ConfigKind::ClaudeSettings,
            );
        }
    }
    for dir in claude_managed_dirs(env) {
        out.add(
            Some(&dir),
            &["managed-mcp.json"],
            claude,
            ConfigKind::McpServers,
        );
        out.add(
            Some(&dir),
            &["managed-settings.json"],
            claude,
            ConfigKind::ClaudeSettings,
        );
    }

    // Cursor.
    out.add(
        home,
        &[".cursor", "mcp.json"],
        Client::Cursor,
        ConfigKind::McpServers,
    );

    // VS Code: each build's User folder, then its profiles.
    for product in VSCODE_PRODUCTS {
        let Some(user) = app_data.map(|dir| dir.join(product).join("User")) else {
            continue;
        };
        let profiles = subdirectories(&user.join("profiles"));
        for dir in std::iter::once(user).chain(profiles) {
            out.add(
                Some(&dir),
                &["mcp.json"],
                Client::VsCode,
                ConfigKind::VsCodeMcp,
            );
            out.add(
                Some(&dir),
                &["settings.json"],
                Client::VsCode,
                ConfigKind::VsCodeSettings,
            );
        }
    }

    // Windsurf.
    out.add(
        home,
        &[".codeium", "windsurf", "mcp_config.json"],
        Client::Windsurf,
        ConfigKind::McpServers,
    );

    // Cline and Roo Code, inside every VS Code family editor.
    let extensions = [
        (Client::Cline, CLINE_EXTENSION, "cline_mcp_settings.json"),
        (Client::RooCode, ROO_EXTENSION, "mcp_settings.json"),
    ];
    for (client, extension, file) in extensions {
        for host in EXTENSION_HOSTS {
            out.add(
                app_data,
                &[host, "User", "globalStorage", extension, "settings", file],
                client,
                ConfigKind::McpServers,
            );
        }
    }

    // Zed.
    out.add(
        zed_dir(env).as_deref(),
        &["settings.json"],
        Client::Zed,
        ConfigKind::ZedSettings,
    );

    // Codex.
    out.add(
        home,
        &[".codex", "config.toml"],
        Client::Codex,
        ConfigKind::CodexToml,
    );
    out.add(
        env.codex_home.as_deref(),
        &["config.toml"],
        Client::Codex,
        ConfigKind::CodexToml,
    );

    // Gemini CLI: user settings, then the system overrides and defaults.
    let gemini = Client::GeminiCli;
    out.add(
        home,
        &[".gemini", "settings.json"],
        gemini,
        ConfigKind::GeminiSettings,
    );
    let gemini_system = gemini_system_dir(env);
    for file in ["settings.json", "system-defaults.json"] {
        out.add(
            Some(&gemini_system),
            &[file],
            gemini,
            ConfigKind::GeminiSettings,
        );
    }

    // Continue: the config, then every server file in `mcpServers/`.
    let continue_dir = home.map(|home| home.join(".continue"));
    out.add(
        continue_dir.as_deref(),
        &["config.yaml"],
        Client::Continue,
        ConfigKind::ContinueConfig,
    );
    if let Some(dir) = continue_dir {
        for path in files(&dir.join("mcpServers")) {
            if let Some(format) = continue_server_format(&path) {
                out.0.push(Candidate {
                    path,
                    client: Client::Continue,
                    kind: ConfigKind::ContinueServerFile,
                    format,
                });
            }
        }
    }

    out.0
}

/// Candidates under construction.
#[derive(Default)]
struct Out(Vec<Candidate>);

impl Out {
    /// Adds `base/parts…` (in the kind's default syntax) if `base` is known.
    fn add(&mut self, base: Option<&Path>, parts: &[&str], client: Client, kind: ConfigKind) {
        if let Some(base) = base {
            let path = parts
                .iter()
                .fold(base.to_path_buf(), |path, part| path.join(part));
            self.0.push(Candidate {
                path,
                client,
                kind,
                format: kind.default_format(),
            });
        }
    }
}

/// Where desktop apps keep per-user data: `$XDG_CONFIG_HOME` (Linux), `~/Library/Application
/// Support` (macOS), `%APPDATA%` (Windows).
fn app_data_dir(env: &Environment) -> Option<PathBuf> {
    let home = env.home.as_deref();
    match env.os {
        Os::Linux => xdg_config_home(env),
        Os::MacOs => home.map(|home| home.join("Library").join("Application Support")),
        Os::Windows => env
            .appdata
            .clone()
            .or_else(|| home.map(|home| home.join("AppData").join("Roaming"))),
    }
}

fn xdg_config_home(env: &Environment) -> Option<PathBuf> {
    env.xdg_config_home
        .clone()
        .or_else(|| env.home.as_ref().map(|home| home.join(".config")))
}

/// Zed's config dir: `$XDG_CONFIG_HOME/zed` (Linux), `~/.config/zed` (macOS), `%APPDATA%\Zed`
/// (Windows).
fn zed_dir(env: &Environment) -> Option<PathBuf> {
    match env.os {
        Os::Linux => xdg_config_home(env).map(|dir| dir.join("zed")),
        Os::MacOs => env
            .home
            .as_ref()
            .map(|home| home.join(".config").join("zed")),
        Os::Windows => app_data_dir(env).map(|dir| dir.join("Zed")),
    }
}

fn system_root(env: &Environment) -> PathBuf {
    env.system_root.clone().unwrap_or_else(|| {
        PathBuf::from(match env.os {
            Os::Windows => r"C:\",
            Os::Linux | Os::MacOs => "/",
        })
    })
}

fn program_data(env: &Environment) -> PathBuf {
    env.program_data
        .clone()
        .unwrap_or_else(|| system_root(env).join("ProgramData"))
}

fn program_files(env: &Environment) -> PathBuf {
    env.program_files
        .clone()
        .unwrap_or_else(|| system_root(env).join("Program Files"))
}

/// Where Claude Code's managed (enterprise) files live. On Windows both the current
/// `Program Files` location and the older `ProgramData` one are listed.
fn claude_managed_dirs(env: &Environment) -> Vec<PathBuf> {
    let root = system_root(env);
    match env.os {
        Os::Linux => vec![root.join("etc").join("claude-code")],
        Os::MacOs => vec![
            root.join("Library")
                .join("Application Support")
                .join("ClaudeCode"),
        ],
        Os::Windows => vec![
            program_files(env).join("ClaudeCode"),
            program_data(env).join("ClaudeCode"),
        ],
    }
}

/// Where Gemini CLI's system settings and system defaults live.
fn gemini_system_dir(env: &Environment) -> PathBuf {
    let root = system_root(env);
    match env.os {
        Os::Linux => root.join("etc").join("gemini-cli"),
        Os::MacOs => root
            .join("Library")
            .join("Application Support")
            .join("GeminiCli"),
        Os::Windows => program_data(env).join("gemini-cli"),
    }
}

/// The entries of `dir` (sorted; none if it cannot be read) for which `keep` holds, following
/// symlinks to decide.
fn entries(dir: &Path, keep: fn(&fs::Metadata) -> bool) -> Vec<PathBuf> {
    let Ok(read) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| fs::metadata(path).is_ok_and(|meta| keep(&meta)))
        .collect();
    out.sort();
    out
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    entries(dir, fs::Metadata::is_dir)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    entries(dir, fs::Metadata::is_file)
}
