//! The report model: the JSON output of `mcpward scan --format json` (version 1) is its serde form.

use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; not a problem by itself.
    Info,
    /// A weakness with little direct impact.
    Low,
    /// A weakness that helps an attack.
    Medium,
    /// A direct path to harm.
    High,
    /// Harm already done or one step away (a live secret in a file).
    Critical,
}

impl Severity {
    /// The lowercase name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a lowercase name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a server can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Capability {
    /// Reads local files.
    #[serde(rename = "fs.read")]
    FsRead,
    /// Writes or deletes local files.
    #[serde(rename = "fs.write")]
    FsWrite,
    /// Fetches arbitrary URLs or talks to the network on the model's behalf.
    #[serde(rename = "net.fetch")]
    NetFetch,
    /// Runs commands or code.
    #[serde(rename = "exec")]
    Exec,
    /// Queries or changes a database.
    #[serde(rename = "db")]
    Db,
    /// Holds or reads credentials.
    #[serde(rename = "secrets")]
    Secrets,
    /// Sends messages, posts, emails or publishes (an outbound channel to people).
    #[serde(rename = "messaging")]
    Messaging,
    /// Brings content written by others (web pages, issues, mail) into the model's context.
    #[serde(rename = "untrusted.content")]
    UntrustedContent,
}

impl Capability {
    /// Every capability, in output order.
    pub const ALL: [Capability; 8] = [
        Capability::FsRead,
        Capability::FsWrite,
        Capability::NetFetch,
        Capability::Exec,
        Capability::Db,
        Capability::Secrets,
        Capability::Messaging,
        Capability::UntrustedContent,
    ];

    /// The id used in JSON output and the catalogue.
    pub fn id(self) -> &'static str {
        match self {
            Capability::FsRead => "fs.read",
            Capability::FsWrite => "fs.write",
            Capability::NetFetch => "net.fetch",
            Capability::Exec => "exec",
            Capability::Db => "db",
            Capability::Secrets => "secrets",
            Capability::Messaging => "messaging",
            Capability::UntrustedContent => "untrusted.content",
        }
    }

    /// Parses an id.
    pub fn parse(s: &str) -> Option<Self> {
        Capability::ALL.into_iter().find(|c| c.id() == s)
    }
}

/// Where a server's package comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// The npm registry (npx, bunx, pnpm dlx, yarn dlx).
    Npm,
    /// PyPI (uvx, pipx run, uv run --with).
    Pypi,
    /// A container image (docker/podman run).
    Docker,
    /// A local binary or script.
    Binary,
}

impl Ecosystem {
    /// The id used in JSON output and the catalogue.
    pub fn id(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Docker => "docker",
            Ecosystem::Binary => "binary",
        }
    }
}

/// A server's package, as the JSON report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageInfo {
    /// Its ecosystem.
    pub ecosystem: Ecosystem,
    /// Its name (an image name without tag for docker; the program for a binary).
    pub name: String,
    /// The version or tag as written, if any.
    pub version: Option<String>,
}

/// One config file in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigReport {
    /// The file.
    pub path: String,
    /// The client's id.
    pub client: String,
    /// `parsed` or `error`.
    pub status: &'static str,
    /// The reason, when `status` is `error`.
    pub error: Option<String>,
}

/// One server in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerReport {
    /// `PATH#NAME` (with the project scope for `~/.claude.json` project servers: `PATH#SCOPE#NAME`).
    pub id: String,
    /// The server's name.
    pub name: String,
    /// The client's id.
    pub client: String,
    /// The config file.
    pub path: String,
    /// `stdio`, `http`, `sse` or `ws`.
    pub transport: &'static str,
    /// The launch command.
    pub command: Option<String>,
    /// The launch arguments, with secret-looking values redacted.
    pub args: Vec<String>,
    /// The URL, with credentials redacted.
    pub url: Option<String>,
    /// Names of the environment variables set (never their values).
    pub env_keys: Vec<String>,
    /// The package the server runs, if known.
    pub package: Option<PackageInfo>,
    /// What it can reach.
    pub capabilities: Vec<Capability>,
    /// With `scan --connect`: whether it was listed, failed or skipped, and its tools.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<crate::connect::ConnectionReport>,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's stable id.
    pub rule: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// The server's id, when the finding is about one server.
    pub server: Option<String>,
    /// The config file.
    pub path: String,
    /// 1-based line (0 when the finding is about the whole file).
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What is wrong. Never holds a secret value, only a redacted preview.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The byte span the finding points at, for the human renderer's caret (not in JSON).
    #[serde(skip)]
    pub span: Option<(usize, usize)>,
}

/// Everything a scan found: the JSON output's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Always 1 for this format.
    pub version: u32,
    /// The config files read.
    pub configs: Vec<ConfigReport>,
    /// The servers declared.
    pub servers: Vec<ServerReport>,
    /// The findings, most severe first.
    pub findings: Vec<Finding>,
}
