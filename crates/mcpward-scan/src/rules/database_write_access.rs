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

const READ_ONLY: &[&str] = &[
    "--read-only",
    "--readonly",
    "readonly",
    "read-only",
    "--access-mode=restricted",
    "mode=ro",
    "default_transaction_read_only",
    "--ro",
];
const WRITE: &[&str] = &[
    "--allow-write",
    "--write",
    "--access-mode=unrestricted",
    "--allow-writes",
    "--read-write",
    "--enable-write",
];

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        if !server.can(Capability::Db) {
            continue;
        }
        let words: Vec<String> = server
            .entry
            .args
            .iter()
            .map(|a| a.value.to_ascii_lowercase())
            .chain(
                server
                    .entry
                    .env
                    .iter()
                    .map(|(_, v)| v.value.to_ascii_lowercase()),
            )
            .collect();
        let has = |set: &[&str]| {
            words.iter().any(|w| {
                set.iter()
                    .any(|m| w == m || w.contains(m) && m.contains('='))
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
