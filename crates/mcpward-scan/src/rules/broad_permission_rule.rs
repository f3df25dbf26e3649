use super::Context;
use crate::model::{Capability, Finding, Severity};

rule! {
    /// ## What it does
    /// Finds client permission settings that allow far more than a reviewed set of tools:
    /// Claude Code `permissions.allow` entries that allow every tool of a server that can write,
    /// send or run commands (`mcp__shell`, `mcp__github__*`), every MCP tool (`mcp__*`), or every
    /// shell command (`Bash`, `Bash(*)`); and modes that switch approval off: Claude Code
    /// `permissions.defaultMode: "bypassPermissions"`, Codex `approval_policy = "never"` or
    /// `sandbox_mode = "danger-full-access"`, VS Code `chat.tools.autoApprove: true`.
    ///
    /// ## Why it matters
    /// A whole-server allow rule silently covers tools the server adds later, including ones that
    /// delete, push or send. Bypass modes remove the human from every tool call.
    ///
    /// ## Example
    /// ```json
    /// { "permissions": { "allow": ["mcp__github", "Bash"], "defaultMode": "bypassPermissions" } }
    /// ```
    ///
    /// ## Fix
    /// Allow read-only tools by exact name (`mcp__github__get_issue`); keep approval on for tools
    /// that write, send or execute, or decide them in an mcpward policy.
    ///
    /// ## References
    /// - Claude Code IAM and permissions documentation
    /// - OWASP Top 10 for LLM Applications: LLM06 Excessive Agency
    RULE { id: "broad-permission-rule", severity: High, title: "A permission rule or mode that allows every tool" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (doc, settings) in cx.docs.iter().zip(cx.settings) {
        for (name, value) in &settings.bypass {
            let mut f = cx.finding(
                &RULE,
                doc,
                value.span,
                None,
                if name == "sandbox_mode" {
                    format!("`{name} = {}` turns the command sandbox off", value.value)
                } else {
                    format!("`{name} = {}` switches tool approval off", value.value)
                },
                "Remove it; keep approval on and allow read-only tools by name",
            );
            f.severity = Severity::Critical;
            out.push(f);
        }
        for rule in &settings.permissions_allow {
            let r = rule.value.trim();
            let message = if r == "mcp__*" || r == "mcp__*__*" || r == "mcp" {
                Some("allows every tool of every MCP server".to_string())
            } else if r == "Bash" || r == "Bash(*)" || r == "Bash(:*)" {
                Some("allows every shell command".to_string())
            } else if let Some(rest) = r.strip_prefix("mcp__") {
                let (server_name, tool) = match rest.split_once("__") {
                    Some((s, t)) => (s, Some(t)),
                    None => (rest, None),
                };
                let whole = matches!(tool, None | Some("*") | Some(""));
                let risky = cx.servers.iter().find(|s| {
                    s.entry.name == server_name && {
                        s.can(Capability::Exec)
                            || s.can(Capability::FsWrite)
                            || s.can(Capability::Messaging)
                            || s.can(Capability::Db)
                    }
                });
                match (whole, risky) {
                    (true, Some(_)) => Some(format!(
                        "allows every tool of `{server_name}`, a server that can write, send or run commands"
                    )),
                    _ => None,
                }
            } else {
                None
            };
            if let Some(m) = message {
                out.push(cx.finding(
                    &RULE,
                    doc,
                    rule.span,
                    None,
                    format!("permission `{r}` {m}"),
                    "Allow read-only tools by exact name; keep approval for tools that write, send or execute",
                ));
            }
        }
    }
}
