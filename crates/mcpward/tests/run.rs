//! End-to-end tests of `mcpward run` and the gateway commands (`approve`, `deny`, `pin`, `log`,
//! `policy`): the real binary between a scripted client (this file) and a scripted MCP server
//! (`crates/mcpward-gateway/tests/fixtures/scripted_server.py`), over pipes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const FAKE_TOKEN: &str = "ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u";
const WAIT: Duration = Duration::from_secs(15);

const POLICY: &str = r#"
version = 1

[defaults]
approval_timeout = "30s"
# These tests forward a token in arguments on purpose, to show the audit log redacts it;
# `credentials_in_arguments_are_blocked_by_default` covers the default.
on_secret_in_args = "allow"

[servers.s]
allow = ["echo", "echo2", "crash", "sample", "progress"]
ask = ["write"]
deny = ["delete_all"]
"#;

fn server_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../mcpward-gateway/tests/fixtures/scripted_server.py")
}

/// A temp dir holding `MCPWARD_HOME`, the policy, the lockfile and the server's log.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(policy: &str) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("home")).expect("home");
        std::fs::write(dir.path().join("policy.toml"), policy).expect("policy");
        Env { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcpward"));
        cmd.env("MCPWARD_HOME", self.path("home"))
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path());
        cmd
    }

    /// Runs another mcpward command to completion.
    fn mcpward(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run mcpward")
    }

    fn server_log(&self) -> String {
        std::fs::read_to_string(self.path("server.log")).unwrap_or_default()
    }

    /// `mcpward run --policy policy.toml --server s -- python3 scripted_server.py --log … EXTRA`.
    fn start(&self, server_args: &[&str]) -> Gateway {
        self.start_with(&[], server_args)
    }

    fn start_with(&self, run_args: &[&str], server_args: &[&str]) -> Gateway {
        let policy = self.path("policy.toml");
        let log = self.path("server.log");
        let script = server_script();
        let mut cmd = self.command();
        cmd.arg("run")
            .arg("--policy")
            .arg(&policy)
            .args(["--server", "s"])
            .args(run_args)
            .arg("--")
            .arg("python3")
            .arg(&script)
            .arg("--log")
            .arg(&log)
            .args(server_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn mcpward run");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let err = child.stderr.take().expect("stderr");
        let stderr_reader = std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                let mut s = sink.lock().expect("stderr lock");
                s.push_str(&line);
                s.push('\n');
            }
        });
        Gateway {
            stdin: child.stdin.take(),
            child,
            lines,
            stderr,
            stderr_reader: Some(stderr_reader),
        }
    }
}

/// A running `mcpward run`, driven as an MCP client.
struct Gateway {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Gateway {
    fn send_raw(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(line.as_bytes()).expect("write");
        stdin.write_all(b"\n").expect("write");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, msg: &Value) {
        self.send_raw(&msg.to_string());
    }

    /// The next message from mcpward; every line on stdout must be JSON.
    fn recv(&self) -> Value {
        match self.lines.recv_timeout(WAIT) {
            Ok(line) => serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout carried a non-JSON line ({e}): {line}")),
            Err(RecvTimeoutError::Timeout) => {
                panic!("no message within {WAIT:?}; stderr:\n{}", self.stderr())
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("mcpward closed its stdout; stderr:\n{}", self.stderr())
            }
        }
    }

    /// Sends a request and returns its response, collecting what came before it.
    fn request_collect(&mut self, msg: &Value) -> (Value, Vec<Value>) {
        self.send(msg);
        let mut before = Vec::new();
        loop {
            let m = self.recv();
            if m.get("id") == msg.get("id") && m.get("method").is_none() {
                return (m, before);
            }
            before.push(m);
        }
    }

    fn request(&mut self, msg: &Value) -> Value {
        self.request_collect(msg).0
    }

    fn call(&mut self, id: u64, tool: &str, args: Value) -> Value {
        self.request(&json!({"jsonrpc":"2.0","id":id,"method":"tools/call",
                             "params":{"name":tool,"arguments":args}}))
    }

    fn initialize(&mut self, elicitation: bool) {
        let capabilities = if elicitation {
            json!({"elicitation": {}})
        } else {
            json!({})
        };
        let r = self.request(
            &json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{
            "protocolVersion":"2025-06-18","capabilities":capabilities,
            "clientInfo":{"name":"test-client","version":"1"}}}),
        );
        assert_eq!(r["result"]["serverInfo"]["name"], "scripted", "{r}");
        self.send(&json!({"jsonrpc":"2.0","method":"notifications/initialized"}));
    }

    fn list(&mut self, id: &str) -> Vec<String> {
        let r = self.request(&json!({"jsonrpc":"2.0","id":id,"method":"tools/list"}));
        names(&r)
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    /// Waits until mcpward's stderr contains `needle`; returns all of it.
    fn wait_stderr(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self.stderr();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < WAIT,
                "stderr never said {needle:?}:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    fn wait(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Everything mcpward wrote to stderr has been collected once the pipe closes.
                if let Some(reader) = self.stderr_reader.take() {
                    let _ = reader.join();
                }
                return status;
            }
            if start.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!("mcpward did not exit; stderr:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the client side and waits for mcpward to exit.
    fn finish(mut self) -> ExitStatus {
        self.close_stdin();
        self.wait()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn names(list_response: &Value) -> Vec<String> {
    list_response["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("not a tools/list result: {list_response}"))
        .iter()
        .map(|t| t["name"].as_str().expect("tool name").to_owned())
        .collect()
}

fn result_text(response: &Value) -> String {
    response["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("not a text result: {response}"))
        .to_owned()
}

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error: {response}"))
}

fn approval_id(stderr: &str) -> String {
    let at = stderr
        .find("mcpward approve ")
        .unwrap_or_else(|| panic!("no approval id in stderr:\n{stderr}"));
    stderr[at + "mcpward approve ".len()..]
        .split_whitespace()
        .next()
        .expect("id")
        .to_owned()
}

fn assert_log_verifies(env: &Env) {
    let out = env.mcpward(&["log", "verify"]);
    assert!(
        out.status.success(),
        "log verify failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn allowed_calls_are_forwarded_and_denied_calls_never_reach_the_server() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    gw.list("l1");
    let r = gw.call(1, "echo", json!({"text": "hello"}));
    assert_eq!(
        result_text(&r),
        r#"{"arguments": {"text": "hello"}, "tool": "echo"}"#
    );

    let r = gw.call(2, "delete_all", json!({}));
    assert_eq!(error_code(&r), -32001);
    let message = r["error"]["message"].as_str().expect("message");
    assert!(
        !message.contains("echo") && !message.contains("write"),
        "{message}"
    );
    let r = gw.call(3, "no_such_tool", json!({}));
    assert_eq!(
        r["error"],
        json!({"code": -32001, "message": message}),
        "the same neutral answer"
    );

    assert!(gw.finish().success());
    let log = env.server_log();
    assert!(log.contains("\"echo\""), "{log}");
    assert!(
        !log.contains("delete_all\", \"arguments") && !log.contains("\"name\": \"delete_all\"")
    );
    assert!(
        !log.contains("delete_all"),
        "the denied call reached the server:\n{log}"
    );
    assert!(!log.contains("no_such_tool"));
    assert_log_verifies(&env);
}

#[test]
fn credentials_in_arguments_are_blocked_by_default() {
    let env = Env::new("version = 1\n[servers.s]\nallow = [\"echo\"]\n");
    let mut gw = env.start(&[]);
    gw.initialize(false);
    let r = gw.call(
        2,
        "echo",
        json!({"text": format!("my token is {FAKE_TOKEN}")}),
    );
    assert_eq!(error_code(&r), -32001, "{r}");
    assert!(!r.to_string().contains(FAKE_TOKEN), "{r}");
    let r = gw.call(3, "echo", json!({"text": "fine"}));
    assert_eq!(
        result_text(&r),
        r#"{"arguments": {"text": "fine"}, "tool": "echo"}"#
    );
    assert!(gw.finish().success());
    assert!(
        !env.server_log().contains(FAKE_TOKEN),
        "the server saw the token"
    );
    assert_log_verifies(&env);
}

#[test]
fn denied_tools_are_hidden_from_tools_list() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    let tools = gw.list("l1");
    assert_eq!(tools, ["echo", "write", "crash", "sample", "progress"]);
    drop(gw);
}

#[test]
fn pagination_passes_through_and_every_page_is_pinned() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&["--page-size", "4"]);
    gw.initialize(false);
    let first = gw.request(&json!({"jsonrpc":"2.0","id":"p1","method":"tools/list"}));
    assert_eq!(
        names(&first),
        ["echo", "write", "crash"],
        "delete_all hidden from page 1"
    );
    assert_eq!(first["result"]["nextCursor"], "4");
    let second = gw
        .request(&json!({"jsonrpc":"2.0","id":"p2","method":"tools/list","params":{"cursor":"4"}}));
    assert_eq!(names(&second), ["sample", "progress"]);
    assert!(gw.finish().success());
    let lock: Value = serde_json::from_str(
        &std::fs::read_to_string(env.path("mcpward.lock")).expect("lockfile beside the policy"),
    )
    .expect("json lockfile");
    assert_eq!(
        lock["servers"]["s"]["tools"]
            .as_object()
            .expect("pins")
            .len(),
        6
    );
    assert!(lock["servers"]["s"].get("pending").is_none(), "{lock}");
}

#[test]
fn arguments_are_checked_strictly_against_the_listed_schema() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    gw.list("l1");
    let r = gw.call(1, "echo", json!({"text": "hi", "extra": "smuggled"}));
    assert_eq!(error_code(&r), -32602);
    let r = gw.call(2, "echo", json!({"text": 5}));
    assert_eq!(error_code(&r), -32602);
    let r = gw.call(3, "echo", json!({"text": "fine"}));
    assert!(r.get("result").is_some(), "{r}");
    assert!(gw.finish().success());
    let log = env.server_log();
    assert!(!log.contains("smuggled"), "{log}");
}

#[test]
fn messages_with_duplicate_keys_are_rejected() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    gw.send_raw(r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"text":"safe","text":"EVIL"}}}"#);
    let r = gw.recv();
    assert_eq!(r["id"], 7);
    assert_eq!(error_code(&r), -32600);
    gw.send_raw(r#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","name":"delete_all","arguments":{}}}"#);
    assert_eq!(error_code(&gw.recv()), -32600);
    assert!(gw.finish().success());
    let log = env.server_log();
    assert!(
        !log.contains("EVIL") && !log.contains("delete_all"),
        "{log}"
    );
}

#[test]
fn malformed_and_oversized_messages_get_errors_and_the_connection_goes_on() {
    let env = Env::new(POLICY);
    let mut gw = env.start_with(&["--max-message-bytes", "2048"], &[]);
    gw.initialize(false);
    gw.send_raw("{this is not json");
    let r = gw.recv();
    assert_eq!(r["id"], Value::Null);
    assert_eq!(error_code(&r), -32700);
    let big = json!({"jsonrpc":"2.0","id":9,"method":"tools/call",
                     "params":{"name":"echo","arguments":{"text": "x".repeat(4000)}}});
    gw.send(&big);
    let r = gw.recv();
    assert_eq!(error_code(&r), -32600);
    assert!(
        r["error"]["message"]
            .as_str()
            .expect("message")
            .contains("not forwarded"),
        "{r}"
    );
    let r = gw.call(10, "echo", json!({"text": "still here"}));
    assert!(result_text(&r).contains("still here"));
    assert!(gw.finish().success());
    assert!(!env.server_log().contains("xxxxxxxx"));
}

#[test]
fn ask_waits_for_mcpward_approve_from_another_process() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    gw.send(&json!({"jsonrpc":"2.0","id":11,"method":"tools/call",
                    "params":{"name":"write","arguments":{"path":"/tmp/out", "token": FAKE_TOKEN}}}));
    let text = gw.wait_stderr("call needs approval");
    assert!(text.contains("(or mcpward deny "), "{text}");
    let id = approval_id(&text);
    assert!(
        !env.server_log().contains("/tmp/out"),
        "forwarded before approval"
    );
    // Other calls go on while one waits.
    let r = gw.call(12, "echo", json!({"text": "meanwhile"}));
    assert!(result_text(&r).contains("meanwhile"));

    let pending = env.mcpward(&["approve"]);
    assert!(stdout(&pending).contains(&id), "{}", stdout(&pending));
    assert!(
        !stdout(&pending).contains(FAKE_TOKEN),
        "the summary is redacted"
    );
    let out = env.mcpward(&["approve", &id.to_lowercase()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = gw.recv();
    assert_eq!(r["id"], 11);
    assert!(result_text(&r).contains("/tmp/out"), "{r}");
    let again = env.mcpward(&["approve", &id]);
    assert_eq!(again.status.code(), Some(1), "already resolved");
    let unknown = env.mcpward(&["deny", "ZZZZZZZZ"]);
    assert_eq!(unknown.status.code(), Some(1));

    // A denial from another process.
    gw.send(&json!({"jsonrpc":"2.0","id":13,"method":"tools/call",
                    "params":{"name":"write","arguments":{"path":"/tmp/denied"}}}));
    let start = Instant::now();
    let id2 = loop {
        let text = gw.stderr();
        let ids: Vec<_> = text.match_indices("mcpward approve ").collect();
        if ids.len() >= 2 {
            break approval_id(&text[ids[1].0..]);
        }
        assert!(start.elapsed() < WAIT, "{text}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(env.mcpward(&["deny", &id2]).status.code(), Some(0));
    let r = gw.recv();
    assert_eq!(r["id"], 13);
    assert_eq!(error_code(&r), -32001);
    assert!(gw.finish().success());
    assert!(!env.server_log().contains("/tmp/denied"));
    assert_log_verifies(&env);
}

#[test]
fn an_unanswered_approval_times_out_with_a_message_naming_the_id() {
    let env = Env::new(&POLICY.replace("\"30s\"", "\"1s\""));
    let mut gw = env.start(&[]);
    gw.initialize(false);
    let r = gw.call(14, "write", json!({"path": "/tmp/late"}));
    assert_eq!(error_code(&r), -32002);
    let id = approval_id(&gw.stderr());
    let message = r["error"]["message"].as_str().expect("message");
    assert!(
        message.contains(&id) && message.contains(&format!("mcpward approve {id}")),
        "{message}"
    );
    assert_eq!(
        env.mcpward(&["approve", &id]).status.code(),
        Some(1),
        "expired"
    );
    assert!(gw.finish().success());
    assert!(!env.server_log().contains("/tmp/late"));
}

#[test]
fn ask_uses_elicitation_when_the_client_supports_it() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(true);
    gw.send(&json!({"jsonrpc":"2.0","id":15,"method":"tools/call",
                    "params":{"name":"write","arguments":{"path":"/tmp/elicited"}}}));
    let ask = gw.recv();
    assert_eq!(ask["method"], "elicitation/create", "{ask}");
    let eid = ask["id"].as_str().expect("string id").to_owned();
    assert!(eid.starts_with("mcpward-"));
    let message = ask["params"]["message"].as_str().expect("message");
    assert!(
        message.contains("\"s\"") && message.contains("write") && message.contains("/tmp/elicited"),
        "{message}"
    );
    gw.send(
        &json!({"jsonrpc":"2.0","id":eid,"result":{"action":"accept","content":{"approve":true}}}),
    );
    let r = gw.recv();
    assert_eq!(r["id"], 15);
    assert!(result_text(&r).contains("/tmp/elicited"));
    assert!(gw.finish().success());
    assert!(
        !env.server_log().contains("mcpward-"),
        "the elicitation answer reached the server"
    );
}

#[test]
fn tools_are_pinned_on_first_use_and_changes_are_blocked_until_pin_approve() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    assert!(gw.list("l1").contains(&"echo".to_owned()));
    assert!(gw.finish().success());
    assert!(env.path("mcpward.lock").exists());

    // The server changes echo's description: a rug pull.
    let mut gw = env.start(&["--variant", "1"]);
    gw.initialize(false);
    let tools = gw.list("l2");
    assert!(!tools.contains(&"echo".to_owned()), "{tools:?}");
    let text = gw.wait_stderr("mcpward pin approve s echo");
    assert!(text.contains("changed"), "{text}");
    let r = gw.call(16, "echo", json!({"text": "x"}));
    assert_eq!(error_code(&r), -32001);

    let list = env.mcpward(&["pin", "list", "--policy", "policy.toml"]);
    assert!(list.status.success());
    assert!(stdout(&list).contains("changed"), "{}", stdout(&list));
    let approve = env.mcpward(&["pin", "approve", "s", "echo", "--policy", "policy.toml"]);
    assert!(approve.status.success(), "{}", stderr(&approve));
    assert_eq!(
        env.mcpward(&["pin", "approve", "s", "--policy", "policy.toml"])
            .status
            .code(),
        Some(1)
    );

    assert!(gw.list("l3").contains(&"echo".to_owned()));
    let r = gw.call(17, "echo", json!({"text": "approved"}));
    assert!(result_text(&r).contains("approved"));
    assert!(gw.finish().success());

    // Renaming a tool does not escape review.
    let mut gw = env.start(&["--variant", "2"]);
    gw.initialize(false);
    let tools = gw.list("l4");
    assert!(!tools.contains(&"echo2".to_owned()), "{tools:?}");
    let text = gw.wait_stderr("removed");
    assert!(text.contains("`echo`"), "{text}");
    assert!(gw.finish().success());
    assert_log_verifies(&env);
    let pins = env.mcpward(&["log", "--kind", "pin", "--json"]);
    assert!(
        stdout(&pins).contains("\"decision\":\"pinned\""),
        "{}",
        stdout(&pins)
    );
}

#[test]
fn a_server_crash_answers_pending_requests_and_mcpward_exits_with_its_code() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    let r = gw.call(18, "crash", json!({}));
    assert_eq!(error_code(&r), -32003);
    let status = gw.wait();
    assert_eq!(status.code(), Some(3));
    assert_log_verifies(&env);
}

#[test]
fn when_the_client_leaves_the_server_is_stopped() {
    let env = Env::new(POLICY);
    let gw = env.start(&[]);
    assert!(gw.finish().success());
    assert!(
        env.server_log().contains("EOF"),
        "the server saw its stdin close"
    );

    // A server that ignores EOF gets SIGTERM after the grace period.
    let env = Env::new(POLICY);
    let mut gw = env.start(&["--ignore-eof"]);
    gw.initialize(false);
    let pid: u32 = env
        .server_log()
        .lines()
        .find_map(|l| l.strip_prefix("PID "))
        .and_then(|p| p.trim().parse().ok())
        .expect("server pid");
    let started = Instant::now();
    assert!(gw.finish().success());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "grace period skipped"
    );
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "server {pid} still running"
    );
}

#[test]
fn sampling_requests_from_the_server_are_denied_and_answered_to_the_server() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    let (r, before) = gw.request_collect(&json!({"jsonrpc":"2.0","id":19,"method":"tools/call",
                                                "params":{"name":"sample","arguments":{}}}));
    assert!(before.is_empty(), "the client saw {before:?}");
    let answer: Value = serde_json::from_str(&result_text(&r)).expect("the answer the server got");
    assert_eq!(answer["id"], "srv-1");
    assert_eq!(answer["error"]["code"], -32001);
    assert!(gw.finish().success());
}

#[test]
fn notifications_interleave_with_responses() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    let (r, before) = gw.request_collect(&json!({"jsonrpc":"2.0","id":20,"method":"tools/call",
        "params":{"name":"progress","arguments":{},"_meta":{"progressToken":"tok"}}}));
    assert_eq!(result_text(&r), "done");
    assert_eq!(before.len(), 3, "{before:?}");
    assert!(
        before
            .iter()
            .all(|n| n["method"] == "notifications/progress"
                && n["params"]["progressToken"] == "tok")
    );
    let r = gw.request(&json!({"jsonrpc":"2.0","id":21,"method":"ping"}));
    assert_eq!(r["result"], json!({}));
    let r = gw.request(&json!({"jsonrpc":"2.0","id":22,"method":"vendor/unknown"}));
    assert_eq!(error_code(&r), -32601, "unknown methods reach the server");
    assert!(gw.finish().success());
}

#[test]
fn the_audit_log_is_redacted_searchable_and_verifies() {
    let env = Env::new(POLICY);
    let mut gw = env.start(&[]);
    gw.initialize(false);
    let r = gw.call(
        23,
        "echo",
        json!({"text": format!("my token is {FAKE_TOKEN}")}),
    );
    assert!(r.get("result").is_some());
    gw.call(24, "delete_all", json!({}));
    assert!(gw.finish().success());
    assert!(
        !gw_stdout_has_stderr(&env),
        "server stderr is never on stdout"
    );

    let all = env.mcpward(&["log", "--json"]);
    assert!(all.status.success());
    let text = stdout(&all);
    assert!(
        !text.contains(FAKE_TOKEN),
        "a raw secret in the audit log:\n{text}"
    );
    for kind in [
        "server-start",
        "server-stderr",
        "request",
        "result",
        "server-exit",
    ] {
        assert!(
            text.contains(&format!("\"kind\":\"{kind}\"")),
            "no {kind} event:\n{text}"
        );
    }
    assert!(text.contains("\"bytes\"") && text.contains("\"latency_ms\""));
    std::fs::write(env.path("export.jsonl"), &text).expect("export");
    let out = env.mcpward(&["log", "verify", "--file", "export.jsonl"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_log_verifies(&env);

    let denied = env.mcpward(&["log", "--decision", "deny", "--tool", "delete_all"]);
    assert!(
        stdout(&denied).contains("delete_all"),
        "{}",
        stdout(&denied)
    );
    let searched = env.mcpward(&["log", "delete_all", "--since", "1h"]);
    assert!(stdout(&searched).contains("delete_all"));

    // An edited export is caught, naming the event.
    let edited = text.replacen("\"decision\":\"deny\"", "\"decision\":\"allow\"", 1);
    std::fs::write(env.path("edited.jsonl"), edited).expect("edited");
    let out = env.mcpward(&["log", "verify", "--file", "edited.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
}

/// The scripted server's stderr line never shows up where the client reads.
fn gw_stdout_has_stderr(env: &Env) -> bool {
    let mut gw = env.start(&[]);
    gw.initialize(false);
    let _ = gw.wait_stderr("[server] scripted server up");
    let (r, before) = gw.request_collect(&json!({"jsonrpc":"2.0","id":"p","method":"ping"}));
    // Everything else stdout carries until mcpward exits, as raw lines.
    gw.close_stdin();
    let _ = gw.wait();
    let mut rest = Vec::new();
    loop {
        match gw.lines.recv_timeout(WAIT) {
            Ok(line) => rest.push(line),
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => panic!("stdout stayed open after mcpward exited"),
        }
    }
    before
        .iter()
        .chain([&r])
        .any(|m| m.to_string().contains("scripted server up"))
        || rest.iter().any(|l| l.contains("scripted server up"))
}

#[test]
fn an_invalid_policy_exits_64_before_the_server_starts() {
    let env = Env::new("version = 1\n[defaults]\ndecison = \"deny\"\n");
    let mut gw = env.start(&[]);
    let status = gw.wait();
    assert_eq!(status.code(), Some(64));
    let text = gw.stderr();
    assert!(
        text.contains("policy.toml:3:") && text.contains("decison"),
        "{text}"
    );
    assert!(text.contains("hint:"), "{text}");
    assert!(env.server_log().is_empty(), "the server was started");

    let out = env.mcpward(&["run", "--policy", "policy.toml"]);
    assert_eq!(out.status.code(), Some(64), "no command");
    let out = env.mcpward(&["run", "--policy", "policy.toml", "--bogus", "--", "true"]);
    assert_eq!(out.status.code(), Some(64), "unknown flag");
    let out = env.mcpward(&["run", "--policy", "missing.toml", "--", "true"]);
    assert_eq!(out.status.code(), Some(64), "missing policy");
}

#[test]
fn policy_check_and_explain() {
    let env = Env::new(POLICY);
    let out = env.mcpward(&["policy", "check", "policy.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(
        env.path("bad.toml"),
        "version = 1\n[servers.s]\nallow = [\"a\"]\nalow = [\"b\"]\n",
    )
    .expect("bad policy");
    let out = env.mcpward(&["policy", "check", "bad.toml"]);
    assert_eq!(out.status.code(), Some(64));
    let text = stderr(&out);
    assert!(
        text.contains("bad.toml:4:") && text.contains("servers.s.alow"),
        "{text}"
    );

    let out = env.mcpward(&[
        "policy",
        "explain",
        "--policy",
        "policy.toml",
        "--server",
        "s",
        "--tool",
        "delete_all",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("deny") && text.contains("servers.s.deny"),
        "{text}"
    );
    let out = env.mcpward(&[
        "policy",
        "explain",
        "--policy",
        "policy.toml",
        "--server",
        "s",
        "--tool",
        "echo",
        "--args",
        "{\"text\":\"a\"}",
    ]);
    assert!(stdout(&out).contains("allow"), "{}", stdout(&out));
    let out = env.mcpward(&[
        "policy",
        "explain",
        "--policy",
        "policy.toml",
        "--server",
        "s",
        "--tool",
        "echo",
        "--args",
        "[1]",
    ]);
    assert_eq!(out.status.code(), Some(64));
}

// ----- screening ---------------------------------------------------------------------------

/// A policy for the screening tools of `--variant 3`.
fn screening_policy(on_injection: &str, on_secret: &str, on_poisoned_tool: &str) -> String {
    format!(
        r#"
version = 1
[defaults]
approval_timeout = "30s"
on_injection = "{on_injection}"
on_secret = "{on_secret}"
on_poisoned_tool = "{on_poisoned_tool}"
on_secret_in_args = "allow"
[servers.s]
allow = ["echo", "env", "page", "send", "add"]
"#
    )
}

fn screening_gateway(env: &Env) -> Gateway {
    let mut gw = env.start(&["--variant", "3"]);
    gw.initialize(false);
    gw.list("l");
    gw
}

fn release_id(stderr: &str) -> String {
    let at = stderr
        .find("mcpward release ")
        .unwrap_or_else(|| panic!("no quarantine id in stderr:\n{stderr}"));
    stderr[at + "mcpward release ".len()..]
        .split_whitespace()
        .next()
        .expect("id")
        .to_owned()
}

#[test]
fn credentials_in_outputs_are_redacted_by_default_and_blocked_on_request() {
    let env = Env::new(&screening_policy("warn", "redact", "block"));
    let mut gw = screening_gateway(&env);
    let r = gw.call(1, "env", json!({}));
    let text = result_text(&r);
    assert!(!text.contains(FAKE_TOKEN), "{text}");
    assert!(
        text.contains("GITHUB_TOKEN=[REDACTED:") && text.contains("PATH=/usr/bin"),
        "{text}"
    );
    assert!(gw.finish().success());
    let log = stdout(&env.mcpward(&["log", "--json", "--tool", "env"]));
    assert!(
        log.contains("defaults.on_secret") && !log.contains(FAKE_TOKEN),
        "{log}"
    );
    assert_log_verifies(&env);

    let env = Env::new(&screening_policy("warn", "block", "block"));
    let mut gw = screening_gateway(&env);
    let r = gw.call(2, "env", json!({}));
    assert_eq!(r["result"]["isError"], true, "{r}");
    let text = result_text(&r);
    assert!(
        text.contains("withheld") && !text.contains("GITHUB_TOKEN"),
        "{text}"
    );
    assert!(gw.finish().success());
}

#[test]
fn an_injected_page_is_labelled_under_warn_and_withheld_under_block() {
    let env = Env::new(&screening_policy("warn", "redact", "block"));
    let mut gw = screening_gateway(&env);
    let text = result_text(&gw.call(1, "page", json!({"url": "https://example.com"})));
    assert!(
        text.contains("<untrusted-data>") && text.contains("Ignore all previous"),
        "{text}"
    );
    assert!(text.starts_with("[mcpward:"), "{text}");
    assert!(gw.finish().success());

    let env = Env::new(&screening_policy("block", "redact", "block"));
    let mut gw = screening_gateway(&env);
    let r = gw.call(2, "page", json!({"url": "https://example.com"}));
    let text = result_text(&r);
    assert!(
        text.contains("withheld") && !text.contains("id_rsa"),
        "{text}"
    );
    // A clean result on the same session still passes untouched.
    assert!(result_text(&gw.call(3, "echo", json!({"text": "hello"}))).contains("hello"));
    assert!(gw.finish().success());
}

#[test]
fn quarantined_output_is_released_from_another_process() {
    let env = Env::new(&screening_policy("quarantine", "redact", "block"));
    let mut gw = screening_gateway(&env);
    gw.send(&json!({"jsonrpc":"2.0","id":7,"method":"tools/call",
                    "params":{"name":"page","arguments":{"url":"https://example.com"}}}));
    let id = release_id(&gw.wait_stderr("output quarantined"));
    // Other calls go on while the output waits.
    assert!(result_text(&gw.call(8, "echo", json!({"text": "meanwhile"}))).contains("meanwhile"));
    // The original is in the audit log, under the ID.
    let shown = stdout(&env.mcpward(&["log", &id, "--json"]));
    assert!(
        shown.contains("\"kind\":\"quarantine\"") && shown.contains("Ignore all previous"),
        "{shown}"
    );
    // And `mcpward log ID` shows it to a person, not only in --json.
    let shown = stdout(&env.mcpward(&["log", &id]));
    assert!(
        shown.contains("quarantine")
            && shown.contains("| ")
            && shown.contains("Ignore all previous"),
        "{shown}"
    );
    // `approve` is for calls; `release` lists and releases quarantined output.
    assert_eq!(env.mcpward(&["approve", &id]).status.code(), Some(1));
    assert!(stdout(&env.mcpward(&["release"])).contains(&id));
    let out = env.mcpward(&["release", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = gw.recv();
    assert_eq!(r["id"], 7);
    let text = result_text(&r);
    assert!(
        text.contains("<untrusted-data>") && text.contains("Weather: sunny"),
        "{text}"
    );
    assert_eq!(
        env.mcpward(&["release", &id]).status.code(),
        Some(1),
        "released once"
    );
    assert!(gw.finish().success());
    assert_log_verifies(&env);
}

#[test]
fn quarantined_output_nobody_releases_becomes_a_notice_naming_the_id() {
    let env =
        Env::new(&screening_policy("quarantine", "redact", "block").replace("\"30s\"", "\"1s\""));
    let mut gw = screening_gateway(&env);
    let r = gw.call(9, "page", json!({"url": "https://example.com"}));
    let id = release_id(&gw.stderr());
    let text = result_text(&r);
    assert!(
        text.contains(&id) && text.contains("withheld") && !text.contains("id_rsa"),
        "{text}"
    );
    assert!(gw.finish().success());
}

#[test]
fn a_poisoned_tool_is_hidden_and_denied_under_block_and_cleaned_under_warn() {
    let env = Env::new(&screening_policy("warn", "redact", "block"));
    let mut gw = env.start(&["--variant", "3"]);
    gw.initialize(false);
    let names = gw.list("l");
    assert!(
        !names.contains(&"add".to_owned()) && names.contains(&"env".to_owned()),
        "{names:?}"
    );
    let r = gw.call(1, "add", json!({"a": "1"}));
    assert_eq!(error_code(&r), -32001);
    assert!(gw.finish().success());
    assert!(
        !env.server_log().contains("\"add\""),
        "a denied call reached the server"
    );
    let log = stdout(&env.mcpward(&["log", "--json", "--kind", "tool-screen"]));
    assert!(log.contains("\"tool\":\"add\""), "{log}");

    let env = Env::new(&screening_policy("warn", "redact", "warn"));
    let mut gw = env.start(&["--variant", "3"]);
    gw.initialize(false);
    let r = gw.request(&json!({"jsonrpc":"2.0","id":"l","method":"tools/list"}));
    let add = r["result"]["tools"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "add"))
        .unwrap_or_else(|| panic!("add is listed under warn: {r}"))
        .clone();
    let description = add["description"].as_str().expect("description");
    assert!(
        !description.contains('\u{200b}') && !description.contains('\u{E0041}'),
        "{description:?}"
    );
    assert!(result_text(&gw.call(2, "add", json!({"a": "1"}))).contains("\"add\""));
    assert!(gw.finish().success());
}

#[test]
fn a_tainted_session_asks_before_an_open_world_tool_sends_data() {
    let env = Env::new(&screening_policy("warn", "redact", "block"));
    let mut gw = screening_gateway(&env);
    // Untrusted content alone taints nothing: the open-world page tool runs.
    let page = result_text(&gw.call(1, "page", json!({"url": "https://example.com"})));
    assert!(page.contains("<untrusted-data>"), "{page}");
    // Private data next: now the session is tainted.
    gw.call(2, "env", json!({}));
    gw.send(&json!({"jsonrpc":"2.0","id":4,"method":"tools/call",
                    "params":{"name":"send","arguments":{"text":"exfil"}}}));
    let id = approval_id(&gw.wait_stderr("call needs approval"));
    assert!(
        !env.server_log().contains("exfil"),
        "forwarded before approval"
    );
    assert_eq!(env.mcpward(&["deny", &id]).status.code(), Some(0));
    assert_eq!(error_code(&gw.recv()), -32001);
    assert!(gw.finish().success());
    let log = stdout(&env.mcpward(&["log", "--json", "--tool", "send"]));
    assert!(log.contains("session.tainted"), "{log}");
}

#[test]
fn a_credential_seen_in_an_output_may_not_leave_in_arguments() {
    let env = Env::new(&screening_policy("warn", "allow", "block"));
    let mut gw = screening_gateway(&env);
    assert!(result_text(&gw.call(1, "env", json!({}))).contains(FAKE_TOKEN));
    let r = gw.call(2, "echo", json!({"text": format!("leak {FAKE_TOKEN}")}));
    assert_eq!(error_code(&r), -32001);
    assert!(gw.finish().success());
    assert!(!env.server_log().contains("leak"), "the credential left");
}
