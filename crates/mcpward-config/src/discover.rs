//! Where MCP clients keep their configs.
//!
//! [`user_configs`] lists the current user's files (computed from an [`Environment`], so tests can
//! point it at a temp dir); [`repo_configs`] walks a directory as a repository; [`recognise`] tells
//! the client and schema of a file named on the command line.

use std::path::{Path, PathBuf};

use crate::{Client, ConfigKind, Format};

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

/// The environment that decides where a user's configs live.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Conventions to follow.
    pub os: Os,
    /// `HOME` (or `USERPROFILE` on Windows).
    pub home: Option<PathBuf>,
    /// `APPDATA` (Windows roaming app data).
    pub appdata: Option<PathBuf>,
    /// `XDG_CONFIG_HOME`, else `$HOME/.config`.
    pub xdg_config_home: Option<PathBuf>,
    /// The current directory, scanned as a repository.
    pub cwd: Option<PathBuf>,
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
/// the file exists; the caller skips missing ones).
pub fn user_configs(_env: &Environment) -> Vec<Candidate> {
    Vec::new()
}

/// The config files inside the directory `root`, walked as a repository.
pub fn repo_configs(_root: &Path) -> Vec<Candidate> {
    Vec::new()
}

/// The client and schema of a file named on the command line, from its name and, failing that,
/// its content. `None` if it does not look like an MCP config.
pub fn recognise(_path: &Path, _content: &str) -> Option<Candidate> {
    None
}
