//! What the session asks of the policy: [`Gate`].
//!
//! The session never reads the policy file; it asks a [`Gate`]. The binary hands it the compiled
//! `mcpward-policy` policy; the session's tests hand it a table.

use std::time::Duration;

use serde_json::Value;

/// What the policy says about one call or request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Forward it.
    Allow,
    /// Forward it once a person approves it.
    Ask,
    /// Answer it with an error; the other side never sees it.
    Deny,
}

impl Verdict {
    /// `allow`, `ask` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Ask => "ask",
            Verdict::Deny => "deny",
        }
    }
}

/// A verdict with the rule that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// What to do.
    pub verdict: Verdict,
    /// The rule that decided, e.g. `servers.github.deny[0]` or `defaults.decision`.
    pub rule: String,
    /// Why, for the audit log (never sent to the client).
    pub reason: String,
}

/// What to do with a tool whose definition differs from its pin (`defaults.on_tool_change`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnToolChange {
    /// Hide the tool and deny calls to it.
    Block,
    /// Ask for approval on every call.
    Ask,
    /// Let it through; the change is audited.
    Allow,
}

impl OnToolChange {
    /// `block`, `ask` or `allow`.
    pub fn as_str(self) -> &'static str {
        match self {
            OnToolChange::Block => "block",
            OnToolChange::Ask => "ask",
            OnToolChange::Allow => "allow",
        }
    }
}

/// What to do with output that looks like prompt injection (`defaults.on_injection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnInjection {
    /// Pass it on, wrapped and labelled as untrusted data.
    Warn,
    /// Withhold it until a person releases it (`mcpward release ID` or elicitation).
    Quarantine,
    /// Replace it with a notice that it was withheld.
    Block,
}

impl OnInjection {
    /// `warn`, `quarantine` or `block`.
    pub fn as_str(self) -> &'static str {
        match self {
            OnInjection::Warn => "warn",
            OnInjection::Quarantine => "quarantine",
            OnInjection::Block => "block",
        }
    }
}

/// What to do with a credential in output (`defaults.on_secret`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSecret {
    /// Replace each credential with `[REDACTED:kind]`.
    Redact,
    /// Replace the whole output with a notice that it was withheld.
    Block,
    /// Pass it on (the finding is still audited, and the session remembers it).
    Allow,
}

impl OnSecret {
    /// `redact`, `block` or `allow`.
    pub fn as_str(self) -> &'static str {
        match self {
            OnSecret::Redact => "redact",
            OnSecret::Block => "block",
            OnSecret::Allow => "allow",
        }
    }
}

/// What to do with a tool whose definition carries hidden instructions
/// (`defaults.on_poisoned_tool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnPoisonedTool {
    /// Hide it from `tools/list` and deny calls to it.
    Block,
    /// List it with hidden Unicode removed from its strings; the finding is audited.
    Warn,
}

impl OnPoisonedTool {
    /// `block` or `warn`.
    pub fn as_str(self) -> &'static str {
        match self {
            OnPoisonedTool::Block => "block",
            OnPoisonedTool::Warn => "warn",
        }
    }
}

/// How the policy marks a tool's output for session taint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ToolMarks {
    /// Its output is private data (`servers.NAME.private`).
    pub private: bool,
    /// Its output is untrusted content (`servers.NAME.untrusted`).
    pub untrusted: bool,
}

/// What the session has seen so far, for conditions over `session.*`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionFacts {
    /// Private data reached the model: a credential in an output, or a read of a sensitive
    /// path.
    pub private_seen: bool,
    /// Untrusted content reached the model: output that looked like injection, or the output
    /// of an open-world tool.
    pub untrusted_seen: bool,
}

impl SessionFacts {
    /// Both private data and untrusted content were seen: exfiltration is possible.
    pub fn tainted(self) -> bool {
        self.private_seen && self.untrusted_seen
    }
}

/// The policy defaults the session needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `defaults.on_tool_change`.
    pub on_tool_change: OnToolChange,
    /// `defaults.on_injection`.
    pub on_injection: OnInjection,
    /// `defaults.on_secret`.
    pub on_secret: OnSecret,
    /// `defaults.on_poisoned_tool`.
    pub on_poisoned_tool: OnPoisonedTool,
    /// `defaults.approval_timeout`.
    pub approval_timeout: Duration,
    /// Arguments may not carry properties the tool's schema does not declare.
    pub strict_schema: bool,
}

/// The policy, as the session sees it. Implementations never panic: an evaluation error is a
/// [`Verdict::Deny`] naming the rule that failed.
pub trait Gate: Send + Sync {
    /// The decision on `tools/call` of `tool` on `server`. `schema` is the tool's `inputSchema`
    /// from the last `tools/list` (it marks path and URL arguments); `agent` is the client's
    /// name from `initialize`, when it gave one; `session` is what the session has seen
    /// (`session.*` in conditions).
    fn decide(
        &self,
        server: &str,
        tool: &str,
        arguments: &Value,
        schema: Option<&Value>,
        agent: Option<&str>,
        session: SessionFacts,
    ) -> Decision;

    /// Whether `tool` appears in `tools/list` (false when denied tools are hidden and this one is
    /// denied outright).
    fn tool_visible(&self, server: &str, tool: &str) -> bool;

    /// The decision on a server-initiated request (`sampling/*`, `elicitation/*`, `roots/list`).
    fn server_request(&self, server: &str, method: &str) -> Decision;

    /// The defaults that shape the session.
    fn settings(&self) -> Settings;

    /// What the policy says `tool`'s output is, for session taint
    /// (`servers.NAME.private`, `servers.NAME.untrusted`). The default marks nothing.
    fn tool_marks(&self, server: &str, tool: &str) -> ToolMarks {
        let _ = (server, tool);
        ToolMarks::default()
    }

    /// Checks `arguments` against the tool's `inputSchema`; `strict` rejects properties the
    /// schema does not declare unless it says otherwise. Never fetches remote references.
    /// `Err` says what does not match, in words safe to show the client.
    fn check_arguments(
        &self,
        server: &str,
        tool: &str,
        schema: &Value,
        arguments: &Value,
        strict: bool,
    ) -> Result<(), String>;
}
