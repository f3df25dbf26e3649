use super::Context;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Reports config files that could not be read or parsed (invalid JSON, TOML or YAML, invalid
    /// UTF-8, over 10 MB, unreadable) and parts that do not follow the client's schema (a server
    /// that is not an object, `mcpServers` that is a list, a server with neither `command` nor
    /// `url`), with the line and the reason.
    ///
    /// ## Why it matters
    /// A scanner that skips what it cannot read reports a dangerous file as clean. Clients differ
    /// in how leniently they read configs, so a file mcpward cannot parse may still launch servers.
    ///
    /// ## Example
    /// ```json
    /// { "mcpServers": { "x": { "command": "npx" "args": [] } } }
    /// ```
    ///
    /// ## Fix
    /// Correct the syntax at the reported line and scan again.
    ///
    /// ## References
    /// - JSON (RFC 8259), TOML 1.0, YAML 1.2
    RULE { id: "config-parse-error", severity: High, title: "A config file that cannot be read or parsed" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in cx.load_errors {
        out.push(Finding {
            rule: RULE.id,
            severity: RULE.default_severity,
            server: None,
            path: e.path.display().to_string(),
            line: e.line,
            column: e.column,
            message: format!("cannot read this config: {}", e.reason),
            fix: "Correct the file at this position and scan again".into(),
            span: e.offset.map(|o| (o, o)),
        });
    }
    for (doc, problems) in cx.docs.iter().zip(cx.problems) {
        for (span, reason) in problems {
            out.push(cx.finding(
                &RULE,
                doc,
                *span,
                None,
                format!("unexpected shape: {reason}"),
                "Follow the client's config schema here",
            ));
        }
    }
}
