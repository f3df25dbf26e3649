use super::Context;
use crate::inventory::Server;
use crate::model::{Capability, Finding};

rule! {
    /// ## What it does
    /// Looks at all the servers one client can use together (across its user and project configs)
    /// and reports the combination of (1) a source of untrusted content (web pages, issues, mail,
    /// chat), (2) access to private data (files, databases, credentials) and (3) an outbound
    /// channel (fetching URLs, sending messages, running commands). One server may play several
    /// parts.
    ///
    /// ## Why it matters
    /// This is the "lethal trifecta" of prompt injection: text planted in the untrusted content
    /// tells the model to read the private data and send it out, and each step looks like an
    /// ordinary tool call. No single server is at fault, so per-server review misses it.
    ///
    /// ## Example
    /// `fetch` (reads any web page) + `filesystem` on `~/src` (private code) + `slack` (posts
    /// messages), all enabled in Claude Desktop.
    ///
    /// ## Fix
    /// Split the servers across clients or profiles, or run them through `mcpward run` with session
    /// taint on: once untrusted content and private data were both seen, calls to outbound tools
    /// need approval.
    ///
    /// ## References
    /// - Simon Willison, "The lethal trifecta for AI agents" (2025)
    /// - Invariant Labs, "Toxic flow analysis" (2025)
    RULE { id: "toxic-flow", severity: High, title: "One client combines untrusted content, private data and an outbound channel" }
}

const PRIVATE: [Capability; 3] = [Capability::FsRead, Capability::Db, Capability::Secrets];
const OUTBOUND: [Capability; 3] = [
    Capability::NetFetch,
    Capability::Messaging,
    Capability::Exec,
];

/// Directories in which clients keep project configs.
const CLIENT_DIRS: &[&str] = &[
    ".cursor",
    ".vscode",
    ".claude",
    ".gemini",
    ".codex",
    ".roo",
    ".zed",
    ".continue",
];

/// The project a server belongs to, or `None` for a user-level or system config whose servers
/// are available in every project of that client.
fn project_of(server: &Server<'_>, home: Option<&str>) -> Option<String> {
    if let Some(scope) = &server.entry.scope {
        return Some(scope.clone());
    }
    let path = &server.doc.path;
    let mut dir = path.parent()?;
    let is_project_file = path.file_name().is_some_and(|n| n == ".mcp.json");
    if dir.file_name().is_some_and(|n| n == "mcpServers") {
        dir = dir.parent()?;
    }
    let in_client_dir = dir
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| CLIENT_DIRS.contains(&n));
    if !is_project_file && !in_client_dir {
        return None;
    }
    let root = if in_client_dir { dir.parent()? } else { dir };
    let root = root.display().to_string();
    let home = home.map(|h| h.trim_end_matches(['/', '\\']));
    (Some(root.trim_end_matches(['/', '\\'])) != home).then_some(root)
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut clients: Vec<&str> = cx.servers.iter().map(|s| s.doc.client.id()).collect();
    clients.sort_unstable();
    clients.dedup();
    let mut reported: Vec<String> = Vec::new();
    for client in clients {
        let servers: Vec<(&Server<'_>, Option<String>)> = cx
            .servers
            .iter()
            .filter(|s| s.doc.client.id() == client && !s.entry.disabled)
            .map(|s| (s, project_of(s, cx.home)))
            .collect();
        let mut projects: Vec<Option<&String>> = servers
            .iter()
            .filter_map(|(_, p)| p.as_ref())
            .map(Some)
            .collect();
        projects.sort_unstable();
        projects.dedup();
        if projects.is_empty() {
            projects.push(None);
        }
        for project in projects {
            // The user-level servers, plus this project's.
            let together: Vec<&Server<'_>> = servers
                .iter()
                .filter(|(_, p)| p.is_none() || p.as_ref() == project)
                .map(|(s, _)| *s)
                .collect();
            let Some(finding) = flow(cx, client, &together) else {
                continue;
            };
            if !reported.contains(&finding.message) {
                reported.push(finding.message.clone());
                out.push(finding);
            }
        }
    }
}

/// The toxic combination among servers that run together, if there is one.
fn flow(cx: &Context<'_>, client: &str, servers: &[&Server<'_>]) -> Option<Finding> {
    let pick = |caps: &[Capability], avoid: &[&str]| -> Option<&Server<'_>> {
        let has = |s: &&&Server<'_>| caps.iter().any(|c| s.can(*c));
        servers
            .iter()
            .filter(has)
            .find(|s| !avoid.contains(&s.entry.name.as_str()))
            .or_else(|| servers.iter().find(has))
            .copied()
    };
    let source = pick(&[Capability::UntrustedContent], &[])?;
    let private = pick(&PRIVATE, &[&source.entry.name])?;
    let sink = pick(&OUTBOUND, &[&source.entry.name, &private.entry.name])?;
    Some(cx.finding(
        &RULE,
        source.doc,
        source.entry.name_span,
        Some(source),
        format!("{client}: {}", describe(source, private, sink)),
        "Separate these servers, or run them through `mcpward run` with session taint so outbound calls need approval after untrusted content and private data were seen",
    ))
}

/// Names the parts, once per server: "`a` brings untrusted content, `b` reaches private data and
/// can send it out".
fn describe(source: &Server<'_>, private: &Server<'_>, sink: &Server<'_>) -> String {
    const PARTS: [&str; 3] = [
        "brings untrusted content",
        "reaches private data",
        "can send it out",
    ];
    let roles = [source, private, sink];
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (server, part) in roles.iter().zip(PARTS) {
        let name = server.entry.name.as_str();
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, parts)) => parts.push(part),
            None => groups.push((name, vec![part])),
        }
    }
    if let [(name, _)] = groups.as_slice() {
        return format!(
            "`{name}` alone brings untrusted content, reaches private data and can send it out"
        );
    }
    groups
        .iter()
        .map(|(name, parts)| format!("`{name}` {}", parts.join(" and ")))
        .collect::<Vec<_>>()
        .join(", ")
}
