//! The screening half of the session: what a call may carry out (poisoned tools, taint,
//! credentials seen before) and what a response may carry in (see [`crate::screening`]).

use serde_json::{Value, json};

use super::{
    Action, Approval, ApprovalKind, ApprovalOutcome, Fallback, InFlight, Origin, Session, millis,
};
use crate::audit::{QUARANTINE_SUMMARY_PREFIX, kinds, redact_text};
use crate::gate::{Decision, Verdict};
use crate::screening::{OutputAction, OutputPolicy, Screening, screen_output};
use crate::taint;
use mcpward_guard::tools::ToolFinding;
use mcpward_protocol::{self as wire, Message, MessageKind, RequestId, codes};

/// The longest original output a quarantine event keeps (after redaction).
const QUARANTINE_KEEP: usize = 64 * 1024;

impl Session {
    /// Tightens the policy's decision on a call with what screening knows: a poisoned tool is
    /// denied, a credential an earlier output carried may not leave, and a tainted session asks
    /// before an exfiltration-capable tool runs.
    pub(super) fn screen_call(&self, tool: &str, arguments: &Value, decision: &mut Decision) {
        if decision.verdict == Verdict::Deny {
            return;
        }
        let state = self.tools.get(tool);
        if state.is_some_and(|t| t.poisoned) {
            *decision = Decision {
                verdict: Verdict::Deny,
                rule: "defaults.on_poisoned_tool".into(),
                reason: "the tool's definition carries hidden instructions".into(),
            };
            return;
        }
        if let Some(kind) = self.taint.carries_seen_secret(arguments) {
            *decision = Decision {
                verdict: Verdict::Deny,
                rule: "session.secret-seen".into(),
                reason: format!(
                    "the arguments carry a credential ({kind}) that an earlier output held"
                ),
            };
            return;
        }
        if decision.verdict == Verdict::Allow
            && self.taint.facts.tainted()
            && taint::exfil_capable(tool, state.and_then(|t| t.annotations.as_ref()))
        {
            *decision = Decision {
                verdict: Verdict::Ask,
                rule: "session.tainted".into(),
                reason: "private data and untrusted content were both seen in this session, and this tool can send data out".into(),
            };
        }
    }

    /// Screens a response to a client request (everything but `tools/list`) and forwards,
    /// rewrites, quarantines or withholds it.
    pub(super) fn screen_response(
        &mut self,
        msg: Message,
        id: RequestId,
        flight: InFlight,
    ) -> Vec<Action> {
        let error_response = msg.kind() == MessageKind::ErrorResponse;
        let body = if error_response {
            msg.error_json()
        } else {
            msg.result_json()
        };
        let policy = OutputPolicy {
            on_injection: self.settings.on_injection,
            on_secret: self.settings.on_secret,
        };
        let screening = body.map(|b| screen_output(b, policy));
        // Read by the screening walk, not by searching the text: a tool's own text that says
        // `"isError":true` must not make its result count as a failure (failures are not noted
        // as private or untrusted content).
        let is_error = error_response
            || (flight.method == "tools/call" && matches!(&screening, Some(Ok(s)) if s.is_error));
        let mut ev = self.event(kinds::RESULT);
        ev.method = Some(flight.method.clone());
        ev.tool.clone_from(&flight.tool);
        let mut detail = json!({
            "id": id.as_json(),
            "bytes": msg.raw().len(),
            "error": is_error,
            "latency_ms": millis(flight.started.elapsed()),
            "output": body.map(|r| redact_text(r, 1024)),
        });
        let screening = match screening {
            // Holding `initialize` would stall the whole session behind a person: its
            // instructions are labelled as under `warn` instead.
            Some(Ok(mut s))
                if s.action == OutputAction::Quarantine && flight.method == "initialize" =>
            {
                s.action = OutputAction::Rewrite;
                s
            }
            Some(Ok(s)) => s,
            None => {
                // A response with neither a result nor an error: nothing to screen.
                if !is_error && flight.sensitive {
                    self.taint.saw_private();
                }
                ev.detail = detail;
                return vec![
                    Action::Audit {
                        event: ev,
                        fallback: Fallback::DenyClient(id),
                    },
                    Action::ToClient(msg.into_raw()),
                ];
            }
            Some(Err(e)) => {
                // Fail closed: what cannot be screened does not reach the model.
                ev.decision = Some("block".into());
                ev.rule = Some("screen.error".into());
                detail["screen"] = json!({ "action": "block", "error": redact_text(&e, 256) });
                ev.detail = detail;
                return vec![
                    Action::Audit {
                        event: ev,
                        fallback: Fallback::DenyClient(id.clone()),
                    },
                    Action::ToClient(withheld(
                        &id,
                        &flight.method,
                        "mcpward: the output was withheld: it could not be screened",
                    )),
                ];
            }
        };
        if screening.findings.is_clean() {
            detail["screen"] = json!("clean");
        } else {
            detail["screen"] = screen_json(&screening);
            ev.decision = Some(screening.action.as_str().into());
            ev.rule = Some(screening.rule.into());
        }
        ev.detail = detail;
        let mut out = vec![Action::Audit {
            event: ev,
            fallback: Fallback::DenyClient(id.clone()),
        }];
        match screening.action {
            OutputAction::Pass | OutputAction::Rewrite => {
                self.note_seen(&screening, &flight, is_error);
                let frame = match &screening.rewritten {
                    Some(value) => rebuild(&id, error_response, value),
                    None => msg.into_raw(),
                };
                out.push(Action::ToClient(frame));
            }
            OutputAction::Block => {
                let why = if screening.rule == "defaults.on_secret" {
                    "it carried a credential"
                } else {
                    "it looked like a prompt injection"
                };
                out.push(Action::ToClient(withheld(
                    &id,
                    &flight.method,
                    &format!("mcpward: the output was withheld by policy: {why}"),
                )));
            }
            OutputAction::Quarantine => {
                let Some(value) = &screening.rewritten else {
                    // Not reached: a quarantine always carries its rewritten output.
                    out.push(Action::ToClient(withheld(
                        &id,
                        &flight.method,
                        "mcpward: the output was withheld by policy",
                    )));
                    return out;
                };
                let frame = rebuild(&id, error_response, value);
                out.extend(self.quarantine(
                    id,
                    flight,
                    frame,
                    body.unwrap_or_default(),
                    &screening,
                ));
            }
        }
        out
    }

    /// Records what an output that reaches the model brought into the session.
    fn note_seen(&mut self, s: &Screening, flight: &InFlight, is_error: bool) {
        self.taint.saw_secrets(&s.findings.fingerprints);
        if s.findings.injection {
            self.taint.saw_untrusted();
        }
        if !is_error {
            let marks = flight
                .tool
                .as_deref()
                .map(|t| self.gate.tool_marks(&self.config.server, t))
                .unwrap_or_default();
            if flight.sensitive || marks.private {
                self.taint.saw_private();
            }
            let open_world = flight
                .tool
                .as_deref()
                .and_then(|t| self.tools.get(t))
                .is_some_and(|t| taint::open_world(t.annotations.as_ref()));
            if open_world || marks.untrusted {
                self.taint.saw_untrusted();
            }
        }
    }

    fn quarantine(
        &mut self,
        id: RequestId,
        flight: InFlight,
        frame: Vec<u8>,
        original: &str,
        screening: &Screening,
    ) -> Vec<Action> {
        // The credentials are remembered now: the text exists, released or not.
        self.taint.saw_secrets(&screening.findings.fingerprints);
        let signals = screening.findings.signals.join(", ");
        let what = format!(
            "{QUARANTINE_SUMMARY_PREFIX}the {} of server \"{}\"{} looks like a prompt injection (signals: {})",
            if flight.method == "tools/call" {
                "output of a call"
            } else {
                "answer to a request"
            },
            self.config.server,
            flight
                .tool
                .as_deref()
                .map(|t| format!(" (tool \"{}\")", redact_text(t, 128)))
                .unwrap_or_default(),
            if signals.is_empty() {
                "hidden text"
            } else {
                &signals
            },
        );
        let mut out = self.ask(
            Origin::Client(id.clone()),
            frame,
            &flight.method,
            flight.tool.clone(),
            what,
            ApprovalKind::Quarantine,
        );
        // The original stays in the audit store (sanitizing undone, credentials redacted), so a
        // person can read what was withheld before releasing it.
        let approval = out.iter().find_map(|a| match a {
            Action::AwaitApproval(r) => Some(r.id.clone()),
            _ => None,
        });
        let mut ev = self.event(kinds::QUARANTINE);
        ev.method = Some(flight.method);
        ev.tool = flight.tool;
        ev.decision = Some("held".into());
        ev.rule = Some("defaults.on_injection".into());
        ev.detail = json!({
            "approval": approval,
            "id": id.as_json(),
            "original": redact_text(original, QUARANTINE_KEEP),
            "bytes": original.len(),
        });
        // Before the approval is requested: the evidence first.
        out.insert(
            0,
            Action::Audit {
                event: ev,
                fallback: Fallback::DenyClient(id),
            },
        );
        out
    }

    /// A quarantine ended: released, the output goes on (labelled as untrusted data);
    /// otherwise the model gets a notice naming the ID.
    pub(super) fn end_quarantine(
        &mut self,
        approval_id: &str,
        a: Approval,
        outcome: &ApprovalOutcome,
    ) -> Vec<Action> {
        let Origin::Client(id) = a.origin else {
            return Vec::new(); // only client requests are answered with output
        };
        if *outcome == ApprovalOutcome::Approved {
            self.taint.saw_untrusted();
            return vec![Action::ToClient(a.frame)];
        }
        let why = match outcome {
            ApprovalOutcome::TimedOut => {
                format!("nobody released it within {}s", a.timeout.as_secs())
            }
            ApprovalOutcome::Failed(_) => "the quarantine could not be recorded".to_owned(),
            _ => "a person chose not to release it".to_owned(),
        };
        let notice = format!(
            "mcpward: the output was withheld (quarantine {approval_id}): it looked like a prompt \
             injection, and {why}. The original is kept in mcpward's audit log; a person can \
             review it with `mcpward log {approval_id}`."
        );
        vec![Action::ToClient(withheld(&id, &a.method, &notice))]
    }

    /// The audit event for a tool whose definition screening flagged.
    pub(super) fn poisoned_tool_event(
        &self,
        name: &str,
        findings: &[ToolFinding],
        id: &RequestId,
    ) -> Vec<Action> {
        let mut ev = self.event(kinds::TOOL_SCREEN);
        ev.method = Some("tools/list".into());
        ev.tool = Some(name.to_owned());
        ev.decision = Some(self.settings.on_poisoned_tool.as_str().into());
        ev.rule = Some("defaults.on_poisoned_tool".into());
        ev.detail = json!({
            "findings": findings
                .iter()
                .take(32)
                .map(|f| json!({
                    "kind": f.kind.as_str(),
                    "location": redact_text(&f.location, 256),
                    "excerpt": redact_text(&f.excerpt, 160),
                }))
                .collect::<Vec<_>>(),
            "count": findings.len(),
        });
        vec![
            Action::Audit {
                event: ev,
                fallback: Fallback::DenyClient(id.clone()),
            },
            Action::Notice(format!(
                "mcpward: tool `{}` of server `{}` carries {} in its definition ({}): {}",
                redact_text(name, 128),
                self.config.server,
                findings
                    .first()
                    .map_or("hidden instructions", |f| f.kind.as_str()),
                findings
                    .first()
                    .map_or(String::new(), |f| redact_text(&f.location, 128)),
                match self.settings.on_poisoned_tool {
                    crate::gate::OnPoisonedTool::Block => "hidden, and calls to it are denied",
                    crate::gate::OnPoisonedTool::Warn => "listed with hidden characters removed",
                },
            )),
        ]
    }
}

/// The findings and the action, for the `screen` member of a result event.
fn screen_json(s: &Screening) -> Value {
    let mut v = s.findings.to_json();
    v["action"] = json!(s.action.as_str());
    v
}

/// A response with its result (or error object) replaced.
fn rebuild(id: &RequestId, error: bool, value: &Value) -> Vec<u8> {
    if !error {
        return wire::with_result(id, value);
    }
    let mut out = String::with_capacity(64);
    out.push_str(r#"{"jsonrpc":"2.0","id":"#);
    out.push_str(id.as_json());
    out.push_str(r#","error":"#);
    out.push_str(&value.to_string());
    out.push('}');
    out.into_bytes()
}

/// What the model gets instead of withheld output: a tool result flagged as an error for
/// `tools/call` (so the model reads the notice), a JSON-RPC error for anything else.
fn withheld(id: &RequestId, method: &str, notice: &str) -> Vec<u8> {
    if method == "tools/call" {
        wire::with_result(
            id,
            &json!({ "content": [{ "type": "text", "text": notice }], "isError": true }),
        )
    } else {
        wire::error_response(Some(id), codes::DENIED, notice)
    }
}

/// Removes hidden characters from every string of a tool definition (`on_poisoned_tool =
/// "warn"`).
pub(super) fn sanitize_strings(v: &mut Value, depth: usize) {
    if depth > 128 {
        return;
    }
    match v {
        Value::String(s) => {
            if let (std::borrow::Cow::Owned(clean), _) = mcpward_guard::screen::sanitize(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| sanitize_strings(i, depth + 1)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|i| sanitize_strings(i, depth + 1)),
        _ => {}
    }
}
