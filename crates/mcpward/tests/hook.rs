//! `mcpward hook`, `mcpward install|uninstall claude-code` and `mcpward export claude-code`:
//! the real binary, fed Claude Code hook events recorded in `fixtures/claude-code-hooks/`, in a
//! temp `MCPWARD_HOME` (policy and audit log) and a temp `HOME`.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const POLICY: &str = r#"version = 1

[defaults]
decision = "deny"

[servers.github]
allow = ["get_*", "list_*"]
ask = ["create_issue"]
deny = ["delete_*"]

[servers.filesystem]
allow = ["read_*"]
paths.deny = ["**/.ssh/**"]

[servers."plugin:acme:db"]
allow = ["query"]

[[servers."plugin:acme:db".rules]]
tool = "query"
deny_when = 'args.sql.matches("(?i)\\b(drop|delete)\\b")'
reason = "read-only database"

[servers."claude-code:builtin"]
ask = ["Bash"]
"#;

/// Injection passes labelled, a secret withholds the output; no built-in section.
const WARN_POLICY: &str = r#"version = 1

[defaults]
on_injection = "warn"
on_secret = "block"

[servers.github]
allow = ["*"]

[servers.fetch]
allow = ["fetch"]
"#;

const BROKEN_POLICY: &str = "version = 1\n[servers.github]\nalow = [\"get_*\"]\n";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/claude-code-hooks")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(policy: &str) -> Home {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("mcpward")).expect("home");
        fs::write(dir.path().join("mcpward/policy.toml"), policy).expect("policy");
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcpward"));
        cmd.env("MCPWARD_HOME", self.path().join("mcpward"))
            .env("HOME", self.path().join("home"))
            .env_remove("CLAUDE_CONFIG_DIR")
            .env("NO_COLOR", "1");
        cmd
    }

    fn hook(&self, payload: &[u8]) -> Output {
        let mut child = self
            .command()
            .arg("hook")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn mcpward hook");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(payload)
            .expect("write payload");
        child.wait_with_output().expect("mcpward hook")
    }

    fn log(&self) -> Vec<Value> {
        let out = self
            .command()
            .args(["log", "--json"])
            .output()
            .expect("mcpward log");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("log line"))
            .collect()
    }
}

/// Exit code and stdout (as JSON, or null when empty) of one hook run.
fn answer(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stdout = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout).expect("stdout is JSON")
    };
    json!({ "exit": out.status.code(), "stdout": stdout })
}

#[test]
fn recorded_events_get_exact_answers() {
    let cases = [
        "pre_mcp_allow",
        "pre_mcp_ask",
        "pre_mcp_deny",
        "pre_mcp_unknown_server",
        "pre_mcp_subagent",
        "pre_mcp_plugin",
        "pre_mcp_plugin_write",
        "pre_mcp_path_denied",
        "pre_mcp_secret_in_args",
        "pre_builtin_bash",
        "pre_builtin_read",
        "post_text_clean",
        "post_text_secret",
        "post_structured_secret",
        "post_string_injection",
        "post_hidden_unicode",
        "post_subagent",
        "post_failure_error",
        "post_failure_clean",
        "post_builtin",
        "session_start",
    ];
    for case in cases {
        // A fresh home per case: audit sequence numbers in notes are stable.
        let home = Home::new(POLICY);
        let out = home.hook(&fixture(&format!("{case}.json")));
        insta::assert_json_snapshot!(case, answer(&out));
    }
}

#[test]
fn the_warn_policy_labels_injection_and_withholds_secrets() {
    for case in [
        "post_string_injection",
        "post_text_secret",
        "pre_builtin_bash",
    ] {
        let home = Home::new(WARN_POLICY);
        let out = home.hook(&fixture(&format!("{case}.json")));
        insta::assert_json_snapshot!(format!("warn_{case}"), answer(&out));
    }
}

#[test]
fn malformed_events_exit_2() {
    let home = Home::new(POLICY);
    for case in ["malformed_no_tool.json", "malformed_truncated.json"] {
        let out = home.hook(&fixture(case));
        assert_eq!(out.status.code(), Some(2), "{case}");
        assert!(out.stdout.is_empty(), "{case}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("mcpward hook:"),
            "{case}"
        );
    }
    let out = home.hook(b"[1, 2, 3]");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_broken_policy_blocks_calls_and_withholds_outputs() {
    let home = Home::new(BROKEN_POLICY);
    let out = home.hook(&fixture("pre_mcp_allow.json"));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid policy"), "{stderr}");
    assert!(stderr.contains("alow"), "{stderr}");
    // After the tool ran, exit 2 cannot take the output back: it is withheld instead.
    let out = home.hook(&fixture("post_text_secret.json"));
    let text = answer(&out)
        .to_string()
        .replace(&home.path().display().to_string(), "[HOME]");
    let answer: Value = serde_json::from_str(&text).expect("json");
    insta::assert_json_snapshot!("broken_policy_post", answer);
}

#[test]
fn a_missing_policy_blocks() {
    let home = Home::new(POLICY);
    fs::remove_file(home.path().join("mcpward/policy.toml")).expect("rm");
    let out = home.hook(&fixture("pre_mcp_allow.json"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_unwritable_audit_log_blocks() {
    let home = Home::new(POLICY);
    // A directory where the database file should be.
    fs::create_dir_all(home.path().join("mcpward/audit.db")).expect("dir");
    let out = home.hook(&fixture("pre_mcp_allow.json"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn every_decision_is_recorded() {
    let home = Home::new(POLICY);
    for case in [
        "pre_mcp_deny",
        "pre_mcp_subagent",
        "post_text_secret",
        "post_string_injection",
    ] {
        home.hook(&fixture(&format!("{case}.json")));
    }
    let log = home.log();
    let summary: Vec<Value> = log
        .iter()
        .map(|e| {
            json!({
                "kind": e["kind"], "agent": e["agent"], "server": e["server"],
                "tool": e["tool"], "decision": e["decision"], "rule": e["rule"],
                "agent_id": e["detail"]["agent_id"],
            })
        })
        .collect();
    insta::assert_json_snapshot!("audit_summary", summary);
    let text = serde_json::to_string(&log).expect("json");
    assert!(
        !text.contains("ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u"),
        "no secret in the audit log"
    );
    // The quarantined original is there, for a person.
    assert!(text.contains("Ignore all previous instructions"));
}

// ---- install / uninstall ----

const USER_SETTINGS: &str = "{\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"allow\": [\n      \"Bash(npm test)\"\n    ]\n  },\n  \"hooks\": {\n    \"PostToolUse\": [\n      {\n        \"matcher\": \"Write|Edit\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"npx prettier --write\"\n          }\n        ]\n      }\n    ]\n  }\n}\n";

/// Compact, two keys on a line: not how Claude Code writes it.
const PROJECT_SETTINGS: &str =
    "{\"permissions\": {\"deny\": [\"Read(./.env)\"]}, \"enableAllProjectMcpServers\": false}";

fn settings_run(home: &Home, cwd: &Path, args: &[&str]) -> Output {
    let out = home
        .command()
        .current_dir(cwd)
        .args(args)
        .args(
            ["--mcpward", "/opt/mcpward/bin/mcpward"]
                .iter()
                .filter(|_| args[0] == "install"),
        )
        .output()
        .expect("mcpward");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn install_twice_then_uninstall_restores_the_files_byte_for_byte() {
    let home = Home::new(POLICY);
    let user = home.path().join("home/.claude/settings.json");
    let project_dir = home.path().join("project");
    let project = project_dir.join(".claude/settings.json");
    fs::create_dir_all(user.parent().expect("dir")).expect("mkdir");
    fs::create_dir_all(project.parent().expect("dir")).expect("mkdir");
    fs::write(&user, USER_SETTINGS).expect("user settings");
    fs::write(&project, PROJECT_SETTINGS).expect("project settings");

    for scope in ["--user", "--project"] {
        settings_run(&home, &project_dir, &["install", "claude-code", scope]);
    }
    let once_user = fs::read_to_string(&user).expect("read");
    let once_project = fs::read_to_string(&project).expect("read");
    // The hook names the policy by its absolute path, under the temp directory.
    let tmp = home
        .path()
        .canonicalize()
        .expect("tmp")
        .display()
        .to_string();
    insta::assert_snapshot!("installed_user_settings", once_user.replace(&tmp, "[TMP]"));
    insta::assert_snapshot!(
        "installed_project_settings",
        once_project.replace(&tmp, "[TMP]")
    );

    for scope in ["--user", "--project"] {
        let out = settings_run(&home, &project_dir, &["install", "claude-code", scope]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("already installed"));
    }
    assert_eq!(fs::read_to_string(&user).expect("read"), once_user);
    assert_eq!(fs::read_to_string(&project).expect("read"), once_project);
    let settings: Value = serde_json::from_str(&once_user).expect("json");
    assert_eq!(
        settings["hooks"]["PreToolUse"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        settings["hooks"]["PostToolUse"].as_array().map(Vec::len),
        Some(2)
    );

    for scope in ["--user", "--project"] {
        settings_run(&home, &project_dir, &["uninstall", "claude-code", scope]);
    }
    assert_eq!(fs::read(&user).expect("read"), USER_SETTINGS.as_bytes());
    assert_eq!(
        fs::read(&project).expect("read"),
        PROJECT_SETTINGS.as_bytes()
    );
    assert!(!user.with_file_name("settings.json.mcpward-backup").exists());
}

#[test]
fn install_creates_the_file_and_uninstall_removes_it() {
    let home = Home::new(POLICY);
    let project_dir = home.path().join("project");
    fs::create_dir_all(&project_dir).expect("mkdir");
    let dry = settings_run(
        &home,
        &project_dir,
        &["install", "claude-code", "--project", "--dry-run"],
    );
    insta::assert_snapshot!(
        "install_dry_run",
        String::from_utf8_lossy(&dry.stdout)
            .replace(&project_dir.display().to_string(), "[PROJECT]")
            .replace(
                &home
                    .path()
                    .canonicalize()
                    .expect("tmp")
                    .display()
                    .to_string(),
                "[TMP]"
            )
    );
    assert!(!project_dir.join(".claude/settings.json").exists());
    settings_run(
        &home,
        &project_dir,
        &["install", "claude-code", "--project"],
    );
    assert!(project_dir.join(".claude/settings.json").exists());
    settings_run(
        &home,
        &project_dir,
        &["uninstall", "claude-code", "--project"],
    );
    assert!(!project_dir.join(".claude/settings.json").exists());
}

#[test]
fn uninstall_after_other_edits_removes_only_our_entries() {
    let home = Home::new(POLICY);
    let project_dir = home.path().join("project");
    let project = project_dir.join(".claude/settings.json");
    fs::create_dir_all(project.parent().expect("dir")).expect("mkdir");
    fs::write(&project, USER_SETTINGS).expect("write");
    settings_run(
        &home,
        &project_dir,
        &["install", "claude-code", "--project"],
    );
    let mut v: Value =
        serde_json::from_str(&fs::read_to_string(&project).expect("read")).expect("json");
    v["model"] = json!("sonnet");
    fs::write(
        &project,
        serde_json::to_string_pretty(&v).expect("json") + "\n",
    )
    .expect("write");
    settings_run(
        &home,
        &project_dir,
        &["uninstall", "claude-code", "--project"],
    );
    let expected = USER_SETTINGS.replace("\"opus\"", "\"sonnet\"");
    assert_eq!(fs::read_to_string(&project).expect("read"), expected);
}

#[test]
fn install_refuses_without_a_valid_policy() {
    let home = Home::new(BROKEN_POLICY);
    let project_dir = home.path().join("project");
    fs::create_dir_all(&project_dir).expect("mkdir");
    let out = home
        .command()
        .current_dir(&project_dir)
        .args(["install", "claude-code", "--project"])
        .output()
        .expect("mcpward");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("would block every MCP tool call"));
    assert!(!project_dir.join(".claude").exists());
}

#[test]
fn install_refuses_a_settings_file_that_is_not_json() {
    let home = Home::new(POLICY);
    let project_dir = home.path().join("project");
    let project = project_dir.join(".claude/settings.json");
    fs::create_dir_all(project.parent().expect("dir")).expect("mkdir");
    let text = "{ // comment\n \"a\": 1 }\n";
    fs::write(&project, text).expect("write");
    let out = home
        .command()
        .current_dir(&project_dir)
        .args(["install", "claude-code", "--project"])
        .output()
        .expect("mcpward");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&project).expect("read"), text);
}

// ---- export ----

#[test]
fn export_expresses_the_policy_in_claude_code_terms() {
    let home = Home::new(
        &format!(
            "{POLICY}\n[servers.slack]\ndeny = [\"*\"]\n\n[servers.github.urls]\nallow = []\n"
        )
        .replace("[servers.github.urls]\nallow = []\n", ""),
    );
    let config = home.path().join("mcp.json");
    fs::write(
        &config,
        r#"{"mcpServers": {
  "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"]},
  "slack": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-slack"]},
  "linear": {"type": "http", "url": "https://mcp.linear.app/mcp?key=abc"},
  "stranger": {"command": "uvx", "args": ["some-server"]}
}}"#,
    )
    .expect("config");
    let out = home
        .command()
        .args(["export", "claude-code"])
        .arg(&config)
        .output()
        .expect("mcpward export");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported: Value = serde_json::from_slice(&out.stdout).expect("json");
    insta::assert_json_snapshot!("export_claude_code", exported);
    insta::assert_snapshot!(
        "export_claude_code_notes",
        String::from_utf8_lossy(&out.stderr).replace(&home.path().display().to_string(), "[HOME]")
    );
}
