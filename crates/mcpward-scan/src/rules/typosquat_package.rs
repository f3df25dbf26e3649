use super::Context;
use crate::catalogue::catalogue;
use crate::inventory::ecosystem_of;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Finds packages whose name is one or two edits, a swapped separator, a look-alike character
    /// or a changed scope away from a well-known MCP server package, without being that package:
    /// `@modelcontextprotocol/server-filesytem`, `@modelcontextprotocoI/server-memory`,
    /// `mcp-server-fetc`.
    ///
    /// ## Why it matters
    /// Typosquatting is how malicious packages reach developers who copy a command from memory or
    /// from a doctored README. An MCP server runs with the user's authority the moment the client
    /// starts.
    ///
    /// ## Example
    /// ```json
    /// { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesytem", "/home/me"] }
    /// ```
    ///
    /// ## Fix
    /// Check the package on its registry page and its repository; use the real name, pinned. If the
    /// package is what you meant, ignore this finding for it.
    ///
    /// ## References
    /// - MITRE ATT&CK T1195.001: Supply Chain Compromise: Compromise Software Dependencies
    /// - OWASP Top 10 for LLM Applications: LLM03 Supply Chain
    RULE { id: "typosquat-package", severity: Critical, title: "A package name that imitates a well-known MCP server" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        let Some(launch) = server.effective_launch() else {
            continue;
        };
        for p in launch.package.iter().chain(launch.extra_packages.iter()) {
            if matches!(p.version, mcpward_config::launch::VersionReq::External(_)) {
                continue;
            }
            if let Some((_, real)) = catalogue().typosquat_of(ecosystem_of(p.source), &p.name) {
                out.push(cx.finding(
                    &RULE,
                    server.doc,
                    p.spec.span,
                    Some(server),
                    format!("server `{}`: package `{}` looks like `{real}` but is not it", server.entry.name, p.name),
                    format!("If you meant `{real}`, use that name (pinned); otherwise verify this package's origin before running it"),
                ));
            }
        }
    }
}
