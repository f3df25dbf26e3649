//! CEL conditions: the SQL example, session taint, agents, and errors that deny.

use mcpward_policy::{Call, SessionState, Verdict};
use serde_json::json;

use super::{decide, policy};

const PG: &str = r#"
version = 1
[servers.postgres]
allow = ["query", "list_tables"]

[[servers.postgres.rules]]
tool = "query"
deny_when = 'args.sql.matches("(?i)\\b(drop|delete|update|insert|alter|truncate|grant)\\b")'
reason = "read-only database access"
"#;

#[test]
fn deny_when_on_sql() {
    let p = policy(PG);
    for sql in [
        "DROP TABLE users",
        "select 1; delete from users",
        "UPDATE t SET a = 1",
        "insert into t values (1)",
        "  Truncate t",
        "GRANT ALL ON t TO x",
    ] {
        let d = decide(&p, "postgres", "query", &json!({ "sql": sql }));
        assert_eq!(d.verdict, Verdict::Deny, "{sql}");
        assert_eq!(d.rule, "servers.postgres.rules[0].deny_when");
        assert_eq!(d.reason, "read-only database access");
    }
    for sql in [
        "SELECT * FROM users",
        "select deleted_at from t",
        "SELECT updated FROM t",
    ] {
        let d = decide(&p, "postgres", "query", &json!({ "sql": sql }));
        assert_eq!(d.verdict, Verdict::Allow, "{sql}: {d:?}");
    }
    // The rule is for `query` only.
    let d = decide(&p, "postgres", "list_tables", &json!({}));
    assert_eq!(d.verdict, Verdict::Allow);
}

#[test]
fn runtime_errors_deny_and_name_the_rule() {
    let p = policy(PG);
    // No `sql` key: evaluation fails, the call is denied even though `query` is allowed.
    let d = decide(&p, "postgres", "query", &json!({ "statement": "select 1" }));
    assert_eq!(d.verdict, Verdict::Deny);
    assert_eq!(d.rule, "servers.postgres.rules[0].deny_when");
    assert!(d.reason.contains("no such key `sql`"), "{}", d.reason);
    // Wrong type: `matches` on a number.
    let d = decide(&p, "postgres", "query", &json!({ "sql": 42 }));
    assert_eq!(d.verdict, Verdict::Deny);
    assert!(
        d.reason.starts_with("CEL evaluation failed"),
        "{}",
        d.reason
    );
    // Absent arguments.
    let d = decide(&p, "postgres", "query", &serde_json::Value::Null);
    assert_eq!(d.verdict, Verdict::Deny);
}

#[test]
fn non_bool_results_deny() {
    let p = policy(
        "version = 1\n[servers.s]\nallow = [\"t\"]\n[[servers.s.rules]]\ntool = \"t\"\nallow_when = \"args.n + 1\"\n",
    );
    let d = decide(&p, "s", "t", &json!({"n": 1}));
    assert_eq!(d.verdict, Verdict::Deny);
    assert_eq!(d.rule, "servers.s.rules[0].allow_when");
    assert!(d.reason.contains("instead of a bool"), "{}", d.reason);
}

#[test]
fn session_agent_server_and_tool_variables() {
    let p = policy(
        r#"
version = 1
[servers.mail]
allow = ["send_*", "read_inbox"]
[[servers.mail.rules]]
tool = "send_*"
ask_when = "session.tainted || session.untrusted_seen && session.private_seen"
[[servers.mail.rules]]
deny_when = "agent == 'untrusted-bot' && server == 'mail' && tool.startsWith('send_')"
[[servers.mail.rules]]
tool = "read_inbox"
deny_when = "has(args.limit) && args.limit > 100"
"#,
    );
    let args = json!({"to": "a@b.c"});
    let clean = SessionState::default();
    let tainted = SessionState {
        tainted: true,
        ..SessionState::default()
    };
    let call = |session: &SessionState, agent: Option<&str>, tool: &str| {
        p.decide(&Call {
            server: "mail",
            tool,
            arguments: &args,
            agent,
            session,
        })
    };
    assert_eq!(call(&clean, None, "send_email").verdict, Verdict::Allow);
    let d = call(&tainted, None, "send_email");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Ask, "servers.mail.rules[0].ask_when")
    );
    let d = call(&clean, Some("untrusted-bot"), "send_email");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "servers.mail.rules[1].deny_when")
    );
    assert_eq!(
        call(&clean, Some("claude"), "send_email").verdict,
        Verdict::Allow
    );
    assert_eq!(
        decide(&p, "mail", "read_inbox", &json!({})).verdict,
        Verdict::Allow
    );
    assert_eq!(
        decide(&p, "mail", "read_inbox", &json!({"limit": 10})).verdict,
        Verdict::Allow
    );
    assert_eq!(
        decide(&p, "mail", "read_inbox", &json!({"limit": 1000})).verdict,
        Verdict::Deny
    );
}
