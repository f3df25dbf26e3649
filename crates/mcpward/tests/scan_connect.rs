//! End-to-end tests of `mcpward scan --connect`: the real binary starts real servers from a temp
//! config — the npm reference servers (`server-everything`, `server-filesystem`,
//! `server-memory`, installed by `scripts/e2e-setup.sh`, found like `tests/e2e.rs` finds them)
//! and a scripted poisoned server (`tests/fixtures/poisoned_server.py`) — and reads the JSON
//! report.
//!
//! Like the other end-to-end tests, these fail (never skip) when the servers are not installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

fn npm_server(name: &str) -> String {
    let path = e2e_dir()
        .join("node_modules/@modelcontextprotocol")
        .join(name)
        .join("dist/index.js");
    assert!(
        path.is_file(),
        "{} is missing: run `scripts/e2e-setup.sh` first (MCPWARD_E2E_DIR selects another directory)",
        path.display()
    );
    path.display().to_string()
}

fn poisoned_server() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/poisoned_server.py")
        .display()
        .to_string()
}

fn write_config(dir: &Path, servers: Value) -> PathBuf {
    let path = dir.join(".mcp.json");
    std::fs::write(&path, json!({ "mcpServers": servers }).to_string()).expect("write config");
    path
}

fn scan(args: &[&str], stdin: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcpward"))
        .arg("scan")
        .args(args)
        .stdin(stdin)
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

/// The findings of `rule` about server `name`.
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

fn server<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no server {name}"))
}

#[test]
fn real_npm_servers_are_listed_and_a_poisoned_one_is_caught() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("root");
    std::fs::create_dir(&root).expect("mkdir");
    let config = write_config(
        dir.path(),
        json!({
            "everything": {"command": "node", "args": [npm_server("server-everything"), "stdio"]},
            "filesystem": {"command": "node", "args": [npm_server("server-filesystem"), root.display().to_string()]},
            "memory": {"command": "node", "args": [npm_server("server-memory")],
                       "env": {"MEMORY_FILE_PATH": dir.path().join("memory.jsonl").display().to_string()}},
            "poisoned": {"command": "python3", "args": [poisoned_server()]},
            "remote": {"type": "http", "url": "https://mcp.example.com/mcp"}
        }),
    );
    let out = scan(
        &[
            config.to_str().expect("utf-8"),
            "--connect",
            "--yes",
            "--format",
            "json",
        ],
        Stdio::null(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = report(&out);
    for (name, at_least) in [
        ("everything", 10),
        ("filesystem", 10),
        ("memory", 8),
        ("poisoned", 4),
    ] {
        let c = &server(&r, name)["connection"];
        assert_eq!(c["status"], "listed", "{name}: {c}");
        assert!(
            c["tools"].as_array().expect("tools").len() >= at_least,
            "{name}: {c}"
        );
    }
    // The tools/list pages of the scripted server were all followed.
    assert!(
        server(&r, "poisoned")["connection"]["tools"]
            .as_array()
            .expect("tools")
            .iter()
            .any(|t| t == "delete_everything")
    );
    // The real servers are clean, apart from their destructive tools.
    for name in ["everything", "filesystem", "memory"] {
        for rule in [
            "tool-poisoning",
            "hidden-unicode",
            "tool-shadowing",
            "server-launch-failed",
        ] {
            assert!(
                findings(&r, rule, name).is_empty(),
                "{rule} on {name}: {r:#}"
            );
        }
    }
    assert_eq!(findings(&r, "destructive-tool", "memory").len(), 1);
    // The poisoned one fires each rule.
    let poisoning = findings(&r, "tool-poisoning", "poisoned");
    assert!(
        poisoning.iter().any(|f| f["message"]
            .as_str()
            .is_some_and(|m| m.contains("`add`") && m.contains("sidenote"))),
        "{poisoning:#?}"
    );
    assert_eq!(findings(&r, "hidden-unicode", "poisoned").len(), 1);
    let shadowing = findings(&r, "tool-shadowing", "poisoned");
    assert!(
        shadowing.iter().any(|f| f["message"]
            .as_str()
            .is_some_and(|m| m.contains("read_text_file") && m.contains("`filesystem`"))),
        "{shadowing:#?}"
    );
    assert_eq!(findings(&r, "destructive-tool", "poisoned").len(), 1);
    // Remote servers are not connected, and say why.
    let remote = &server(&r, "remote")["connection"];
    assert_eq!(remote["status"], "skipped");
    assert!(
        remote["reason"]
            .as_str()
            .is_some_and(|m| m.contains("remote"))
    );
    // Hidden characters never reach the report.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains("\\u001b"));
    assert!(
        !text
            .chars()
            .any(|c| ('\u{E0000}'..='\u{E007F}').contains(&c))
    );
}

#[test]
fn launch_failures_are_findings_with_a_sanitized_redacted_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        json!({
            "crashes": {"command": "python3", "args": [poisoned_server(), "--stderr"]},
            "missing": {"command": "no-such-mcp-server-for-mcpward-tests"},
            "silent": {"command": "python3", "args": ["-c", "import time; time.sleep(30)"]}
        }),
    );
    let out = scan(
        &[
            config.to_str().expect("utf-8"),
            "--connect",
            "--yes",
            "--format",
            "json",
            "--connect-timeout",
            "1s",
        ],
        Stdio::null(),
    );
    let r = report(&out);
    let reason = |name: &str| {
        let f = findings(&r, "server-launch-failed", name);
        assert_eq!(f.len(), 1, "{name}: {r:#}");
        f[0]["message"].as_str().expect("message").to_owned()
    };
    let crashed = reason("crashes");
    assert!(
        crashed.contains("exit status: 3") && crashed.contains("before answering initialize"),
        "{crashed}"
    );
    assert!(
        crashed.contains("cannot log in"),
        "one stderr line is shown: {crashed}"
    );
    assert!(reason("missing").contains("not found"));
    assert!(reason("silent").contains("no answer to initialize within 1s"));
    // The server's stderr is never printed raw: no escape sequences, no credential.
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(TOKEN), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains("\\u001b"),
            "{text}"
        );
    }
    // Medium: an unscreened server alone does not fail the default `--fail-on high`.
    assert!(
        r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "server-launch-failed")
            .all(|f| f["severity"] == "medium")
    );
}

#[test]
fn lock_pins_first_then_reports_a_changed_definition() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lock = dir.path().join("mcpward.lock");
    let lock_arg = lock.to_str().expect("utf-8");
    let run = |variant: &str| {
        let config = write_config(
            dir.path(),
            json!({"poisoned": {"command": "python3", "args": [poisoned_server(), "--variant", variant]}}),
        );
        let out = scan(
            &[
                config.to_str().expect("utf-8"),
                "--connect",
                "--yes",
                "--format",
                "json",
                "--lock",
                lock_arg,
            ],
            Stdio::null(),
        );
        report(&out)
    };
    let first = run("0");
    assert!(findings(&first, "tool-changed", "poisoned").is_empty());
    assert_eq!(server(&first, "poisoned")["connection"]["pinned"], true);
    let pinned: Value =
        serde_json::from_str(&std::fs::read_to_string(&lock).expect("lockfile written"))
            .expect("JSON");
    let tools = pinned["servers"]["poisoned"]["tools"]
        .as_object()
        .expect("pins");
    assert_eq!(tools.len(), 4);
    // The same hash `mcpward run` computes.
    let add_hash = tools["add"]["hash"].as_str().expect("hash").to_owned();
    assert!(add_hash.starts_with("sha256:"));

    let unchanged = run("0");
    assert!(findings(&unchanged, "tool-changed", "poisoned").is_empty());
    assert!(
        server(&unchanged, "poisoned")["connection"]
            .get("pinned")
            .is_none()
    );

    let changed = run("1");
    let f = findings(&changed, "tool-changed", "poisoned");
    assert_eq!(f.len(), 1, "{changed:#}");
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("`add` changed"))
    );
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(&lock).expect("lockfile")).expect("JSON");
    let server = &after["servers"]["poisoned"];
    assert_eq!(
        server["tools"]["add"]["hash"],
        add_hash.as_str(),
        "the pin is kept"
    );
    assert_eq!(
        server["pending"]["add"]["change"], "changed",
        "the change waits for `pin approve`"
    );
}

#[test]
fn without_a_terminal_connect_needs_yes_and_starts_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pid = dir.path().join("pid");
    let config = write_config(
        dir.path(),
        json!({"poisoned": {"command": "python3", "args": [poisoned_server(), "--pid", pid.display().to_string()]}}),
    );
    let out = scan(
        &[config.to_str().expect("utf-8"), "--connect"],
        Stdio::null(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--yes"), "{err}");
    assert!(
        err.contains("poisoned_server.py"),
        "the commands are listed: {err}"
    );
    assert!(!pid.exists(), "no server was started");
    // --lock without --connect is a usage error.
    let out = scan(
        &[config.to_str().expect("utf-8"), "--lock", "x.lock"],
        Stdio::null(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn servers_are_stopped_after_listing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pid = dir.path().join("pid");
    let config = write_config(
        dir.path(),
        json!({"poisoned": {"command": "python3", "args": [poisoned_server(), "--pid", pid.display().to_string()]}}),
    );
    let out = scan(
        &[
            config.to_str().expect("utf-8"),
            "--connect",
            "--yes",
            "--format",
            "json",
        ],
        Stdio::null(),
    );
    assert_eq!(
        server(&report(&out), "poisoned")["connection"]["status"],
        "listed"
    );
    let pid = std::fs::read_to_string(&pid).expect("the server wrote its pid");
    assert!(
        !Path::new(&format!("/proc/{}", pid.trim())).exists(),
        "server {pid} still runs"
    );
}
