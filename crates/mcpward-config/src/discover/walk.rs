//! Walking a directory as a repository.

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Candidate;
use super::names::{self, CONFIG_DIRS};

/// Directories never entered: dependencies, build output, virtualenvs and VCS internals.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    ".git",
    ".hg",
    ".svn",
    "target",
    ".venv",
    "venv",
    "__pycache__",
];

/// Bounds on a repository walk, so that a huge or looping tree cannot hang a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkLimits {
    /// How many directory levels below the root are entered: 0 lists the root only.
    pub max_depth: usize,
    /// How many directory entries (files and directories) are looked at in all before the walk
    /// stops.
    pub max_entries: usize,
}

impl Default for WalkLimits {
    /// 12 levels and 100 000 entries.
    fn default() -> Self {
        WalkLimits {
            max_depth: 12,
            max_entries: 100_000,
        }
    }
}

/// The result of [`walk_repo`]: the configs found, and what the walk did not look into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoWalk {
    /// The config files found, sorted by path.
    pub candidates: Vec<Candidate>,
    /// The directories not walked, sorted by path. The fixed list of dependency, build and VCS
    /// directories (`node_modules`, `.git`, `target`, …) is skipped by design and not reported.
    pub skipped: Vec<Skipped>,
}

/// A directory that [`walk_repo`] did not walk, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The directory.
    pub path: PathBuf,
    /// Why it was not walked.
    pub reason: SkipReason,
}

/// Why [`walk_repo`] did not walk a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// It could not be listed (no permission, removed during the walk, not a directory).
    Unreadable(io::ErrorKind),
    /// It lies deeper than [`WalkLimits::max_depth`].
    TooDeep,
    /// [`WalkLimits::max_entries`] was reached while listing it: the walk stopped there, and
    /// this directory and any not yet listed were not searched (fully).
    EntryLimit,
    /// It is a symlink to a directory, which the walk does not follow (so that links cannot make
    /// it loop or leave the repository).
    SymlinkedDir,
}

/// Walks the directory `root` as a repository and returns the config files found by name and
/// location, with the directories it skipped.
///
/// The walk is breadth first (so the limits cut the deepest parts first) and does not follow
/// directory symlinks, with one exception: a symlinked client directory (`.claude`, `.cursor`,
/// `.vscode`, `.roo`, `.gemini`, `.codex`, `.zed`, `.continue`) is looked into, its files and one
/// level of subdirectories, since such directories are often shared by symlink. A symlink to a
/// file is returned under the link's path. Errors on single entries are ignored.
///
/// Files recognised, at any depth:
///
/// | Name | Client | Kind |
/// |---|---|---|
/// | `.mcp.json` | Claude Code | `McpServers` |
/// | `.claude.json` | Claude Code | `ClaudeUserState` |
/// | `.claude/settings.json`, `.claude/settings.local.json` | Claude Code | `ClaudeSettings` |
/// | `managed-mcp.json` | Claude Code | `McpServers` |
/// | `managed-settings.json` | Claude Code | `ClaudeSettings` |
/// | `claude_desktop_config.json` | Claude Desktop | `McpServers` |
/// | `.cursor/mcp.json` | Cursor | `McpServers` |
/// | `.vscode/mcp.json`, `{Code,Code - Insiders,VSCodium}/User[/profiles/*]/mcp.json` | VS Code | `VsCodeMcp` |
/// | `.vscode/settings.json`, `{Code,…}/User[/profiles/*]/settings.json` | VS Code | `VsCodeSettings` |
/// | `mcp_config.json` | Windsurf | `McpServers` |
/// | `cline_mcp_settings.json` | Cline | `McpServers` |
/// | `mcp_settings.json`, `.roo/mcp.json` | Roo Code | `McpServers` |
/// | `.zed/settings.json`, `zed/settings.json`, `Zed/settings.json` | Zed | `ZedSettings` |
/// | `.codex/config.toml` | Codex | `CodexToml` (TOML) |
/// | `.gemini/settings.json`, `{gemini-cli,GeminiCli}/{settings,system-defaults}.json` | Gemini CLI | `GeminiSettings` |
/// | `.continue/config.yaml` | Continue | `ContinueConfig` (YAML) |
/// | `.continue/mcpServers/*.{yaml,yml,json}` | Continue | `ContinueServerFile` |
pub fn walk_repo(root: &Path, limits: &WalkLimits) -> RepoWalk {
    let mut walker = Walker {
        limits: *limits,
        entries_seen: 0,
        out: RepoWalk::default(),
    };
    walker.run(root);
    let mut out = walker.out;
    out.candidates.sort_by(|a, b| a.path.cmp(&b.path));
    out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// A directory waiting to be listed.
struct Pending {
    path: PathBuf,
    /// Levels below the root.
    depth: usize,
    /// The deepest level this directory's subtree may reach.
    limit: usize,
    /// Whether it was reached through a followed symlink (no further links are followed, and
    /// the shortened depth limit is not reported).
    linked: bool,
}

struct Walker {
    limits: WalkLimits,
    entries_seen: usize,
    out: RepoWalk,
}

impl Walker {
    fn run(&mut self, root: &Path) {
        let mut queue = VecDeque::from([Pending {
            path: root.to_path_buf(),
            depth: 0,
            limit: self.limits.max_depth,
            linked: false,
        }]);
        while let Some(dir) = queue.pop_front() {
            if !self.list(&dir, &mut queue) {
                return;
            }
        }
    }

    fn skip(&mut self, path: PathBuf, reason: SkipReason) {
        self.out.skipped.push(Skipped { path, reason });
    }

    /// Lists one directory, recording its config files and queueing its subdirectories. Returns
    /// `false` once the entry limit is reached.
    fn list(&mut self, dir: &Pending, queue: &mut VecDeque<Pending>) -> bool {
        let entries = match fs::read_dir(&dir.path) {
            Ok(read) => read,
            Err(err) => {
                self.skip(dir.path.clone(), SkipReason::Unreadable(err.kind()));
                return true;
            }
        };
        let mut entries: Vec<(PathBuf, fs::FileType)> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let path = entry.path();
                let file_type = entry
                    .file_type()
                    .or_else(|_| fs::symlink_metadata(&path).map(|meta| meta.file_type()))
                    .ok()?;
                Some((path, file_type))
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));

        for (path, file_type) in entries {
            self.entries_seen += 1;
            if self.entries_seen > self.limits.max_entries {
                self.skip(dir.path.clone(), SkipReason::EntryLimit);
                return false;
            }
            let name = path.file_name().unwrap_or(OsStr::new(""));
            if file_type.is_dir() {
                if SKIPPED_DIRS.iter().any(|skipped| name == *skipped) {
                    continue;
                }
                if dir.depth + 1 > dir.limit {
                    if !dir.linked {
                        self.skip(path, SkipReason::TooDeep);
                    }
                    continue;
                }
                queue.push_back(Pending {
                    path,
                    depth: dir.depth + 1,
                    limit: dir.limit,
                    linked: dir.linked,
                });
            } else if file_type.is_symlink() {
                // Follow the link only to learn what it points at.
                match fs::metadata(&path) {
                    Ok(meta) if meta.is_file() => self.consider(path),
                    Ok(meta) if meta.is_dir() => {
                        let config_dir = CONFIG_DIRS.iter().any(|config| name == *config);
                        let depth = dir.depth + 1;
                        if config_dir && !dir.linked && depth <= self.limits.max_depth {
                            queue.push_back(Pending {
                                path,
                                depth,
                                limit: self.limits.max_depth.min(depth + 1),
                                linked: true,
                            });
                        } else {
                            self.skip(path, SkipReason::SymlinkedDir);
                        }
                    }
                    // Dangling links and links to sockets or devices are not configs.
                    _ => {}
                }
            } else if file_type.is_file() {
                self.consider(path);
            }
        }
        true
    }

    fn consider(&mut self, path: PathBuf) {
        if let Some((client, kind, format)) = names::by_name(&path) {
            self.out.candidates.push(Candidate {
                path,
                client,
                kind,
                format,
            });
        }
    }
}
