//! `mcpward scan --format json`, version 1 (DESIGN §3): the serde form of [`Report`].

use crate::Report;

/// Renders the report as pretty-printed JSON, keys in the documented order, with a final newline.
///
/// Byte spans and anything else marked `#[serde(skip)]` in the model stay out of the output.
pub fn render(report: &Report) -> String {
    // The report holds only strings, integers, options, vectors and unit enums, and no map with
    // non-string keys: serde_json cannot fail on it.
    let mut out = serde_json::to_string_pretty(report).expect("a Report always serializes");
    out.push('\n');
    out
}
