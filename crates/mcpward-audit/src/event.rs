//! The event model: what a caller appends and what a query returns.

use serde_json::Value;

use crate::canonical::canonical_json;

/// One thing that happened, as the gateway hands it to [`crate::Store::append`].
///
/// **Secrets must already be redacted.** The store writes what it is given, verbatim and
/// forever: the hash chain makes a later clean-up visible as tampering. Redact arguments,
/// results and error texts (`mcpward-guard`'s `redact`) before building the event.
///
/// The store adds `seq` (its position in the chain) and `ts` (the time of the append, UTC).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event {
    /// What kind of event this is, e.g. `request`, `decision`, `result`, `pin`, `approval`.
    pub kind: String,
    /// The agent (client) that sent the message, when known.
    pub agent: Option<String>,
    /// The gateway session the message belongs to.
    pub session: Option<String>,
    /// The upstream server's name, as in the client config.
    pub server: Option<String>,
    /// The JSON-RPC method, e.g. `tools/call`.
    pub method: Option<String>,
    /// The tool's name for `tools/call`.
    pub tool: Option<String>,
    /// The verdict: `allow`, `ask`, `deny`, or what the kind defines.
    pub decision: Option<String>,
    /// The policy rule that decided, e.g. `servers.github.deny[0]`.
    pub rule: Option<String>,
    /// Everything else (redacted arguments, findings, byte counts, latency). Stored as canonical
    /// JSON; `Null` when there is nothing more to say.
    pub detail: Value,
}

impl Event {
    /// An event of `kind` with every other field empty.
    #[must_use]
    pub fn new(kind: impl Into<String>) -> Event {
        Event {
            kind: kind.into(),
            ..Event::default()
        }
    }
}

/// An event as it is stored: the caller's [`Event`] with its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// The position in the chain, from 1, without gaps.
    pub seq: u64,
    /// When the event was appended: RFC 3339, UTC, microseconds (`2026-01-02T03:04:05.678901Z`).
    pub ts: String,
    /// The event as appended. `event.detail` is parsed from the stored text; should the stored
    /// text not be JSON (a hand-edited row), it is given here as a JSON string.
    pub event: Event,
    /// The `hash` of the event before this one ([`crate::GENESIS_HASH`] for `seq` 1).
    pub prev_hash: String,
    /// `sha256(prev_hash || canonical JSON of the event with seq and ts)`, lowercase hex.
    pub hash: String,
    /// The detail as stored and hashed. Exports embed this text, never a re-printed `Value`.
    pub(crate) detail_text: String,
}

impl StoredEvent {
    /// Assembles a stored event from its columns. `stored_detail` is the detail column: when it
    /// is not JSON (a hand-edited row), the detail becomes that text as a JSON string, so that
    /// exports stay valid JSON (and the event then fails verification).
    pub(crate) fn from_columns(
        seq: u64,
        ts: String,
        mut event: Event,
        stored_detail: String,
        prev_hash: String,
        hash: String,
    ) -> StoredEvent {
        let detail_text = match serde_json::from_str(&stored_detail) {
            Ok(value) => {
                event.detail = value;
                stored_detail
            }
            Err(_) => {
                event.detail = Value::String(stored_detail);
                canonical_json(&event.detail)
            }
        };
        StoredEvent {
            seq,
            ts,
            event,
            prev_hash,
            hash,
            detail_text,
        }
    }

    /// The detail exactly as it was stored and hashed (canonical JSON).
    #[must_use]
    pub fn detail_text(&self) -> &str {
        &self.detail_text
    }
}

/// The canonical text under which `detail` is stored and hashed.
pub(crate) fn detail_text(detail: &Value) -> String {
    canonical_json(detail)
}
