//! Where MCP clients keep their configs.
//!
//! - [`user_configs`] lists the current user's files, computed from an [`Environment`] (so tests
//!   can point it at a temp dir and at any [`Os`]), then the current directory's files.
//! - [`repo_configs`] and [`walk_repo`] walk a directory as a repository and keep the files whose
//!   name and location belong to a client; [`RepoWalk`] also reports what the walk had to skip.
//! - [`recognise`] tells the client and schema of a file named on the command line, from its name
//!   and, failing that, from its content.
//!
//! Every function returns [`Candidate`]s: a path with its [`Client`], [`ConfigKind`] and
//! [`Format`]. Nothing here parses a config for real; that is [`crate::parse`]'s job.

use std::path::{Path, PathBuf};

use crate::{Client, ConfigKind, Format};

mod names;
mod sniff;
mod user;
mod walk;

pub use walk::{RepoWalk, SkipReason, Skipped, WalkLimits, walk_repo};

/// The operating system whose conventions decide user config paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux and other Unix-likes following XDG.
    Linux,
    /// macOS.
    MacOs,
    /// Windows.
    Windows,
}

impl Os {
    /// The operating system this program was built for (any Unix other than macOS counts as
    /// [`Os::Linux`]).
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }
}

/// The environment that decides where a user's configs live.
///
/// Build it with [`Environment::from_process`], or with [`Environment::new`] and the fields set by
/// hand (tests point every path at a temp dir).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// Conventions to follow.
    pub os: Os,
    /// `HOME` (or `USERPROFILE` on Windows).
    pub home: Option<PathBuf>,
    /// `APPDATA` (Windows roaming app data). When `None` on Windows, `<home>\AppData\Roaming`.
    pub appdata: Option<PathBuf>,
    /// `XDG_CONFIG_HOME`, else `$HOME/.config`. Only used on Linux (Zed also ignores it on macOS).
    pub xdg_config_home: Option<PathBuf>,
    /// The current directory, scanned as a repository.
    pub cwd: Option<PathBuf>,
    /// The directory that the system-wide (managed) paths hang from: `None` means the real root,
    /// `/` on Linux and macOS and `C:\` on Windows. Tests set it to a temp dir so they never read
    /// the real `/etc`.
    pub system_root: Option<PathBuf>,
    /// `%ProgramData%` (Windows). When `None`, `<system root>\ProgramData`.
    pub program_data: Option<PathBuf>,
    /// `%ProgramFiles%` (Windows). When `None`, `<system root>\Program Files`.
    pub program_files: Option<PathBuf>,
    /// `CODEX_HOME`: Codex keeps `config.toml` there instead of `~/.codex`. Both are listed.
    pub codex_home: Option<PathBuf>,
    /// `CLAUDE_CONFIG_DIR`: Claude Code keeps `.claude.json` and `settings.json` there instead of
    /// `~` and `~/.claude`. Both are listed.
    pub claude_config_dir: Option<PathBuf>,
}

impl Environment {
    /// An environment for `os` in which nothing is known: every path field is `None`.
    pub fn new(os: Os) -> Environment {
        Environment {
            os,
            home: None,
            appdata: None,
            xdg_config_home: None,
            cwd: None,
            system_root: None,
            program_data: None,
            program_files: None,
            codex_home: None,
            claude_config_dir: None,
        }
    }

    /// The environment of this process: [`Os::current`], the variables `HOME` / `USERPROFILE`,
    /// `APPDATA`, `XDG_CONFIG_HOME`, `ProgramData`, `ProgramFiles`, `CODEX_HOME`,
    /// `CLAUDE_CONFIG_DIR`, and the current directory. Empty variables count as unset, and so
    /// does a relative `XDG_CONFIG_HOME` (as the XDG spec says). `system_root` stays `None`.
    pub fn from_process() -> Environment {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        };
        let os = Os::current();
        let home = match os {
            Os::Windows => var("USERPROFILE").or_else(|| var("HOME")),
            Os::Linux | Os::MacOs => var("HOME"),
        };
        let xdg_config_home = var("XDG_CONFIG_HOME")
            .filter(|dir| dir.is_absolute())
            .or_else(|| home.as_ref().map(|home| home.join(".config")));
        Environment {
            os,
            appdata: var("APPDATA"),
            xdg_config_home,
            cwd: std::env::current_dir().ok(),
            system_root: None,
            program_data: var("ProgramData"),
            program_files: var("ProgramFiles"),
            codex_home: var("CODEX_HOME"),
            claude_config_dir: var("CLAUDE_CONFIG_DIR"),
            home,
        }
    }
}

/// A config file to read, with the client and schema it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The file.
    pub path: PathBuf,
    /// The client that reads it.
    pub client: Client,
    /// The schema it follows.
    pub kind: ConfigKind,
    /// Its syntax.
    pub format: Format,
}

/// Every config path of every supported client for the user described by `env` (whether or not
/// the file exists; the caller skips missing ones), followed by [`repo_configs`] of `env.cwd`.
///
/// The user's files come in a fixed order: by client (Claude Desktop, Claude Code, Cursor, VS
/// Code, Windsurf, Cline, Roo Code, Zed, Codex, Gemini CLI, Continue), user files before system
/// (managed) files. A path is listed once, under its first mention. Two directories are listed
/// (I/O): VS Code's `User/profiles/*` and Continue's `~/.continue/mcpServers/`; a directory that
/// cannot be read adds nothing.
pub fn user_configs(env: &Environment) -> Vec<Candidate> {
    let mut out = user::user_files(env);
    if let Some(cwd) = &env.cwd {
        out.extend(repo_configs(cwd));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|candidate| seen.insert(candidate.path.clone()));
    out
}

/// The config files inside the directory `root`, walked as a repository with the default
/// [`WalkLimits`], sorted by path. What the walk skipped is dropped; use [`walk_repo`] to see it.
pub fn repo_configs(root: &Path) -> Vec<Candidate> {
    walk_repo(root, &WalkLimits::default()).candidates
}

/// The client and schema of a file named on the command line, from its name and, failing that,
/// its content. `None` if it does not look like an MCP config.
///
/// 1. A name (and parent directory) that the repository walk knows decides alone: see
///    [`walk_repo`] for the table.
/// 2. Otherwise the format comes from the extension (`.json`/`.jsonc`, `.toml`, `.yaml`/`.yml`)
///    or, without one of those, from the content; and the kind from the content: JSON
///    `context_servers` → Zed; `projects` holding `mcpServers` → `~/.claude.json`; Claude
///    settings keys (`permissions`, `enableAllProjectMcpServers`, …) → Claude settings; `mcp.servers`
///    or `chat.*` keys → VS Code settings; `servers` with `inputs` or server-shaped values → VS
///    Code `mcp.json`; `mcpServers` → Gemini settings if Gemini-only keys appear, else a plain
///    `mcpServers` file; TOML `[mcp_servers…]` → Codex; YAML top-level `mcpServers:` → Continue.
///    A plain `mcpServers` file is given to [`Client::Generic`] unless its parent or grandparent
///    directory names a client (`.cursor`, `Claude`, `windsurf`, `.roo`, …).
/// 3. A file named `mcp.json` or `*.mcp.json` whose content says nothing is still taken as a
///    plain `mcpServers` file.
///
/// Content that does not parse is sniffed as text, so a broken config is still recognised (and
/// then reported as a parse error) rather than skipped.
pub fn recognise(path: &Path, content: &str) -> Option<Candidate> {
    let candidate = |(client, kind, format)| Candidate {
        path: path.to_path_buf(),
        client,
        kind,
        format,
    };
    if let Some(spec) = names::by_name(path) {
        return Some(candidate(spec));
    }
    let format = names::format_from_extension(path);
    let sniffed = sniff::sniff(content, format).or_else(|| {
        names::is_mcp_named(path).then_some((Client::Generic, ConfigKind::McpServers, Format::Json))
    })?;
    Some(candidate(names::refine_by_location(path, sniffed)))
}
