use super::Context;
use super::connected::{join_limited, listed, on_server, server_name};
use crate::connect::printable;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// With `--connect --lock FILE`: compares each tool's canonical hash (name, title,
    /// description, input and output schema, annotations) with the lockfile `mcpward run` uses,
    /// and reports tools that changed, appeared or disappeared since they were pinned. A server
    /// the lockfile does not know yet is pinned (trust on first use), as `mcpward run` does.
    /// With `--remote`, remote servers are pinned under their names the same way; their
    /// definitions can change on the operator's side at any time, with no update on yours, so
    /// a lockfile checked in CI is how a rug pull there is noticed.
    ///
    /// ## Why it matters
    /// A "rug pull": a server that was reviewed and approved changes its definitions later —
    /// after an update, or on the server's side at any time — and the new description carries
    /// instructions no one reviewed.
    ///
    /// ## Example
    /// ```text
    /// tool get_fact_of_the_day of server facts: changed since it was pinned
    /// ```
    ///
    /// ## Fix
    /// Review the new definition (`mcpward pin list` shows it), then accept it with `mcpward pin
    /// approve SERVER [TOOL]`, or remove the server.
    ///
    /// ## References
    /// - Invariant Labs, "WhatsApp MCP Exploited" (rug pull, 2025)
    /// - The lockfile format: `docs/` of mcpward (pins)
    RULE { id: "tool-changed", severity: High, title: "A tool definition differs from its pin in the lockfile" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for l in listed(cx) {
        if l.changes.is_empty() {
            continue;
        }
        let items: Vec<String> = l
            .changes
            .iter()
            .map(|(tool, change)| format!("`{}` {}", printable(tool, 80), change.as_str()))
            .collect();
        out.push(on_server(
            cx,
            &RULE,
            l.server,
            format!(
                "server `{}` differs from its pins: {}",
                server_name(l.server),
                join_limited(&items, 8)
            ),
            "Review the new definitions (`mcpward pin list`), then `mcpward pin approve SERVER`, or remove the server",
        ));
    }
}
