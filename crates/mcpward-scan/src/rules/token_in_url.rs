use super::Context;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Finds credentials embedded in an HTTP or WebSocket URL: a password in the userinfo
    /// (`https://user:pass@host`) or a token in the query string (`?token=…`, `?api_key=…`), in a
    /// remote server's `url` or in a launch argument (as `mcp-remote https://…?key=…` takes it).
    ///
    /// ## Why it matters
    /// URLs are logged by proxies, servers, shells and clients, shown in process lists, and sent on
    /// redirects. A credential in a URL leaks far more easily than one in a header.
    ///
    /// ## Example
    /// ```json
    /// { "mcpServers": { "search": { "url": "https://mcp.example.com/mcp?api_key=sk_live_…" } } }
    /// ```
    ///
    /// ## Fix
    /// Revoke it, then send it in a header that references the environment
    /// (`"headers": {"Authorization": "Bearer ${API_TOKEN}"}`), or use the server's OAuth flow.
    ///
    /// ## References
    /// - CWE-598: Use of GET Request Method With Sensitive Query Strings
    /// - MCP Authorization specification (tokens in the Authorization header, never in the URI)
    RULE { id: "token-in-url", severity: High, title: "A credential embedded in a URL" }
}

/// Kinds that say only "a credential-shaped value stands here", not which service's token it is.
const GENERIC_KINDS: &[&str] = &[
    "generic-secret",
    "url-query-secret",
    "url-password",
    "basic-auth",
    "bearer-token",
];

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        let e = &server.entry;
        for s in e.url.iter().chain(e.args.iter()) {
            let lower = s.value.to_ascii_lowercase();
            if !["http://", "https://", "ws://", "wss://"]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                continue;
            }
            if let Some((start, end)) = mcpward_guard::url_credentials(&s.value) {
                let preview = s
                    .value
                    .get(start..end)
                    .map(mcpward_guard::redact_preview)
                    .unwrap_or_default();
                // A known token format (not just a credential-shaped parameter) is a live key.
                let known = mcpward_guard::find_secrets(&s.value)
                    .iter()
                    .any(|m| m.start < end && start < m.end && !GENERIC_KINDS.contains(&m.kind));
                let mut f = cx.finding(
                    &RULE,
                    server.doc,
                    s.span,
                    Some(server),
                    format!("server `{}`: URL carries a credential ({preview})", e.name),
                    "Revoke it and pass it in an Authorization header that references an environment variable, or use OAuth",
                );
                if known {
                    f.severity = crate::model::Severity::Critical;
                }
                out.push(f);
            }
        }
    }
}
