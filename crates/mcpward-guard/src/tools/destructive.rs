//! Whether a tool deletes, overwrites or executes: [`destructive`].
//!
//! Annotations are the server's own claim and untrusted (a server can call `delete_repo`
//! read-only), so the name and the description are read whatever the annotations say; an
//! explicit `destructiveHint: true` counts as evidence on its own.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

/// Where the evidence that a tool is destructive comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DestructiveEvidence {
    /// A word of its name (`delete_file`, `execCommand`, `drop-table`).
    Name,
    /// `annotations.destructiveHint` is `true`.
    Annotation,
    /// Its description ("permanently deletes", "executes shell commands").
    Description,
}

impl DestructiveEvidence {
    /// `name`, `annotation` or `description`.
    pub fn as_str(self) -> &'static str {
        match self {
            DestructiveEvidence::Name => "name",
            DestructiveEvidence::Annotation => "annotation",
            DestructiveEvidence::Description => "description",
        }
    }
}

/// Why a tool counts as destructive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destructive {
    /// The strongest evidence: name, then annotation, then description.
    pub evidence: DestructiveEvidence,
    /// What was seen: the word of the name, `destructiveHint: true`, or a short excerpt.
    pub detail: String,
}

/// Words of a tool name that mean it deletes, overwrites or executes.
const NAME_WORDS: &[&str] = &[
    "delete",
    "del",
    "remove",
    "rm",
    "rmdir",
    "drop",
    "destroy",
    "truncate",
    "purge",
    "wipe",
    "erase",
    "exec",
    "execute",
    "shell",
    "eval",
    "kill",
    "terminate",
    "uninstall",
    "revoke",
    "overwrite",
    "unlink",
    "shutdown",
    "reboot",
    "format",
];

/// Objects of `run` that make it execution: `run_command`, `runShell`, `run-script`.
const RUN_OBJECTS: &[&str] = &[
    "command", "cmd", "shell", "script", "code", "terminal", "bash",
];

/// Words after `format` that make it a date or text formatter, not a disk format.
const FORMAT_BENIGN: &[&str] = &[
    "date", "time", "text", "code", "json", "string", "number", "output", "document", "sql",
    "markdown", "currency",
];

static DESCRIPTION: LazyLock<Regex> = LazyLock::new(|| {
    // Invariant: a constant pattern, exercised by the tests below.
    #[allow(clippy::expect_used)]
    Regex::new(
        &r"(?i)\bpermanently\s+(delete|remove|erase|destroy)|\birreversibl[ey]\b|\bcannot\s+be\s+undone\b|\b(deletes?|removes?|erases?|wipes?|destroys?|drops?|truncates?)\s+(the\s+|a\s+|an\s+|all\s+|every\s+)?(given\s+|specified\s+)?(files?|director(y|ies)|folders?|repositor(y|ies)|repos?|databases?|tables?|records?|rows?|branch(es)?|everything|buckets?|objects?|instances?|clusters?|users?|accounts?|projects?)\b|\b(executes?|runs?|running|executing)\s+(arbitrary\s+|any\s+)?(shell|system|terminal|bash|os)\s+commands?\b|\b(executes?|runs?)\s+arbitrary\s+(code|commands?|programs?)\b|\bdrop\s+table\b"
            .replace(r"\b", r"(?-u:\b)"),
    )
    .expect("constant pattern compiles")
});

/// The words of a tool name: split at `_`, `-`, `.`, `/`, spaces and lower-to-upper case changes.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.' | '/' | ' ' | ':') {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Whether a tool deletes, overwrites or executes, and why it counts as such. `None` for a tool
/// with no such evidence.
pub fn destructive(tool: &Value) -> Option<Destructive> {
    let name = tool.get("name").and_then(Value::as_str).unwrap_or_default();
    let words = name_words(name);
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).map(String::as_str);
        let hit = match w.as_str() {
            "run" => next.is_some_and(|n| RUN_OBJECTS.contains(&n)),
            "format" => next.is_some_and(|n| !FORMAT_BENIGN.contains(&n)) && words.len() <= 3,
            other => NAME_WORDS.contains(&other),
        };
        if hit {
            return Some(Destructive {
                evidence: DestructiveEvidence::Name,
                detail: w.clone(),
            });
        }
    }
    if tool
        .get("annotations")
        .and_then(|a| a.get("destructiveHint"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        return Some(Destructive {
            evidence: DestructiveEvidence::Annotation,
            detail: "destructiveHint: true".to_owned(),
        });
    }
    let description = tool
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = crate::screen::sanitize(description).0;
    DESCRIPTION.find(&text).map(|m| Destructive {
        evidence: DestructiveEvidence::Description,
        detail: super::excerpt(&text, m.start()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn evidence(tool: Value) -> Option<DestructiveEvidence> {
        destructive(&tool).map(|d| d.evidence)
    }

    #[test]
    fn names_annotations_and_descriptions() {
        use DestructiveEvidence::*;
        assert_eq!(evidence(json!({"name": "delete_entities"})), Some(Name));
        assert_eq!(evidence(json!({"name": "execCommand"})), Some(Name));
        assert_eq!(evidence(json!({"name": "run_command"})), Some(Name));
        assert_eq!(evidence(json!({"name": "drop-table"})), Some(Name));
        assert_eq!(
            evidence(json!({"name": "write_file", "annotations": {"destructiveHint": true}})),
            Some(Annotation)
        );
        assert_eq!(
            evidence(json!({"name": "tidy", "description": "Permanently deletes the workspace."})),
            Some(Description)
        );
        assert_eq!(
            evidence(json!({"name": "cmd", "description": "Executes shell commands on the host."})),
            Some(Description)
        );
        // A read-only claim does not hide what the name says.
        assert_eq!(
            evidence(
                json!({"name": "delete_repo", "annotations": {"readOnlyHint": true, "destructiveHint": false}})
            ),
            Some(Name)
        );
    }

    #[test]
    fn ordinary_tools_are_not_destructive() {
        for tool in [
            json!({"name": "read_file", "description": "Read the complete contents of a file."}),
            json!({"name": "format_date", "description": "Formats a date."}),
            json!({"name": "run_query", "description": "Runs a read-only SQL query."}),
            json!({"name": "get_removed_items", "annotations": {"destructiveHint": false}}),
            json!({"name": "model", "description": "Describes the data model."}),
        ] {
            assert_eq!(destructive(&tool), None, "{tool}");
        }
    }
}
