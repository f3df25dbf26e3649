use super::Context;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Finds remote servers reached over plain `http://` or `ws://` on a host that is not
    /// loopback (`localhost`, `127.0.0.0/8`, `::1`), in the server's URL or in a launch argument
    /// such as `mcp-remote http://…`.
    ///
    /// ## Why it matters
    /// Without TLS, anyone on the network path can read the tool calls and results, steal the
    /// bearer token, and inject tool descriptions or results that steer the model.
    ///
    /// ## Example
    /// ```json
    /// { "mcpServers": { "wiki": { "url": "http://mcp.internal.example.com/mcp" } } }
    /// ```
    ///
    /// ## Fix
    /// Use `https://` (or `wss://`). For a local server, bind it to loopback.
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - MCP Streamable HTTP transport: security warning
    RULE { id: "insecure-transport", severity: High, title: "A remote server reached without TLS" }
}

/// The host of a URL (without port, brackets or userinfo), lowercase.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit('@').next()?;
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        hostport.split(':').next()?
    };
    Some(host.to_ascii_lowercase())
}

/// Whether a host is loopback.
pub(crate) fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        // 127.0.0.0/8 in any spelling that starts with its first octet (`127.1`, `127.0.0.1`).
        || host.strip_prefix("127.").is_some_and(|rest| rest.split('.').all(|p| p.parse::<u8>().is_ok()))
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        let e = &server.entry;
        for s in e.url.iter().chain(e.args.iter()) {
            let lower = super::with_defaults(s.value.trim()).to_ascii_lowercase();
            let scheme = if lower.starts_with("http://") {
                "http"
            } else if lower.starts_with("ws://") {
                "ws"
            } else {
                continue;
            };
            let Some(host) = url_host(&lower) else {
                continue;
            };
            if host.is_empty() || host.starts_with('$') || is_loopback(&host) {
                continue;
            }
            out.push(cx.finding(
                &RULE,
                server.doc,
                s.span,
                Some(server),
                format!(
                    "server `{}` is reached over plain {scheme} at `{host}`",
                    e.name
                ),
                format!(
                    "Use {}:// so calls, results and tokens are encrypted",
                    if scheme == "http" { "https" } else { "wss" }
                ),
            ));
        }
    }
}
