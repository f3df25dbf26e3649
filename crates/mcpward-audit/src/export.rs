//! JSON Lines export (`mcpward log --json`) and its check (`mcpward log verify --file F`).

use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::canonical::{Record, write_opt_str, write_str};
use crate::error::AuditError;
use crate::event::StoredEvent;
use crate::verify::{Chain, Failure, Link, Problem, VerifyReport};

/// One JSON object per event and per line, each ending in `\n`, keys in this order:
/// `seq, ts, kind, agent, session, server, method, tool, decision, rule, detail, prev_hash, hash`.
/// Absent values are `null`.
///
/// `detail` is written exactly as it was stored and hashed (canonical JSON), so that
/// [`verify_jsonl`] can check the file as long as its lines are not re-formatted. Export a
/// contiguous run of events (an unfiltered query) if the file is to verify: a filtered export has
/// gaps, which the check reports as missing events.
#[must_use]
pub fn export_jsonl(events: &[StoredEvent]) -> String {
    let mut out = String::new();
    for event in events {
        write_line(&mut out, event);
    }
    out
}

fn write_line(out: &mut String, stored: &StoredEvent) {
    let e = &stored.event;
    let _ = write!(out, "{{\"seq\":{},\"ts\":", stored.seq);
    write_str(out, &stored.ts);
    out.push_str(",\"kind\":");
    write_str(out, &e.kind);
    for (key, value) in [
        ("agent", &e.agent),
        ("session", &e.session),
        ("server", &e.server),
        ("method", &e.method),
        ("tool", &e.tool),
        ("decision", &e.decision),
        ("rule", &e.rule),
    ] {
        let _ = write!(out, ",\"{key}\":");
        write_opt_str(out, value.as_deref());
    }
    out.push_str(",\"detail\":");
    out.push_str(stored.detail_text());
    out.push_str(",\"prev_hash\":");
    write_str(out, &stored.prev_hash);
    out.push_str(",\"hash\":");
    write_str(out, &stored.hash);
    out.push_str("}\n");
}

/// Checks an export made by [`export_jsonl`]: recomputes every hash from the lines and names the
/// first line that does not hold (edited, missing, reordered, duplicated, malformed).
///
/// Blank lines are skipped; line numbers count every line from 1. A file that starts at `seq` 1
/// is checked from the genesis hash. A file that starts later (an excerpt) takes its first
/// event on trust: [`VerifyReport::from_genesis`] is then false. There is no head anchor in a
/// file, so lines cut from its end cannot be detected: compare [`VerifyReport::last`] with the
/// store's [`crate::Store::head`] or a recorded one.
///
/// # Errors
///
/// None today: a file that does not verify is a report with a [`Failure`]. The `Result` leaves
/// room for reading the file in this function later.
pub fn verify_jsonl(text: &str) -> Result<VerifyReport, AuditError> {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !line.trim().is_empty())
        .collect();
    let parsed: Vec<Result<LineEvent<'_>, LineError>> =
        lines.iter().map(|(_, line)| parse_line(line)).collect();
    let mut line_of: HashMap<u64, usize> = HashMap::new();
    for ((number, _), event) in lines.iter().zip(&parsed) {
        if let Ok(event) = event {
            line_of.entry(event.seq).or_insert(*number);
        }
    }
    let mut chain = Chain::new(false);
    let mut failure = None;
    for ((number, _), event) in lines.iter().zip(&parsed) {
        let event = match event {
            Ok(event) => event,
            Err(LineError { seq, reason }) => {
                failure = Some(Failure {
                    seq: *seq,
                    line: Some(*number),
                    problem: Problem::Malformed {
                        reason: reason.clone(),
                    },
                });
                break;
            }
        };
        let link = Link {
            record: event.record(),
            prev_hash: &event.prev_hash,
            hash: &event.hash,
            line: Some(*number),
        };
        let later = |seq| line_of.get(&seq).copied().filter(|l| l > number);
        if let Err(f) = chain.check(&link, later) {
            failure = Some(f);
            break;
        }
    }
    Ok(chain.report(failure))
}

struct LineError {
    seq: Option<u64>,
    reason: String,
}

struct LineEvent<'a> {
    seq: u64,
    ts: String,
    kind: String,
    agent: Option<String>,
    session: Option<String>,
    server: Option<String>,
    method: Option<String>,
    tool: Option<String>,
    decision: Option<String>,
    rule: Option<String>,
    detail: &'a str,
    prev_hash: String,
    hash: String,
}

impl LineEvent<'_> {
    fn record(&self) -> Record<'_> {
        Record {
            seq: self.seq,
            ts: &self.ts,
            kind: &self.kind,
            agent: self.agent.as_deref(),
            session: self.session.as_deref(),
            server: self.server.as_deref(),
            method: self.method.as_deref(),
            tool: self.tool.as_deref(),
            decision: self.decision.as_deref(),
            rule: self.rule.as_deref(),
            detail: self.detail,
        }
    }
}

const KEYS: [&str; 13] = [
    "seq",
    "ts",
    "kind",
    "agent",
    "session",
    "server",
    "method",
    "tool",
    "decision",
    "rule",
    "detail",
    "prev_hash",
    "hash",
];

fn parse_line(line: &str) -> Result<LineEvent<'_>, LineError> {
    let fields = serde_json::from_str::<Fields<'_>>(line).map_err(|e| LineError {
        seq: None,
        reason: format!("not a JSON object: {e}"),
    })?;
    let mut by_key: HashMap<&str, &RawValue> = HashMap::new();
    let mut problem = None;
    for (key, value) in &fields.0 {
        let Some(known) = KEYS.iter().find(|k| **k == key.as_str()) else {
            problem.get_or_insert_with(|| format!("unknown field `{key}`"));
            continue;
        };
        if by_key.insert(*known, *value).is_some() {
            problem.get_or_insert_with(|| format!("field `{known}` appears twice"));
        }
    }
    let seq = by_key
        .get("seq")
        .and_then(|raw| serde_json::from_str::<u64>(raw.get()).ok());
    let err = |reason: String| LineError { seq, reason };
    if let Some(reason) = problem {
        return Err(err(reason));
    }
    let Some(seq_value) = seq else {
        return Err(err(match by_key.get("seq") {
            Some(_) => "`seq` is not a non-negative integer".to_owned(),
            None => "missing field `seq`".to_owned(),
        }));
    };
    let string = |key: &str| -> Result<String, LineError> {
        let raw = by_key
            .get(key)
            .ok_or_else(|| err(format!("missing field `{key}`")))?;
        serde_json::from_str::<String>(raw.get())
            .map_err(|_| err(format!("`{key}` is not a string")))
    };
    let nullable = |key: &str| -> Result<Option<String>, LineError> {
        match by_key.get(key) {
            None => Ok(None),
            Some(raw) => serde_json::from_str::<Option<String>>(raw.get())
                .map_err(|_| err(format!("`{key}` is not a string or null"))),
        }
    };
    let detail = by_key
        .get("detail")
        .ok_or_else(|| err("missing field `detail`".to_owned()))?
        .get();
    Ok(LineEvent {
        seq: seq_value,
        ts: string("ts")?,
        kind: string("kind")?,
        agent: nullable("agent")?,
        session: nullable("session")?,
        server: nullable("server")?,
        method: nullable("method")?,
        tool: nullable("tool")?,
        decision: nullable("decision")?,
        rule: nullable("rule")?,
        detail,
        prev_hash: string("prev_hash")?,
        hash: string("hash")?,
    })
}

/// A JSON object's members in file order, duplicates kept, values unparsed.
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fields<'de>, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(member);
                }
                Ok(Fields(members))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}
