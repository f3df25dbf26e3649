use super::Context;
use crate::model::{Capability, Finding};

rule! {
    /// ## What it does
    /// Finds database servers that can change data: catalogue entries known to allow writes by
    /// default, unknown database servers without a read-only option (`--read-only`,
    /// `--access-mode=restricted`, `?mode=ro`, `default_transaction_read_only`), and known
    /// read-only servers switched to write mode (`--allow-write`, `--access-mode=unrestricted`).
    ///
    /// ## Why it matters
    /// A model with write access to a database can drop tables or rewrite records when injected
    /// text asks it to, and SQL in a tool argument is hard for a person to review at a glance.
    ///
    /// ## Example
    /// ```json
    /// { "command": "uvx", "args": ["postgres-mcp==0.3.0", "--access-mode=unrestricted"],
    ///   "env": { "DATABASE_URI": "${DATABASE_URI}" } }
    /// ```
    ///
    /// ## Fix
    /// Use a read-only mode and a database role with only `SELECT` grants; keep write tools behind
    /// `ask` in the mcpward policy (or a `deny_when` on write statements).
    ///
    /// ## References
    /// - CWE-250: Execution with Unnecessary Privileges
    /// - OWASP Top 10 for LLM Applications: LLM06 Excessive Agency
    RULE { id: "database-write-access", severity: Medium, title: "A database server that can change data" }
}

/// Markers of read-only operation, matched in the lowercase text of the arguments, environment
/// (`NAME=value`) and URL, with `_` and spaces read as `-`.
const READ_ONLY: &[&str] = &[
    "--read-only",
    "--readonly",
    "read-only=true",
    "readonly=true",
    "read-only=1",
    "--access-mode=restricted",
    "mode=ro",
    "default-transaction-read-only",
    "--ro ",
];
/// Markers of write access, checked first.
const WRITE: &[&str] = &[
    "--allow-write",
    "--allow-writes",
    "--write ",
    "--read-write",
    "--enable-write",
    "--access-mode=unrestricted",
    "read-only=false",
    "readonly=false",
    "allow-insert-operation=true",
    "allow-update-operation=true",
    "allow-delete-operation=true",
    "allow-ddl=true",
];

/// One lowercase text of the server's arguments, `NAME=value` environment pairs and URL, with
/// `--flag value` joined as `--flag=value` and `_` read as `-`.
fn settings_text(server: &crate::inventory::Server<'_>) -> String {
    let e = &server.entry;
    let mut words: Vec<String> = Vec::new();
    let mut args = e
        .args
        .iter()
        .map(|a| a.value.to_ascii_lowercase())
        .peekable();
    while let Some(a) = args.next() {
        let joinable = a.starts_with("--") && !a.contains('=');
        match args.peek() {
            Some(next) if joinable && !next.starts_with('-') && a == "--access-mode" => {
                words.push(format!("{a}={next}"));
                args.next();
            }
            _ => words.push(a),
        }
    }
    words.extend(
        e.env
            .iter()
            .map(|(k, v)| format!("{}={}", k.value, v.value).to_ascii_lowercase()),
    );
    words.extend(e.url.iter().map(|u| u.value.to_ascii_lowercase()));
    let mut text = String::from(" ");
    for w in words {
        text.push_str(&w.replace('_', "-"));
        text.push(' ');
    }
    text
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        if !server.can(Capability::Db) {
            continue;
        }
        let text = settings_text(server);
        // Environment names carry prefixes (`MDB_MCP_READ_ONLY=true`): match suffixes too.
        let has = |set: &[&str]| {
            set.iter().any(|m| {
                text.contains(m) || text.contains(&format!("-{}", m.trim_start_matches('-')))
            })
        };
        let writes = if has(WRITE) {
            true
        } else if has(READ_ONLY) {
            false
        } else {
            server.known.is_none_or(|k| k.db_write)
        };
        if writes {
            out.push(cx.finding(
                &RULE,
                server.doc,
                server.entry.name_span,
                Some(server),
                format!("server `{}` can write to its database", server.entry.name),
                "Use the server's read-only mode and a database role limited to SELECT; put write tools behind approval",
            ));
        }
    }
}
