//! End-to-end tests of `mcpward scan --connect --remote`: the real binary contacts real remote
//! MCP servers on 127.0.0.1 — the npm reference `server-everything` over Streamable HTTP and over
//! the older HTTP+SSE transport, and a poisoned server on the official Python SDK
//! (`tests/fixtures/poisoned_http_server.py`, in its event-stream and JSON answer modes) — and
//! small scripted HTTP servers: one that records the session (session id and protocol version
//! sent back, the server's own `ping` answered, pages followed, `DELETE` at the end), and those
//! for what must be refused: loopback and metadata targets without `--allow-private-remote`,
//! plain http to a public address, redirects, 401/403, oversized answers, a self-signed
//! certificate.
//!
//! Like the other end-to-end tests, these fail (never skip) when the servers are not installed
//! (`scripts/e2e-setup.sh`).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TOKEN: &str = "ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn e2e_dir() -> PathBuf {
    std::env::var_os("MCPWARD_E2E_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| repo().join("target/e2e"), PathBuf::from)
}

fn everything() -> PathBuf {
    let path = e2e_dir().join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        path.is_file(),
        "{} is missing: run `scripts/e2e-setup.sh` first (MCPWARD_E2E_DIR selects another directory)",
        path.display()
    );
    path
}

fn python_sdk() -> PathBuf {
    let py = e2e_dir().join("py");
    assert!(
        py.join("mcp").is_dir(),
        "{} holds no Python MCP SDK: run `scripts/e2e-setup.sh` first",
        py.display()
    );
    py
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .port()
}

/// A server process, killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` and waits until it accepts connections on `port`.
fn start(mut command: Command, port: u16) -> Server {
    let server = Server(
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts"),
    );
    let until = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

fn node_everything(transport: &str, port: u16) -> Server {
    let mut c = Command::new("node");
    c.arg(everything())
        .arg(transport)
        .env("PORT", port.to_string());
    start(c, port)
}

fn python_poisoned(port: u16, extra: &[&str]) -> Server {
    let mut c = Command::new("python3");
    c.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/poisoned_http_server.py"))
        .arg(port.to_string())
        .args(extra)
        .env("PYTHONPATH", python_sdk());
    start(c, port)
}

fn write_config(dir: &Path, servers: Value) -> PathBuf {
    let path = dir.join(".mcp.json");
    std::fs::write(&path, json!({ "mcpServers": servers }).to_string()).expect("write config");
    path
}

fn scan(config: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcpward"))
        .arg("scan")
        .arg(config)
        .args(["--connect", "--yes", "--format", "json", "--remote"])
        .args(extra)
        .env("MCPWARD_TEST_TOKEN", TOKEN)
        .stdin(Stdio::null())
        .output()
        .expect("mcpward runs")
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}): stdout {} stderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn findings<'r>(report: &'r Value, rule: &str, name: &str) -> Vec<&'r Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"] == rule
                && f["server"]
                    .as_str()
                    .is_some_and(|s| s.ends_with(&format!("#{name}")))
        })
        .collect()
}

fn connection<'r>(report: &'r Value, name: &str) -> &'r Value {
    &report["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no server {name}"))["connection"]
}

fn tool_names(report: &Value, name: &str) -> Vec<String> {
    let c = connection(report, name);
    assert_eq!(c["status"], "listed", "{name}: {c}");
    c["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t.as_str().expect("name").to_owned())
        .collect()
}

/// The reason a server was not listed.
fn reason(report: &Value, name: &str) -> String {
    let c = connection(report, name);
    assert_eq!(c["status"], "failed", "{name}: {c}");
    c["reason"].as_str().expect("reason").to_owned()
}

#[test]
fn remote_servers_are_listed_pinned_and_screened() {
    let ports: Vec<u16> = (0..5).map(|_| free_port()).collect();
    let _servers = [
        node_everything("streamableHttp", ports[0]),
        node_everything("sse", ports[1]),
        python_poisoned(ports[2], &[]),
        python_poisoned(ports[3], &["--json"]),
        python_poisoned(ports[4], &["--token", TOKEN]),
    ];
    let leak = untouched();
    let leak_port = leak.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("tempdir");
    let url = |i: usize, path: &str| format!("http://127.0.0.1:{}{path}", ports[i]);
    let config = write_config(
        dir.path(),
        json!({
            "everything": {"type": "http", "url": url(0, "/mcp")},
            "everything_sse": {"type": "sse", "url": url(1, "/sse")},
            "poisoned": {"type": "http", "url": url(2, "/mcp")},
            "poisoned_json": {"type": "http", "url": url(3, "/mcp")},
            "authed": {"type": "http", "url": url(4, "/mcp"),
                       "headers": {"Authorization": "Bearer ${MCPWARD_TEST_TOKEN}"}},
            "unauthed": {"type": "http", "url": url(4, "/mcp")},
            // A variable the user did not name with --remote-env is never sent.
            "leaky": {"type": "http", "url": format!("http://127.0.0.1:{leak_port}/mcp"),
                      "headers": {"X-Home": "${HOME}"}}
        }),
    );
    let lock = dir.path().join("mcpward.lock");
    let lock_arg = lock.to_str().expect("utf-8");
    let allow = [
        "--allow-private-remote",
        "--remote-env",
        "MCPWARD_TEST_TOKEN",
    ];
    let out = scan(&config, &[&allow[..], &["--lock", lock_arg]].concat());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = report(&out);

    // The reference server lists the same tools over both transports, and is clean.
    let streamable = tool_names(&r, "everything");
    assert!(streamable.len() >= 10, "{streamable:?}");
    assert!(streamable.iter().any(|t| t == "echo"));
    assert_eq!(tool_names(&r, "everything_sse"), streamable);
    for rule in ["tool-poisoning", "hidden-unicode", "server-launch-failed"] {
        assert!(findings(&r, rule, "everything").is_empty(), "{rule}: {r:#}");
    }
    // The poisoned server is caught, whichever way it answers.
    for name in ["poisoned", "poisoned_json", "authed"] {
        let tools = tool_names(&r, name);
        assert!(tools.contains(&"add".to_owned()), "{name}: {tools:?}");
        let poisoning = findings(&r, "tool-poisoning", name);
        assert!(
            poisoning.iter().any(|f| f["message"]
                .as_str()
                .is_some_and(|m| m.contains("`add`") && m.contains("sidenote"))),
            "{name}: {poisoning:#?}"
        );
        assert_eq!(findings(&r, "destructive-tool", name).len(), 1, "{name}");
    }
    // Without the header the same server needs authorization: an outcome, not a crash.
    let unauthed = reason(&r, "unauthed");
    assert!(
        unauthed.contains("needs authorization (HTTP 401)"),
        "{unauthed}"
    );
    assert_eq!(findings(&r, "server-launch-failed", "unauthed").len(), 1);
    let leaky = reason(&r, "leaky");
    assert!(
        leaky.contains("sends ${HOME}") && leaky.contains("--remote-env HOME"),
        "{leaky}"
    );
    assert_untouched(&leak);
    // The expanded header value never reaches the report or the diagnostics.
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(TOKEN));
    }

    // The lockfile pins every listed server, under its name.
    let pinned: Value =
        serde_json::from_str(&std::fs::read_to_string(&lock).expect("lockfile written"))
            .expect("JSON");
    let pins = pinned["servers"]["everything"]["tools"]
        .as_object()
        .expect("pins");
    assert_eq!(pins.len(), streamable.len());
    assert!(
        pins["echo"]["hash"]
            .as_str()
            .is_some_and(|h| h.starts_with("sha256:"))
    );
    assert_eq!(connection(&r, "everything")["pinned"], true);
    assert_eq!(
        pinned["servers"]["poisoned"]["tools"]["add"]["hash"],
        pinned["servers"]["poisoned_json"]["tools"]["add"]["hash"],
        "the same definition hashes the same over either answer mode"
    );

    // A second run finds the pins unchanged.
    let again = report(&scan(
        &config,
        &[&allow[..], &["--lock", lock_arg]].concat(),
    ));
    for name in ["everything", "everything_sse", "poisoned", "poisoned_json"] {
        assert!(
            findings(&again, "tool-changed", name).is_empty(),
            "{name}: {again:#}"
        );
        assert!(connection(&again, name).get("pinned").is_none(), "{name}");
    }
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(&lock).expect("lockfile")).expect("JSON");
    assert_eq!(after["servers"], pinned["servers"], "nothing re-pinned");
}

/// A listener that counts the connections it accepts and answers each with `answer`.
struct Fake {
    port: u16,
    connections: Arc<AtomicUsize>,
}

fn fake(answer: impl Fn(&mut TcpStream) + Send + 'static) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&connections);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            seen.fetch_add(1, Ordering::SeqCst);
            read_request(&mut stream);
            answer(&mut stream);
        }
    });
    Fake { port, connections }
}

/// Reads one request's head and its `Content-Length` body.
fn read_request(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = stream.read_exact(&mut body);
}

/// A listener that must never see a connection.
fn untouched() -> TcpListener {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.set_nonblocking(true).expect("nonblocking");
    l
}

fn assert_untouched(l: &TcpListener) {
    match l.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("a connection was made: {other:?}"),
    }
}

#[test]
fn private_metadata_and_plain_targets_are_refused_before_connecting() {
    let target = untouched();
    let port = target.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        json!({
            "loopback": {"type": "http", "url": format!("https://127.0.0.1:{port}/mcp")},
            "spelled": {"type": "http", "url": format!("https://2130706433:{port}/mcp")},
            "named": {"type": "http", "url": format!("https://localhost:{port}/mcp")},
            "mapped": {"type": "sse", "url": format!("https://[::ffff:127.0.0.1]:{port}/sse")},
            "metadata": {"type": "http", "url": "https://169.254.169.254/latest/meta-data/"},
            "plain_loopback": {"type": "http", "url": format!("http://127.0.0.1:{port}/mcp")},
            "plain_public": {"type": "http", "url": "http://93.184.215.14:8080/mcp"},
            "userinfo": {"type": "http", "url": "https://user:pw@mcp.example.com/mcp"},
            "socket": {"type": "ws", "url": "wss://mcp.example.com/ws"}
        }),
    );
    let r = report(&scan(&config, &["--connect-timeout", "5s"]));
    for name in ["loopback", "spelled", "named", "mapped", "metadata"] {
        let why = reason(&r, name);
        assert!(
            why.starts_with("refused:") && why.contains("--allow-private-remote"),
            "{name}: {why}"
        );
    }
    for name in ["plain_loopback", "plain_public"] {
        assert!(reason(&r, name).contains("https only"), "{name}");
    }
    assert!(reason(&r, "userinfo").contains("user information"));
    assert_eq!(connection(&r, "socket")["status"], "skipped");
    assert_untouched(&target);

    // Without --remote nothing remote is contacted, and each says why.
    let out = Command::new(env!("CARGO_BIN_EXE_mcpward"))
        .arg("scan")
        .arg(&config)
        .args(["--connect", "--yes", "--format", "json"])
        .stdin(Stdio::null())
        .output()
        .expect("mcpward runs");
    let r = report(&out);
    let c = connection(&r, "plain_loopback");
    assert_eq!(c["status"], "skipped");
    assert!(c["reason"].as_str().is_some_and(|m| m.contains("--remote")));
    assert_untouched(&target);

    // With --allow-private-remote, plain http still goes to loopback only, and metadata stays
    // refused.
    let config = write_config(
        dir.path(),
        json!({
            "metadata": {"type": "http", "url": "https://169.254.169.254/latest/meta-data/"},
            "metadata_name": {"type": "http", "url": "https://metadata.google.internal/computeMetadata/v1/"},
            "plain_public": {"type": "http", "url": "http://93.184.215.14:8080/mcp"}
        }),
    );
    let r = report(&scan(
        &config,
        &["--connect-timeout", "5s", "--allow-private-remote"],
    ));
    assert!(reason(&r, "plain_public").contains("https only"));
    assert!(reason(&r, "metadata").contains("cloud metadata"));
    assert!(reason(&r, "metadata_name").contains("cloud metadata"));
    // --allow-private-remote needs --remote.
    let out = Command::new(env!("CARGO_BIN_EXE_mcpward"))
        .arg("scan")
        .arg(&config)
        .args(["--connect", "--yes", "--allow-private-remote"])
        .stdin(Stdio::null())
        .output()
        .expect("mcpward runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn redirects_refusals_and_oversized_answers_are_outcomes() {
    let target = untouched();
    let target_port = target.local_addr().expect("addr").port();
    let redirect = fake(move |s| {
        let _ = write!(
            s,
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{target_port}/mcp\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    });
    let forbidden = fake(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 403 Forbidden\r\nWWW-Authenticate: Bearer realm=\"mcp\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    let declared = fake(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17825792\r\n\r\n{",
        );
    });
    let streamed = fake(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
        );
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..17 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let endless_event = fake(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: ",
        );
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..17 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let elsewhere = fake(move |s| {
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\nevent: endpoint\r\ndata: http://127.0.0.1:{target_port}/messages\r\n\r\n"
        );
        std::thread::sleep(Duration::from_secs(2));
    });
    // A JSON-RPC error whose message carries a terminal escape sequence.
    let escapes = fake(|s| {
        let body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"\\u001b[2J\\u001b[31mhidden\"}}";
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let url = |f: &Fake| format!("http://127.0.0.1:{}/mcp", f.port);
    let config = write_config(
        dir.path(),
        json!({
            "redirect": {"type": "http", "url": url(&redirect)},
            "forbidden": {"type": "http", "url": url(&forbidden)},
            "declared": {"type": "http", "url": url(&declared)},
            "streamed": {"type": "http", "url": url(&streamed)},
            "endless_event": {"type": "http", "url": url(&endless_event)},
            "elsewhere": {"type": "sse", "url": format!("http://127.0.0.1:{}/sse", elsewhere.port)},
            "escapes": {"type": "http", "url": url(&escapes)}
        }),
    );
    let out = scan(
        &config,
        &["--allow-private-remote", "--connect-timeout", "20s"],
    );
    let r = report(&out);
    let why = reason(&r, "redirect");
    assert!(
        why.contains("redirect (HTTP 307)") && why.contains("not followed"),
        "{why}"
    );
    let why = reason(&r, "forbidden");
    assert!(why.contains("needs authorization (HTTP 403)"), "{why}");
    for name in ["declared", "streamed"] {
        let why = reason(&r, name);
        assert!(why.contains("larger than 16 MiB"), "{name}: {why}");
    }
    let why = reason(&r, "endless_event");
    assert!(why.contains("message larger than 16 MiB"), "{why}");
    let why = reason(&r, "elsewhere");
    assert!(why.contains("another origin"), "{why}");
    // Each was a finding, and the redirect target was never contacted.
    for name in [
        "redirect",
        "forbidden",
        "declared",
        "streamed",
        "endless_event",
        "elsewhere",
    ] {
        assert_eq!(
            findings(&r, "server-launch-failed", name).len(),
            1,
            "{name}"
        );
    }
    assert_untouched(&target);
    assert_eq!(redirect.connections.load(Ordering::SeqCst), 1);
    // Nothing the servers sent reaches the output raw: the error's text is there, its escape
    // sequences are not.
    let why = reason(&r, "escapes");
    assert!(why.contains("hidden"), "{why}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains("\\u001b"));
}

#[test]
fn without_yes_remote_servers_are_listed_for_review_and_not_contacted() {
    let target = untouched();
    let port = target.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        json!({
            "authed": {"type": "http", "url": format!("http://127.0.0.1:{port}/mcp"),
                       "headers": {"Authorization": "Bearer ${MCPWARD_TEST_TOKEN}", "X-Static": TOKEN}}
        }),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mcpward"))
        .arg("scan")
        .arg(&config)
        .args(["--connect", "--remote", "--allow-private-remote"])
        .env("MCPWARD_TEST_TOKEN", TOKEN)
        .stdin(Stdio::null())
        .output()
        .expect("mcpward runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("contact 1 remote server")
            && err.contains(&format!("http://127.0.0.1:{port}/mcp"))
            && err.contains("(headers: Authorization, X-Static)")
            && err.contains("(sends ${MCPWARD_TEST_TOKEN})")
            && err.contains("--yes"),
        "{err}"
    );
    assert!(!err.contains(TOKEN) && !err.contains("Bearer"), "{err}");
    assert_untouched(&target);
}

#[test]
fn certificates_are_verified_against_the_bundled_roots() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A committed test-only certificate (tests/fixtures/tls/README.md): no `openssl` needed.
    let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let (cert, key) = (tls.join("cert.pem"), tls.join("key.pem"));
    let port = free_port();
    let mut server = Command::new("python3");
    server
        .arg("-c")
        .arg(
            "import http.server, ssl, sys\n\
             s = http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.BaseHTTPRequestHandler)\n\
             c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
             c.load_cert_chain(sys.argv[2], sys.argv[3])\n\
             s.socket = c.wrap_socket(s.socket, server_side=True)\n\
             s.serve_forever()",
        )
        .arg(port.to_string())
        .arg(&cert)
        .arg(&key);
    let _server = start(server, port);
    let config = write_config(
        dir.path(),
        json!({"self_signed": {"type": "http", "url": format!("https://127.0.0.1:{port}/mcp")}}),
    );
    let r = report(&scan(
        &config,
        &["--allow-private-remote", "--connect-timeout", "10s"],
    ));
    let why = reason(&r, "self_signed");
    assert!(
        why.contains("TLS failed") && why.contains("certificate"),
        "{why}"
    );
}

/// One request a scripted server received.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one request: method, headers (names lower case), JSON body (`null` when none).
fn receive(stream: &mut TcpStream) -> Option<Received> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let method = lines.next()?.split(' ').next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    Some(Received {
        method,
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    })
}

/// A scripted Streamable HTTP server: a session id, a `ping` of its own inside the event stream
/// that answers `initialize`, `tools/list` in two pages, `DELETE` accepted. Every request is
/// recorded.
#[test]
fn the_streamable_http_session_is_kept_answered_paged_and_ended() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let log = Arc::new(std::sync::Mutex::new(Vec::<Received>::new()));
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let Some(req) = receive(&mut s) else { continue };
            seen.lock().expect("log").push(req.clone());
            let tool = |name: &str| json!({"name": name, "description": format!("The {name} tool."), "inputSchema": {"type": "object"}});
            let json_reply = |body: Value| {
                let body = body.to_string();
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let reply = match (req.method.as_str(), req.body["method"].as_str()) {
                ("POST", Some("initialize")) => {
                    let ping = json!({"jsonrpc": "2.0", "id": "srv-1", "method": "ping"});
                    let result = json!({"jsonrpc": "2.0", "id": req.body["id"], "result": {
                        "protocolVersion": "2025-06-18",
                        "capabilities": {"tools": {}},
                        "serverInfo": {"name": "scripted", "version": "1"}}});
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nMcp-Session-Id: sess-123\r\nConnection: close\r\n\r\n: hello\n\nevent: message\ndata: {ping}\n\nid: 1\ndata: {result}\n\n"
                    )
                }
                ("POST", Some("tools/list")) => {
                    let page = if req.body["params"]["cursor"] == "p2" {
                        json!({"tools": [tool("second")]})
                    } else {
                        json!({"tools": [tool("first")], "nextCursor": "p2"})
                    };
                    json_reply(json!({"jsonrpc": "2.0", "id": req.body["id"], "result": page}))
                }
                ("POST", _) => {
                    "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_owned()
                }
                _ => "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
            };
            let _ = s.write_all(reply.as_bytes());
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        json!({"scripted": {"type": "http", "url": format!("http://127.0.0.1:{port}/mcp")}}),
    );
    let r = report(&scan(&config, &["--allow-private-remote"]));
    assert_eq!(tool_names(&r, "scripted"), ["first", "second"]);

    let log = log.lock().expect("log").clone();
    let summary: Vec<String> = log
        .iter()
        .map(|q| {
            let what = q.body["method"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| {
                    q.body
                        .get("result")
                        .map(|_| format!("reply to {}", q.body["id"]))
                })
                .unwrap_or_default();
            format!("{} {what}", q.method)
        })
        .collect();
    assert_eq!(
        summary,
        [
            "POST initialize",
            "POST reply to \"srv-1\"",
            "POST notifications/initialized",
            "POST tools/list",
            "POST tools/list",
            "DELETE ",
        ],
        "{log:#?}"
    );
    assert_eq!(log[4].body["params"]["cursor"], "p2");
    assert_eq!(log[1].body["result"], json!({}));
    // Before the session exists nothing is claimed; after, every request carries it, and once
    // `initialize` was answered, the negotiated version (the reply to the server's ping went
    // out before that).
    assert_eq!(log[0].header("mcp-session-id"), None);
    assert_eq!(log[0].body["params"]["protocolVersion"], "2025-11-25");
    for q in &log[1..] {
        assert_eq!(q.header("mcp-session-id"), Some("sess-123"), "{q:?}");
    }
    assert_eq!(log[1].header("mcp-protocol-version"), None);
    for q in &log[2..] {
        assert_eq!(
            q.header("mcp-protocol-version"),
            Some("2025-06-18"),
            "{q:?}"
        );
    }
    for q in log.iter().filter(|q| q.method == "POST") {
        assert_eq!(
            q.header("accept"),
            Some("application/json, text/event-stream")
        );
        assert_eq!(q.header("content-type"), Some("application/json"));
    }
}
