//! YAML, built from `saphyr-parser` events.
//!
//! The parser is a state machine (no recursion), so depth and alias expansion are bounded here,
//! while the tree is built: an opening past [`MAX_DEPTH`] or an alias that would copy in more than
//! [`MAX_ALIAS_NODES`] nodes in total stops the parse. The parser's positions count characters;
//! [`Positions`] turns them into byte offsets.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::{MAX_ALIAS_NODES, MAX_DEPTH, ParseError};
use crate::{Entry, Node, Span, Value};

pub(super) fn parse(text: &str) -> Result<Node, ParseError> {
    let positions = Positions::new(text);
    let mut builder = Builder {
        text,
        stack: Vec::new(),
        anchors: HashMap::new(),
        copied: 0,
        root: None,
    };
    let mut documents = 0_usize;
    for item in Parser::new_from_str(text) {
        let (event, span) =
            item.map_err(|err| ParseError::new(positions.byte(err.marker().index()), err.info()))?;
        let span = Span::new(
            positions.byte(span.start.index()),
            positions.byte(span.end.index()),
        );
        match event {
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(ParseError::new(
                        span.start,
                        "a second YAML document: only one document per file is read",
                    ));
                }
            }
            Event::Alias(id) => builder.alias(id, span)?,
            Event::Scalar(value, style, anchor, _tag) => {
                let span = scalar_span(text, span, style);
                let value = value.into_owned();
                let key = builder.wants_key().then(|| value.clone());
                let value = if style == ScalarStyle::Plain {
                    plain_scalar(value)
                } else {
                    Value::String(value)
                };
                let built = Built {
                    node: Node::new(value, span),
                    size: 1,
                    height: 0,
                };
                builder.finish(built, anchor, key, span)?;
            }
            Event::SequenceStart(anchor, _tag) => builder.open(false, anchor, span)?,
            Event::MappingStart(anchor, _tag) => builder.open(true, anchor, span)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close(span)?,
        }
    }
    Ok(builder
        .root
        .unwrap_or_else(|| Node::new(Value::Null, Span::new(0, 0))))
}

/// Where a scalar's text stands: without its anchor or tag, and for block scalars without the
/// blank lines after them.
fn scalar_span(text: &str, span: Span, style: ScalarStyle) -> Span {
    let start = skip_properties(text, span.start, span.end);
    let mut end = span.end;
    if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
        let body = text.get(start..end).unwrap_or_default();
        end = start + body.trim_end_matches([' ', '\t', '\r', '\n']).len();
    }
    Span::new(start, end)
}

/// The offset after the anchor (`&a`) and tag (`!t`) properties at `start`, and the space or
/// comments after them, but not past `limit`.
fn skip_properties(text: &str, start: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = limit.min(bytes.len());
    let mut at = start;
    while at < limit && matches!(bytes.get(at), Some(b'&' | b'!')) {
        // Anchors and tags end at a space or a flow indicator (both ASCII, so a char boundary).
        while at < limit
            && bytes
                .get(at)
                .is_some_and(|b| !b.is_ascii_whitespace() && !b",[]{}".contains(b))
        {
            at += 1;
        }
        while at < limit {
            match bytes.get(at) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => at += 1,
                Some(b'#') => {
                    while at < limit && bytes.get(at).is_some_and(|&b| b != b'\n') {
                        at += 1;
                    }
                }
                _ => break,
            }
        }
    }
    at
}

/// A plain (unquoted) scalar read with the YAML 1.2 core schema.
fn plain_scalar(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        s if is_core_number(s) => Value::Number(text),
        _ => Value::String(text),
    }
}

/// Whether `s` is an integer or float of the YAML 1.2 core schema.
fn is_core_number(s: &str) -> bool {
    fn digits(s: &str, radix: u32) -> bool {
        !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
    }
    if let Some(octal) = s.strip_prefix("0o") {
        return digits(octal, 8);
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    // [0-9]+ ( . [0-9]* )? | . [0-9]+ , then an optional exponent [eE][-+]?[0-9]+
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction, 10),
        Some((whole, fraction)) => {
            digits(whole, 10) && fraction.chars().all(|c| c.is_ascii_digit())
        }
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

/// A finished node with its size in nodes and its height in containers.
struct Built {
    node: Node,
    size: usize,
    height: usize,
}

/// A sequence or mapping being read.
struct Frame {
    /// The span of the start event (empty for a block collection without properties).
    open: Span,
    anchor: usize,
    /// Nodes so far, itself included.
    size: usize,
    /// Height of the tallest child so far.
    height: usize,
    /// Where the first child starts and the last one ends in the text (for an alias, where the
    /// alias stands, not its copy's spans).
    first: Option<usize>,
    last: usize,
    body: Body,
}

enum Body {
    Sequence(Vec<Node>),
    Mapping {
        entries: Vec<Entry>,
        /// A key whose value has not been read yet.
        key: Option<(String, Span)>,
    },
}

struct Builder<'t> {
    text: &'t str,
    stack: Vec<Frame>,
    /// Anchored nodes by the parser's anchor id.
    anchors: HashMap<usize, Built>,
    /// Nodes copied in by aliases so far.
    copied: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    /// Whether the next finished node is a mapping key.
    fn wants_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Mapping { key: None, .. },
                ..
            })
        )
    }

    fn open(&mut self, mapping: bool, anchor: usize, span: Span) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ParseError::too_deep(span.start));
        }
        let body = if mapping {
            Body::Mapping {
                entries: Vec::new(),
                key: None,
            }
        } else {
            Body::Sequence(Vec::new())
        };
        self.stack.push(Frame {
            open: span,
            anchor,
            size: 1,
            height: 0,
            first: None,
            last: span.start,
            body,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Err(ParseError::new(
                span.start,
                "unbalanced end of a collection",
            ));
        };
        let bytes = self.text.as_bytes();
        let closing = bytes.get(span.start..span.end).unwrap_or_default();
        let flow = matches!(closing, b"]" | b"}");
        let limit = frame.first.unwrap_or(span.end).max(frame.open.start);
        let mut start = skip_properties(self.text, frame.open.start, limit);
        if !flow && frame.open.start == frame.open.end && matches!(frame.body, Body::Sequence(_)) {
            // A block sequence without properties starts at its `-` or at its first item (whose
            // own anchor or tag may come first): take the `-`.
            start = frame.open.start;
            let mut dash = start;
            while dash > 0 && matches!(bytes.get(dash - 1), Some(b' ' | b'\t')) {
                dash -= 1;
            }
            if bytes.get(start) != Some(&b'-') && dash > 0 && bytes.get(dash - 1) == Some(&b'-') {
                start = dash - 1;
            }
        }
        // A flow collection ends at its closing bracket; a block one at its last child (its end
        // event stands where the next thing starts).
        let end = if flow {
            span.end
        } else {
            frame.last.max(start)
        };
        let value = match frame.body {
            Body::Sequence(items) => Value::Array(items),
            Body::Mapping { mut entries, key } => {
                if let Some((key, key_span)) = key {
                    let at = key_span.end;
                    entries.push(Entry {
                        key,
                        key_span,
                        value: Node::new(Value::Null, Span::new(at, at)),
                    });
                }
                Value::Object(entries)
            }
        };
        let span = Span::new(start, end);
        let built = Built {
            node: Node::new(value, span),
            size: frame.size,
            height: frame.height + 1,
        };
        self.finish(built, frame.anchor, None, span)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), ParseError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(ParseError::new(
                span.start,
                "alias to an anchor that is not complete here (a recursive alias)",
            ));
        };
        if self.stack.len() + anchored.height > MAX_DEPTH {
            return Err(ParseError::too_deep(span.start));
        }
        self.copied = self.copied.saturating_add(anchored.size);
        if self.copied > MAX_ALIAS_NODES {
            return Err(ParseError::new(
                span.start,
                format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
            ));
        }
        let built = Built {
            node: anchored.node.clone(),
            size: anchored.size,
            height: anchored.height,
        };
        self.finish(built, 0, None, span)
    }

    /// Attaches a finished node to its parent, or makes it the root. `key` is the key text of a
    /// scalar, in case the node is a mapping key; `at` is where the node stands in the text.
    fn finish(
        &mut self,
        built: Built,
        anchor: usize,
        key: Option<String>,
        at: Span,
    ) -> Result<(), ParseError> {
        if anchor != 0 {
            let copy = Built {
                node: built.node.clone(),
                size: built.size,
                height: built.height,
            };
            self.anchors.insert(anchor, copy);
        }
        let text = self.text;
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_some() {
                return Err(ParseError::new(
                    built.node.span.start,
                    "a second value at the top level",
                ));
            }
            self.root = Some(built.node);
            return Ok(());
        };
        parent.size = parent.size.saturating_add(built.size);
        parent.height = parent.height.max(built.height);
        parent.first.get_or_insert(at.start);
        parent.last = parent.last.max(at.end);
        match &mut parent.body {
            Body::Sequence(items) => items.push(built.node),
            Body::Mapping {
                entries,
                key: pending,
            } => match pending.take() {
                Some((key, key_span)) => entries.push(Entry {
                    key,
                    key_span,
                    value: built.node,
                }),
                None => {
                    let key = key.unwrap_or_else(|| key_text(text, &built.node));
                    *pending = Some((key, at));
                }
            },
        }
        Ok(())
    }
}

/// The key text of a node that is not a plain string: its value for strings and numbers, else
/// its source text.
fn key_text(text: &str, node: &Node) -> String {
    match &node.value {
        Value::String(s) | Value::Number(s) => s.clone(),
        _ => text
            .get(node.span.start..node.span.end)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// Converts the parser's character indexes to byte offsets.
struct Positions<'t> {
    text: &'t str,
    /// Byte offset of every `STRIDE`th character; empty for ASCII text, where the two agree.
    checkpoints: Vec<usize>,
    ascii: bool,
}

const STRIDE: usize = 64;

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(at, _)| at)
                .collect()
        };
        Positions {
            text,
            checkpoints,
            ascii,
        }
    }

    /// The byte offset of character `index` (the text's length at or past its end).
    fn byte(&self, index: usize) -> usize {
        let len = self.text.len();
        if self.ascii {
            return index.min(len);
        }
        let Some(&start) = self.checkpoints.get(index / STRIDE) else {
            return len;
        };
        self.text
            .get(start..)
            .and_then(|rest| rest.char_indices().nth(index % STRIDE))
            .map_or(len, |(at, _)| start + at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn positions_convert_characters_to_bytes() {
        let text = format!("{}é{}ü", "a".repeat(100), "b".repeat(70));
        let positions = Positions::new(&text);
        assert_eq!(positions.byte(0), 0);
        assert_eq!(positions.byte(100), 100);
        assert_eq!(positions.byte(101), 102);
        assert_eq!(positions.byte(171), 172);
        assert_eq!(positions.byte(172), text.len());
        assert_eq!(positions.byte(10_000), text.len());
    }

    #[test]
    fn core_schema_numbers() {
        for yes in [
            "0", "-12", "+3", "0o17", "0x1F", "1.5", "1.", ".5", "-1e3", "2.5E-2", ".inf", "-.Inf",
            ".NaN",
        ] {
            assert!(is_core_number(yes), "{yes}");
        }
        for no in [
            "", "-", ".", "1e", "0x", "0o8", "1_000", "12ab", "e3", "+.nan", "1.2.3", "٣",
        ] {
            assert!(!is_core_number(no), "{no}");
        }
    }

    #[test]
    fn scalars_are_typed_only_when_plain() {
        let text = "a: true\nb: 'true'\nc: ~\nd: 012\ne: \"1\"\nf:\ng: yes\n";
        let root = parse(text).expect("valid YAML");
        assert_eq!(root.get("a").map(|n| &n.value), Some(&Value::Bool(true)));
        assert_eq!(
            root.get("b").map(|n| &n.value),
            Some(&Value::String("true".into()))
        );
        assert_eq!(root.get("c").map(|n| &n.value), Some(&Value::Null));
        assert_eq!(
            root.get("d").map(|n| &n.value),
            Some(&Value::Number("012".into()))
        );
        assert_eq!(
            root.get("e").map(|n| &n.value),
            Some(&Value::String("1".into()))
        );
        assert_eq!(root.get("f").map(|n| &n.value), Some(&Value::Null));
        assert_eq!(
            root.get("g").map(|n| &n.value),
            Some(&Value::String("yes".into()))
        );
    }

    #[test]
    fn block_and_flow_collection_spans() {
        let text =
            "servers:\n  - name: a\n    args: [x, \"y\"]\n  - {name: b}\n# trailing comment\n";
        let root = parse(text).expect("valid YAML");
        let servers = root.get("servers").expect("servers");
        assert_eq!(
            slice(text, servers.span),
            "- name: a\n    args: [x, \"y\"]\n  - {name: b}"
        );
        let items = servers.as_array().expect("array");
        assert_eq!(slice(text, items[0].span), "name: a\n    args: [x, \"y\"]");
        assert_eq!(slice(text, items[1].span), "{name: b}");
        let args = items[0].get("args").expect("args");
        assert_eq!(slice(text, args.span), "[x, \"y\"]");
        assert_eq!(
            slice(text, args.as_array().expect("array")[1].span),
            "\"y\""
        );
    }

    #[test]
    fn spans_leave_out_anchors_tags_and_trailing_blank_lines() {
        let text = "a: &x foo\nb: &m\n  c: !!str |\n    lit\n\n  d: 1\ng:\n- &k 1\n- [&s x]\n&kk key: *x\n";
        let root = parse(text).expect("valid YAML");
        assert_eq!(slice(text, root.get("a").expect("a").span), "foo");
        let b = root.get("b").expect("b");
        assert_eq!(slice(text, b.span), "c: !!str |\n    lit\n\n  d: 1");
        assert_eq!(slice(text, b.get("c").expect("c").span), "|\n    lit");
        let g = root.get("g").expect("g");
        assert_eq!(slice(text, g.span), "- &k 1\n- [&s x]");
        let items = g.as_array().expect("array");
        assert_eq!(slice(text, items[0].span), "1");
        assert_eq!(
            slice(text, items[1].as_array().expect("array")[0].span),
            "x"
        );
        let key = root.entry("key").expect("anchored key");
        assert_eq!(slice(text, key.key_span), "key");
        assert_eq!(key.value.as_str(), Some("foo"));
        assert_eq!(slice(text, root.span), text.trim_end());
    }

    #[test]
    fn alias_keys_and_values_stand_where_the_alias_is() {
        let text = "k: &name srv\nm:\n  *name : {a: 1}\n  last: *name\n";
        let root = parse(text).expect("valid YAML");
        let m = root.get("m").expect("m");
        let entry = m.entry("srv").expect("alias key");
        assert_eq!(slice(text, entry.key_span), "*name");
        assert_eq!(slice(text, m.span), "*name : {a: 1}\n  last: *name");
    }

    #[test]
    fn non_string_keys_become_their_text() {
        let text = "1: a\ntrue: b\n~: c\n[x, y]: d\n";
        let root = parse(text).expect("valid YAML");
        let keys: Vec<&str> = root
            .as_object()
            .expect("object")
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["1", "true", "~", "[x, y]"]);
    }

    #[test]
    fn second_document_is_an_error() {
        let text = "a: 1\n---\nb: 2\n";
        let err = parse(text).expect_err("two documents");
        assert_eq!(err.offset, 5);
        assert!(parse("---\na: 1\n...\n").is_ok());
    }

    #[test]
    fn empty_stream_is_null() {
        assert_eq!(parse("").map(|n| n.value), Ok(Value::Null));
        assert_eq!(parse("# nothing\n").map(|n| n.value), Ok(Value::Null));
    }

    #[test]
    fn aliases_copy_the_anchored_node() {
        let text = "base: &b {command: npx}\none: *b\ntwo: *b\n";
        let root = parse(text).expect("valid YAML");
        let one = root.get("one").expect("one");
        assert_eq!(one.get("command").and_then(Node::as_str), Some("npx"));
        assert_eq!(slice(text, one.span), "{command: npx}");
        let text = "a: &x [*x]\n";
        assert!(parse(text).is_err());
    }

    #[test]
    fn alias_depth_counts_the_copied_tree() {
        let inner = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let outer = format!("{}*x{}", "[".repeat(40), "]".repeat(40));
        let text = format!("a: &x {inner}\nb: {outer}\n");
        let err = parse(&text).expect_err("too deep through an alias");
        assert!(err.message.contains("nesting too deep"), "{}", err.message);
    }
}
