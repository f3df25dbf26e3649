use mcpward_guard::tools::destructive;

use super::Context;
use super::connected::{join_limited, listed, on_server, server_name, tool_name};
use crate::model::Finding;

rule! {
    /// ## What it does
    /// With `--connect`: lists the tools of each server that delete, overwrite or execute — by a
    /// word of their name (`delete`, `drop`, `remove`, `exec`, `kill`, `run_command`…), by
    /// `annotations.destructiveHint: true`, or by their description ("permanently deletes",
    /// "executes shell commands"). Annotations are the server's own claim: a read-only hint does
    /// not hide what a name says. With `--remote`, remote servers' tools too.
    ///
    /// ## Why it matters
    /// These are the calls whose mistakes cannot be undone, and the ones an injected instruction
    /// aims for. They deserve an approval step rather than automatic approval.
    ///
    /// ## Example
    /// ```text
    /// server memory: delete_entities (name), delete_observations (name), delete_relations (name)
    /// ```
    ///
    /// ## Fix
    /// In the mcpward policy, put these tools under `ask` (or `deny`) for the server, and do not
    /// auto-approve them in the client.
    ///
    /// ## References
    /// - MCP specification: tool annotations (`destructiveHint`, `readOnlyHint`)
    /// - OWASP Top 10 for LLM Applications: LLM06 Excessive Agency
    RULE { id: "destructive-tool", severity: Low, title: "A server offers tools that delete, overwrite or execute" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for l in listed(cx) {
        let items: Vec<String> = l
            .tools
            .iter()
            .filter_map(|t| {
                destructive(t).map(|d| format!("{} ({})", tool_name(t), d.evidence.as_str()))
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push(on_server(
            cx,
            &RULE,
            l.server,
            format!(
                "server `{}` offers {} destructive {}: {}",
                server_name(l.server),
                items.len(),
                if items.len() == 1 { "tool" } else { "tools" },
                join_limited(&items, 10)
            ),
            "Put these tools under `ask` (or `deny`) in the mcpward policy and never auto-approve them",
        ));
    }
}
