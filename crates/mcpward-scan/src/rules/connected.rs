//! Helpers for the rules that read what `scan --connect` learned.

use serde_json::Value;

use super::Context;
use crate::connect::{Outcome, PinChange, printable};
use crate::inventory::Server;
use crate::model::Finding;

/// One server that answered `tools/list`, with its config entry.
pub(super) struct Listed<'c, 'a> {
    pub(super) server: &'c Server<'a>,
    pub(super) tools: &'c [Value],
    pub(super) changes: &'c [(String, PinChange)],
}

/// Every connected server that listed its tools, in report order.
pub(super) fn listed<'c, 'a>(cx: &'c Context<'a>) -> Vec<Listed<'c, 'a>> {
    let mut out = Vec::new();
    for c in cx.connections {
        if let Outcome::Listed { tools, changes, .. } = &c.outcome
            && let Some(server) = cx.servers.iter().find(|s| s.id == c.server_id)
        {
            out.push(Listed {
                server,
                tools,
                changes,
            });
        }
    }
    out
}

/// A finding of `rule` on a server's entry.
pub(super) fn on_server(
    cx: &Context<'_>,
    rule: &super::RuleMeta,
    server: &Server<'_>,
    message: String,
    fix: &str,
) -> Finding {
    cx.finding(
        rule,
        server.doc,
        server.entry.name_span,
        Some(server),
        message,
        fix,
    )
}

/// A tool's name, safe to print.
pub(super) fn tool_name(tool: &Value) -> String {
    printable(tool.get("name").and_then(Value::as_str).unwrap_or("?"), 80)
}

/// A server's name, safe to print.
pub(super) fn server_name(server: &Server<'_>) -> String {
    printable(&server.entry.name, 80)
}

/// `items` joined with "; ", at most `max` of them, then "and N more".
pub(super) fn join_limited(items: &[String], max: usize) -> String {
    let mut out = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > max {
        out.push_str(&format!("; and {} more", items.len() - max));
    }
    out
}
