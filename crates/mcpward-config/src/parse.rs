//! Parsing config text into a [`Node`] tree with spans.
//!
//! [`parse_document`] takes untrusted text and returns a tree or a [`ParseError`] with a byte
//! offset, never a panic. Every value carries the byte span of its source text (for strings,
//! including the quotes) and every object entry the span of its key. Objects keep their entries in
//! source order, duplicates included, so a later check can see both values of a repeated key.
//! Numbers are kept as written.
//!
//! Per format:
//! - **JSON** is read as JSONC, the way VS Code and Cursor read their configs: `//` and `/* */`
//!   comments and trailing commas are accepted; everything else is strict JSON (double-quoted
//!   strings and keys, commas between values, no `NaN` or hex numbers). Built on `jsonc-parser`'s
//!   AST, whose ranges are byte offsets and whose objects keep repeated keys.
//! - **TOML** follows TOML 1.1 through the `toml` crate's spanned document tree, so repeated keys
//!   and redefined tables are errors, as they are for the clients. Tables become objects whose
//!   span runs from their header (or first key) to the end of their last entry; the key of a
//!   `[a.b]` table points at `b` in the header. Dates and times become strings of their text.
//! - **YAML** is built from `saphyr-parser` events. Only one document is accepted: a stream
//!   with a second document is an error rather than silently ignored text. Aliases are
//!   resolved by copying the anchored node (copies keep the spans of the anchored text), and
//!   at most [`MAX_ALIAS_NODES`] nodes may be copied in. Plain scalars follow the YAML 1.2 core
//!   schema (`null`, `~`, `true`, numbers); quoted and block scalars are always strings. Tags
//!   are ignored, merge keys (`<<`) are ordinary keys, and keys that are not strings are given as
//!   their text.
//!
//! A UTF-8 byte order mark at the start is skipped in every format; spans still count it.

use crate::{Format, Node, Span, Value};

/// Files larger than this are not parsed: they become a `config-parse-error`.
pub const MAX_CONFIG_BYTES: usize = 10 * 1024 * 1024;

/// How deep objects and arrays may nest: a value inside more containers than this is an error.
pub const MAX_DEPTH: usize = 128;

/// How many nodes YAML aliases may copy into a document in total, against "billion laughs"
/// expansion.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Error messages longer than this (in bytes) are cut, so a message never carries much input.
const MAX_MESSAGE_BYTES: usize = 200;

/// Why a document could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct ParseError {
    /// Byte offset in the text where the problem was found.
    pub offset: usize,
    /// What is wrong, in words for a user (no secret values).
    pub message: String,
}

impl ParseError {
    /// An error at `offset`; the message is cut to a bounded length.
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.len() > MAX_MESSAGE_BYTES {
            let mut cut = MAX_MESSAGE_BYTES;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        ParseError { offset, message }
    }

    /// The error for a value nested deeper than [`MAX_DEPTH`].
    pub(crate) fn too_deep(offset: usize) -> Self {
        ParseError::new(
            offset,
            format!("nesting too deep (more than {MAX_DEPTH} levels)"),
        )
    }
}

/// Parses `text` written in `format`.
///
/// # Errors
///
/// A [`ParseError`] with the byte offset of the first problem when the text is not valid in
/// `format`, nests deeper than [`MAX_DEPTH`], expands YAML aliases past [`MAX_ALIAS_NODES`] or is
/// longer than [`MAX_CONFIG_BYTES`].
pub fn parse_document(format: Format, text: &str) -> Result<Node, ParseError> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(ParseError::new(
            MAX_CONFIG_BYTES,
            format!(
                "the file is larger than {} MiB",
                MAX_CONFIG_BYTES / (1024 * 1024)
            ),
        ));
    }
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    };
    let parsed = match format {
        Format::Json => json::parse(body),
        Format::Toml => toml::parse(body),
        Format::Yaml => yaml::parse(body),
    };
    if base == 0 {
        return parsed;
    }
    match parsed {
        Ok(mut node) => {
            shift_spans(&mut node, base);
            Ok(node)
        }
        Err(mut err) => {
            err.offset += base;
            Err(err)
        }
    }
}

/// Moves every span in `root` forward by `by` bytes.
fn shift_spans(root: &mut Node, by: usize) {
    let shift = |span: Span| Span::new(span.start + by, span.end + by);
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        node.span = shift(node.span);
        match &mut node.value {
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(entries) => {
                for entry in entries {
                    entry.key_span = shift(entry.key_span);
                    stack.push(&mut entry.value);
                }
            }
            _ => {}
        }
    }
}

mod json;
mod toml;
mod yaml;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_mark_is_skipped_and_counted_in_spans() {
        let text = "\u{feff}{\"a\": \"b\"}";
        let root = parse_document(Format::Json, text).expect("valid JSONC");
        let entry = root.entry("a").expect("key a");
        assert_eq!(&text[entry.key_span.start..entry.key_span.end], "\"a\"");
        assert_eq!(&text[entry.value.span.start..entry.value.span.end], "\"b\"");
        assert_eq!(&text[root.span.start..root.span.end], "{\"a\": \"b\"}");

        let err = parse_document(Format::Json, "\u{feff}[1 2]").expect_err("missing comma");
        assert_eq!(err.offset, 5);
    }

    #[test]
    fn oversized_input_is_refused() {
        let text = " ".repeat(MAX_CONFIG_BYTES + 1);
        let err = parse_document(Format::Yaml, &text).expect_err("too large");
        assert!(err.message.contains("larger than"), "{}", err.message);
    }

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        let err = ParseError::new(0, "é".repeat(300));
        assert!(err.message.len() <= MAX_MESSAGE_BYTES + '…'.len_utf8());
        assert!(err.message.ends_with('…'));
    }
}
