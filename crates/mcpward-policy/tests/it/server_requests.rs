//! Requests a server sends to the client: sampling, elicitation, roots.

use mcpward_policy::Verdict;

use super::policy;

#[test]
fn defaults_deny_sampling_and_allow_the_rest() {
    let p = policy("version = 1\n");
    let d = p.server_request("any", "sampling/createMessage");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "defaults.sampling")
    );
    let d = p.server_request("any", "elicitation/create");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Allow, "defaults.elicitation")
    );
    let d = p.server_request("any", "roots/list");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Allow, "defaults.roots")
    );
    assert_eq!(p.server_request("any", "ping").verdict, Verdict::Allow);
}

#[test]
fn per_server_and_default_overrides() {
    let p = policy(
        r#"
version = 1
[defaults]
elicitation = "ask"
[servers.llm]
sampling = "allow"
[servers.files]
roots = "deny"
"#,
    );
    let d = p.server_request("llm", "sampling/createMessage");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Allow, "servers.llm.sampling")
    );
    assert_eq!(
        p.server_request("files", "sampling/createMessage").verdict,
        Verdict::Deny
    );
    let d = p.server_request("files", "roots/list");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "servers.files.roots")
    );
    let d = p.server_request("llm", "elicitation/create");
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Ask, "defaults.elicitation")
    );
}
