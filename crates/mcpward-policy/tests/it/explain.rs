//! `explain` lists every rule considered and agrees with `decide`.

use mcpward_policy::{Call, Outcome, SessionState, Verdict};
use serde_json::json;

use super::policy;

#[test]
fn explain_lists_every_rule() {
    let p = policy(
        r#"
version = 1
[servers."*"]
deny = ["*admin*"]
[servers.pg]
allow = ["query"]
ask = ["write"]
paths.deny = ["**/.env"]
[[servers.pg.rules]]
tool = "query"
deny_when = "args.sql.contains('drop')"
[[servers.pg.rules]]
tool = "other"
deny_when = "true"
"#,
    );
    let session = SessionState::default();
    let args = json!({"sql": "select 1", "file": "/x/y"});
    let call = Call {
        server: "pg",
        tool: "query",
        arguments: &args,
        agent: None,
        session: &session,
    };
    let e = p.explain(&call);
    assert_eq!(e.decision, p.decide(&call));
    assert_eq!(e.decision.verdict, Verdict::Allow);
    assert_eq!(e.sections, ["servers.pg", "servers.\"*\""]);
    let rules: Vec<(&str, Outcome)> = e
        .steps
        .iter()
        .map(|s| (s.rule.as_str(), s.outcome))
        .collect();
    assert_eq!(
        rules,
        [
            ("servers.\"*\".deny[0] \"*admin*\"", Outcome::NotMatched),
            ("arguments /file", Outcome::NotMatched),
            ("servers.pg.rules[0].deny_when", Outcome::NotMatched),
            ("servers.pg.rules[1].tool", Outcome::NotApplicable),
            ("servers.pg.ask[0] \"write\"", Outcome::NotMatched),
            (
                "servers.pg.allow[0] \"query\"",
                Outcome::Matched(Verdict::Allow)
            ),
        ]
    );
    let text = e.to_string();
    assert!(
        text.contains("decision: allow by servers.pg.allow[0] \"query\""),
        "{text}"
    );
}

#[test]
fn explain_keeps_going_after_a_deny() {
    let p = policy(
        "version = 1\n[servers.s]\ndeny = [\"t\"]\nallow = [\"t\"]\n[[servers.s.rules]]\ndeny_when = \"args.x\"\n",
    );
    let session = SessionState::default();
    let args = json!({});
    let call = Call {
        server: "s",
        tool: "t",
        arguments: &args,
        agent: None,
        session: &session,
    };
    let e = p.explain(&call);
    assert_eq!(e.decision, p.decide(&call));
    assert_eq!(e.decision.rule, "servers.s.deny[0] \"t\"");
    let outcomes: Vec<Outcome> = e.steps.iter().map(|s| s.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Matched(Verdict::Deny),
            Outcome::Error,
            Outcome::Matched(Verdict::Allow)
        ]
    );
}
