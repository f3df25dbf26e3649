//! Audit events as the session produces them, the store they go to ([`AuditLog`]), and the
//! redaction applied to everything that reaches them.

use serde_json::{Map, Value};

pub use mcpward_audit::Event;
use mcpward_audit::error_chain;

/// The event kinds the gateway writes.
pub mod kinds {
    /// The server was started.
    pub const SERVER_START: &str = "server-start";
    /// The server exited (or was stopped).
    pub const SERVER_EXIT: &str = "server-exit";
    /// Lines the server wrote to stderr (redacted).
    pub const SERVER_STDERR: &str = "server-stderr";
    /// A client request, with the decision on it for `tools/call`.
    pub const REQUEST: &str = "request";
    /// A request the server sent to the client, with the decision on it.
    pub const SERVER_REQUEST: &str = "server-request";
    /// The answer to a request: byte count, latency, whether it is an error.
    pub const RESULT: &str = "result";
    /// An approval was requested or resolved.
    pub const APPROVAL: &str = "approval";
    /// A tool was pinned, or differs from its pin.
    pub const PIN: &str = "pin";
    /// A message was rejected before it was understood (malformed, oversized, duplicate key).
    pub const REJECTED: &str = "rejected";
    /// Output was quarantined: the original (credentials redacted) and the release ID.
    pub const QUARANTINE: &str = "quarantine";
    /// A tool definition in `tools/list` was flagged by screening (`on_poisoned_tool`).
    pub const TOOL_SCREEN: &str = "tool-screen";
}

/// How the summary of a quarantine in the approvals store begins: `mcpward release` only
/// releases these, and `mcpward approve` leaves them to it.
pub const QUARANTINE_SUMMARY_PREFIX: &str = "quarantined output: ";

/// A store that appends events and keeps approvals, reachable from several processes.
///
/// The relay calls [`AuditLog::append_batch`] in place, on its one thread, before it forwards a
/// message: it must be quick ([`mcpward_audit::Journal`]: one `write()`). The approval calls may
/// wait on a database; the relay makes them on a blocking thread, with a time limit. Errors are
/// messages: the caller only needs to know that the write did not happen (and then fails
/// closed).
pub trait AuditLog: Send + Sync {
    /// Appends `events` in order, all or none; when it returns `Ok` they survive mcpward being
    /// killed.
    fn append_batch(&self, events: &[Event]) -> Result<(), String>;
    /// Records a pending approval that `mcpward approve ID` can resolve.
    fn request_approval(&self, id: &str, summary: &str) -> Result<(), String>;
    /// `Some(true)` approved, `Some(false)` denied or expired, `None` pending or unknown.
    fn approval_state(&self, id: &str) -> Result<Option<bool>, String>;
    /// Marks a pending approval expired; `false` if an answer arrived first.
    fn expire_approval(&self, id: &str) -> Result<bool, String>;
}

fn approval_state(store: &mcpward_audit::Store, id: &str) -> Result<Option<bool>, String> {
    use mcpward_audit::ApprovalState;
    Ok(
        match store.approval_state(id).map_err(|e| error_chain(&e))? {
            Some(ApprovalState::Approved) => Some(true),
            Some(ApprovalState::Denied | ApprovalState::Expired) => Some(false),
            Some(ApprovalState::Pending) | None => None,
        },
    )
}

/// Straight into the store: one transaction per call (its commit is the message's wait).
impl AuditLog for mcpward_audit::Store {
    fn append_batch(&self, events: &[Event]) -> Result<(), String> {
        mcpward_audit::Store::append_batch(self, events)
            .map(drop)
            .map_err(|e| error_chain(&e))
    }

    fn request_approval(&self, id: &str, summary: &str) -> Result<(), String> {
        mcpward_audit::Store::request_approval(self, id, summary).map_err(|e| error_chain(&e))
    }

    fn approval_state(&self, id: &str) -> Result<Option<bool>, String> {
        approval_state(self, id)
    }

    fn expire_approval(&self, id: &str) -> Result<bool, String> {
        mcpward_audit::Store::expire_approval(self, id).map_err(|e| error_chain(&e))
    }
}

/// Through the journal: one `write()` per call, the store written behind (what `mcpward run`
/// uses).
impl AuditLog for mcpward_audit::Journal {
    fn append_batch(&self, events: &[Event]) -> Result<(), String> {
        mcpward_audit::Journal::append_batch(self, events).map_err(|e| error_chain(&e))
    }

    fn request_approval(&self, id: &str, summary: &str) -> Result<(), String> {
        self.store()
            .request_approval(id, summary)
            .map_err(|e| error_chain(&e))
    }

    fn approval_state(&self, id: &str) -> Result<Option<bool>, String> {
        approval_state(self.store(), id)
    }

    fn expire_approval(&self, id: &str) -> Result<bool, String> {
        self.store()
            .expire_approval(id)
            .map_err(|e| error_chain(&e))
    }
}

/// The longest string kept in an event detail; longer ones are cut (after redaction).
const MAX_STRING: usize = 2048;
/// Extra bytes redacted beyond a cut so that a secret straddling it is still recognised.
const REDACT_MARGIN: usize = 512;

/// A copy of `value` with every string redacted and cut to a bounded length, keys included.
pub fn redact_value(value: &Value) -> Value {
    redact_depth(value, 0)
}

fn redact_depth(value: &Value, depth: usize) -> Value {
    if depth > 64 {
        return Value::String("[…]".into());
    }
    match value {
        Value::String(s) => Value::String(redact_text(s, MAX_STRING)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .take(256)
                .map(|v| redact_depth(v, depth + 1))
                .collect(),
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map.iter().take(256) {
                out.insert(redact_text(k, 256), redact_depth(v, depth + 1));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// `text` with its secrets redacted, at most `max` bytes long (cut on a character boundary,
/// marked with `…`). Only a bounded prefix is examined, so this is cheap on huge outputs.
pub fn redact_text(text: &str, max: usize) -> String {
    if text.len() <= max {
        return mcpward_guard::redact(text);
    }
    let prefix = &text[..floor_char_boundary(text, max + REDACT_MARGIN)];
    let redacted = mcpward_guard::redact(prefix);
    let mut out = redacted[..floor_char_boundary(&redacted, max)].to_owned();
    out.push('…');
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u";

    #[test]
    fn redacts_nested_strings_and_keys() {
        let v = serde_json::json!({"a": [format!("token {TOKEN}")], TOKEN: 1});
        let out = redact_value(&v).to_string();
        assert!(!out.contains(TOKEN), "{out}");
    }

    #[test]
    fn cut_strings_do_not_leak_a_secret_straddling_the_cut() {
        let text = format!("{} {TOKEN}", "x".repeat(MAX_STRING - 11));
        let out = redact_text(&text, MAX_STRING);
        assert!(!out.contains(&TOKEN[..12]), "{out}");
        assert!(out.ends_with('…'));
    }

    #[test]
    fn cuts_on_character_boundaries() {
        let text = "é".repeat(MAX_STRING);
        let out = redact_text(&text, 11);
        assert!(out.ends_with('…'));
    }
}
