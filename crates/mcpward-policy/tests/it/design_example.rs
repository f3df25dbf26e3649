//! The example file of DESIGN §4 parses and means what it says.

use std::path::Path;
use std::time::Duration;

use mcpward_policy::{
    InjectionAction, PoisonedToolAction, SecretAction, SecretInArgsAction, ToolChangeAction,
    Verdict,
};
use serde_json::json;

use super::{FakeFs, decide, verdict};

fn example() -> mcpward_policy::Policy {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/design-example.toml");
    mcpward_policy::load(&path)
        .unwrap()
        .with_resolver(FakeFs::new())
}

#[test]
fn design_example_parses_with_its_defaults() {
    let p = example();
    let d = p.defaults();
    assert_eq!(d.decision, Verdict::Deny);
    assert_eq!(d.on_injection, InjectionAction::Quarantine);
    assert_eq!(d.on_secret, SecretAction::Redact);
    assert_eq!(d.on_tool_change, ToolChangeAction::Block);
    assert_eq!(d.on_poisoned_tool, PoisonedToolAction::Block);
    assert_eq!(d.on_secret_in_args, SecretInArgsAction::Block);
    assert_eq!(d.approval_timeout, Duration::from_secs(120));
    assert!(d.hide_denied_tools);
    assert!(d.strict_schema);
    assert_eq!(d.sampling, Verdict::Deny);
    assert_eq!(d.elicitation, Verdict::Allow);
    assert_eq!(d.roots, Verdict::Allow);
    let servers: Vec<&str> = p.servers().collect();
    assert_eq!(servers, ["fetch", "filesystem", "github", "postgres"]);
}

#[test]
fn design_example_github() {
    let p = example();
    let none = json!({});
    assert_eq!(verdict(&p, "github", "get_issue", &none), Verdict::Allow);
    assert_eq!(verdict(&p, "github", "create_issue", &none), Verdict::Ask);
    let d = decide(&p, "github", "delete_repository", &none);
    assert_eq!(d.verdict, Verdict::Deny);
    assert_eq!(d.rule, "servers.github.deny[0] \"delete_*\"");
    assert_eq!(
        decide(&p, "github", "merge_pull_request", &none).rule,
        "servers.github.deny[1] \"merge_pull_request\""
    );
    let d = decide(&p, "github", "fork_repository", &none);
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "defaults.decision")
    );
    assert!(!p.tool_visible("github", "delete_repository"));
    assert!(!p.tool_visible("github", "fork_repository"));
    assert!(p.tool_visible("github", "create_issue"));
}

#[test]
fn design_example_filesystem() {
    let p = example();
    let ok = json!({"path": "~/src/myapp/src/main.rs"});
    assert_eq!(verdict(&p, "filesystem", "read_file", &ok), Verdict::Allow);
    assert_eq!(verdict(&p, "filesystem", "write_file", &ok), Verdict::Ask);
    let env = json!({"path": "/home/u/src/myapp/.env"});
    let d = decide(&p, "filesystem", "read_file", &env);
    assert_eq!(d.verdict, Verdict::Deny);
    assert_eq!(d.rule, "servers.filesystem.paths.deny \"**/.env\"");
    let outside = json!({"path": "/etc/passwd"});
    let d = decide(&p, "filesystem", "read_file", &outside);
    assert_eq!(d.rule, "servers.filesystem.paths.allow");
    let ssh = json!({"path": "~/src/myapp/../../.ssh/id_ed25519"});
    let d = decide(&p, "filesystem", "read_file", &ssh);
    assert_eq!(d.verdict, Verdict::Deny);
    assert_eq!(d.rule, "servers.filesystem.paths.deny \"**/id_*\"");
}

#[test]
fn design_example_fetch_and_sandbox() {
    let p = example();
    let docs = json!({"url": "https://docs.rs/serde"});
    assert_eq!(verdict(&p, "fetch", "fetch", &docs), Verdict::Allow);
    let gh = json!({"url": "https://api.github.com/repos"});
    assert_eq!(verdict(&p, "fetch", "fetch", &gh), Verdict::Allow);
    let other = json!({"url": "https://example.com/"});
    assert_eq!(
        decide(&p, "fetch", "fetch", &other).rule,
        "servers.fetch.urls.allow"
    );
    let sandbox = p.sandbox("fetch").unwrap();
    assert!(sandbox.fs_read.is_empty());
    assert_eq!(sandbox.net.len(), 2);
    assert_eq!(sandbox.net[0].host, "docs.rs");
    assert_eq!(sandbox.net[0].port, 443);
    assert!(p.sandbox("github").is_none());
}

#[test]
fn design_example_postgres_rule() {
    let p = example();
    let select = json!({"sql": "SELECT * FROM users"});
    let d = decide(&p, "postgres", "query", &select);
    // No allow list for postgres: a query that passes the rule falls to the default.
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "defaults.decision")
    );
    let drop = json!({"sql": "drop table users"});
    let d = decide(&p, "postgres", "query", &drop);
    assert_eq!(d.verdict, Verdict::Deny);
    assert_eq!(d.rule, "servers.postgres.rules[0].deny_when");
    assert_eq!(d.reason, "read-only database access");
}
