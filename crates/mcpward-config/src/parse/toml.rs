//! TOML, through the `toml` crate's spanned document tree ([`DeTable`]).
//!
//! [`DeTable`] applies TOML's table rules (no redefined tables, no repeated keys) and gives a span
//! for every key and value, but it bounds only the nesting of arrays and inline tables: a dotted
//! key or a table header with thousands of parts builds (and drops) a tree that deep, recursively.
//! A first pass over `toml_parser`'s events ([`DepthGuard`]) refuses such documents before the tree
//! is built.

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};
use toml_parser::decoder::Encoding;
use toml_parser::parser::EventReceiver;
use toml_parser::{ErrorSink, Source};

use super::{MAX_DEPTH, ParseError};

/// The most parts a dotted key may have: the `toml` crate refuses longer keys with an error
/// that has no position, so the guard reports them first.
const MAX_KEY_PARTS: usize = 80;
use crate::{Entry, Node, Span, Value};

pub(super) fn parse(text: &str) -> Result<Node, ParseError> {
    let mut guard = DepthGuard::default();
    let tokens = Source::new(text).lex().into_vec();
    toml_parser::parser::parse_document(&tokens, &mut guard, &mut ());
    if let Some(err) = guard.error {
        return Err(err);
    }
    drop(tokens);

    let table = DeTable::parse(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start.min(text.len()));
        if err.message().contains("recursion") {
            // The crate's own nesting limit for arrays and inline tables (below ours).
            return ParseError::new(offset, "nesting too deep");
        }
        ParseError::new(offset, err.message())
    })?;
    let mut root = table_node(text, table.into_inner(), Span::new(0, 0), 1)?;
    root.span = Span::new(0, text.len());
    Ok(root)
}

/// Converts one value; `depth` counts the containers it stands in, itself included.
fn convert(text: &str, value: Spanned<DeValue<'_>>, depth: usize) -> Result<Node, ParseError> {
    let range = value.span();
    let span = Span::new(range.start, range.end);
    let source = || text.get(range.clone()).unwrap_or_default().to_owned();
    let value = match value.into_inner() {
        DeValue::String(s) => Value::String(s.into_owned()),
        DeValue::Integer(_) | DeValue::Float(_) => Value::Number(source()),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(_) => Value::String(source()),
        DeValue::Array(array) => {
            if depth > MAX_DEPTH {
                return Err(ParseError::too_deep(span.start));
            }
            let items: Vec<Node> = array
                .into_iter()
                .map(|item| convert(text, item, depth + 1))
                .collect::<Result<_, _>>()?;
            // An array of tables has the span of its first header: widen it to all of them.
            let span = items.iter().fold(span, |acc, item| cover(acc, item.span));
            return Ok(Node::new(Value::Array(items), span));
        }
        DeValue::Table(table) => return table_node(text, table, span, depth),
    };
    Ok(Node::new(value, span))
}

/// A table as an object in source order, its span widened from its header (or first key) to
/// the end of its last entry.
fn table_node(
    text: &str,
    table: DeTable<'_>,
    span: Span,
    depth: usize,
) -> Result<Node, ParseError> {
    if depth > MAX_DEPTH {
        return Err(ParseError::too_deep(span.start));
    }
    let mut entries = Vec::with_capacity(table.len());
    let mut extent = span;
    for (key, value) in table {
        let key_range = key.span();
        let key_span = Span::new(key_range.start, key_range.end);
        let value = convert(text, value, depth + 1)?;
        extent = cover(cover(extent, key_span), value.span);
        entries.push(Entry {
            key: key.into_inner().into_owned(),
            key_span,
            value,
        });
    }
    // The map is sorted by key text; a key's first appearance gives the source order.
    entries.sort_by_key(|entry| entry.key_span.start);
    Ok(Node::new(Value::Object(entries), extent))
}

/// The smallest span holding both.
fn cover(a: Span, b: Span) -> Span {
    Span::new(a.start.min(b.start), a.end.max(b.end))
}

/// Measures how deep each key and value would sit in the tree, from the parser's events, and
/// stops the parser from recursing into arrays or inline tables past [`MAX_DEPTH`].
///
/// The measure counts header parts, dotted-key parts and arrays; it can undercount a path through
/// arrays of tables by half, which the conversion's own exact check catches (by then the tree is
/// at most twice [`MAX_DEPTH`] deep, safe to build and drop).
#[derive(Debug)]
struct DepthGuard {
    /// Parts of the current table header, plus one for an array of tables.
    base: usize,
    in_header: bool,
    header_parts: usize,
    array_header: bool,
    /// The arrays and inline tables open around the current position, outermost first; the
    /// first frame is the table body.
    frames: Vec<Frame>,
    /// Sum over `frames` of their key parts and of one per array.
    depth: usize,
    /// The first limit passed.
    error: Option<ParseError>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Frame {
    /// Parts of the key whose value is being read in this frame.
    key_parts: usize,
    array: bool,
}

impl Default for DepthGuard {
    fn default() -> Self {
        DepthGuard {
            base: 0,
            in_header: false,
            header_parts: 0,
            array_header: false,
            frames: vec![Frame::default()],
            depth: 0,
            error: None,
        }
    }
}

impl DepthGuard {
    /// Records `offset` if `depth` passes the limit; true if it does not.
    fn check(&mut self, depth: usize, offset: usize) -> bool {
        if depth > MAX_DEPTH {
            self.error.get_or_insert(ParseError::too_deep(offset));
            false
        } else {
            true
        }
    }

    fn open_header(&mut self, array: bool) {
        self.in_header = true;
        self.header_parts = 0;
        self.array_header = array;
        self.frames.truncate(1);
        if let Some(body) = self.frames.first_mut() {
            *body = Frame::default();
        }
        self.depth = 0;
    }

    fn close_header(&mut self) {
        self.in_header = false;
        self.base = self.header_parts + usize::from(self.array_header);
    }

    fn open(&mut self, array: bool, offset: usize) -> bool {
        let frame = Frame {
            key_parts: 0,
            array,
        };
        let depth = self.depth + usize::from(array);
        if !self.check(self.base + depth, offset) || !self.check(self.frames.len(), offset) {
            return false;
        }
        self.frames.push(frame);
        self.depth = depth;
        true
    }

    fn close(&mut self) {
        if self.frames.len() > 1
            && let Some(frame) = self.frames.pop()
        {
            self.depth -= frame.key_parts + usize::from(frame.array);
        }
    }

    /// The value of the current key in the innermost frame is complete.
    fn end_value(&mut self) {
        if let Some(frame) = self.frames.last_mut() {
            self.depth -= frame.key_parts;
            frame.key_parts = 0;
        }
    }
}

impl EventReceiver for DepthGuard {
    fn std_table_open(&mut self, _span: toml_parser::Span, _error: &mut dyn ErrorSink) {
        self.open_header(false);
    }

    fn std_table_close(&mut self, _span: toml_parser::Span, _error: &mut dyn ErrorSink) {
        self.close_header();
    }

    fn array_table_open(&mut self, _span: toml_parser::Span, _error: &mut dyn ErrorSink) {
        self.open_header(true);
    }

    fn array_table_close(&mut self, _span: toml_parser::Span, _error: &mut dyn ErrorSink) {
        self.close_header();
    }

    fn inline_table_open(&mut self, span: toml_parser::Span, _error: &mut dyn ErrorSink) -> bool {
        self.open(false, span.start())
    }

    fn inline_table_close(&mut self, _span: toml_parser::Span, _error: &mut dyn ErrorSink) {
        self.close();
    }

    fn array_open(&mut self, span: toml_parser::Span, _error: &mut dyn ErrorSink) -> bool {
        self.open(true, span.start())
    }

    fn array_close(&mut self, _span: toml_parser::Span, _error: &mut dyn ErrorSink) {
        self.close();
    }

    fn simple_key(
        &mut self,
        span: toml_parser::Span,
        _kind: Option<Encoding>,
        _error: &mut dyn ErrorSink,
    ) {
        let (parts, depth) = if self.in_header {
            self.header_parts += 1;
            (
                self.header_parts,
                self.header_parts + usize::from(self.array_header),
            )
        } else {
            let mut parts = 0;
            if let Some(frame) = self.frames.last_mut() {
                frame.key_parts += 1;
                parts = frame.key_parts;
            }
            self.depth += 1;
            (parts, self.base + self.depth)
        };
        if parts > MAX_KEY_PARTS {
            self.error.get_or_insert(ParseError::new(
                span.start(),
                format!("a dotted key with more than {MAX_KEY_PARTS} parts"),
            ));
        }
        self.check(depth, span.start());
    }

    fn value_sep(&mut self, _span: toml_parser::Span, _error: &mut dyn ErrorSink) {
        self.end_value();
    }

    fn newline(&mut self, _span: toml_parser::Span, _error: &mut dyn ErrorSink) {
        if self.frames.len() == 1 {
            self.end_value();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn header_key_points_into_the_header() {
        let text =
            "[mcp_servers.github]\ncommand = \"npx\"\nargs = [\"-y\", \"gh\"]\n\n[other]\nx = 1\n";
        let root = parse(text).expect("valid TOML");
        let servers = root.entry("mcp_servers").expect("mcp_servers");
        assert_eq!(slice(text, servers.key_span), "mcp_servers");
        let github = servers.value.entry("github").expect("github");
        assert_eq!(slice(text, github.key_span), "github");
        assert_eq!(
            slice(text, github.value.span),
            "[mcp_servers.github]\ncommand = \"npx\"\nargs = [\"-y\", \"gh\"]"
        );
        let keys: Vec<&str> = root
            .as_object()
            .expect("object")
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["mcp_servers", "other"]);
    }

    #[test]
    fn entries_keep_source_order() {
        let text = "zeta = 1\nalpha = 2\n[m]\nb = 1\na = 2\n";
        let root = parse(text).expect("valid TOML");
        let keys: Vec<&str> = root
            .as_object()
            .expect("object")
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["zeta", "alpha", "m"]);
        let inner: Vec<&str> = root
            .get("m")
            .and_then(Node::as_object)
            .expect("m")
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(inner, ["b", "a"]);
    }

    #[test]
    fn huge_keys_and_headers_are_refused_before_the_tree_is_built() {
        let text = format!("{} = 1\n", vec!["a"; 100_000].join("."));
        let err = parse(&text).expect_err("too many parts");
        assert_eq!(err.offset, 2 * MAX_KEY_PARTS);

        let header = format!("[{}]\n", vec!["a"; 100_000].join("."));
        let err = parse(&header).expect_err("too many parts");
        assert_eq!(err.offset, 1 + 2 * MAX_KEY_PARTS);
    }

    #[test]
    fn dotted_keys_inside_inline_tables_count_towards_depth() {
        let key = vec!["k"; 60].join(".");
        let text = format!("a = {{ {key} = {{ {key} = {{ {key} = 1 }} }} }}\n");
        let err = parse(&text).expect_err("too deep");
        assert!(err.message.contains("nesting too deep"), "{}", err.message);
        let offset = text.match_indices('k').nth(MAX_DEPTH - 1).map(|(at, _)| at);
        assert_eq!(Some(err.offset), offset);
    }

    #[test]
    fn long_dotted_keys_are_refused_with_a_position() {
        let ok = format!("{} = 1\n", vec!["a"; MAX_KEY_PARTS].join("."));
        assert!(parse(&ok).is_ok());
        let text = format!("x = 1\n{} = 1\n", vec!["a"; MAX_KEY_PARTS + 1].join("."));
        let err = parse(&text).expect_err("too many parts");
        assert_eq!(err.offset, 6 + 2 * MAX_KEY_PARTS);
        assert!(err.message.contains("dotted key"), "{}", err.message);
    }

    #[test]
    fn the_crates_own_array_limit_reads_as_nesting_too_deep() {
        let text = format!("a = {}{}\n", "[".repeat(100), "]".repeat(100));
        let err = parse(&text).expect_err("too deep for the toml crate");
        assert_eq!(err.message, "nesting too deep");
        assert!(text[err.offset..].starts_with('['), "{err:?}");
    }

    #[test]
    fn nested_arrays_are_refused() {
        let text = format!("a = {}{}\n", "[".repeat(5000), "]".repeat(5000));
        let err = parse(&text).expect_err("too deep");
        assert!(err.offset >= 4, "{err:?}");
    }

    #[test]
    fn arrays_of_tables_deep_paths_stay_bounded() {
        // Each `[[..]]` level adds an array and a table while the guard counts one part.
        let mut text = String::new();
        for n in 1..=70 {
            text.push_str(&format!("[[{}]]\n", vec!["a"; n].join(".")));
        }
        let err = parse(&text).expect_err("too deep");
        assert!(err.message.contains("nesting too deep"), "{}", err.message);
    }
}
