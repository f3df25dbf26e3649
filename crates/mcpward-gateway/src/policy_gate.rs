//! [`PolicyGate`]: the compiled `mcpward-policy` policy behind the session's [`Gate`].

use std::path::PathBuf;

use mcpward_policy::{Call, DecideOptions, Policy, SchemaCache, SessionState, ToolChangeAction};
use serde_json::Value;

use crate::gate::{Decision, Gate, OnToolChange, Settings, Verdict};

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

impl Gate for PolicyGate {
    fn decide(
        &self,
        server: &str,
        tool: &str,
        arguments: &Value,
        schema: Option<&Value>,
        agent: Option<&str>,
    ) -> Decision {
        let session = SessionState::default();
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
        decision(self.policy.decide_with(&call, &options))
    }

    fn tool_visible(&self, server: &str, tool: &str) -> bool {
        self.policy.tool_visible(server, tool)
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
        let d = g.decide("s", "echo", &json!({}), None, None);
        assert_eq!(d.verdict, Verdict::Allow);
        assert_eq!(
            g.decide("s", "write", &json!({}), None, None).verdict,
            Verdict::Ask
        );
        let d = g.decide("s", "rm", &json!({}), None, None);
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
