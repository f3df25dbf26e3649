//! The I/O half of `scan --connect`: start a configured stdio server, speak MCP to it as a client
//! just long enough to list its tools, and stop it.
//!
//! A small client on our own framing ([`mcpward_protocol::Framer`]) rather than `rmcp`: the tools
//! must reach the scan and the lockfile exactly as the server sent them (rmcp's typed `Tool`
//! drops unknown fields, and `tool_hash` must equal what `mcpward run` computes from the raw
//! JSON), the conversation is four messages long, and it adds no dependency.
//!
//! Per server: `initialize` (protocol version [`PROTOCOL_VERSION`], no capabilities), then
//! `notifications/initialized`, then `tools/list` page by page. Requests from the server are
//! answered (`ping` with `{}`, `roots/list` with no roots, anything else "method not found");
//! notifications are ignored. One deadline covers the whole exchange. Afterwards the server's
//! process group is killed, so `npx` and the node process it starts go together. What the
//! server writes on stderr is kept (the last 8 KiB) and only ever shown as one sanitized,
//! redacted line in a failure reason.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcpward_protocol::Framer;
use mcpward_scan::connect::{Outcome, Target};
use serde_json::{Value, json};

/// The protocol version offered in `initialize`. Servers that speak an older one answer with it,
/// and `tools/list` is the same in every version.
pub(crate) const PROTOCOL_VERSION: &str = "2025-11-25";
/// The largest message accepted from a server.
pub(super) const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// At most this many `tools/list` pages, and tools in all.
pub(super) const MAX_PAGES: usize = 100;
pub(super) const MAX_TOOLS: usize = 10_000;
/// How much of the server's stderr is kept.
const STDERR_KEEP: usize = 8 * 1024;

/// Lists the tools of one server. Never panics and never blocks past `timeout` (plus the time to
/// kill the process).
pub(crate) fn list_tools(target: &Target, timeout: Duration) -> Outcome {
    if let Some(reason) = &target.skip {
        return Outcome::Skipped {
            reason: reason.clone(),
        };
    }
    let launch = match Launch::expand(target) {
        Ok(l) => l,
        Err(reason) => return Outcome::Failed { reason },
    };
    let mut command = Command::new(&launch.program);
    command
        .args(&launch.args)
        .envs(launch.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(cwd) = &launch.cwd {
        command.current_dir(cwd);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        // Its own process group, so that everything it starts can be stopped together.
        command.process_group(0);
    }
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            let what = match e.kind() {
                std::io::ErrorKind::NotFound => "not found".to_owned(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                _ => e.to_string(),
            };
            return Outcome::Failed {
                reason: format!("could not start `{}`: {what}", printable(&launch.program)),
            };
        }
    };
    let stderr_tail = Arc::new(Mutex::new(Vec::<u8>::new()));
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        stop(&mut child);
        return Outcome::Failed {
            reason: "the server's pipes were not created".to_owned(),
        };
    };
    let messages = read_messages(stdout);
    let stderr_reader = keep_tail(stderr, Arc::clone(&stderr_tail));
    let deadline = Instant::now() + timeout;
    let result = converse(stdin, &messages, deadline);
    let outcome = match result {
        Ok(tools) => Outcome::Listed {
            tools,
            changes: Vec::new(),
            pinned_now: false,
        },
        Err(Failure::TimedOut(stage)) => Outcome::Failed {
            reason: format!("no answer to {stage} within {}", humanize(timeout)),
        },
        Err(Failure::Closed(stage)) => {
            // Give it a moment to report its exit status.
            let status = wait_briefly(&mut child, Duration::from_millis(300));
            // And its last stderr line a moment to arrive: the reader ends at EOF, which follows
            // the exit (unless a child of the server still holds the pipe).
            if let Some(reader) = &stderr_reader {
                let until = Instant::now() + Duration::from_millis(300);
                while !reader.is_finished() && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            let mut reason = match status {
                Some(s) => format!("exited ({s}) before answering {stage}"),
                None => format!("closed its output before answering {stage}"),
            };
            if let Some(line) = last_line(&stderr_tail) {
                reason.push_str(&format!("; stderr: {line}"));
            }
            Outcome::Failed { reason }
        }
        Err(Failure::Protocol(message)) => Outcome::Failed { reason: message },
    };
    stop(&mut child);
    outcome
}

/// The launch with `${VAR}`, `${VAR:-default}` and `${env:VAR}` expanded from our environment.
struct Launch {
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: Option<String>,
}

impl Launch {
    fn expand(t: &Target) -> Result<Launch, String> {
        // `vars()` would panic on a variable that is not UTF-8: those are left out.
        let vars: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        // Variables the config sets are visible to later references too.
        let mut env = Vec::new();
        for (k, v) in &t.env {
            env.push((k.clone(), expand(v, &vars)?));
        }
        let program = expand(t.command.as_deref().unwrap_or_default(), &vars)?;
        let args = t
            .args
            .iter()
            .map(|a| expand(a, &vars))
            .collect::<Result<_, _>>()?;
        let cwd = t.cwd.as_deref().map(|c| expand(c, &vars)).transpose()?;
        Ok(Launch {
            program,
            args,
            env,
            cwd,
        })
    }
}

/// Expands the variable references clients expand in launch strings. A reference only the
/// client can fill in (`${input:…}`, `${workspaceFolder}`) is an error: the server would start
/// with the wrong value.
pub(super) fn expand(s: &str, vars: &HashMap<String, String>) -> Result<String, String> {
    expand_with(s, |name| Ok(vars.get(name).cloned()))
}

/// [`expand`] with the environment read through `lookup`, which gets each variable's name as
/// clients resolve it (`${env:X}` as `X`, `${userHome}` as `HOME`) and may refuse it.
pub(super) fn expand_with(
    s: &str,
    lookup: impl Fn(&str) -> Result<Option<String>, String>,
) -> Result<String, String> {
    if !s.contains("${") {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        let name = name.strip_prefix("env:").unwrap_or(name);
        let name = if name == "userHome" { "HOME" } else { name };
        if name.is_empty()
            || CLIENT_ONLY.contains(&name)
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(format!(
                "uses `${{{}}}`, which only the client can fill in",
                printable(inner)
            ));
        }
        match (lookup(name)?, default) {
            (Some(v), _) if !v.is_empty() || default.is_none() => out.push_str(&v),
            (_, Some(d)) => out.push_str(d),
            (None, None) => {}
            (Some(v), None) => out.push_str(&v),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// VS Code's own variables: only the editor knows their values.
const CLIENT_ONLY: &[&str] = &[
    "workspaceFolder",
    "workspaceFolderBasename",
    "workspaceRoot",
    "file",
    "fileDirname",
    "fileBasename",
    "relativeFile",
    "cwd",
    "lineNumber",
    "selectedText",
    "execPath",
    "pathSeparator",
];

enum Failure {
    /// The deadline passed while waiting for this stage.
    TimedOut(&'static str),
    /// The server closed stdout during this stage.
    Closed(&'static str),
    /// The server answered, but not as an MCP server should.
    Protocol(String),
}

/// What the stdout reader hands over.
enum Incoming {
    Message(Value),
    /// A line that is not JSON (a server that logs to stdout): skipped.
    Noise,
    /// A message over [`MAX_MESSAGE`].
    TooLarge,
}

fn read_messages(mut stdout: impl Read + Send + 'static) -> Receiver<Incoming> {
    let (tx, rx) = mpsc::channel();
    let _ = std::thread::Builder::new()
        .name("mcpward-connect-out".into())
        .spawn(move || {
            let mut framer = Framer::new(MAX_MESSAGE);
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match stdout.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                framer.push(&buf[..n]);
                while let Some(frame) = framer.next_frame() {
                    let item = match frame {
                        Ok(bytes) => serde_json::from_slice::<Value>(&bytes)
                            .map_or(Incoming::Noise, Incoming::Message),
                        Err(_) => Incoming::TooLarge,
                    };
                    if tx.send(item).is_err() {
                        return;
                    }
                }
            }
        });
    rx
}

fn keep_tail(
    mut stderr: impl Read + Send + 'static,
    tail: Arc<Mutex<Vec<u8>>>,
) -> Option<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("mcpward-connect-err".into())
        .spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = match stderr.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let mut t = tail
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                t.extend_from_slice(&buf[..n]);
                if t.len() > STDERR_KEEP {
                    let cut = t.len() - STDERR_KEEP;
                    t.drain(..cut);
                }
            }
        })
        .ok()
}

/// The last non-empty line the server wrote on stderr: sanitized, secrets redacted, at most 160
/// characters.
fn last_line(tail: &Mutex<Vec<u8>>) -> Option<String> {
    let bytes = tail
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let text = String::from_utf8_lossy(&bytes);
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let redacted = mcpward_scan::inventory::redact_text(line.trim());
    Some(printable_max(&redacted, 160))
}

/// The `initialize` request, as every transport sends it.
pub(super) fn initialize_request(id: u64) -> Value {
    json!({
        "jsonrpc": "2.0", "id": id, "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "mcpward-scan", "version": env!("CARGO_PKG_VERSION")}
        }
    })
}

/// Whether an `initialize` result declares no tools (then nothing is listed).
pub(super) fn declares_no_tools(init: &Value) -> bool {
    init.get("capabilities")
        .is_some_and(|c| c.get("tools").is_none())
}

/// The `tools/list` request for the page after `cursor`.
pub(super) fn tools_list_request(id: u64, cursor: Option<&str>) -> Value {
    let mut req = json!({"jsonrpc": "2.0", "id": id, "method": "tools/list"});
    if let Some(c) = cursor {
        req["params"] = json!({ "cursor": c });
    }
    req
}

/// Adds one `tools/list` page to `tools`; the cursor of the next page, if there is one.
pub(super) fn take_page(
    page: &Value,
    cursor: Option<&str>,
    tools: &mut Vec<Value>,
) -> Result<Option<String>, String> {
    match page.get("tools") {
        // Counted before copying: a page of millions of `{}` is refused without a copy.
        Some(Value::Array(items)) if tools.len() + items.len() > MAX_TOOLS => {
            return Err(format!("listed more than {MAX_TOOLS} tools"));
        }
        Some(Value::Array(items)) => tools.extend(items.iter().cloned()),
        _ => return Err("its tools/list result has no `tools` array".to_owned()),
    }
    Ok(match page.get("nextCursor").and_then(Value::as_str) {
        Some(c) if !c.is_empty() && cursor != Some(c) => Some(c.to_owned()),
        _ => None,
    })
}

/// The answer to a request the server sends meanwhile (`ping`, `roots/list`; anything else is
/// "method not found").
pub(super) fn reply_to_server(method: &str, req_id: &Value) -> Value {
    match method {
        "ping" => json!({"jsonrpc": "2.0", "id": req_id, "result": {}}),
        "roots/list" => json!({"jsonrpc": "2.0", "id": req_id, "result": {"roots": []}}),
        _ => json!({"jsonrpc": "2.0", "id": req_id,
                    "error": {"code": -32601, "message": "Method not found"}}),
    }
}

/// The result of a response to `stage`, or why there is none (a JSON-RPC error, redacted).
pub(super) fn response_result(msg: &Value, stage: &str) -> Result<Value, String> {
    if let Some(err) = msg.get("error") {
        let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
        let text = err
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no message");
        return Err(format!(
            "answered {stage} with error {code}: {}",
            printable_max(&mcpward_scan::inventory::redact_text(text), 160)
        ));
    }
    match msg.get("result") {
        Some(r @ Value::Object(_)) => Ok(r.clone()),
        _ => Err(format!("answered {stage} without a result object")),
    }
}

fn converse(
    mut stdin: ChildStdin,
    messages: &Receiver<Incoming>,
    deadline: Instant,
) -> Result<Vec<Value>, Failure> {
    let mut next_id: u64 = 1;
    let send = |stdin: &mut ChildStdin, msg: &Value, stage| -> Result<(), Failure> {
        let mut line = msg.to_string();
        line.push('\n');
        stdin
            .write_all(line.as_bytes())
            .and_then(|()| stdin.flush())
            .map_err(|_| Failure::Closed(stage))
    };
    send(&mut stdin, &initialize_request(next_id), "initialize")?;
    let result = await_response(&mut stdin, messages, next_id, deadline, "initialize")?;
    if declares_no_tools(&result) {
        // A server without tools: nothing to list (asking would only earn an error).
        let _ = send(
            &mut stdin,
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            "initialize",
        );
        return Ok(Vec::new());
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        "initialize",
    )?;
    let mut tools = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        next_id += 1;
        let req = tools_list_request(next_id, cursor.as_deref());
        send(&mut stdin, &req, "tools/list")?;
        let page = await_response(&mut stdin, messages, next_id, deadline, "tools/list")?;
        match take_page(&page, cursor.as_deref(), &mut tools).map_err(Failure::Protocol)? {
            Some(next) => cursor = Some(next),
            None => return Ok(tools),
        }
    }
    Err(Failure::Protocol(format!(
        "tools/list did not end after {MAX_PAGES} pages"
    )))
}

/// Waits for the response to request `id`, answering the server's own requests meanwhile.
fn await_response(
    stdin: &mut ChildStdin,
    messages: &Receiver<Incoming>,
    id: u64,
    deadline: Instant,
    stage: &'static str,
) -> Result<Value, Failure> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = match messages.recv_timeout(left) {
            Ok(Incoming::Message(m)) => m,
            Ok(Incoming::Noise) => continue,
            Ok(Incoming::TooLarge) => {
                return Err(Failure::Protocol(format!(
                    "sent a message larger than {} MiB during {stage}",
                    MAX_MESSAGE / (1024 * 1024)
                )));
            }
            Err(RecvTimeoutError::Timeout) => return Err(Failure::TimedOut(stage)),
            Err(RecvTimeoutError::Disconnected) => return Err(Failure::Closed(stage)),
        };
        let method = msg.get("method").and_then(Value::as_str);
        match (method, msg.get("id")) {
            (Some(method), Some(req_id)) => {
                let reply = reply_to_server(method, req_id);
                let mut line = reply.to_string();
                line.push('\n');
                let _ = stdin
                    .write_all(line.as_bytes())
                    .and_then(|()| stdin.flush());
            }
            (Some(_), None) => {} // a notification
            (None, Some(got)) if got.as_u64() == Some(id) => {
                return response_result(&msg, stage).map_err(Failure::Protocol);
            }
            _ => {} // a response to something else
        }
    }
}

fn wait_briefly(child: &mut Child, limit: Duration) -> Option<String> {
    let until = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status.to_string()),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
}

/// Kills the server's process group (the server and everything it started) and reaps it.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // The group id is the child's pid (`process_group(0)`); the child is not reaped yet, so
        // neither id can have been reused.
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}

pub(super) fn humanize(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn printable(s: &str) -> String {
    printable_max(s, 120)
}

pub(super) fn printable_max(s: &str, max: usize) -> String {
    mcpward_scan::connect::printable(s, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_expand_like_the_clients_do() {
        let vars: HashMap<String, String> = [
            ("HOME".to_owned(), "/home/u".to_owned()),
            ("E".to_owned(), String::new()),
        ]
        .into_iter()
        .collect();
        assert_eq!(expand("${HOME}/x", &vars).as_deref(), Ok("/home/u/x"));
        assert_eq!(expand("${env:HOME}", &vars).as_deref(), Ok("/home/u"));
        assert_eq!(expand("${NOPE:-d}", &vars).as_deref(), Ok("d"));
        assert_eq!(expand("${E:-d}", &vars).as_deref(), Ok("d"));
        assert_eq!(expand("${NOPE}", &vars).as_deref(), Ok(""));
        assert_eq!(expand("plain $HOME", &vars).as_deref(), Ok("plain $HOME"));
        assert!(expand("${input:token}", &vars).is_err());
        assert!(expand("${workspaceFolder}/x", &vars).is_err());
        assert_eq!(expand("${userHome}/x", &vars).as_deref(), Ok("/home/u/x"));
    }
}
