use std::path::Path;

use super::Context;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Reports a config file that holds a literal secret (a `secret-in-config` or `token-in-url`
    /// finding) and is tracked by git.
    ///
    /// ## Why it matters
    /// A committed secret is in the repository's history for good: every clone, fork, CI log and
    /// backup has it, and secret scanners run by attackers find public ones within minutes.
    ///
    /// ## Example
    /// `.mcp.json` with `"SLACK_BOT_TOKEN": "xoxb-…"`, committed.
    ///
    /// ## Fix
    /// Revoke the secret first (removing it from history is not enough), replace it with a
    /// reference (`${SLACK_BOT_TOKEN}`), and keep local overrides in an untracked file.
    ///
    /// ## References
    /// - CWE-540: Inclusion of Sensitive Information in Source Code
    /// - GitHub docs: Removing sensitive data from a repository
    RULE { id: "config-tracked-with-secret", severity: Critical, title: "A config file with a secret is tracked by git" }
}

/// The first secret finding in each file: (path, finding).
pub(super) fn secret_files(findings: &[Finding]) -> Vec<(&str, &Finding)> {
    let mut out: Vec<(&str, &Finding)> = Vec::new();
    for f in findings
        .iter()
        .filter(|f| f.rule == "secret-in-config" || f.rule == "token-in-url")
    {
        if !out.iter().any(|(p, _)| *p == f.path) {
            out.push((&f.path, f));
        }
    }
    out
}

pub(super) fn check(cx: &Context<'_>, findings: &[Finding], out: &mut Vec<Finding>) {
    for (path, first) in secret_files(findings) {
        if cx.facts.tracked_by_git(Path::new(path)) == Some(true) {
            out.push(Finding {
                rule: RULE.id,
                severity: RULE.default_severity,
                server: None,
                message: "this file holds a literal secret and git tracks it".into(),
                fix: "Revoke the secret, replace it with an environment reference, and keep local values in an untracked file".into(),
                ..first.clone()
            });
        }
    }
}
