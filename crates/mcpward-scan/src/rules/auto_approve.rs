use super::Context;
use crate::model::{Capability, Finding, Severity};

rule! {
    /// ## What it does
    /// Finds settings that let MCP servers or their tools run without the user's approval:
    /// Claude Code `enableAllProjectMcpServers: true` (every server a repository's `.mcp.json`
    /// declares starts without asking), Cline and Roo Code `autoApprove` / `alwaysAllow` lists, and
    /// Gemini CLI `trust: true` on a server (every tool call runs without confirmation). Approving
    /// every tool (`*`), or any tool of a server that can run commands or write files, is high;
    /// approving a few tools of a read-only server is low.
    ///
    /// ## Why it matters
    /// Approval is the last point where a person can notice that injected text is steering the
    /// model. A cloned repository with `.mcp.json` and `enableAllProjectMcpServers` starts code of
    /// the repository author's choosing on your machine.
    ///
    /// ## Example
    /// ```json
    /// { "mcpServers": { "shell": { "command": "mcp-shell-server", "autoApprove": ["run_command"] } } }
    /// ```
    ///
    /// ## Fix
    /// Remove the setting; approve project servers one by one (`enabledMcpjsonServers`), and let
    /// an mcpward policy decide which calls run without asking.
    ///
    /// ## References
    /// - Claude Code settings: `enableAllProjectMcpServers`, `enabledMcpjsonServers`
    /// - OWASP Top 10 for LLM Applications: LLM06 Excessive Agency
    RULE { id: "auto-approve", severity: High, title: "MCP servers or tools approved without asking" }
}

/// Words in a tool name that mark it as acting rather than reading.
const ACTING: &[&str] = &[
    "write", "edit", "create", "delete", "remove", "move", "rename", "update", "insert", "drop",
    "exec", "execute", "run", "command", "shell", "terminal", "send", "post", "publish", "push",
    "merge", "deploy", "kill", "install", "upload", "query", "sql", "eval", "click", "navigate",
    "fill", "type", "transfer", "pay", "charge", "refund", "invite", "comment",
];

/// Whether a tool name says it changes something, sends something or runs something.
fn acts(tool: &str) -> bool {
    let lower = tool.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| ACTING.contains(&w))
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (doc, settings) in cx.docs.iter().zip(cx.settings) {
        if let Some(flag) = settings
            .enable_all_project_mcp_servers
            .as_ref()
            .filter(|f| f.value)
        {
            out.push(cx.finding(
                &RULE,
                doc,
                flag.span,
                None,
                "`enableAllProjectMcpServers` starts every server a project's .mcp.json declares, without asking".into(),
                "Remove it and approve project servers by name with `enabledMcpjsonServers`",
            ));
        }
    }
    for server in cx.servers {
        if let Some(list) = &server.entry.auto_approve {
            if list.value.is_empty() {
                continue;
            }
            let all = list.value.iter().any(|t| t == "*" || t == "all");
            let risky_tools: Vec<&str> = list
                .value
                .iter()
                .map(String::as_str)
                .filter(|t| acts(t))
                .collect();
            let severity = if all || !risky_tools.is_empty() {
                Severity::High
            } else if server.can(Capability::Exec) {
                Severity::Medium
            } else {
                Severity::Low
            };
            let what = if all {
                "every tool".to_string()
            } else {
                format!("{} tool(s): {}", list.value.len(), list.value.join(", "))
            };
            let mut f = cx.finding(
                &RULE,
                server.doc,
                list.span,
                Some(server),
                format!("server `{}` auto-approves {what}", server.entry.name),
                "Remove the auto-approval list and let the mcpward policy allow only read-only tools",
            );
            f.severity = severity;
            out.push(f);
        }
        if let Some(trust) = server.entry.trust.as_ref().filter(|t| t.value) {
            out.push(cx.finding(
                &RULE,
                server.doc,
                trust.span,
                Some(server),
                format!(
                    "server `{}` is trusted: every tool call runs without confirmation",
                    server.entry.name
                ),
                "Remove `trust: true`",
            ));
        }
    }
}
