//! The per-message pipeline, sans I/O: [`Session`] takes frames and returns [`Action`]s.
//!
//! The relay (`crate::relay`) reads frames from the client and the server, hands them to the
//! session, and carries out what it returns, in order:
//!
//! - [`Action::Audit`] is committed before any later action of the same batch runs; if
//!   the write fails, the relay calls [`Session::on_audit_failed`] with the event's
//!   [`Fallback`] and runs what that returns instead of the rest of the batch (fail closed).
//! - [`Action::ObservePins`] compares a `tools/list` page with the lockfile; the relay answers
//!   with [`Session::on_pins`], which releases the held result.
//! - [`Action::AwaitApproval`] starts waiting for a person; the relay answers, later, with
//!   [`Session::on_approval`].
//!
//! Everything the client or the server sends is untrusted: nothing here panics on it, and
//! messages mcpward does not act on are forwarded byte for byte.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::audit::{Event, kinds, redact_text, redact_value};
use crate::gate::{Decision, Gate, OnPoisonedTool, OnToolChange, Settings, Verdict};
use crate::pins::{self, Change, Observation, ObservedTool, PinReport, PinStatus};
use crate::taint::{self, Taint};
use mcpward_protocol::{
    self as wire, FrameError, Message, MessageKind, ProtocolError, RequestId, codes,
};

/// What the relay must do, in order.
#[derive(Debug)]
#[non_exhaustive]
pub enum Action {
    /// Write these bytes (one message, without its newline) to the server's stdin.
    ToServer(Vec<u8>),
    /// Write these bytes (one message, without its newline) to the client.
    ToClient(Vec<u8>),
    /// Append this event to the audit log before doing anything else.
    Audit {
        /// The event.
        event: Event,
        /// What to do instead of the rest of the batch if the write fails.
        fallback: Fallback,
    },
    /// Wait for a person to approve a call; answer with [`Session::on_approval`].
    AwaitApproval(ApprovalRequest),
    /// Compare a `tools/list` page with the lockfile; answer with [`Session::on_pins`].
    ObservePins {
        /// Hand it back to [`Session::on_pins`].
        token: u64,
        /// The page.
        observation: Observation,
    },
    /// A line for the user on stderr.
    Notice(String),
}

/// What a failed audit write turns into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fallback {
    /// Nothing depends on this event: go on with the batch.
    Continue,
    /// Answer the client's request with an error instead of forwarding anything.
    DenyClient(RequestId),
    /// Answer the server's request with an error instead of forwarding anything.
    DenyServer(RequestId),
}

/// A call waiting for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRequest {
    /// The approval id the user types (`mcpward approve ID`).
    pub id: String,
    /// Server, tool and redacted arguments.
    pub summary: String,
    /// When to give up and deny.
    pub timeout: Duration,
    /// How the question is asked.
    pub via: ApprovalVia,
    /// What is held: a call (`mcpward approve ID`) or quarantined output (`mcpward release ID`).
    pub kind: ApprovalKind,
}

/// What an approval holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalKind {
    /// A call that waits for `mcpward approve ID` (or elicitation).
    Call,
    /// Output that looked like prompt injection, withheld until `mcpward release ID` (or
    /// elicitation); when nobody releases it in time the model gets a notice naming the ID.
    Quarantine,
}

/// How an approval is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalVia {
    /// The session already sent the client an `elicitation/create`; only the timeout remains.
    Elicitation,
    /// Record it in the audit store and poll until `mcpward approve`/`deny` resolves it.
    Store,
}

/// How an approval ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalOutcome {
    /// Go ahead.
    Approved,
    /// Refused.
    Denied,
    /// Nobody answered in time.
    TimedOut,
    /// The question could not be asked (the store failed).
    Failed(String),
}

/// Who the session is talking for.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The server's name: its `[servers.NAME]` section.
    pub server: String,
    /// This run's id, in every audit event.
    pub session_id: String,
}

#[derive(Debug)]
struct InFlight {
    method: String,
    tool: Option<String>,
    started: Instant,
    /// The request names a sensitive path (`~/.ssh/…`, `.env`): its answer is private data.
    sensitive: bool,
}

impl InFlight {
    fn new(method: String, tool: Option<String>) -> Self {
        InFlight {
            method,
            tool,
            started: Instant::now(),
            sensitive: false,
        }
    }
}

struct ToolState {
    schema: Option<Value>,
    annotations: Option<Value>,
    pin: PinStatus,
    /// `tools/list` screening found poisoning and `on_poisoned_tool` is `block`.
    poisoned: bool,
}

#[derive(Debug, Clone)]
enum Origin {
    Client(RequestId),
    Server(RequestId),
}

struct Approval {
    origin: Origin,
    frame: Vec<u8>,
    method: String,
    tool: Option<String>,
    timeout: Duration,
    kind: ApprovalKind,
    /// For a call: it names a sensitive path (carried into its [`InFlight`] once approved).
    sensitive: bool,
}

struct HeldList {
    id: RequestId,
    result: Value,
    started: Instant,
    bytes: usize,
    raw: Vec<u8>,
    /// On the last page of a listing: every name listed.
    complete: Option<BTreeSet<String>>,
    nameless: usize,
    /// Tools whose definitions screening flagged, with what it found.
    poisoned: HashMap<String, Vec<mcpward_guard::tools::ToolFinding>>,
}

#[derive(Default)]
struct Listing {
    trust_new: bool,
    names: BTreeSet<String>,
}

/// The state of one client–server connection and the pipeline every message goes through.
pub struct Session {
    config: SessionConfig,
    gate: Arc<dyn Gate>,
    settings: Settings,
    agent: Option<String>,
    client_elicitation: bool,
    /// Client requests the server has and has not answered.
    in_flight: HashMap<RequestId, InFlight>,
    /// Server requests the client has and has not answered.
    server_in_flight: HashMap<RequestId, InFlight>,
    tools: HashMap<String, ToolState>,
    listing: Option<Listing>,
    held_lists: HashMap<u64, HeldList>,
    approvals: HashMap<String, Approval>,
    /// `elicitation/create` ids sent to the client → approval id.
    elicitations: HashMap<RequestId, String>,
    next_elicitation: u64,
    next_token: u64,
    taint: Taint,
}

/// The message every denial carries: it states the denial and nothing about what exists.
pub const DENIED_MESSAGE: &str = "mcpward: call denied by policy";

impl Session {
    /// A session for one server under `gate`.
    pub fn new(config: SessionConfig, gate: Arc<dyn Gate>) -> Self {
        let settings = gate.settings();
        Session {
            config,
            gate,
            settings,
            agent: None,
            client_elicitation: false,
            in_flight: HashMap::new(),
            server_in_flight: HashMap::new(),
            tools: HashMap::new(),
            listing: None,
            held_lists: HashMap::new(),
            approvals: HashMap::new(),
            elicitations: HashMap::new(),
            next_elicitation: 0,
            next_token: 0,
            taint: Taint::default(),
        }
    }

    /// The server's name.
    pub fn server(&self) -> &str {
        &self.config.server
    }

    /// Client requests not answered yet (forwarded, waiting for approval, or held).
    pub fn pending_requests(&self) -> usize {
        self.in_flight.len()
            + self.held_lists.len()
            + self
                .approvals
                .values()
                .filter(|a| matches!(a.origin, Origin::Client(_)))
                .count()
    }

    fn event(&self, kind: &str) -> Event {
        Event {
            kind: kind.to_owned(),
            agent: self.agent.clone(),
            session: Some(self.config.session_id.clone()),
            server: Some(self.config.server.clone()),
            method: None,
            tool: None,
            decision: None,
            rule: None,
            detail: Value::Null,
        }
    }

    /// The server was started.
    pub fn on_server_started(&mut self, command: &[String], pid: Option<u32>) -> Vec<Action> {
        let mut ev = self.event(kinds::SERVER_START);
        ev.detail = json!({
            "command": command.iter().map(|a| redact_text(a, 512)).collect::<Vec<_>>(),
            "pid": pid,
        });
        vec![Action::Audit {
            event: ev,
            fallback: Fallback::Continue,
        }]
    }

    /// Text the server wrote to stderr.
    pub fn on_server_stderr(&mut self, text: &str) -> Vec<Action> {
        let mut ev = self.event(kinds::SERVER_STDERR);
        ev.detail = json!({ "text": redact_text(text, 64 * 1024), "bytes": text.len() });
        vec![Action::Audit {
            event: ev,
            fallback: Fallback::Continue,
        }]
    }

    /// The server exited: every request still waiting gets an error at once.
    pub fn on_server_exit(&mut self, code: Option<i32>, signal: Option<i32>) -> Vec<Action> {
        let mut ids: Vec<RequestId> = self.in_flight.drain().map(|(id, _)| id).collect();
        ids.extend(self.held_lists.drain().map(|(_, h)| h.id));
        for (_, a) in self.approvals.drain() {
            if let Origin::Client(id) = a.origin {
                ids.push(id);
            }
        }
        self.elicitations.clear();
        self.server_in_flight.clear();
        let mut ev = self.event(kinds::SERVER_EXIT);
        ev.detail = json!({ "code": code, "signal": signal, "unanswered": ids.len() });
        let mut out = vec![Action::Audit {
            event: ev,
            fallback: Fallback::Continue,
        }];
        for id in ids {
            out.push(Action::ToClient(wire::error_response(
                Some(&id),
                codes::SERVER_EXITED,
                "mcpward: the server exited before it answered",
            )));
        }
        out
    }

    /// The client closed its input: approvals still waiting are denied.
    pub fn on_client_eof(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        let approvals: Vec<(String, Approval)> = self.approvals.drain().collect();
        self.elicitations.clear();
        for (id, a) in approvals {
            let mut ev = self.event(kinds::APPROVAL);
            ev.method = Some(a.method);
            ev.tool = a.tool;
            ev.decision = Some("cancelled".into());
            ev.detail = json!({ "approval": id, "reason": "the client closed its input" });
            out.push(Action::Audit {
                event: ev,
                fallback: Fallback::Continue,
            });
            // The client may still read what it is owed; the server never saw the request.
            let message = format!(
                "mcpward: call denied: approval {id} was still pending when the client closed its input"
            );
            out.push(match a.origin {
                Origin::Client(rid) => {
                    Action::ToClient(wire::error_response(Some(&rid), codes::DENIED, &message))
                }
                Origin::Server(rid) => {
                    Action::ToServer(wire::error_response(Some(&rid), codes::DENIED, &message))
                }
            });
        }
        out
    }

    /// An audit write failed; what to do instead of the rest of the batch.
    pub fn on_audit_failed(&mut self, fallback: &Fallback) -> Vec<Action> {
        const MSG: &str =
            "mcpward: the audit log could not be written, so the message was not forwarded";
        match fallback {
            Fallback::Continue => vec![Action::Notice(
                "mcpward: warning: an audit event could not be written".into(),
            )],
            Fallback::DenyClient(id) => {
                self.in_flight.remove(id);
                self.approvals
                    .retain(|_, a| !matches!(&a.origin, Origin::Client(x) if x == id));
                vec![
                    Action::Notice(format!("{MSG} (client request {id})")),
                    Action::ToClient(wire::error_response(Some(id), codes::INTERNAL, MSG)),
                ]
            }
            Fallback::DenyServer(id) => {
                self.server_in_flight.remove(id);
                self.approvals
                    .retain(|_, a| !matches!(&a.origin, Origin::Server(x) if x == id));
                vec![
                    Action::Notice(format!("{MSG} (server request {id})")),
                    Action::ToServer(wire::error_response(Some(id), codes::INTERNAL, MSG)),
                ]
            }
        }
    }

    // ----- client → server -------------------------------------------------------------

    /// A frame could not be cut from the client's stream (too large): answer with an error,
    /// under the request's own `id` when its first bytes held one (so the client can match it).
    pub fn on_client_frame_error(
        &mut self,
        err: &FrameError,
        id: Option<&RequestId>,
    ) -> Vec<Action> {
        let mut ev = self.event(kinds::REJECTED);
        ev.detail = json!({ "from": "client", "reason": err.to_string(), "id": id.map(RequestId::as_json) });
        vec![
            Action::Audit {
                event: ev,
                fallback: Fallback::Continue,
            },
            Action::ToClient(wire::error_response(
                id,
                codes::INVALID_REQUEST,
                &format!("mcpward: {err}; it was not forwarded"),
            )),
        ]
    }

    /// One message from the client.
    pub fn on_client_frame(&mut self, frame: Vec<u8>) -> Vec<Action> {
        let bytes = frame.len();
        let msg = match wire::parse_owned(frame) {
            Ok(msg) => msg,
            Err(err) => return self.reject_client(None, &err, bytes),
        };
        match msg.kind() {
            MessageKind::Request => self.client_request(msg),
            MessageKind::Notification => self.client_notification(msg),
            MessageKind::Response | MessageKind::ErrorResponse => self.client_response(msg),
        }
    }

    fn reject_client(
        &mut self,
        id: Option<&RequestId>,
        err: &ProtocolError,
        bytes: usize,
    ) -> Vec<Action> {
        let mut ev = self.event(kinds::REJECTED);
        ev.detail = json!({
            "from": "client",
            "id": id.map(RequestId::as_json),
            "reason": redact_text(&err.to_string(), 512),
            "bytes": bytes,
        });
        vec![
            Action::Audit {
                event: ev,
                fallback: Fallback::Continue,
            },
            Action::ToClient(err.response(id)),
        ]
    }

    fn client_request(&mut self, msg: Message) -> Vec<Action> {
        let Some(id) = msg.id().cloned() else {
            return Vec::new(); // a request always has an id: `parse` said so
        };
        let method = msg.method().unwrap_or_default().to_owned();
        match method.as_str() {
            "tools/call" => return self.tool_call(msg, id),
            "initialize" => self.note_initialize(&msg),
            "tools/list" => {
                let continued = msg
                    .params()
                    .and_then(|p| serde_json::from_str::<Value>(p.get()).ok())
                    .is_some_and(|p| p.get("cursor").is_some_and(|c| !c.is_null()));
                if !continued || self.listing.is_none() {
                    self.listing = Some(Listing::default());
                }
            }
            _ => {}
        }
        let sensitive = method == "resources/read"
            && msg
                .params()
                .and_then(|p| serde_json::from_str::<Value>(p.get()).ok())
                .and_then(|p| {
                    p.get("uri")
                        .and_then(Value::as_str)
                        .map(taint::sensitive_path)
                })
                .unwrap_or(false);
        let mut ev = self.event(kinds::REQUEST);
        ev.method = Some(method.clone());
        ev.detail = json!({ "id": id.as_json(), "bytes": msg.raw().len() });
        let mut flight = InFlight::new(method, None);
        flight.sensitive = sensitive;
        self.in_flight.insert(id.clone(), flight);
        vec![
            Action::Audit {
                event: ev,
                fallback: Fallback::DenyClient(id),
            },
            Action::ToServer(msg.into_raw()),
        ]
    }

    fn note_initialize(&mut self, msg: &Message) {
        let Some(params) = msg
            .params()
            .and_then(|p| serde_json::from_str::<Value>(p.get()).ok())
        else {
            return;
        };
        self.client_elicitation = params
            .pointer("/capabilities/elicitation")
            .is_some_and(|v| !v.is_null());
        self.agent = params
            .pointer("/clientInfo/name")
            .and_then(Value::as_str)
            .map(|n| redact_text(n, 128));
    }

    fn tool_call(&mut self, msg: Message, id: RequestId) -> Vec<Action> {
        let call = match msg.tool_call() {
            Ok(Some(call)) => call,
            // Not reached (the method is tools/call); if it ever is, nothing unjudged goes through.
            Ok(None) => {
                let err = ProtocolError::InvalidParams {
                    reason: "not a tool call".to_owned(),
                };
                return self.reject_client(Some(&id), &err, msg.raw().len());
            }
            Err(err) => return self.reject_client(Some(&id), &err, msg.raw().len()),
        };
        let schema = self.tools.get(&call.name).and_then(|t| t.schema.as_ref());
        let mut decision = self.gate.decide(
            &self.config.server,
            &call.name,
            &call.arguments,
            schema,
            self.agent.as_deref(),
            self.taint.facts,
        );
        self.screen_call(&call.name, &call.arguments, &mut decision);
        let mut error = (codes::DENIED, DENIED_MESSAGE.to_owned());
        let mut pin_note = None;
        if let Some(PinStatus::Unapproved(change)) = self.tools.get(&call.name).map(|t| &t.pin) {
            pin_note = Some(change.as_str());
            let reason = format!("tool {} since it was pinned", change.as_str());
            match self.settings.on_tool_change {
                OnToolChange::Block => {
                    if decision.verdict != Verdict::Deny {
                        decision = Decision {
                            verdict: Verdict::Deny,
                            rule: "defaults.on_tool_change".into(),
                            reason,
                        };
                    }
                }
                OnToolChange::Ask => {
                    if decision.verdict == Verdict::Allow {
                        decision = Decision {
                            verdict: Verdict::Ask,
                            rule: "defaults.on_tool_change".into(),
                            reason,
                        };
                    }
                }
                OnToolChange::Allow => {}
            }
        }
        if decision.verdict != Verdict::Deny
            && let Err(problem) = self.check_arguments(&call.name, &call.arguments)
        {
            decision = Decision {
                verdict: Verdict::Deny,
                rule: "schema".into(),
                reason: problem.clone(),
            };
            error = (
                codes::INVALID_PARAMS,
                format!("mcpward: the arguments do not match the tool's input schema: {problem}"),
            );
        }
        let mut ev = self.event(kinds::REQUEST);
        ev.method = Some("tools/call".into());
        ev.tool = Some(call.name.clone());
        ev.decision = Some(decision.verdict.as_str().into());
        ev.rule = Some(decision.rule.clone());
        ev.detail = json!({
            "id": id.as_json(),
            "bytes": msg.raw().len(),
            "arguments": redact_value(&call.arguments),
            "reason": redact_text(&decision.reason, 512),
            "tool_change": pin_note,
        });
        let mut out = vec![Action::Audit {
            event: ev,
            fallback: Fallback::DenyClient(id.clone()),
        }];
        match decision.verdict {
            Verdict::Allow => {
                let mut flight = InFlight::new("tools/call".into(), Some(call.name));
                flight.sensitive = taint::reads_sensitive_path(&call.arguments);
                self.in_flight.insert(id, flight);
                out.push(Action::ToServer(msg.into_raw()));
            }
            Verdict::Deny => {
                out.push(Action::ToClient(wire::error_response(
                    Some(&id),
                    error.0,
                    &error.1,
                )));
            }
            Verdict::Ask => {
                let sensitive = taint::reads_sensitive_path(&call.arguments);
                let what = format!(
                    "the agent wants to call the tool \"{}\" of server \"{}\" with arguments {}",
                    redact_text(&call.name, 128),
                    self.config.server,
                    redact_text(&redact_value(&call.arguments).to_string(), 1024),
                );
                out.extend(self.ask(
                    Origin::Client(id),
                    msg.into_raw(),
                    "tools/call",
                    Some(call.name),
                    what,
                    ApprovalKind::Call,
                ));
                if let Some(Action::AwaitApproval(r)) = out.last()
                    && let Some(a) = self.approvals.get_mut(&r.id)
                {
                    a.sensitive = sensitive;
                }
            }
        }
        out
    }

    fn check_arguments(&self, tool: &str, arguments: &Value) -> Result<(), String> {
        let Some(schema) = self.tools.get(tool).and_then(|t| t.schema.as_ref()) else {
            return Ok(()); // not listed yet: the policy decided alone
        };
        let empty = Value::Object(serde_json::Map::new());
        let arguments = if arguments.is_null() {
            &empty
        } else {
            arguments
        };
        self.gate.check_arguments(
            &self.config.server,
            tool,
            schema,
            arguments,
            self.settings.strict_schema,
        )
    }

    fn ask(
        &mut self,
        origin: Origin,
        frame: Vec<u8>,
        method: &str,
        tool: Option<String>,
        what: String,
        kind: ApprovalKind,
    ) -> Vec<Action> {
        let approval_id = mcpward_audit::new_approval_id();
        let timeout = self.settings.approval_timeout;
        let via = if self.client_elicitation {
            ApprovalVia::Elicitation
        } else {
            ApprovalVia::Store
        };
        let mut ev = self.event(kinds::APPROVAL);
        ev.method = Some(method.to_owned());
        ev.tool.clone_from(&tool);
        ev.decision = Some("requested".into());
        ev.detail = json!({
            "approval": approval_id,
            "via": match via { ApprovalVia::Elicitation => "elicitation", ApprovalVia::Store => "store" },
            "timeout_s": timeout.as_secs_f64(),
            "holds": match kind { ApprovalKind::Call => "call", ApprovalKind::Quarantine => "output" },
        });
        let fallback = match &origin {
            Origin::Client(id) => Fallback::DenyClient(id.clone()),
            Origin::Server(id) => Fallback::DenyServer(id.clone()),
        };
        let mut out = vec![Action::Audit {
            event: ev,
            fallback,
        }];
        if via == ApprovalVia::Elicitation {
            let (question, title) = match kind {
                ApprovalKind::Call => ("Allow this call?", "Allow this call"),
                ApprovalKind::Quarantine => (
                    "Release it to the agent (it will be labelled as untrusted data)?",
                    "Release this output",
                ),
            };
            let params = json!({
                "message": format!("mcpward: {what}. {question}"),
                "requestedSchema": {
                    "type": "object",
                    "properties": {
                        "approve": {
                            "type": "boolean",
                            "title": title,
                            "description": format!("mcpward approval {approval_id}"),
                            "default": false
                        }
                    },
                    "required": ["approve"]
                }
            });
            self.next_elicitation += 1;
            let request =
                Message::new_request(self.next_elicitation, "elicitation/create", Some(&params));
            if let Some(eid) = request.id() {
                self.elicitations.insert(eid.clone(), approval_id.clone());
            }
            out.push(Action::ToClient(request.into_raw()));
        }
        out.push(Action::AwaitApproval(ApprovalRequest {
            id: approval_id.clone(),
            summary: what,
            timeout,
            via,
            kind,
        }));
        self.approvals.insert(
            approval_id,
            Approval {
                origin,
                frame,
                method: method.to_owned(),
                tool,
                timeout,
                kind,
                sensitive: false,
            },
        );
        out
    }

    /// An approval ended (from the store, from the client's elicitation answer, or timed out).
    pub fn on_approval(&mut self, approval_id: &str, outcome: ApprovalOutcome) -> Vec<Action> {
        let Some(a) = self.approvals.remove(approval_id) else {
            return Vec::new(); // already resolved, cancelled or answered
        };
        self.elicitations.retain(|_, v| v != approval_id);
        let (decision, reason) = match &outcome {
            ApprovalOutcome::Approved => ("approved", None),
            ApprovalOutcome::Denied => ("denied", None),
            ApprovalOutcome::TimedOut => ("timeout", None),
            ApprovalOutcome::Failed(e) => ("failed", Some(redact_text(e, 512))),
        };
        let mut ev = self.event(kinds::APPROVAL);
        ev.method = Some(a.method.clone());
        ev.tool.clone_from(&a.tool);
        ev.decision = Some(decision.into());
        ev.detail = json!({ "approval": approval_id, "error": reason });
        let fallback = match &a.origin {
            Origin::Client(id) => Fallback::DenyClient(id.clone()),
            Origin::Server(id) => Fallback::DenyServer(id.clone()),
        };
        let mut out = vec![Action::Audit {
            event: ev,
            fallback,
        }];
        if a.kind == ApprovalKind::Quarantine {
            out.extend(self.end_quarantine(approval_id, a, &outcome));
            return out;
        }
        if outcome == ApprovalOutcome::Approved {
            let mut flight = InFlight::new(a.method, a.tool);
            flight.sensitive = a.sensitive;
            match a.origin {
                Origin::Client(id) => {
                    self.in_flight.insert(id, flight);
                    out.push(Action::ToServer(a.frame));
                }
                Origin::Server(id) => {
                    self.server_in_flight.insert(id, flight);
                    out.push(Action::ToClient(a.frame));
                }
            }
            return out;
        }
        let (code, message) = match outcome {
            ApprovalOutcome::TimedOut => (
                codes::APPROVAL_TIMEOUT,
                format!(
                    "mcpward: approval {approval_id} was not given within {}s, so the call was denied; \
                     to allow it, run `mcpward approve {approval_id}` before the timeout",
                    a.timeout.as_secs()
                ),
            ),
            ApprovalOutcome::Failed(_) => (
                codes::DENIED,
                format!("mcpward: call denied: approval {approval_id} could not be requested"),
            ),
            _ => (
                codes::DENIED,
                format!("mcpward: call denied (approval {approval_id} was refused)"),
            ),
        };
        match a.origin {
            Origin::Client(id) => out.push(Action::ToClient(wire::error_response(
                Some(&id),
                code,
                &message,
            ))),
            Origin::Server(id) => out.push(Action::ToServer(wire::error_response(
                Some(&id),
                code,
                &message,
            ))),
        }
        out
    }

    fn client_notification(&mut self, msg: Message) -> Vec<Action> {
        if msg.method() == Some("tools/call") {
            // A call without an id cannot be answered, and a lax server might still run it.
            return self.drop_notification(msg, "client");
        }
        if msg.method() == Some("notifications/cancelled")
            && let Some(target) = cancelled_request(&msg)
        {
            // The server will not answer it, or its answer will be dropped as stray.
            self.in_flight.remove(&target);
            let waiting = self.approvals.iter().find_map(|(aid, a)| match &a.origin {
                Origin::Client(id) if *id == target => Some(aid.clone()),
                _ => None,
            });
            if let Some(aid) = waiting {
                // The server never saw the request: the cancellation ends here.
                let Some(a) = self.approvals.remove(&aid) else {
                    return Vec::new();
                };
                self.elicitations.retain(|_, v| *v != aid);
                let mut ev = self.event(kinds::APPROVAL);
                ev.method = Some(a.method);
                ev.tool = a.tool;
                ev.decision = Some("cancelled".into());
                ev.detail =
                    json!({ "approval": aid, "reason": "the client cancelled the request" });
                return vec![Action::Audit {
                    event: ev,
                    fallback: Fallback::Continue,
                }];
            }
        }
        vec![Action::ToServer(msg.into_raw())]
    }

    fn client_response(&mut self, msg: Message) -> Vec<Action> {
        let Some(id) = msg.id().cloned() else {
            // An error answer to a message the client could not parse: nobody to route it to.
            return vec![Action::ToServer(msg.into_raw())];
        };
        if let Some(aid) = self.elicitations.remove(&id) {
            let approved = msg.kind() == MessageKind::Response
                && msg
                    .result()
                    .and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
                    .is_some_and(|r| {
                        r.get("action").and_then(Value::as_str) == Some("accept")
                            && r.pointer("/content/approve").and_then(Value::as_bool) == Some(true)
                    });
            let outcome = if approved {
                ApprovalOutcome::Approved
            } else {
                ApprovalOutcome::Denied
            };
            return self.on_approval(&aid, outcome);
        }
        if id.is_reserved() {
            // A late answer to an approval that already ended: it is mcpward's, never the server's.
            let mut ev = self.event(kinds::REJECTED);
            ev.detail = json!({ "from": "client", "id": id.as_json(), "reason": "answer to an approval that already ended" });
            return vec![Action::Audit {
                event: ev,
                fallback: Fallback::Continue,
            }];
        }
        let Some(flight) = self.server_in_flight.remove(&id) else {
            return self.drop_stray_response(&msg, &id, "client");
        };
        let mut ev = self.event(kinds::RESULT);
        ev.method = Some(flight.method);
        ev.detail = json!({
            "id": id.as_json(),
            "from": "client",
            "bytes": msg.raw().len(),
            "error": msg.kind() == MessageKind::ErrorResponse,
            "latency_ms": millis(flight.started.elapsed()),
        });
        vec![
            Action::Audit {
                event: ev,
                fallback: Fallback::DenyServer(id),
            },
            Action::ToServer(msg.into_raw()),
        ]
    }

    // ----- server → client -------------------------------------------------------------

    /// A frame could not be cut from the server's stream (too large): it is dropped, and the
    /// request it answered (recovered from its first bytes) gets an error.
    pub fn on_server_frame_error(
        &mut self,
        err: &FrameError,
        id: Option<&RequestId>,
    ) -> Vec<Action> {
        // An answer too large to forward still ends the request it answers: the client gets an
        // error at once instead of waiting for its own timeout.
        let answered = id.filter(|id| self.in_flight.remove(id).is_some());
        let mut ev = self.event(kinds::REJECTED);
        ev.detail = json!({
            "from": "server",
            "reason": err.to_string(),
            "answered": answered.map(RequestId::as_json),
        });
        let mut out = vec![
            Action::Audit {
                event: ev,
                fallback: Fallback::Continue,
            },
            Action::Notice(format!(
                "mcpward: a message from the server was dropped: {err}"
            )),
        ];
        if let Some(id) = answered {
            out.push(Action::ToClient(wire::error_response(
                Some(id),
                codes::INTERNAL,
                "mcpward: the server's answer exceeds the maximum message size; it was not forwarded",
            )));
        }
        out
    }

    /// One message from the server.
    pub fn on_server_frame(&mut self, frame: Vec<u8>) -> Vec<Action> {
        let bytes = frame.len();
        let msg = match wire::parse_owned(frame) {
            Ok(msg) => msg,
            Err(err) => {
                let mut ev = self.event(kinds::REJECTED);
                ev.detail = json!({
                    "from": "server",
                    "reason": redact_text(&err.to_string(), 512),
                    "bytes": bytes,
                });
                return vec![
                    Action::Audit {
                        event: ev,
                        fallback: Fallback::Continue,
                    },
                    Action::Notice(format!(
                        "mcpward: the server sent a message that is not JSON-RPC ({}); it was dropped",
                        redact_text(&err.to_string(), 200)
                    )),
                ];
            }
        };
        match msg.kind() {
            MessageKind::Request => self.server_request(msg),
            MessageKind::Notification => {
                if msg.method().is_some_and(is_governed_server_request) {
                    // A request in disguise: a lax client might act on it without the policy.
                    self.drop_notification(msg, "server")
                } else {
                    vec![Action::ToClient(msg.into_raw())]
                }
            }
            MessageKind::Response | MessageKind::ErrorResponse => self.server_response(msg),
        }
    }

    /// Drops an answer to a request that is not waiting for one. Every request that crossed
    /// the gateway is tracked, so this is a second answer or one nobody asked for; passing it on
    /// could deliver a `tools/list` result that was never filtered.
    fn drop_stray_response(&mut self, msg: &Message, id: &RequestId, from: &str) -> Vec<Action> {
        let mut ev = self.event(kinds::REJECTED);
        ev.detail = json!({
            "from": from,
            "id": redact_text(id.as_json(), 128),
            "bytes": msg.raw().len(),
            "reason": "an answer to no pending request",
        });
        vec![
            Action::Audit {
                event: ev,
                fallback: Fallback::Continue,
            },
            Action::Notice(format!(
                "mcpward: dropped an answer from the {from} to no pending request (id {})",
                redact_text(id.as_json(), 64)
            )),
        ]
    }

    /// Drops a notification whose method is one the policy governs as a request.
    fn drop_notification(&mut self, msg: Message, from: &str) -> Vec<Action> {
        let method = msg.method().unwrap_or_default().to_owned();
        let mut ev = self.event(kinds::REJECTED);
        ev.method = Some(method.clone());
        ev.decision = Some("deny".into());
        ev.detail = json!({
            "from": from,
            "bytes": msg.raw().len(),
            "reason": "a governed request sent as a notification (no id)",
        });
        vec![
            Action::Audit {
                event: ev,
                fallback: Fallback::Continue,
            },
            Action::Notice(format!(
                "mcpward: dropped a `{}` notification from the {from}: it must be a request",
                redact_text(&method, 64)
            )),
        ]
    }

    fn server_request(&mut self, msg: Message) -> Vec<Action> {
        let Some(id) = msg.id().cloned() else {
            return Vec::new();
        };
        let method = msg.method().unwrap_or_default().to_owned();
        if id.is_reserved() {
            return vec![Action::ToServer(wire::error_response(
                Some(&id),
                codes::INVALID_REQUEST,
                "mcpward: request ids starting with `mcpward-` are reserved",
            ))];
        }
        let decision = if is_governed_server_request(&method) {
            self.gate.server_request(&self.config.server, &method)
        } else {
            Decision {
                verdict: Verdict::Allow,
                rule: "pass-through".into(),
                reason: String::new(),
            }
        };
        let mut ev = self.event(kinds::SERVER_REQUEST);
        ev.method = Some(method.clone());
        ev.decision = Some(decision.verdict.as_str().into());
        ev.rule = Some(decision.rule.clone());
        ev.detail = json!({
            "id": id.as_json(),
            "bytes": msg.raw().len(),
            "reason": redact_text(&decision.reason, 512),
        });
        let mut out = vec![Action::Audit {
            event: ev,
            fallback: Fallback::DenyServer(id.clone()),
        }];
        match decision.verdict {
            Verdict::Allow => {
                self.server_in_flight
                    .insert(id, InFlight::new(method, None));
                out.push(Action::ToClient(msg.into_raw()));
            }
            Verdict::Deny => out.push(Action::ToServer(wire::error_response(
                Some(&id),
                codes::DENIED,
                "mcpward: request denied by policy",
            ))),
            Verdict::Ask => {
                let what = format!(
                    "server \"{}\" sends the request {}",
                    self.config.server,
                    redact_text(&method, 128)
                );
                out.extend(self.ask(
                    Origin::Server(id),
                    msg.into_raw(),
                    &method,
                    None,
                    what,
                    ApprovalKind::Call,
                ));
            }
        }
        out
    }

    fn server_response(&mut self, msg: Message) -> Vec<Action> {
        let Some(id) = msg.id().cloned() else {
            return vec![Action::ToClient(msg.into_raw())];
        };
        let Some(flight) = self.in_flight.remove(&id) else {
            return self.drop_stray_response(&msg, &id, "server");
        };
        if flight.method == "tools/list" && msg.kind() == MessageKind::Response {
            return self.tools_list_result(msg, id, flight);
        }
        self.screen_response(msg, id, flight)
    }

    fn tools_list_result(&mut self, msg: Message, id: RequestId, flight: InFlight) -> Vec<Action> {
        let bytes = msg.raw().len();
        let refuse = |session: &mut Session, why: &str| {
            let mut ev = session.event(kinds::RESULT);
            ev.method = Some("tools/list".into());
            ev.decision = Some("deny".into());
            ev.detail = json!({ "id": id.as_json(), "bytes": bytes, "reason": why });
            vec![
                Action::Audit {
                    event: ev,
                    fallback: Fallback::DenyClient(id.clone()),
                },
                Action::ToClient(wire::error_response(
                    Some(&id),
                    codes::INTERNAL,
                    &format!("mcpward: the server's tools/list result was refused: {why}"),
                )),
            ]
        };
        let result = match msg.result_value() {
            Ok(Some(result)) => result,
            Ok(None) => return refuse(self, "no result"),
            Err(err) => return refuse(self, &redact_text(&err.to_string(), 256)),
        };
        let Some(tools) = result.get("tools").and_then(Value::as_array) else {
            return refuse(self, "the result has no `tools` list");
        };
        let listing = self.listing.get_or_insert_with(Listing::default);
        let mut observed = Vec::with_capacity(tools.len());
        let mut poisoned = HashMap::new();
        let mut nameless = 0;
        for tool in tools {
            let Some(name) = tool.get("name").and_then(Value::as_str) else {
                nameless += 1;
                continue;
            };
            listing.names.insert(name.to_owned());
            let findings = mcpward_guard::tools::screen_tool(tool);
            if !findings.is_empty() {
                poisoned.insert(name.to_owned(), findings);
            }
            observed.push(ObservedTool {
                name: name.to_owned(),
                hash: pins::tool_hash(tool),
                definition: pins::pinned_definition(tool),
            });
        }
        let complete = result.get("nextCursor").is_none_or(|c| c.is_null());
        let all_names = complete.then(|| listing.names.clone());
        let observation = Observation {
            server: self.config.server.clone(),
            tools: observed,
            trust_new: listing.trust_new,
            complete: all_names.clone(),
        };
        if complete {
            self.listing = None;
        }
        let token = self.next_token;
        self.next_token += 1;
        self.held_lists.insert(
            token,
            HeldList {
                id,
                result,
                started: flight.started,
                bytes,
                raw: msg.into_raw(),
                complete: all_names,
                nameless,
                poisoned,
            },
        );
        vec![Action::ObservePins { token, observation }]
    }

    /// The lockfile's answer to [`Action::ObservePins`]: releases the held `tools/list` result,
    /// with denied and blocked tools removed.
    pub fn on_pins(&mut self, token: u64, report: Result<PinReport, String>) -> Vec<Action> {
        let Some(held) = self.held_lists.remove(&token) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let tools: &[Value] = held
            .result
            .get("tools")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let named = tools
            .iter()
            .filter_map(|t| t.get("name").and_then(Value::as_str).map(|n| (n, t)));
        let report = match report {
            Ok(r) => r,
            Err(e) => {
                // Fail closed: without the lockfile, nothing is known to be unchanged.
                out.push(Action::Notice(format!(
                    "mcpward: the lockfile could not be updated ({e}); every tool is treated as changed"
                )));
                PinReport {
                    first_seen: false,
                    tools: named
                        .clone()
                        .map(|(n, _)| (n.to_owned(), PinStatus::Unapproved(Change::Changed)))
                        .collect(),
                    removed: Vec::new(),
                }
            }
        };
        if report.first_seen
            && let Some(listing) = &mut self.listing
        {
            listing.trust_new = true;
        }
        let statuses: HashMap<&str, &PinStatus> =
            report.tools.iter().map(|(n, s)| (n.as_str(), s)).collect();
        let mut hidden = Vec::new();
        let handling = self.settings.on_tool_change;
        for (name, tool) in named {
            let status = statuses
                .get(name)
                .map_or(PinStatus::Unapproved(Change::Added), |s| (*s).clone());
            let previous = self.tools.get(name).map(|t| t.pin.clone());
            if previous.as_ref() != Some(&status) {
                match &status {
                    PinStatus::Pinned => {
                        let mut ev = self.event(kinds::PIN);
                        ev.tool = Some(name.to_owned());
                        ev.decision = Some("pinned".into());
                        ev.rule = Some("trust-on-first-use".into());
                        ev.detail = json!({ "hash": pins::tool_hash(tool) });
                        out.push(Action::Audit {
                            event: ev,
                            fallback: Fallback::DenyClient(held.id.clone()),
                        });
                    }
                    PinStatus::Unapproved(change) => {
                        let mut ev = self.event(kinds::PIN);
                        ev.tool = Some(name.to_owned());
                        ev.decision = Some(change.as_str().into());
                        ev.rule = Some("defaults.on_tool_change".into());
                        ev.detail =
                            json!({ "hash": pins::tool_hash(tool), "handling": handling.as_str() });
                        out.push(Action::Audit {
                            event: ev,
                            fallback: Fallback::DenyClient(held.id.clone()),
                        });
                        out.push(Action::Notice(format!(
                            "mcpward: tool `{}` of server `{}` was {} since the server's tools were pinned ({}); review it, then run `mcpward pin approve {} {}`",
                            redact_text(name, 128),
                            self.config.server,
                            change.as_str(),
                            match handling {
                                OnToolChange::Block => "blocked until approved",
                                OnToolChange::Ask => "each call needs approval",
                                OnToolChange::Allow => "allowed by on_tool_change",
                            },
                            self.config.server,
                            redact_text(name, 128),
                        )));
                    }
                    PinStatus::Unchanged => {}
                }
            }
            let blocked =
                matches!(status, PinStatus::Unapproved(_)) && handling == OnToolChange::Block;
            let findings = held.poisoned.get(name);
            let poisoned =
                findings.is_some() && self.settings.on_poisoned_tool == OnPoisonedTool::Block;
            if let Some(findings) = findings {
                out.extend(self.poisoned_tool_event(name, findings, &held.id));
            }
            if blocked || poisoned || !self.gate.tool_visible(&self.config.server, name) {
                hidden.push(name.to_owned());
            }
            self.tools.insert(
                name.to_owned(),
                ToolState {
                    schema: tool.get("inputSchema").cloned(),
                    annotations: tool.get("annotations").cloned(),
                    pin: status,
                    poisoned,
                },
            );
        }
        for name in &report.removed {
            let mut ev = self.event(kinds::PIN);
            ev.tool = Some(name.clone());
            ev.decision = Some("removed".into());
            ev.rule = Some("defaults.on_tool_change".into());
            ev.detail = json!({});
            out.push(Action::Audit {
                event: ev,
                fallback: Fallback::DenyClient(held.id.clone()),
            });
            out.push(Action::Notice(format!(
                "mcpward: tool `{}` of server `{}` was removed since the server's tools were pinned; run `mcpward pin approve {}` to accept that",
                redact_text(name, 128),
                self.config.server,
                self.config.server,
            )));
        }
        if let Some(all) = &held.complete {
            // The listing is complete: forget tools the server no longer lists.
            self.tools.retain(|name, _| all.contains(name));
        }
        let mut ev = self.event(kinds::RESULT);
        ev.method = Some("tools/list".into());
        ev.detail = json!({
            "id": held.id.as_json(),
            "bytes": held.bytes,
            "latency_ms": millis(held.started.elapsed()),
            "tools": tools.len(),
            "hidden": hidden,
            "poisoned": held.poisoned.keys().collect::<Vec<_>>(),
        });
        out.push(Action::Audit {
            event: ev,
            fallback: Fallback::DenyClient(held.id.clone()),
        });
        // Under `warn`, flagged tools stay listed with their hidden characters removed.
        let sanitize =
            !held.poisoned.is_empty() && self.settings.on_poisoned_tool == OnPoisonedTool::Warn;
        if hidden.is_empty() && held.nameless == 0 && !sanitize {
            out.push(Action::ToClient(held.raw));
        } else {
            let mut result = held.result;
            if let Some(Value::Array(list)) = result.get_mut("tools") {
                list.retain(|t| {
                    t.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| !hidden.iter().any(|h| h == n))
                });
                if sanitize {
                    for t in list.iter_mut() {
                        if t.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| held.poisoned.contains_key(n))
                        {
                            screen::sanitize_strings(t, 0);
                        }
                    }
                }
            }
            out.push(Action::ToClient(wire::with_result(&held.id, &result)));
        }
        out
    }
}

/// The `requestId` of a `notifications/cancelled`, as its JSON text.
fn cancelled_request(msg: &Message) -> Option<RequestId> {
    #[derive(serde::Deserialize)]
    struct Cancelled<'a> {
        #[serde(borrow, rename = "requestId")]
        request_id: &'a serde_json::value::RawValue,
    }
    let params = msg.params()?;
    let cancelled: Cancelled<'_> = serde_json::from_str(params.get()).ok()?;
    RequestId::from_json(cancelled.request_id.get()).ok()
}

/// Server-initiated methods the policy decides on.
fn is_governed_server_request(method: &str) -> bool {
    method.starts_with("sampling/")
        || method.starts_with("elicitation/")
        || method.starts_with("roots/")
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

mod screen;
#[cfg(test)]
mod tests;
