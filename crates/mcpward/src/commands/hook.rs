//! `mcpward hook`: one Claude Code hook event on stdin, one answer on stdout.
//!
//! Claude Code runs a command hook with the event as JSON on stdin and reads its answer from
//! the exit code and stdout (<https://code.claude.com/docs/en/hooks>):
//!
//! - exit 0 with no output: no opinion, Claude Code goes on as it would without the hook;
//! - exit 0 with JSON: `hookSpecificOutput.permissionDecision` (`allow` | `ask` | `deny`) for
//!   `PreToolUse`, `hookSpecificOutput.updatedToolOutput` (and the older, MCP-only
//!   `updatedMCPToolOutput`) for `PostToolUse`;
//! - exit 2: a blocking error, stderr goes to the model; **any other failure (exit 1, a crash,
//!   a timeout) lets the call through**.
//!
//! So this command never fails with anything but 2: a payload it cannot read, a policy that
//! does not load, an audit record it cannot write — each is exit 2 with the reason on stderr.
//! After a tool ran (`PostToolUse`) exit 2 cannot take the output back, so there a failure
//! withholds the output instead (exit 0, the output replaced by a note, a `systemMessage`
//! for the user).
//!
//! What is decided:
//!
//! - **MCP tools** (`mcp__SERVER__TOOL`, plugin servers included): the policy's
//!   `[servers.SERVER]` (matched by the `mcp_server.name` Claude Code sends, else by the tool
//!   name; a section matches when its name, with characters outside `A-Z a-z 0-9 _ -` turned
//!   into `_` as Claude Code does, equals the server's). `PostToolUse` screens the output with
//!   `defaults.on_secret` and `defaults.on_injection` ([`output`]).
//! - **Claude Code's own tools** (`Bash`, `Read`, `WebFetch`, …) only when the policy has a
//!   `[servers."claude-code:builtin"]` section ([`BUILTIN_SECTION`]); otherwise no opinion.
//!   A built-in tool that no rule of that section (or of `"*"`) names gets no opinion either,
//!   never the default decision, and only that section can allow one.

mod output;

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use mcpward_gateway::audit::{redact_text, redact_value};
use mcpward_gateway::mcpward_audit::{Durability, Event, OpenOptions, Store};
use mcpward_gateway::mcpward_policy::{
    self, Call, DecideOptions, Decision, Policy, SecretInArgsAction, SessionState, Verdict,
};
use serde_json::{Value, json};

use crate::cli::HookArgs;
use crate::commands::run::{ErrorChain, audit_path, policy_path};

/// The policy section that names Claude Code's built-in tools. The `:` keeps it apart from any
/// MCP server (Claude Code server names in tool names hold only `A-Z a-z 0-9 _ -`).
pub(crate) const BUILTIN_SECTION: &str = "claude-code:builtin";

/// The agent name recorded in the audit log.
const AGENT: &str = "claude-code";

/// The largest hook payload read (a tool's whole output can be in it).
const MAX_PAYLOAD: u64 = 64 * 1024 * 1024;

/// Exit code 2: Claude Code's blocking error.
const EXIT_BLOCK: u8 = 2;

/// What the hook answers: JSON on stdout (or nothing), a message on stderr, an exit code.
#[derive(Debug, Default)]
struct Answer {
    stdout: Option<Value>,
    stderr: Option<String>,
    code: u8,
}

impl Answer {
    fn none() -> Answer {
        Answer::default()
    }

    fn json(value: Value) -> Answer {
        Answer {
            stdout: Some(value),
            ..Answer::default()
        }
    }

    /// Exit 2: blocks the tool call (`PreToolUse`), shows `message` to the model.
    fn block(message: impl Into<String>) -> Answer {
        Answer {
            stdout: None,
            stderr: Some(message.into()),
            code: EXIT_BLOCK,
        }
    }
}

/// `mcpward hook`.
pub(crate) fn run(args: &HookArgs) -> anyhow::Result<ExitCode> {
    let answer = answer(args);
    if let Some(value) = &answer.stdout {
        // A failed write to stdout leaves Claude Code with no answer (no opinion): make it a
        // block instead.
        let text = value.to_string();
        let mut stdout = std::io::stdout().lock();
        if std::io::Write::write_all(&mut stdout, text.as_bytes())
            .and_then(|()| std::io::Write::flush(&mut stdout))
            .is_err()
        {
            eprintln!("mcpward hook: cannot write the answer to stdout");
            return Ok(ExitCode::from(EXIT_BLOCK));
        }
    }
    if let Some(message) = &answer.stderr {
        eprintln!("{message}");
    }
    Ok(ExitCode::from(answer.code))
}

fn answer(args: &HookArgs) -> Answer {
    let payload = match read_payload() {
        Ok(payload) => payload,
        Err(message) => return Answer::block(format!("mcpward hook: {message}")),
    };
    let event = match HookEvent::parse(&payload) {
        Ok(event) => event,
        Err(message) => return Answer::block(format!("mcpward hook: {message}")),
    };
    let env = Env { args };
    match event.name.as_str() {
        "PreToolUse" => pre_tool_use(&event, &env),
        "PostToolUse" => post_tool_use(&event, &env),
        "PostToolUseFailure" => post_tool_use_failure(&event, &env),
        // Not a tool decision: no opinion.
        _ => Answer::none(),
    }
}

/// Where the policy and the audit log come from.
struct Env<'a> {
    args: &'a HookArgs,
}

impl Env<'_> {
    fn policy(&self) -> Result<Policy, String> {
        let Some(path) = policy_path(self.args.policy.as_deref()) else {
            return Err(
                "no policy file (neither --policy, MCPWARD_HOME nor HOME is set); write one with `mcpward init`"
                    .into(),
            );
        };
        if self.args.policy.is_none() && !path.exists() {
            return Err(format!(
                "no policy file at {}; write one with `mcpward init`, or pass --policy FILE",
                path.display()
            ));
        }
        mcpward_policy::load(&path).map_err(|err| match err.hint() {
            Some(hint) => format!("invalid policy: {err} (hint: {hint})"),
            None => format!("invalid policy: {err}"),
        })
    }

    fn record(&self, event: &Event) -> Result<u64, String> {
        let path = audit_path().map_err(|e| format!("{e:#}"))?;
        // As `mcpward run` by default: a commit reaches the OS cache (it survives this process,
        // not a power loss); closing skips the checkpoint's fsyncs (a later commit folds the
        // log in).
        let options = OpenOptions::new()
            .durability(Durability::Normal)
            .checkpoint_on_close(false);
        let store = Store::open_with(&path, &options).map_err(|e| {
            format!(
                "cannot open the audit log {}: {}",
                path.display(),
                ErrorChain(&e)
            )
        })?;
        store
            .append(event)
            .map_err(|e| format!("cannot write the audit log: {}", ErrorChain(&e)))
    }
}

fn read_payload() -> Result<Value, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_PAYLOAD + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the hook event on stdin: {e}"))?;
    if bytes.len() as u64 > MAX_PAYLOAD {
        return Err(format!(
            "the hook event on stdin is larger than {MAX_PAYLOAD} bytes"
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| format!("the hook event is not JSON: {e}"))
}

/// The fields of a hook event that mcpward reads; everything else is ignored.
#[derive(Debug)]
struct HookEvent {
    name: String,
    session: Option<String>,
    cwd: Option<String>,
    agent_id: Option<String>,
    agent_type: Option<String>,
    tool_name: String,
    tool_input: Value,
    tool_use_id: Option<String>,
    tool_response: Option<Value>,
    error: Option<String>,
    /// `mcp_server.name`: the server's config key, for `mcp__*` tools.
    mcp_server: Option<String>,
    duration_ms: Option<u64>,
}

impl HookEvent {
    fn parse(payload: &Value) -> Result<HookEvent, String> {
        let obj = payload
            .as_object()
            .ok_or("the hook event is not a JSON object")?;
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_owned);
        let name = text("hook_event_name").ok_or("the hook event has no `hook_event_name`")?;
        let is_tool_event = matches!(
            name.as_str(),
            "PreToolUse" | "PostToolUse" | "PostToolUseFailure"
        );
        let tool_name = match text("tool_name") {
            Some(t) => t,
            None if is_tool_event => return Err(format!("the {name} event has no `tool_name`")),
            None => String::new(),
        };
        if is_tool_event && tool_name.is_empty() {
            return Err(format!("the {name} event has an empty `tool_name`"));
        }
        let tool_input = obj.get("tool_input").cloned().unwrap_or(Value::Null);
        if is_tool_event && !matches!(tool_input, Value::Object(_) | Value::Null) {
            return Err(format!("the {name} event's `tool_input` is not an object"));
        }
        let tool_response = obj.get("tool_response").cloned();
        if name == "PostToolUse" && tool_response.is_none() {
            return Err("the PostToolUse event has no `tool_response`".into());
        }
        Ok(HookEvent {
            session: text("session_id"),
            cwd: text("cwd"),
            agent_id: text("agent_id"),
            agent_type: text("agent_type"),
            tool_input,
            tool_use_id: text("tool_use_id"),
            tool_response,
            error: text("error"),
            mcp_server: obj
                .get("mcp_server")
                .and_then(|s| s.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            duration_ms: obj.get("duration_ms").and_then(Value::as_u64),
            tool_name,
            name,
        })
    }

    /// The audit event every answer to this hook event starts from.
    fn audit(&self, kind: &str, tool: &ToolRef) -> Event {
        let mut ev = Event::new(kind);
        ev.agent = Some(AGENT.into());
        ev.session = self.session.clone();
        ev.method = Some("tools/call".into());
        match tool {
            ToolRef::Mcp { server, tool } => {
                ev.server = Some(server.clone());
                ev.tool = Some(tool.clone());
            }
            ToolRef::Builtin(name) => {
                ev.server = Some(BUILTIN_SECTION.into());
                ev.tool = Some(name.clone());
            }
        }
        ev
    }

    /// What every audit detail carries about the hook call.
    fn detail(&self) -> serde_json::Map<String, Value> {
        let mut d = serde_json::Map::new();
        d.insert("hook".into(), json!(self.name));
        d.insert("tool_name".into(), json!(self.tool_name));
        if let Some(id) = &self.tool_use_id {
            d.insert("tool_use_id".into(), json!(id));
        }
        if let Some(id) = &self.agent_id {
            d.insert("agent_id".into(), json!(id));
        }
        if let Some(t) = &self.agent_type {
            d.insert("agent_type".into(), json!(t));
        }
        d
    }
}

/// A tool as the policy names it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ToolRef {
    /// `mcp__SERVER__TOOL`: the policy section's name and the tool's.
    Mcp { server: String, tool: String },
    /// One of Claude Code's own tools.
    Builtin(String),
}

/// Claude Code's spelling of a server name in tool names: characters outside
/// `A-Z a-z 0-9 _ -` become `_`.
pub(crate) fn normalize_server(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Which tool `tool_name` is, and which policy section judges it.
fn resolve(tool_name: &str, mcp_server: Option<&str>, policy: &Policy) -> ToolRef {
    let Some(rest) = tool_name.strip_prefix("mcp__") else {
        return ToolRef::Builtin(tool_name.to_owned());
    };
    let sections: Vec<&str> = policy.servers().filter(|s| *s != BUILTIN_SECTION).collect();
    // The section for a server name: the exact one, else one that Claude Code spells alike.
    let section_for = |server: &str| -> String {
        if sections.contains(&server) {
            return server.to_owned();
        }
        let spelled = normalize_server(server);
        sections
            .iter()
            .find(|s| normalize_server(s) == spelled)
            .map_or_else(|| server.to_owned(), |s| (*s).to_owned())
    };
    if let Some(server) = mcp_server.filter(|s| !s.is_empty()) {
        let prefix = format!("{}__", normalize_server(server));
        if let Some(tool) = rest.strip_prefix(&prefix) {
            return ToolRef::Mcp {
                server: section_for(server),
                tool: tool.to_owned(),
            };
        }
    }
    // From the name alone: the longest section whose spelling prefixes it, else the first `__`.
    let by_section = sections
        .iter()
        .filter_map(|s| {
            let prefix = format!("{}__", normalize_server(s));
            rest.strip_prefix(&prefix).map(|tool| (s, tool))
        })
        .max_by_key(|(s, _)| s.len());
    if let Some((server, tool)) = by_section {
        return ToolRef::Mcp {
            server: (*server).to_owned(),
            tool: tool.to_owned(),
        };
    }
    match rest.split_once("__") {
        Some((server, tool)) => ToolRef::Mcp {
            server: server.to_owned(),
            tool: tool.to_owned(),
        },
        None => ToolRef::Mcp {
            server: rest.to_owned(),
            tool: String::new(),
        },
    }
}

/// What the hook does with a policy decision on a built-in tool: `None` = no opinion.
///
/// Only rules the policy wrote for the tool count: the default decision, the checks mcpward
/// makes on every URL, and an allow from anywhere but the built-in section give no opinion, so
/// Claude Code's own permissions decide as they would without mcpward.
fn builtin_opinion(decision: Decision) -> Option<Decision> {
    let own = decision
        .rule
        .starts_with(&format!("servers.\"{BUILTIN_SECTION}\""));
    let generic = decision.rule == "defaults.decision" || decision.rule.starts_with("builtin.");
    match decision.verdict {
        _ if generic => None,
        Verdict::Allow if !own => None,
        _ => Some(decision),
    }
}

fn pre_tool_use(event: &HookEvent, env: &Env<'_>) -> Answer {
    let policy = match env.policy() {
        Ok(policy) => policy,
        Err(message) => return Answer::block(format!("mcpward hook: {message}")),
    };
    let tool = resolve(&event.tool_name, event.mcp_server.as_deref(), &policy);
    let session = SessionState::default();
    let decision = match &tool {
        ToolRef::Mcp { server, tool } => {
            let call = Call {
                server,
                tool,
                arguments: &event.tool_input,
                agent: Some(AGENT),
                session: &session,
            };
            // No working directory: an MCP server resolves relative paths against its own
            // roots, not Claude Code's directory (as `mcpward run` does).
            let decision = policy.decide(&call);
            secret_in_args(decision, &event.tool_input, &policy)
        }
        ToolRef::Builtin(name) => {
            if !policy.servers().any(|s| s == BUILTIN_SECTION) {
                return Answer::none();
            }
            let call = Call {
                server: BUILTIN_SECTION,
                tool: name,
                arguments: &event.tool_input,
                agent: Some(AGENT),
                session: &session,
            };
            let cwd = event
                .cwd
                .as_deref()
                .map(Path::new)
                .filter(|p| p.is_absolute());
            let options = DecideOptions { schema: None, cwd };
            match builtin_opinion(policy.decide_with(&call, &options)) {
                Some(decision) => decision,
                None => return Answer::none(),
            }
        }
    };
    let mut ev = event.audit("request", &tool);
    ev.decision = Some(decision.verdict.as_str().into());
    ev.rule = Some(decision.rule.clone());
    let mut detail = event.detail();
    detail.insert("arguments".into(), redact_value(&event.tool_input));
    detail.insert("reason".into(), json!(redact_text(&decision.reason, 512)));
    ev.detail = Value::Object(detail);
    if let Err(message) = env.record(&ev) {
        // A decision that cannot be recorded denies.
        return Answer::block(format!("mcpward hook: {message}"));
    }
    let reason = match decision.verdict {
        // Shown to the person asked, not to the model.
        Verdict::Ask => format!(
            "mcpward: {} (rule {})",
            redact_text(&decision.reason, 512),
            decision.rule
        ),
        Verdict::Allow | Verdict::Deny => decision.model_message(),
    };
    Answer::json(json!({
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": decision.verdict.as_str(),
            "permissionDecisionReason": reason,
        }
    }))
}

/// `defaults.on_secret_in_args`: a credential in the arguments denies or asks.
fn secret_in_args(decision: Decision, arguments: &Value, policy: &Policy) -> Decision {
    if decision.verdict == Verdict::Deny {
        return decision;
    }
    let verdict = match policy.defaults().on_secret_in_args {
        SecretInArgsAction::Block => Verdict::Deny,
        SecretInArgsAction::Ask => Verdict::Ask,
        _ => return decision,
    };
    let Some(kind) = first_secret(arguments, 0) else {
        return decision;
    };
    if verdict == Verdict::Ask && decision.verdict == Verdict::Ask {
        return decision;
    }
    Decision {
        verdict,
        rule: "defaults.on_secret_in_args".into(),
        reason: format!("the arguments hold a credential ({kind})"),
    }
}

fn first_secret(value: &Value, depth: usize) -> Option<&'static str> {
    if depth > 64 {
        return None;
    }
    match value {
        Value::String(s) => mcpward_guard::find_secrets(s).first().map(|m| m.kind),
        Value::Array(items) => items.iter().find_map(|v| first_secret(v, depth + 1)),
        Value::Object(map) => map.values().find_map(|v| first_secret(v, depth + 1)),
        _ => None,
    }
}

fn post_tool_use(event: &HookEvent, env: &Env<'_>) -> Answer {
    let is_mcp = event.tool_name.starts_with("mcp__");
    if !is_mcp {
        // Built-in tools' outputs are not screened (see docs/claude-code.md).
        return Answer::none();
    }
    let Some(response) = &event.tool_response else {
        return Answer::block("mcpward hook: the PostToolUse event has no `tool_response`");
    };
    let policy = match env.policy() {
        Ok(policy) => policy,
        Err(message) => return withhold_on_error(response, &message),
    };
    let tool = resolve(&event.tool_name, event.mcp_server.as_deref(), &policy);
    let defaults = policy.defaults();
    let screened = output::screen_response(response, defaults.on_secret, defaults.on_injection);
    let mut ev = event.audit("result", &tool);
    ev.decision = Some(screened.action.as_str().into());
    ev.rule = screened.rule.clone();
    let mut detail = event.detail();
    detail.insert("findings".into(), screened.findings_json());
    detail.insert("texts".into(), json!(screened.texts));
    detail.insert("bytes".into(), json!(screened.bytes));
    if let Some(ms) = event.duration_ms {
        detail.insert("duration_ms".into(), json!(ms));
    }
    if screened.action == output::Action::Quarantined {
        // The original, secrets redacted, for a person to review (`mcpward log`).
        detail.insert(
            "original".into(),
            json!(redact_text(&response.to_string(), output::MAX_QUARANTINED)),
        );
    }
    ev.detail = Value::Object(detail);
    let seq = match env.record(&ev) {
        Ok(seq) => seq,
        Err(message) => return withhold_on_error(response, &message),
    };
    match screened.replacement(seq) {
        None => Answer::none(),
        Some((value, note)) => {
            let mut out = serde_json::Map::new();
            out.insert("hookEventName".into(), json!("PostToolUse"));
            out.insert("updatedToolOutput".into(), value.clone());
            out.insert("updatedMCPToolOutput".into(), value);
            if let Some(note) = note {
                out.insert("additionalContext".into(), json!(note));
            }
            Answer::json(json!({ "hookSpecificOutput": out }))
        }
    }
}

/// After the tool ran, exit 2 cannot take its output back: withhold it, and tell the user.
fn withhold_on_error(response: &Value, message: &str) -> Answer {
    let note = "mcpward could not screen the output of this tool call, so it was withheld. \
                Tell the user; do not try to obtain it another way.";
    let value = output::withheld(response, note);
    Answer {
        stdout: Some(json!({
            "systemMessage": format!("mcpward hook: {message}"),
            "hookSpecificOutput": {
                "hookEventName": "PostToolUse",
                "updatedToolOutput": value.clone(),
                "updatedMCPToolOutput": value,
            }
        })),
        stderr: Some(format!("mcpward hook: {message}")),
        code: 0,
    }
}

/// A failed MCP tool call: Claude Code passes the error text, and hooks cannot replace it; a
/// note tells the model what the text holds.
fn post_tool_use_failure(event: &HookEvent, env: &Env<'_>) -> Answer {
    if !event.tool_name.starts_with("mcp__") {
        return Answer::none();
    }
    let error = event.error.as_deref().unwrap_or("");
    let policy = match env.policy() {
        Ok(policy) => policy,
        Err(message) => return Answer::block(format!("mcpward hook: {message}")),
    };
    let tool = resolve(&event.tool_name, event.mcp_server.as_deref(), &policy);
    let screened = output::screen_response(
        &Value::String(error.to_owned()),
        policy.defaults().on_secret,
        policy.defaults().on_injection,
    );
    let mut ev = event.audit("result", &tool);
    ev.decision = Some(
        if screened.has_findings() {
            "flagged"
        } else {
            "pass"
        }
        .into(),
    );
    ev.rule = screened.rule.clone();
    let mut detail = event.detail();
    detail.insert("error".into(), json!(true));
    detail.insert("findings".into(), screened.findings_json());
    detail.insert("bytes".into(), json!(error.len()));
    ev.detail = Value::Object(detail);
    if let Err(message) = env.record(&ev) {
        return Answer::block(format!("mcpward hook: {message}"));
    }
    match screened.failure_note() {
        None => Answer::none(),
        Some(note) => Answer::json(json!({
            "hookSpecificOutput": {
                "hookEventName": "PostToolUseFailure",
                "additionalContext": note,
            }
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        mcpward_policy::parse(text, Path::new("p.toml")).expect("valid policy")
    }

    #[test]
    fn tool_names_resolve_to_sections() {
        let p = policy(
            "version = 1\n[servers.github]\nallow=[\"*\"]\n[servers.\"my.db\"]\nallow=[\"*\"]\n[servers.\"plugin:acme:db\"]\nallow=[\"*\"]\n[servers.a__b]\nallow=[\"*\"]\n",
        );
        let mcp = |s: &str, t: &str| ToolRef::Mcp {
            server: s.into(),
            tool: t.into(),
        };
        assert_eq!(
            resolve("mcp__github__get_issue", None, &p),
            mcp("github", "get_issue")
        );
        assert_eq!(
            resolve("mcp__my_db__query", None, &p),
            mcp("my.db", "query")
        );
        assert_eq!(
            resolve("mcp__plugin_acme_db__query", None, &p),
            mcp("plugin:acme:db", "query")
        );
        assert_eq!(resolve("mcp__a__b__x", None, &p), mcp("a__b", "x"));
        assert_eq!(
            resolve("mcp__other__do__it", None, &p),
            mcp("other", "do__it")
        );
        assert_eq!(
            resolve("mcp__x__y", Some("github"), &p),
            mcp("x", "y"),
            "a server name that does not prefix the tool name is not trusted"
        );
        assert_eq!(
            resolve("mcp__github__get", Some("github"), &p),
            mcp("github", "get")
        );
        assert_eq!(resolve("Bash", None, &p), ToolRef::Builtin("Bash".into()));
        assert_eq!(resolve("mcp__lonely", None, &p), mcp("lonely", ""));
    }

    #[test]
    fn built_in_tools_get_only_their_own_rules() {
        let d = |verdict, rule: &str| Decision {
            verdict,
            rule: rule.into(),
            reason: String::new(),
        };
        assert!(builtin_opinion(d(Verdict::Deny, "defaults.decision")).is_none());
        assert!(builtin_opinion(d(Verdict::Deny, "builtin.url-private-address")).is_none());
        assert!(builtin_opinion(d(Verdict::Allow, "servers.\"*\".allow[0] \"*\"")).is_none());
        assert!(
            builtin_opinion(d(Verdict::Deny, "servers.\"*\".paths.deny \"**/.env\"")).is_some()
        );
        assert!(
            builtin_opinion(d(
                Verdict::Allow,
                "servers.\"claude-code:builtin\".allow[0] \"Read\""
            ))
            .is_some()
        );
    }
}
