//! The values a policy can hold: verdicts, the `[defaults]` table, a server's sandbox.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// What happens to a call: precedence is `Deny` > `Ask` > `Allow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Forward the call.
    Allow,
    /// Forward the call only once a person approved it.
    Ask,
    /// Answer the call with a denial; the server never sees it.
    Deny,
}

impl Verdict {
    /// The word used in the policy file and the audit log: `allow`, `ask`, `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Ask => "ask",
            Verdict::Deny => "deny",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `defaults.on_injection`: tool output that looks like prompt injection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum InjectionAction {
    /// Pass the output on and record a finding.
    Warn,
    /// Pass the output on wrapped as untrusted data, and taint the session.
    Quarantine,
    /// Replace the output with an error.
    Block,
}

/// `defaults.on_secret`: a credential in tool output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SecretAction {
    /// Replace the secret with a redacted preview.
    Redact,
    /// Replace the whole output with an error.
    Block,
    /// Pass it on unchanged (the finding is still recorded).
    Allow,
}

/// `defaults.on_tool_change`: a pinned tool definition changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ToolChangeAction {
    /// Hide and deny the tool until `mcpward pin approve`.
    Block,
    /// Ask before each call until the change is approved.
    Ask,
    /// Accept the new definition.
    Allow,
}

/// `defaults.on_poisoned_tool`: a tool description or schema carries hidden instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum PoisonedToolAction {
    /// Hide and deny the tool.
    Block,
    /// Keep the tool and record a finding.
    Warn,
}

/// `defaults.on_secret_in_args`: a credential in outgoing arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SecretInArgsAction {
    /// Deny the call.
    Block,
    /// Ask a person first.
    Ask,
    /// Forward it (the finding is still recorded).
    Allow,
}

/// The `[defaults]` table, with every value filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Defaults {
    /// For calls no rule decides. Default `deny`.
    pub decision: Verdict,
    /// Default `quarantine`.
    pub on_injection: InjectionAction,
    /// Default `redact`.
    pub on_secret: SecretAction,
    /// Default `block`.
    pub on_tool_change: ToolChangeAction,
    /// Default `block`.
    pub on_poisoned_tool: PoisonedToolAction,
    /// Default `block`.
    pub on_secret_in_args: SecretInArgsAction,
    /// How long an `ask` waits before it is denied. Default 120 s.
    pub approval_timeout: Duration,
    /// Denied tools are removed from `tools/list`. Default `true`.
    pub hide_denied_tools: bool,
    /// Unknown argument properties are rejected where a schema lists `properties` without
    /// saying `additionalProperties`. Default `true`.
    pub strict_schema: bool,
    /// Server-initiated `sampling/*` requests. Default `deny`.
    pub sampling: Verdict,
    /// Server-initiated `elicitation/*` requests. Default `allow`.
    pub elicitation: Verdict,
    /// Server-initiated `roots/*` requests. Default `allow`.
    pub roots: Verdict,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            decision: Verdict::Deny,
            on_injection: InjectionAction::Quarantine,
            on_secret: SecretAction::Redact,
            on_tool_change: ToolChangeAction::Block,
            on_poisoned_tool: PoisonedToolAction::Block,
            on_secret_in_args: SecretInArgsAction::Block,
            approval_timeout: Duration::from_secs(120),
            hide_denied_tools: true,
            strict_schema: true,
            sampling: Verdict::Deny,
            elicitation: Verdict::Allow,
            roots: Verdict::Allow,
        }
    }
}

/// `[servers.NAME.sandbox]`, validated for shape; the sandbox crate enforces it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sandbox {
    /// Paths readable beyond the system libraries: absolute, or starting with `~/` (not
    /// expanded here).
    pub fs_read: Vec<String>,
    /// Paths writable, same form as `fs_read`.
    pub fs_write: Vec<String>,
    /// Outbound TCP destinations; empty means no network.
    pub net: Vec<NetTarget>,
    /// Environment variable names passed through; all others are dropped.
    pub env: Vec<String>,
    /// Where each `fs_read` entry is written, index for index.
    pub fs_read_at: Vec<EntryPlace>,
    /// Where each `fs_write` entry is written, index for index.
    pub fs_write_at: Vec<EntryPlace>,
}

/// Where one entry of a list is written in the policy file, for errors found after loading
/// (a sandbox path that does not exist when the server starts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntryPlace {
    /// The policy file.
    pub file: std::path::PathBuf,
    /// 1-based line.
    pub line: usize,
    /// The dotted key, e.g. `servers.fs.sandbox.fs_read[1]`.
    pub key: String,
}

impl std::fmt::Display for EntryPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: `{}`", self.file.display(), self.line, self.key)
    }
}

/// One `host:port` of `sandbox.net`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetTarget {
    /// Host name or IP literal (an IPv6 literal without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}
