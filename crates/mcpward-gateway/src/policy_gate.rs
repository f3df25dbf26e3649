//! [`PolicyGate`]: the compiled `mcpward-policy` policy behind the session's [`Gate`].

use std::path::PathBuf;

use mcpward_policy::{
    Call, DecideOptions, InjectionAction, PoisonedToolAction, Policy, SchemaCache, SecretAction,
    SecretInArgsAction, SessionState, ToolChangeAction,
};
use serde_json::Value;

use crate::gate::{
    Decision, Gate, OnInjection, OnPoisonedTool, OnSecret, OnToolChange, SessionFacts, Settings,
    ToolMarks, Verdict,
};

/// The policy file as the session's [`Gate`], with a cache of compiled argument schemas.
#[derive(Debug)]
pub struct PolicyGate {
    policy: Policy,
    schemas: SchemaCache,
    /// The server's working directory: relative path arguments are judged inside it.
    cwd: Option<PathBuf>,
}

impl PolicyGate {
    /// Wraps `policy`. `cwd` resolves relative path arguments; pass `None` unless the server is
    /// known to resolve them against that directory (most resolve them against their own roots,
    /// and a wrong guess lets a relative path escape `paths.allow`).
    pub fn new(policy: Policy, cwd: Option<PathBuf>) -> Self {
        PolicyGate {
            policy,
            schemas: SchemaCache::new(),
            cwd,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

fn verdict(v: mcpward_policy::Verdict) -> Verdict {
    match v {
        mcpward_policy::Verdict::Allow => Verdict::Allow,
        mcpward_policy::Verdict::Ask => Verdict::Ask,
        mcpward_policy::Verdict::Deny => Verdict::Deny,
    }
}

fn decision(d: mcpward_policy::Decision) -> Decision {
    Decision {
        verdict: verdict(d.verdict),
        rule: d.rule,
        reason: d.reason,
    }
}

/// Applies `defaults.on_secret_in_args`: a credential in any string of the outgoing arguments
/// turns an allowed call into a denial (`block`) or an approval (`ask`). A denial stays a denial.
fn secret_in_arguments(
    decided: Decision,
    arguments: &Value,
    action: SecretInArgsAction,
) -> Decision {
    let stricter = match action {
        SecretInArgsAction::Block => Verdict::Deny,
        SecretInArgsAction::Ask => Verdict::Ask,
        _ => return decided,
    };
    if decided.verdict == Verdict::Deny
        || (decided.verdict == Verdict::Ask && stricter == Verdict::Ask)
    {
        return decided;
    }
    let mut stack = vec![arguments];
    let mut kind = None;
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => {
                if let Some(m) = mcpward_guard::find_secrets(s).into_iter().next() {
                    kind = Some(m.kind);
                    break;
                }
            }
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    match kind {
        Some(kind) => Decision {
            verdict: stricter,
            rule: "defaults.on_secret_in_args".to_owned(),
            reason: format!("the arguments carry a credential ({kind})"),
        },
        None => decided,
    }
}

impl Gate for PolicyGate {
    fn decide(
        &self,
        server: &str,
        tool: &str,
        arguments: &Value,
        schema: Option<&Value>,
        agent: Option<&str>,
        facts: SessionFacts,
    ) -> Decision {
        let session = SessionState {
            tainted: facts.tainted(),
            private_seen: facts.private_seen,
            untrusted_seen: facts.untrusted_seen,
        };
        let call = Call {
            server,
            tool,
            arguments,
            agent,
            session: &session,
        };
        let options = DecideOptions {
            schema,
            cwd: self.cwd.as_deref(),
        };
        let decided = decision(self.policy.decide_with(&call, &options));
        secret_in_arguments(decided, arguments, self.policy.defaults().on_secret_in_args)
    }

    fn tool_visible(&self, server: &str, tool: &str) -> bool {
        self.policy.tool_visible(server, tool)
    }

    fn tool_marks(&self, server: &str, tool: &str) -> ToolMarks {
        ToolMarks {
            private: self.policy.tool_private(server, tool),
            untrusted: self.policy.tool_untrusted(server, tool),
        }
    }

    fn server_request(&self, server: &str, method: &str) -> Decision {
        decision(self.policy.server_request(server, method))
    }

    fn settings(&self) -> Settings {
        let d = self.policy.defaults();
        Settings {
            on_tool_change: match d.on_tool_change {
                ToolChangeAction::Ask => OnToolChange::Ask,
                ToolChangeAction::Allow => OnToolChange::Allow,
                // Block, and anything newer than this gateway: the strictest handling.
                _ => OnToolChange::Block,
            },
            on_injection: match d.on_injection {
                InjectionAction::Warn => OnInjection::Warn,
                InjectionAction::Block => OnInjection::Block,
                // Quarantine, and anything newer: withheld until a person releases it.
                _ => OnInjection::Quarantine,
            },
            on_secret: match d.on_secret {
                SecretAction::Allow => OnSecret::Allow,
                SecretAction::Block => OnSecret::Block,
                _ => OnSecret::Redact,
            },
            on_poisoned_tool: match d.on_poisoned_tool {
                PoisonedToolAction::Warn => OnPoisonedTool::Warn,
                _ => OnPoisonedTool::Block,
            },
            approval_timeout: d.approval_timeout,
            strict_schema: d.strict_schema,
        }
    }

    fn check_arguments(
        &self,
        server: &str,
        tool: &str,
        schema: &Value,
        arguments: &Value,
        strict: bool,
    ) -> Result<(), String> {
        self.schemas
            .check(&format!("{server}/{tool}"), schema, arguments, strict)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    fn gate(text: &str) -> PolicyGate {
        let policy = mcpward_policy::parse(text, Path::new("test.toml")).expect("valid policy");
        PolicyGate::new(policy, None)
    }

    #[test]
    fn a_credential_in_arguments_is_handled_as_on_secret_in_args_says() {
        let token = json!({"note": ["x", {"auth": "ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u"}]});
        let plain = json!({"note": "nothing secret here"});
        let policy = |action: &str| {
            gate(&format!(
                "version = 1\n[defaults]\non_secret_in_args = \"{action}\"\n[servers.s]\nallow = [\"echo\"]\nask = [\"write\"]\n"
            ))
        };
        // The default blocks.
        let d = gate("version = 1\n[servers.s]\nallow = [\"echo\"]\n").decide(
            "s",
            "echo",
            &token,
            None,
            None,
            SessionFacts::default(),
        );
        assert_eq!(
            (d.verdict, d.rule.as_str()),
            (Verdict::Deny, "defaults.on_secret_in_args")
        );
        assert!(!d.reason.contains("ghp_"), "{}", d.reason);
        assert_eq!(
            policy("block")
                .decide("s", "echo", &plain, None, None, SessionFacts::default())
                .verdict,
            Verdict::Allow
        );
        assert_eq!(
            policy("ask")
                .decide("s", "echo", &token, None, None, SessionFacts::default())
                .verdict,
            Verdict::Ask
        );
        assert_eq!(
            policy("allow")
                .decide("s", "echo", &token, None, None, SessionFacts::default())
                .verdict,
            Verdict::Allow
        );
        // A stricter decision is kept: an asked tool stays asked under `ask`, and is denied under `block`.
        assert_eq!(
            policy("ask")
                .decide("s", "write", &token, None, None, SessionFacts::default())
                .rule,
            "servers.s.ask[0] \"write\""
        );
        assert_eq!(
            policy("block")
                .decide("s", "write", &token, None, None, SessionFacts::default())
                .verdict,
            Verdict::Deny
        );
        // A denied tool stays denied by its own rule.
        assert_eq!(
            policy("block")
                .decide("s", "rm", &token, None, None, SessionFacts::default())
                .rule,
            "defaults.decision"
        );
    }

    #[test]
    fn decisions_visibility_and_settings_come_from_the_file() {
        let g = gate(
            r#"
version = 1
[defaults]
on_tool_change = "ask"
approval_timeout = "3s"
[servers.s]
allow = ["echo"]
ask = ["write"]
deny = ["rm"]
"#,
        );
        let d = g.decide("s", "echo", &json!({}), None, None, SessionFacts::default());
        assert_eq!(d.verdict, Verdict::Allow);
        assert_eq!(
            g.decide(
                "s",
                "write",
                &json!({}),
                None,
                None,
                SessionFacts::default()
            )
            .verdict,
            Verdict::Ask
        );
        let d = g.decide("s", "rm", &json!({}), None, None, SessionFacts::default());
        assert_eq!(d.verdict, Verdict::Deny);
        assert!(d.rule.starts_with("servers.s.deny"), "{}", d.rule);
        assert!(!g.tool_visible("s", "rm"));
        assert!(g.tool_visible("s", "echo"));
        assert_eq!(
            g.server_request("s", "sampling/createMessage").verdict,
            Verdict::Deny
        );
        let settings = g.settings();
        assert_eq!(settings.on_tool_change, OnToolChange::Ask);
        assert_eq!(settings.approval_timeout.as_secs(), 3);
        assert!(settings.strict_schema);
    }

    #[test]
    fn conditions_see_the_session_facts() {
        let g = gate(
            r#"
version = 1
[defaults]
on_injection = "warn"
on_secret = "block"
on_poisoned_tool = "warn"
[servers.s]
allow = ["send"]
[[servers.s.rules]]
tool = "send"
ask_when = "session.tainted"
deny_when = "session.untrusted_seen && !session.private_seen"
"#,
        );
        let facts = |private_seen, untrusted_seen| SessionFacts {
            private_seen,
            untrusted_seen,
        };
        let v = |f| g.decide("s", "send", &json!({}), None, None, f).verdict;
        assert_eq!(v(facts(false, false)), Verdict::Allow);
        assert_eq!(v(facts(true, false)), Verdict::Allow);
        assert_eq!(v(facts(false, true)), Verdict::Deny);
        assert_eq!(v(facts(true, true)), Verdict::Ask);
        let settings = g.settings();
        assert_eq!(settings.on_injection, OnInjection::Warn);
        assert_eq!(settings.on_secret, OnSecret::Block);
        assert_eq!(settings.on_poisoned_tool, OnPoisonedTool::Warn);
        // The defaults: quarantine, redact, block.
        let settings = gate("version = 1\n").settings();
        assert_eq!(
            (
                settings.on_injection,
                settings.on_secret,
                settings.on_poisoned_tool
            ),
            (
                OnInjection::Quarantine,
                OnSecret::Redact,
                OnPoisonedTool::Block
            )
        );
    }

    #[test]
    fn tools_are_marked_private_or_untrusted_by_the_file() {
        let g = gate(
            "version = 1\n[servers.s]\nallow = [\"*\"]\nprivate = [\"read_*\"]\n[servers.\"*\"]\nuntrusted = [\"fetch\"]\n",
        );
        assert_eq!(
            g.tool_marks("s", "read_mail"),
            ToolMarks {
                private: true,
                untrusted: false
            }
        );
        assert_eq!(
            g.tool_marks("other", "fetch"),
            ToolMarks {
                private: false,
                untrusted: true
            }
        );
        assert_eq!(g.tool_marks("s", "echo"), ToolMarks::default());
    }

    #[test]
    fn strict_schemas_reject_unknown_properties() {
        let g = gate("version = 1\n");
        let schema = json!({"type": "object", "properties": {"text": {"type": "string"}}});
        assert!(
            g.check_arguments("s", "t", &schema, &json!({"text": "a"}), true)
                .is_ok()
        );
        assert!(
            g.check_arguments("s", "t", &schema, &json!({"text": "a", "x": 1}), true)
                .is_err()
        );
        assert!(
            g.check_arguments("s", "t", &schema, &json!({"text": "a", "x": 1}), false)
                .is_ok()
        );
    }
}
