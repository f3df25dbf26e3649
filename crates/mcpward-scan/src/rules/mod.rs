//! The scan rules: one file per rule, each with a stable id, a default severity and a doc.

use crate::Severity;

/// A rule's identity and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable id, e.g. `secret-in-config`.
    pub id: &'static str,
    /// Severity of its findings unless a finding says otherwise.
    pub default_severity: Severity,
    /// One line: what it finds.
    pub title: &'static str,
    /// Markdown: What it does / Why it matters / Example / Fix / References.
    pub doc: &'static str,
}

/// Every rule, in catalogue order (placeholder list until the rules land).
pub fn all() -> &'static [RuleMeta] {
    &[
        RuleMeta {
            id: "secret-in-config",
            default_severity: Severity::Critical,
            title: "A literal credential in a config file",
            doc: "## What it does\nFinds literal credentials.\n\n## Why it matters\nSecrets leak.\n\n## Example\n```json\n{\"env\": {\"GITHUB_TOKEN\": \"ghp_...\"}}\n```\n\n## Fix\nUse an env reference.\n\n## References\n- https://owasp.org\n",
        },
        RuleMeta {
            id: "config-parse-error",
            default_severity: Severity::High,
            title: "A config file that cannot be read or parsed",
            doc: "## What it does\nReports unreadable configs.\n",
        },
    ]
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static RuleMeta> {
    all().iter().find(|r| r.id == id)
}
