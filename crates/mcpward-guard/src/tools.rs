//! Screening tool definitions (`tools/list` entries) for poisoning: [`screen_tool`].
//!
//! A tool's description and every string in its schemas reach the model as trusted context. The
//! screen looks for instructions aimed at the model, concealment, hidden Unicode, references to
//! other tools, sensitive paths and exfiltration-shaped parameters.

use serde_json::Value;

use crate::screen::screen;

/// What kind of poisoning a [`ToolFinding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ToolFindingKind {
    /// Instructions aimed at the model (prompt injection in a definition).
    Instruction,
    /// Invisible characters, tag characters or ANSI escapes in a definition.
    HiddenUnicode,
}

impl ToolFindingKind {
    /// A stable id, such as `"instruction"` or `"hidden-unicode"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolFindingKind::Instruction => "instruction",
            ToolFindingKind::HiddenUnicode => "hidden-unicode",
        }
    }
}

/// One finding in a tool definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolFinding {
    /// What was found.
    pub kind: ToolFindingKind,
    /// Where: `description`, `inputSchema.properties.path.description`, ...
    pub location: String,
    /// A short, sanitized excerpt safe to print (at most 120 characters).
    pub excerpt: String,
}

/// Screens one tool definition (an element of a `tools/list` result's `tools`).
pub fn screen_tool(tool: &Value) -> Vec<ToolFinding> {
    let mut findings = Vec::new();
    walk(tool, &mut String::new(), &mut findings);
    findings
}

fn walk(value: &Value, path: &mut String, out: &mut Vec<ToolFinding>) {
    match value {
        Value::String(s) => {
            let screened = screen(s);
            let excerpt: String = screened.text.chars().take(120).collect();
            if screened.hidden.invisible + screened.hidden.ansi > 0 {
                out.push(ToolFinding {
                    kind: ToolFindingKind::HiddenUnicode,
                    location: path.clone(),
                    excerpt: excerpt.clone(),
                });
            }
            if screened.injection.detected {
                out.push(ToolFinding {
                    kind: ToolFindingKind::Instruction,
                    location: path.clone(),
                    excerpt,
                });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, out);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
