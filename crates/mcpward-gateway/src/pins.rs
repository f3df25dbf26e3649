//! Tool pins: canonical tool hashes and the lockfile that holds them.
//!
//! - [`tool_hash`]: `sha256:` + hex of the canonical JSON (keys sorted at every depth, no
//!   whitespace) of a tool's `name`, `title`, `description`, `inputSchema`, `outputSchema` and
//!   `annotations`: the parts a model reads or a client acts on.
//! - [`Lockfile`]: the pins per server, plus the `pending` definitions seen but not approved.
//!   [`Lockfile::observe`] compares one `tools/list` page with the pins; [`Lockfile::approve`]
//!   promotes pending definitions (`mcpward pin approve`).
//! - [`LockfilePath`]: reads and writes the file atomically (temp file + rename) under an
//!   advisory lock on a sibling `.guard` file, re-reading and merging, so several `mcpward run`
//!   processes can share one lockfile.
//!
//! # Format (JSON, version 1)
//!
//! ```json
//! {
//!   "version": 1,
//!   "servers": {
//!     "github": {
//!       "tools":   { "create_issue": { "hash": "sha256:…", "pinned": "2026-01-02T03:04:05Z" } },
//!       "pending": { "create_issue": { "change": "changed", "hash": "sha256:…",
//!                                      "seen": "2026-…Z", "definition": { "name": "create_issue", … } } }
//!     }
//!   }
//! }
//! ```
//!
//! Trust on first use is per server: the first listing of a server with no pins pins every tool
//! it lists. After that, a tool that appears is `added`, one that differs is `changed`, one that
//! disappears from a complete listing is `removed`, and each waits in `pending` for approval, so
//! renaming a tool does not escape review.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

// Canonical hashing lives in the guard, beside the screening of the same definitions, so that
// `mcpward scan --connect --lock` and `mcpward run` hash a tool identically.
pub use mcpward_guard::tools::{PINNED_FIELDS, canonical_json, pinned_definition, tool_hash};

/// The lockfile's contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lockfile {
    /// Always 1.
    pub version: u32,
    /// Pins and pending changes per server.
    #[serde(default)]
    pub servers: BTreeMap<String, ServerPins>,
}

/// One server's pins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerPins {
    /// Approved tool definitions by tool name.
    #[serde(default)]
    pub tools: BTreeMap<String, Pin>,
    /// Definitions seen but not approved, by tool name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pending: BTreeMap<String, PendingPin>,
}

/// An approved tool definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// [`tool_hash`] of the definition.
    pub hash: String,
    /// When it was pinned (RFC 3339, UTC).
    pub pinned: String,
}

/// How a tool differs from its pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The definition differs from the pinned one.
    Changed,
    /// A tool the server did not list when it was pinned.
    Added,
    /// A pinned tool the server no longer lists.
    Removed,
}

impl Change {
    /// `changed`, `added` or `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Changed => "changed",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

/// A definition seen but not approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingPin {
    /// What changed.
    pub change: Change,
    /// [`tool_hash`] of the definition seen (`None` for a removed tool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// When it was last seen (RFC 3339, UTC).
    pub seen: String,
    /// The pinned part of the definition, for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<Value>,
}

/// A tool seen in a `tools/list` result.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedTool {
    /// Its name.
    pub name: String,
    /// [`tool_hash`] of its definition.
    pub hash: String,
    /// [`pinned_definition`] of it.
    pub definition: Value,
}

/// One `tools/list` page to compare with the pins.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The server's name.
    pub server: String,
    /// The tools on this page.
    pub tools: Vec<ObservedTool>,
    /// Pin new tools on sight: this listing started when the server had no pins.
    pub trust_new: bool,
    /// On the last page of a listing: every tool name of the whole listing, so pins that are
    /// missing from it are reported as removed.
    pub complete: Option<BTreeSet<String>>,
}

/// How one tool compares with its pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinStatus {
    /// Pinned now (trust on first use).
    Pinned,
    /// Matches its pin.
    Unchanged,
    /// Differs from its pin, or was added after the server was pinned: not approved.
    Unapproved(Change),
}

/// What [`Lockfile::observe`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinReport {
    /// The listing pinned the server for the first time.
    pub first_seen: bool,
    /// Each observed tool's status, in the order observed.
    pub tools: Vec<(String, PinStatus)>,
    /// Pinned tools missing from a complete listing.
    pub removed: Vec<String>,
}

impl Lockfile {
    /// An empty lockfile.
    pub fn new() -> Self {
        Lockfile {
            version: 1,
            servers: BTreeMap::new(),
        }
    }

    /// Compares a `tools/list` page with the pins, pinning on first use and recording what
    /// differs in `pending`. `now` is an RFC 3339 timestamp.
    pub fn observe(&mut self, obs: &Observation, now: &str) -> PinReport {
        let first_seen = !self.servers.contains_key(&obs.server);
        let trust = first_seen || obs.trust_new;
        let server = self.servers.entry(obs.server.clone()).or_default();
        let mut report = PinReport {
            first_seen,
            ..PinReport::default()
        };
        for tool in &obs.tools {
            let status = match server.tools.get(&tool.name) {
                Some(pin) if pin.hash == tool.hash => {
                    server.pending.remove(&tool.name);
                    PinStatus::Unchanged
                }
                None if trust => {
                    server.tools.insert(
                        tool.name.clone(),
                        Pin {
                            hash: tool.hash.clone(),
                            pinned: now.to_owned(),
                        },
                    );
                    server.pending.remove(&tool.name);
                    PinStatus::Pinned
                }
                pinned => {
                    let change = if pinned.is_some() {
                        Change::Changed
                    } else {
                        Change::Added
                    };
                    server.pending.insert(
                        tool.name.clone(),
                        PendingPin {
                            change,
                            hash: Some(tool.hash.clone()),
                            seen: now.to_owned(),
                            definition: Some(tool.definition.clone()),
                        },
                    );
                    PinStatus::Unapproved(change)
                }
            };
            report.tools.push((tool.name.clone(), status));
        }
        if let Some(all) = &obs.complete {
            for name in server.tools.keys() {
                if !all.contains(name) {
                    report.removed.push(name.clone());
                }
            }
            for name in &report.removed {
                server.pending.insert(
                    name.clone(),
                    PendingPin {
                        change: Change::Removed,
                        hash: None,
                        seen: now.to_owned(),
                        definition: None,
                    },
                );
            }
            // An added tool that is gone again no longer needs approval.
            server
                .pending
                .retain(|name, p| p.change != Change::Added || all.contains(name));
        }
        report
    }

    /// Accepts the pending definitions of `server` (all of them, or only `tool`'s). Returns the
    /// names approved with what changed; empty when nothing was pending.
    pub fn approve(
        &mut self,
        server: &str,
        tool: Option<&str>,
        now: &str,
    ) -> Vec<(String, Change)> {
        let Some(pins) = self.servers.get_mut(server) else {
            return Vec::new();
        };
        let names: Vec<String> = pins
            .pending
            .keys()
            .filter(|n| tool.is_none_or(|t| t == n.as_str()))
            .cloned()
            .collect();
        let mut approved = Vec::new();
        for name in names {
            let Some(p) = pins.pending.remove(&name) else {
                continue;
            };
            match (p.change, p.hash) {
                (Change::Removed, _) | (_, None) => {
                    pins.tools.remove(&name);
                }
                (_, Some(hash)) => {
                    pins.tools.insert(
                        name.clone(),
                        Pin {
                            hash,
                            pinned: now.to_owned(),
                        },
                    );
                }
            }
            approved.push((name, p.change));
        }
        approved
    }
}

/// Why the lockfile could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockfileError {
    /// Reading, writing or locking failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The file is not a version 1 lockfile.
    #[error("{path}: not a valid mcpward lockfile: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong (line and column included).
        message: String,
    },
}

/// The lockfile on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockfilePath {
    path: PathBuf,
}

impl LockfilePath {
    /// The lockfile at `path` (it need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        LockfilePath { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the lockfile; a missing file is an empty one.
    pub fn read(&self) -> Result<Lockfile, LockfileError> {
        match fs::read_to_string(&self.path) {
            Ok(text) => {
                let lock: Lockfile =
                    serde_json::from_str(&text).map_err(|e| LockfileError::Invalid {
                        path: self.path.clone(),
                        message: e.to_string(),
                    })?;
                if lock.version != 1 {
                    return Err(LockfileError::Invalid {
                        path: self.path.clone(),
                        message: format!("unsupported version {}", lock.version),
                    });
                }
                Ok(lock)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lockfile::new()),
            Err(source) => Err(self.io(source)),
        }
    }

    /// Under the advisory lock: reads the current file, applies `f`, and writes the result
    /// atomically when it differs. Blocking: call it off the async reactor.
    pub fn update<T>(&self, f: impl FnOnce(&mut Lockfile) -> T) -> Result<T, LockfileError> {
        if let Some(dir) = self.dir() {
            fs::create_dir_all(dir).map_err(|e| self.io(e))?;
        }
        let guard_path = self.sibling(".guard");
        let guard = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&guard_path)
            .map_err(|source| LockfileError::Io {
                path: guard_path.clone(),
                source,
            })?;
        guard.lock().map_err(|source| LockfileError::Io {
            path: guard_path.clone(),
            source,
        })?;
        let before = self.read()?;
        let mut after = before.clone();
        let out = f(&mut after);
        if after != before {
            self.write_atomically(&after)?;
        }
        drop(guard); // closing the file releases the lock
        Ok(out)
    }

    fn write_atomically(&self, lock: &Lockfile) -> Result<(), LockfileError> {
        let mut text = serde_json::to_string_pretty(lock).map_err(|e| LockfileError::Invalid {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        text.push('\n');
        let tmp = self.sibling(&format!(".tmp.{}", std::process::id()));
        let result = (|| {
            let mut file = File::create(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            fs::rename(&tmp, &self.path)?;
            if let Some(dir) = self.dir() {
                // Make the rename durable; not every platform can open a directory.
                if let Ok(d) = File::open(dir) {
                    let _ = d.sync_all();
                }
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(|e| self.io(e))
    }

    fn dir(&self) -> Option<&Path> {
        self.path.parent().filter(|p| !p.as_os_str().is_empty())
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        self.path.with_file_name(name)
    }

    fn io(&self, source: std::io::Error) -> LockfileError {
        LockfileError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

/// The current time as RFC 3339 UTC with seconds (`2026-01-02T03:04:05Z`).
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the Unix epoch as RFC 3339 UTC.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests;
