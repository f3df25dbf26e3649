use super::Context;
use crate::catalogue::catalogue;
use crate::inventory::ecosystem_of;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Lists registry packages (npm, PyPI, container images) that are not in mcpward's catalogue of
    /// known MCP servers, and that do not imitate one (those are `typosquat-package`).
    ///
    /// ## Why it matters
    /// Nothing is known about what an unknown package can reach, who publishes it, or whether it is
    /// maintained. That is not a vulnerability by itself, but it is where review effort belongs.
    ///
    /// ## Example
    /// ```json
    /// { "command": "npx", "args": ["-y", "some-new-mcp-server@0.0.3"] }
    /// ```
    ///
    /// ## Fix
    /// Review the package's source and publisher, pin the reviewed version, and run it through
    /// `mcpward run` with a policy and a sandbox.
    ///
    /// ## References
    /// - MCP Registry (registry.modelcontextprotocol.io)
    RULE { id: "unknown-package", severity: Low, title: "A server package that is not in the catalogue" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        let Some(launch) = server.effective_launch() else {
            continue;
        };
        let Some(p) = &launch.package else { continue };
        if matches!(p.version, mcpward_config::launch::VersionReq::External(_))
            || server.known.is_some()
        {
            continue;
        }
        let eco = ecosystem_of(p.source);
        if catalogue().lookup(eco, &p.name).is_some()
            || catalogue().typosquat_of(eco, &p.name).is_some()
        {
            continue;
        }
        out.push(cx.finding(
            &RULE,
            server.doc,
            p.spec.span,
            Some(server),
            format!("server `{}`: package `{}` ({}) is not a known MCP server", server.entry.name, p.name, eco.id()),
            "Review its source and publisher, pin the reviewed version, and wrap it with `mcpward run`",
        ));
    }
}
