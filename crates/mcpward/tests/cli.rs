//! End-to-end tests of the `mcpward` binary: real files in temp dirs, real processes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GH_TOKEN: &str = "ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u";

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
            set_mode(&target, 0o600);
        }
    }
}

fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// A temp dir with a copy of `examples/` (mode 0600, not in git) and an empty home.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_tree(&examples_dir(), &dir.path().join("examples"));
        fs::create_dir_all(dir.path().join("home")).expect("home");
        Sandbox { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(self.path(), args)
    }

    fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        let home = self.path().join("home");
        Command::new(env!("CARGO_BIN_EXE_mcpward"))
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .output()
            .expect("run mcpward")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

#[test]
fn human_report_of_the_examples() {
    let sb = Sandbox::new();
    let out = sb.run(&["scan", "examples"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    insta::assert_snapshot!("scan_examples_human", stdout(&out));
}

#[test]
fn json_report_has_the_contract_shape_and_every_rule_fires() {
    let sb = Sandbox::new();
    // One example world-readable, to show that rule too; git does not track the copies.
    set_mode(&sb.path().join("examples/.mcp.json"), 0o644);
    let out = sb.run(&["scan", "examples", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["version", "configs", "servers", "findings"]);
    assert_eq!(v["version"], 1);
    let server = &v["servers"][0];
    for key in [
        "id",
        "name",
        "client",
        "path",
        "transport",
        "command",
        "args",
        "url",
        "env_keys",
        "package",
        "capabilities",
    ] {
        assert!(server.get(key).is_some(), "server lacks {key}");
    }
    let finding = &v["findings"][0];
    for key in [
        "rule", "severity", "server", "path", "line", "column", "message", "fix",
    ] {
        assert!(finding.get(key).is_some(), "finding lacks {key}");
    }
    let fired: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    for rule in [
        "secret-in-config",
        "token-in-url",
        "unpinned-package",
        "typosquat-package",
        "unknown-package",
        "broad-filesystem-scope",
        "sensitive-path-exposed",
        "shell-command-server",
        "exec-capable-server",
        "insecure-transport",
        "docker-privileged",
        "auto-approve",
        "broad-permission-rule",
        "toxic-flow",
        "config-world-readable",
        "database-write-access",
        "unrestricted-fetch",
        "config-parse-error",
    ] {
        assert!(fired.contains(rule), "{rule} does not fire on examples/");
    }
    assert!(
        !fired.contains("config-tracked-with-secret"),
        "temp copies are not tracked by git"
    );
    let broken = v["configs"]
        .as_array()
        .expect("configs")
        .iter()
        .find(|c| c["status"] == "error")
        .expect("the broken example");
    assert!(
        broken["error"]
            .as_str()
            .unwrap_or_default()
            .contains("invalid JSON")
    );
}

#[test]
fn tracked_config_with_secret_is_reported() {
    let sb = Sandbox::new();
    let repo = sb.path().join("examples");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(&repo)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !git(&["init", "-q"]) {
        eprintln!("git is not available: skipping");
        return;
    }
    assert!(git(&["add", ".mcp.json"]));
    let out = sb.run(&["scan", "examples/.mcp.json", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "config-tracked-with-secret")
    );
}

#[test]
fn secrets_never_reach_any_output() {
    let sb = Sandbox::new();
    for format in ["human", "json", "sarif"] {
        let out = sb.run(&["scan", "examples", "--format", format]);
        let text = stdout(&out) + &stderr(&out);
        for secret in [
            GH_TOKEN,
            "Zx8vQ2mN4pL7rT9wK3hJ6fD1sA5gB0cE",
            "Qm8v2LpX7tRz4NwK",
        ] {
            assert!(!text.contains(secret), "{format} output leaks {secret}");
        }
    }
}

#[test]
fn sarif_is_2_1_0_with_rules_and_regions() {
    let sb = Sandbox::new();
    let out = sb.run(&["scan", "examples", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(25)
    );
    let result = &run["results"][0];
    assert!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap_or(0)
            >= 1
    );
    let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or_default();
    assert!(
        uri.starts_with("examples/"),
        "relative URI expected, got {uri}"
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let sb = Sandbox::new();
    let dir = sb.path().join("proj");
    fs::create_dir_all(&dir).expect("mkdir");
    // Only medium findings: an unpinned package.
    fs::write(dir.join(".mcp.json"), r#"{"mcpServers": {"m": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}}}"#)
        .expect("write");
    assert_eq!(sb.run(&["scan", "proj"]).status.code(), Some(0));
    assert_eq!(
        sb.run(&["scan", "proj", "--fail-on", "medium"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        sb.run(&["scan", "proj", "--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
    // Pinned: clean at every threshold.
    fs::write(dir.join(".mcp.json"), r#"{"mcpServers": {"m": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory@2025.8.4"]}}}"#)
        .expect("write");
    let out = sb.run(&["scan", "proj", "--fail-on", "info"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        sb.run(&["scan", "examples", "--fail-on", "critical"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn errors_exit_2_with_a_message() {
    let sb = Sandbox::new();
    let out = sb.run(&["scan", "does-not-exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does-not-exist"));
    fs::write(sb.path().join("notes.txt"), "hello").expect("write");
    let out = sb.run(&["scan", "notes.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not recognised as an MCP client config"));
    // Without a terminal to confirm on, --connect needs --yes before it starts anything.
    let out = sb.run(&["scan", "examples", "--connect"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    let out = sb.run(&["scan", "--fail-on", "severe"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_prints_the_rule_doc() {
    let sb = Sandbox::new();
    let out = sb.run(&["scan", "--explain", "typosquat-package"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for section in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## Fix",
        "## References",
    ] {
        assert!(text.contains(section), "{text}");
    }
    let out = sb.run(&["scan", "--explain", "typosquat-pakage"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `typosquat-package`"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["scan", "--list-rules"]);
    assert_eq!(stdout(&out).lines().count(), 25);
}

#[test]
fn no_path_scans_the_users_configs_and_the_current_directory() {
    let sb = Sandbox::new();
    let home = sb.path().join("home");
    fs::create_dir_all(home.join(".cursor")).expect("mkdir");
    fs::write(home.join(".cursor/mcp.json"), r#"{"mcpServers": {"user-fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/"]}}}"#)
        .expect("write");
    fs::create_dir_all(home.join(".codex")).expect("mkdir");
    fs::write(
        home.join(".codex/config.toml"),
        "[mcp_servers.t]\ncommand = \"uvx\"\nargs = [\"mcp-server-time==2025.8.4\"]\n",
    )
    .expect("write");
    let project = sb.path().join("project");
    fs::create_dir_all(project.join("node_modules/x")).expect("mkdir");
    fs::write(
        project.join(".mcp.json"),
        r#"{"mcpServers": {"proj": {"command": "uvx", "args": ["mcp-server-fetch==2025.4.7"]}}}"#,
    )
    .expect("write");
    // Configs under node_modules are never read.
    fs::write(
        project.join("node_modules/x/.mcp.json"),
        r#"{"mcpServers": {"hidden": {"command": "x"}}}"#,
    )
    .expect("write");
    let out = sb.run_in(&project, &["scan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let mut names: Vec<&str> = v["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["proj", "t", "user-fs"]);
    let clients: Vec<&str> = v["configs"]
        .as_array()
        .expect("configs")
        .iter()
        .filter_map(|c| c["client"].as_str())
        .collect();
    assert!(
        clients.contains(&"cursor")
            && clients.contains(&"codex")
            && clients.contains(&"claude-code"),
        "{clients:?}"
    );
}

#[test]
fn oversized_and_invalid_utf8_configs_are_findings() {
    let sb = Sandbox::new();
    let dir = sb.path().join("odd");
    fs::create_dir_all(dir.join(".cursor")).expect("mkdir");
    fs::write(
        dir.join(".mcp.json"),
        b"{\"mcpServers\": {\"a\": {\"command\": \"\xff\"}}}",
    )
    .expect("write");
    let big = format!(
        "{{\"mcpServers\": {{}}, \"pad\": \"{}\"}}",
        "x".repeat(11 * 1024 * 1024)
    );
    fs::write(dir.join(".cursor/mcp.json"), big).expect("write");
    let out = sb.run(&["scan", "odd", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let reasons: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "config-parse-error")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("invalid UTF-8")));
    assert!(reasons.iter().any(|r| r.contains("over the")));
}
