//! deny > ask > allow > defaults.decision, across lists, rules and `[servers."*"]`.

use mcpward_policy::Verdict::{self, Allow, Ask, Deny};
use serde_json::json;

use super::{decide, policy};

/// (allow, ask, deny, default, expected)
const TABLE: &[(bool, bool, bool, Verdict, Verdict)] = &[
    (false, false, false, Deny, Deny),
    (false, false, false, Ask, Ask),
    (false, false, false, Allow, Allow),
    (true, false, false, Deny, Allow),
    (false, true, false, Deny, Ask),
    (true, true, false, Deny, Ask),
    (false, false, true, Allow, Deny),
    (true, false, true, Allow, Deny),
    (false, true, true, Allow, Deny),
    (true, true, true, Allow, Deny),
    (true, false, false, Ask, Allow),
    (false, true, false, Allow, Ask),
];

#[test]
fn list_precedence_table() {
    for &(allow, ask, deny, default, expected) in TABLE {
        let list = |on: bool| if on { "[\"do_*\"]" } else { "[]" };
        let text = format!(
            "version = 1\n[defaults]\ndecision = \"{default}\"\n[servers.s]\nallow = {}\nask = {}\ndeny = {}\n",
            list(allow),
            list(ask),
            list(deny)
        );
        let p = policy(&text);
        let d = decide(&p, "s", "do_it", &json!({}));
        assert_eq!(
            d.verdict, expected,
            "allow={allow} ask={ask} deny={deny} default={default}: {d:?}"
        );
        let rule_start = match (deny, ask, allow) {
            (true, _, _) => "servers.s.deny[0]",
            (_, true, _) => "servers.s.ask[0]",
            (_, _, true) => "servers.s.allow[0]",
            _ => "defaults.decision",
        };
        assert!(d.rule.starts_with(rule_start), "{d:?}");
    }
}

/// (deny_when, ask_when, allow_when, list, expected)
#[test]
fn condition_precedence_table() {
    let cases: &[(&str, &str, &str, &str, Verdict)] = &[
        ("false", "false", "true", "", Allow),
        ("false", "true", "true", "", Ask),
        ("true", "true", "true", "", Deny),
        ("false", "false", "false", "", Deny),
        ("false", "true", "false", "allow = [\"t\"]", Ask),
        ("true", "false", "false", "allow = [\"t\"]", Deny),
        ("false", "false", "true", "deny = [\"t\"]", Deny),
        ("false", "false", "true", "ask = [\"t\"]", Ask),
        ("false", "false", "false", "allow = [\"t\"]", Allow),
    ];
    for &(dw, aw, lw, list, expected) in cases {
        let text = format!(
            "version = 1\n[servers.s]\n{list}\n[[servers.s.rules]]\ntool = \"t\"\ndeny_when = \"{dw}\"\nask_when = \"{aw}\"\nallow_when = \"{lw}\"\n"
        );
        let p = policy(&text);
        let d = decide(&p, "s", "t", &json!({}));
        assert_eq!(d.verdict, expected, "{dw} {aw} {lw} {list}: {d:?}");
    }
}

#[test]
fn wildcard_server_is_merged_under_each_server() {
    let p = policy(
        r#"
version = 1
[servers."*"]
deny = ["*delete*"]
ask = ["send_*"]
allow = ["ping"]
sampling = "ask"
[servers.gh]
allow = ["get_*", "delete_branch", "send_*"]
sampling = "allow"
"#,
    );
    let none = json!({});
    let d = decide(&p, "gh", "delete_branch", &none);
    assert_eq!(d.verdict, Deny);
    assert_eq!(d.rule, "servers.\"*\".deny[0] \"*delete*\"");
    assert_eq!(decide(&p, "gh", "send_mail", &none).verdict, Ask);
    assert_eq!(decide(&p, "gh", "get_x", &none).verdict, Allow);
    assert_eq!(decide(&p, "gh", "ping", &none).verdict, Allow);
    // A server the file does not name gets "*" and the defaults.
    assert_eq!(decide(&p, "other", "ping", &none).verdict, Allow);
    assert_eq!(decide(&p, "other", "get_x", &none).verdict, Deny);
    assert_eq!(
        p.server_request("gh", "sampling/createMessage").verdict,
        Allow
    );
    let d = p.server_request("other", "sampling/createMessage");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Ask, "servers.\"*\".sampling")
    );
}

#[test]
fn tool_visibility() {
    let p = policy(
        r#"
version = 1
[servers.s]
allow = ["a*"]
deny = ["ab"]
[[servers.s.rules]]
tool = "cond"
allow_when = "args.ok == true"
[[servers.s.rules]]
tool = "never"
deny_when = "true"
"#,
    );
    assert!(p.tool_visible("s", "a"));
    assert!(!p.tool_visible("s", "ab"));
    assert!(p.tool_visible("s", "cond"));
    assert!(!p.tool_visible("s", "never"));
    assert!(!p.tool_visible("s", "other"));
    let open =
        policy("version = 1\n[defaults]\nhide_denied_tools = false\n[servers.s]\ndeny = [\"x\"]\n");
    assert!(open.tool_visible("s", "x"));
    let ask_default = policy("version = 1\n[defaults]\ndecision = \"ask\"\n");
    assert!(ask_default.tool_visible("s", "anything"));
}

#[test]
fn model_message_is_neutral() {
    let p = policy(
        "version = 1\n[servers.gh]\nallow = [\"get_*\", \"list_*\"]\ndeny = [\"delete_*\"]\n",
    );
    let d = decide(&p, "gh", "delete_repo", &json!({}));
    assert_eq!(
        d.model_message(),
        "mcpward denied this call by policy (rule servers.gh.deny[0] \"delete_*\")."
    );
    let d = decide(&p, "gh", "secret_tool", &json!({}));
    let msg = d.model_message();
    assert_eq!(
        msg,
        "mcpward denied this call by policy (rule defaults.decision)."
    );
    assert!(!msg.contains("get_") && !msg.contains("list_"));
}
