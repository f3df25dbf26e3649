//! Where the audit database lives by default.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The file name of the audit database inside `MCPWARD_HOME` or the data directory.
pub const DB_FILE_NAME: &str = "audit.db";

/// The default audit database.
///
/// `mcpward_home` is the value of `MCPWARD_HOME` as the caller resolved it (the binary resolves
/// flag > env > default in one place; this function does not read `MCPWARD_HOME` itself). When
/// given, the database is `<mcpward_home>/audit.db`. Otherwise it is in the platform's data
/// directory:
///
/// - Linux and other Unix: `$XDG_DATA_HOME/mcpward/audit.db` when `XDG_DATA_HOME` is an absolute
///   path, else `~/.local/share/mcpward/audit.db`;
/// - macOS: `~/Library/Application Support/mcpward/audit.db`;
/// - Windows: `%LOCALAPPDATA%\mcpward\audit.db`.
///
/// `None` when the home directory (or `LOCALAPPDATA`) is unknown.
#[must_use]
pub fn default_db_path(mcpward_home: Option<&Path>) -> Option<PathBuf> {
    if let Some(home) = mcpward_home {
        return Some(home.join(DB_FILE_NAME));
    }
    data_dir(Platform::current(), |name| std::env::var_os(name))
        .map(|dir| dir.join("mcpward").join(DB_FILE_NAME))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Platform {
    MacOs,
    Windows,
    OtherUnix,
}

impl Platform {
    fn current() -> Platform {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::OtherUnix
        }
    }
}

/// The user's data directory, reading the environment through `env`.
fn data_dir(platform: Platform, env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let absolute = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
    match platform {
        Platform::Windows => absolute("LOCALAPPDATA"),
        Platform::MacOs => absolute("HOME").map(|h| h.join("Library/Application Support")),
        Platform::OtherUnix => {
            absolute("XDG_DATA_HOME").or_else(|| absolute("HOME").map(|h| h.join(".local/share")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn mcpward_home_wins() {
        assert_eq!(
            default_db_path(Some(Path::new("/srv/mcpward"))),
            Some(PathBuf::from("/srv/mcpward/audit.db"))
        );
    }

    #[test]
    fn xdg_data_home_then_home() {
        let unix = Platform::OtherUnix;
        assert_eq!(
            data_dir(
                unix,
                env(&[("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/u")])
            ),
            Some(PathBuf::from("/x/data"))
        );
        assert_eq!(
            data_dir(
                unix,
                env(&[("XDG_DATA_HOME", "relative"), ("HOME", "/home/u")])
            ),
            Some(PathBuf::from("/home/u/.local/share"))
        );
        assert_eq!(
            data_dir(unix, env(&[("XDG_DATA_HOME", ""), ("HOME", "/home/u")])),
            Some(PathBuf::from("/home/u/.local/share"))
        );
        assert_eq!(data_dir(unix, env(&[("HOME", "")])), None);
        assert_eq!(data_dir(unix, env(&[])), None);
    }

    #[test]
    fn macos_application_support() {
        assert_eq!(
            data_dir(
                Platform::MacOs,
                env(&[("HOME", "/Users/u"), ("XDG_DATA_HOME", "/x")])
            ),
            Some(PathBuf::from("/Users/u/Library/Application Support"))
        );
    }

    #[test]
    fn windows_local_app_data() {
        if cfg!(windows) {
            assert_eq!(
                data_dir(
                    Platform::Windows,
                    env(&[("LOCALAPPDATA", r"C:\Users\u\AppData\Local")])
                ),
                Some(PathBuf::from(r"C:\Users\u\AppData\Local"))
            );
        }
        assert_eq!(data_dir(Platform::Windows, env(&[])), None);
    }
}
