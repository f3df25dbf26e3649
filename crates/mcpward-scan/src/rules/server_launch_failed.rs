use super::Context;
use super::connected::{on_server, server_name};
use crate::connect::Outcome;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// With `--connect`: reports a configured stdio server that could not be started, exited, or
    /// did not answer `initialize` and `tools/list` within `--connect-timeout`. The reason names
    /// the failure (command not found, exit status, timeout, a JSON-RPC error) and at most one
    /// sanitized, redacted line of what the server wrote on stderr.
    ///
    /// With `--connect --remote`, the same for a remote server that could not be listed: refused
    /// before any connection (a loopback, private, link-local or metadata address without
    /// `--allow-private-remote`, plain `http://`, a URL with user information, a `${VAR}` in its
    /// URL or headers not named with `--remote-env`, a header mcpward sets itself or an invalid
    /// header), unreachable, a TLS failure, `needs authorization (HTTP 401)` (no OAuth flow is run), a redirect (not
    /// followed), an answer over 16 MiB, an HTTP+SSE `endpoint` on another origin, or an HTTP or
    /// JSON-RPC error. The URL and header
    /// values are never part of the reason.
    ///
    /// ## Why it matters
    /// A server that was not listed was not screened: its tools are unknown, so the scan is
    /// incomplete. A config that points at a missing program is also often a typo or a leftover
    /// that someone else's package could later fill.
    ///
    /// ## Example
    /// ```json
    /// { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesytem"] }
    /// ```
    ///
    /// ## Fix
    /// Fix or remove the entry; raise `--connect-timeout` for slow first starts (`npx` downloads).
    /// For a remote server: put the final `https://` URL in the config (no redirects), give it
    /// its token through the config's `headers` (`"Authorization": "Bearer ${TOKEN}"`) and name
    /// the variable with `--remote-env TOKEN`, and pass `--allow-private-remote` only for a
    /// server you know to be internal.
    ///
    /// ## References
    /// - MCP specification: lifecycle (`initialize`, `notifications/initialized`); transports
    ///   (Streamable HTTP, HTTP+SSE)
    RULE { id: "server-launch-failed", severity: Medium, title: "A server could not be started or did not list its tools" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for c in cx.connections {
        let Outcome::Failed { reason } = &c.outcome else {
            continue;
        };
        let Some(server) = cx.servers.iter().find(|s| s.id == c.server_id) else {
            continue;
        };
        out.push(on_server(
            cx,
            &RULE,
            server,
            format!(
                "server `{}` was not screened: {reason}",
                server_name(server)
            ),
            if server.entry.transport == mcpward_config::Transport::Stdio {
                "Fix or remove the entry; raise --connect-timeout if it is only slow to start"
            } else {
                "Check the URL (https, the final one: redirects are not followed) and the headers; name the variables they use with --remote-env; pass --allow-private-remote only for a server you know to be internal"
            },
        ));
    }
}
