use std::path::Path;

use super::Context;
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Reports a config file that holds a literal secret and whose permissions let other users on
    /// the machine read it (the "others" read bit, e.g. mode `0644`). Unix only.
    ///
    /// ## Why it matters
    /// Every account on a shared machine, and every service running as another user, can read the
    /// secret.
    ///
    /// ## Example
    /// `~/.cursor/mcp.json` with a token, mode `-rw-r--r--`.
    ///
    /// ## Fix
    /// `chmod 600 FILE`, and move the secret out of the file.
    ///
    /// ## References
    /// - CWE-732: Incorrect Permission Assignment for Critical Resource
    RULE { id: "config-world-readable", severity: High, title: "A config file with a secret is readable by other users" }
}

pub(super) fn check(cx: &Context<'_>, findings: &[Finding], out: &mut Vec<Finding>) {
    for (path, first) in super::config_tracked_with_secret::secret_files(findings) {
        // A tracked file's secret is `config-tracked-with-secret`'s, whatever its mode.
        if cx.facts.tracked_by_git(Path::new(path)) == Some(true) {
            continue;
        }
        let Some(mode) = cx.facts.mode(Path::new(path)) else {
            continue;
        };
        if mode & 0o004 != 0 {
            out.push(Finding {
                rule: RULE.id,
                severity: RULE.default_severity,
                server: None,
                message: format!(
                    "this file holds a literal secret and other users can read it (mode {:o})",
                    mode & 0o777
                ),
                fix: format!("chmod 600 {path}, and move the secret out of the file"),
                ..first.clone()
            });
        }
    }
}
