use super::Context;
use crate::model::{Capability, Finding};

rule! {
    /// ## What it does
    /// Finds servers that fetch arbitrary URLs or drive a browser (the reference `fetch` server,
    /// Puppeteer, Playwright, scrapers) without an allowlist of origins
    /// (`--allowed-origins`, `--allowed-hosts`, `--allowed-domains`).
    ///
    /// ## Why it matters
    /// A fetcher is both a way in and a way out: every page it reads can carry injected
    /// instructions, and every URL it requests can carry your data in its query string to a host
    /// of the attacker's choosing. It also reaches internal addresses and cloud metadata endpoints
    /// from your machine (SSRF).
    ///
    /// ## Example
    /// ```json
    /// { "command": "uvx", "args": ["mcp-server-fetch==2025.4.7"] }
    /// ```
    ///
    /// ## Fix
    /// Give the server an allowlist where it supports one, or run it through `mcpward run` with
    /// `urls.allow` in the policy and a sandbox whose `net` lists the hosts it may reach.
    ///
    /// ## References
    /// - CWE-918: Server-Side Request Forgery
    /// - OWASP Top 10 for LLM Applications: LLM01 Prompt Injection (indirect)
    RULE { id: "unrestricted-fetch", severity: Medium, title: "A server that fetches any URL, with no allowlist" }
}

const FETCH_WORDS: &[&str] = &[
    "fetch",
    "browser",
    "puppeteer",
    "playwright",
    "scrape",
    "scraper",
    "crawl",
    "crawler",
    "curl",
    "http-client",
    "web-fetch",
];
const ALLOWLIST: &[&str] = &[
    "--allowed-origins",
    "--allowed-hosts",
    "--allowed-domains",
    "--allow-domains",
    "--allowed-urls",
    "--allowlist",
    "--origin",
];

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        if !server.can(Capability::NetFetch)
            || server.entry.transport != mcpward_config::Transport::Stdio
        {
            continue;
        }
        let fetcher = match server.known {
            Some(k) => k.is_unrestricted_fetcher(),
            None => {
                let name = server.entry.name.to_ascii_lowercase();
                let pkg = server
                    .effective_launch()
                    .and_then(|l| l.package.as_ref())
                    .map(|p| p.name.to_ascii_lowercase())
                    .unwrap_or_default();
                FETCH_WORDS
                    .iter()
                    .any(|w| name.contains(w) || pkg.contains(w))
            }
        };
        let limited = server.entry.args.iter().any(|a| {
            let v = a.value.to_ascii_lowercase();
            ALLOWLIST
                .iter()
                .any(|f| v == *f || v.starts_with(&format!("{f}=")))
        });
        if fetcher && !limited {
            out.push(cx.finding(
                &RULE,
                server.doc,
                server.entry.name_span,
                Some(server),
                format!("server `{}` can fetch any URL, with no allowlist", server.entry.name),
                "Give it an origin allowlist, or use `urls.allow` in an mcpward policy and a sandbox `net` list",
            ));
        }
    }
}
