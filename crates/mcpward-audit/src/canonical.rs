//! Canonical JSON and the hash of one chained event.
//!
//! Canonical form: object keys sorted by their UTF-8 bytes, no whitespace, strings escaped
//! minimally (`"`, `\` and the control characters below U+0020; everything else, including
//! non-ASCII text, is written as UTF-8), numbers as `serde_json` prints them. The workspace enables
//! serde_json's `preserve_order`, so map order is insertion order: this module sorts explicitly
//! and never relies on it.

use std::fmt::Write as _;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical JSON text of `value`: sorted keys, no whitespace.
///
/// Two values that are equal as JSON (same members, any key order) give the same text.
#[must_use]
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            // Writing into a String cannot fail.
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// Writes `s` as a JSON string literal with the minimal escapes.
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(crate) fn write_opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.push_str("null"),
    }
}

/// One event as it is chained: everything except its own `prev_hash` and `hash`.
///
/// `detail` is the canonical JSON text exactly as stored; it is embedded verbatim so that a
/// check never re-parses and re-prints it (float printing is not guaranteed to round-trip).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record<'a> {
    pub(crate) seq: u64,
    pub(crate) ts: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) agent: Option<&'a str>,
    pub(crate) session: Option<&'a str>,
    pub(crate) server: Option<&'a str>,
    pub(crate) method: Option<&'a str>,
    pub(crate) tool: Option<&'a str>,
    pub(crate) decision: Option<&'a str>,
    pub(crate) rule: Option<&'a str>,
    pub(crate) detail: &'a str,
}

impl Record<'_> {
    /// The canonical JSON object of the record: the same text [`canonical_json`] gives for the
    /// equivalent `Value`, keys in byte order.
    pub(crate) fn canonical(&self) -> String {
        let mut out = String::with_capacity(160 + self.detail.len());
        out.push_str("{\"agent\":");
        write_opt_str(&mut out, self.agent);
        out.push_str(",\"decision\":");
        write_opt_str(&mut out, self.decision);
        out.push_str(",\"detail\":");
        out.push_str(self.detail);
        out.push_str(",\"kind\":");
        write_str(&mut out, self.kind);
        out.push_str(",\"method\":");
        write_opt_str(&mut out, self.method);
        out.push_str(",\"rule\":");
        write_opt_str(&mut out, self.rule);
        let _ = write!(out, ",\"seq\":{}", self.seq);
        out.push_str(",\"server\":");
        write_opt_str(&mut out, self.server);
        out.push_str(",\"session\":");
        write_opt_str(&mut out, self.session);
        out.push_str(",\"tool\":");
        write_opt_str(&mut out, self.tool);
        out.push_str(",\"ts\":");
        write_str(&mut out, self.ts);
        out.push('}');
        out
    }

    /// `sha256(prev_hash || canonical)`, lowercase hex.
    pub(crate) fn hash(&self, prev_hash: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(self.canonical().as_bytes());
        hex(&hasher.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_at_every_depth_regardless_of_insertion_order() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"z":[1,{"y":2,"x":3}],"c":null}}"#)
            .expect("valid JSON");
        let b: Value = serde_json::from_str(r#"{"a":{"c":null,"z":[1,{"x":3,"y":2}]},"b":1}"#)
            .expect("valid JSON");
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":null,"z":[1,{"x":3,"y":2}]},"b":1}"#
        );
    }

    #[test]
    fn keys_sort_by_utf8_bytes() {
        let v = json!({"é": 1, "z": 2, "Z": 3, "": 4});
        assert_eq!(canonical_json(&v), r#"{"":4,"Z":3,"z":2,"é":1}"#);
    }

    #[test]
    fn escapes_only_what_json_requires() {
        let v = json!("q\"b\\n\nt\tc\u{1}e\u{7f}ü\u{2028}");
        assert_eq!(
            canonical_json(&v),
            "\"q\\\"b\\\\n\\nt\\tc\\u0001e\u{7f}ü\u{2028}\""
        );
        let back: Value = serde_json::from_str(&canonical_json(&v)).expect("parses back");
        assert_eq!(back, v);
    }

    #[test]
    fn numbers_and_literals() {
        let v = json!([0, -1, 1.5, u64::MAX, true, false, null]);
        assert_eq!(
            canonical_json(&v),
            "[0,-1,1.5,18446744073709551615,true,false,null]"
        );
    }

    #[test]
    fn record_text_equals_canonical_json_of_the_same_object() {
        let detail = json!({"args": {"path": "/tmp/x", "n": 3}, "bytes": 12});
        let detail_text = canonical_json(&detail);
        let record = Record {
            seq: 42,
            ts: "2026-01-02T03:04:05.678901Z",
            kind: "request",
            agent: Some("claude"),
            session: None,
            server: Some("fs"),
            method: Some("tools/call"),
            tool: Some("read_file"),
            decision: Some("allow"),
            rule: Some("servers.fs.allow[0]"),
            detail: &detail_text,
        };
        let as_value = json!({
            "seq": 42, "ts": "2026-01-02T03:04:05.678901Z", "kind": "request",
            "agent": "claude", "session": null, "server": "fs", "method": "tools/call",
            "tool": "read_file", "decision": "allow", "rule": "servers.fs.allow[0]",
            "detail": detail,
        });
        assert_eq!(record.canonical(), canonical_json(&as_value));
    }

    #[test]
    fn hash_is_lowercase_hex_sha256_of_prev_then_record() {
        let record = Record {
            seq: 1,
            ts: "t",
            kind: "k",
            agent: None,
            session: None,
            server: None,
            method: None,
            tool: None,
            decision: None,
            rule: None,
            detail: "null",
        };
        let mut hasher = Sha256::new();
        hasher.update(GENESIS_HASH.as_bytes());
        hasher.update(record.canonical().as_bytes());
        let expected = hex(&hasher.finalize());
        let got = record.hash(GENESIS_HASH);
        assert_eq!(got, expected);
        assert_eq!(got.len(), 64);
        assert!(
            got.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_ne!(record.hash("1"), got);
    }
}
