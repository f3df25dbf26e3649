use super::Context;
use crate::model::{Capability, Finding};

rule! {
    /// ## What it does
    /// Finds servers whose tools run commands or code on your machine: terminal and shell servers
    /// (Desktop Commander, `mcp-server-commands`, `mcp-shell-server`, …), code interpreters, SSH and
    /// Kubernetes exec servers — from the catalogue, or inferred from the server's name and
    /// arguments when it is unknown.
    ///
    /// ## Why it matters
    /// A model that can run commands can do anything you can: read every secret, install
    /// persistence, push code. Prompt injection in any content the model reads turns into command
    /// execution. Such a server should never run with automatic approval.
    ///
    /// ## Example
    /// ```json
    /// { "command": "npx", "args": ["-y", "@wonderwhy-er/desktop-commander@0.2.7"] }
    /// ```
    ///
    /// ## Fix
    /// Keep it only where needed; run it through `mcpward run` with `ask` for its exec tools and a
    /// sandbox (`[servers.NAME.sandbox]`), and never auto-approve it.
    ///
    /// ## References
    /// - OWASP Top 10 for LLM Applications: LLM06 Excessive Agency
    /// - CWE-78: OS Command Injection
    RULE { id: "exec-capable-server", severity: High, title: "A server whose tools run commands or code" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        // An inline shell launch is `shell-command-server`'s concern.
        let shell_launch = server
            .launch
            .as_ref()
            .is_some_and(|l| l.inline_script.is_some() && l.inner.is_none());
        if !server.can(Capability::Exec) || shell_launch || server.entry.disabled {
            continue;
        }
        let why = match server.known {
            Some(k) => format!("is {}, which runs commands", k.name),
            None => "looks like it runs commands (from its name and arguments)".to_string(),
        };
        out.push(cx.finding(
            &RULE,
            server.doc,
            server.entry.name_span,
            Some(server),
            format!("server `{}` {why}", server.entry.name),
            "Require approval for its tools (`ask` in the mcpward policy), sandbox it, and never auto-approve it",
        ));
    }
}
