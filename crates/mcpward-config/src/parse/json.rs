//! JSON with comments and trailing commas (JSONC), on `jsonc-parser`'s AST.
//!
//! `jsonc-parser` recurses once per nesting level and allows 512 of them, which is more stack
//! than a test thread has in debug builds. A light pass over the brackets ([`outline`]) refuses
//! deeper nesting first; it also tells an error what it stands inside, so a missing comma reads
//! "expected `,` or `}`" rather than "expected comma".

use jsonc_parser::ast;
use jsonc_parser::common::Range;
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, ParseOptions, ParseStringErrorKind};

use super::{MAX_DEPTH, ParseError};
use crate::{Entry, Node, Span, Value};

pub(super) fn parse(text: &str) -> Result<Node, ParseError> {
    if let Some(offset) = outline(text, text.len()).too_deep {
        return Err(ParseError::too_deep(offset));
    }
    let options = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options)
        .map_err(|err| translate_error(text, &err))?;
    match parsed.value {
        Some(value) => convert(value, 1),
        None => Err(ParseError::new(text.len(), "expected a JSON value")),
    }
}

/// Turns the AST into a [`Node`]; `depth` counts the containers this value stands in, itself
/// included.
fn convert(value: ast::Value<'_>, depth: usize) -> Result<Node, ParseError> {
    let node = match value {
        ast::Value::StringLit(lit) => {
            Node::new(Value::String(lit.value.into_owned()), span(lit.range))
        }
        ast::Value::NumberLit(lit) => {
            Node::new(Value::Number(lit.value.to_owned()), span(lit.range))
        }
        ast::Value::BooleanLit(lit) => Node::new(Value::Bool(lit.value), span(lit.range)),
        ast::Value::NullKeyword(lit) => Node::new(Value::Null, span(lit.range)),
        ast::Value::Array(array) => {
            if depth > MAX_DEPTH {
                return Err(ParseError::too_deep(array.range.start));
            }
            let items = array
                .elements
                .into_iter()
                .map(|item| convert(item, depth + 1))
                .collect::<Result<_, _>>()?;
            Node::new(Value::Array(items), span(array.range))
        }
        ast::Value::Object(object) => {
            if depth > MAX_DEPTH {
                return Err(ParseError::too_deep(object.range.start));
            }
            let entries = object
                .properties
                .into_iter()
                .map(|prop| {
                    let (key, key_span) = match prop.name {
                        ast::ObjectPropName::String(lit) => {
                            (lit.value.into_owned(), span(lit.range))
                        }
                        ast::ObjectPropName::Word(word) => {
                            (word.value.to_owned(), span(word.range))
                        }
                    };
                    Ok(Entry {
                        key,
                        key_span,
                        value: convert(prop.value, depth + 1)?,
                    })
                })
                .collect::<Result<_, ParseError>>()?;
            Node::new(Value::Object(entries), span(object.range))
        }
    };
    Ok(node)
}

fn span(range: Range) -> Span {
    Span::new(range.start, range.end)
}

/// Words for a `jsonc-parser` error, with the offset a user should look at.
fn translate_error(text: &str, err: &jsonc_parser::errors::ParseError) -> ParseError {
    let offset = err.range().start.min(text.len());
    let context = || outline(text, offset);
    let found = |offset: usize| match text.get(offset..).and_then(|rest| rest.chars().next()) {
        Some(c) if c.is_alphabetic() => "an unquoted word".to_owned(),
        Some(c) if c.is_ascii_graphic() => format!("`{c}`"),
        Some(_) => "a character that cannot start a value".to_owned(),
        None => "the end of the text".to_owned(),
    };
    // What may follow a value here: a `,` or the innermost container's closing bracket.
    let after_value = |inside: Option<u8>| match inside {
        Some(b'{') => "expected `,` or `}`".to_owned(),
        Some(b'[') => "expected `,` or `]`".to_owned(),
        _ => "trailing characters after the JSON value".to_owned(),
    };
    let (offset, message) = match err.kind() {
        ParseErrorKind::ExpectedComma => (offset, after_value(context().innermost())),
        ParseErrorKind::MultipleRootJsonValues => (
            offset,
            "trailing characters after the JSON value".to_owned(),
        ),
        ParseErrorKind::ExpectedColonAfterObjectKey => (
            offset,
            format!("expected `:` after the key, found {}", found(offset)),
        ),
        ParseErrorKind::ExpectedObjectValue => (offset, "expected a value after `:`".to_owned()),
        ParseErrorKind::ExpectedStringObjectProperty => {
            (offset, "expected a key in double quotes".to_owned())
        }
        ParseErrorKind::UnexpectedTokenInObject => {
            let outline = context();
            if matches!(outline.last, Some(b'{' | b',')) {
                (
                    offset,
                    format!(
                        "expected a key in double quotes or `}}`, found {}",
                        found(offset)
                    ),
                )
            } else {
                (offset, after_value(Some(b'{')))
            }
        }
        ParseErrorKind::UnexpectedCloseBrace
        | ParseErrorKind::UnexpectedCloseBracket
        | ParseErrorKind::UnexpectedColon
        | ParseErrorKind::UnexpectedComma
        | ParseErrorKind::UnexpectedWord => {
            let outline = context();
            let expects_value = match outline.innermost() {
                Some(b'[') => matches!(outline.last, Some(b'[' | b',')),
                _ => true,
            };
            if expects_value {
                (offset, format!("expected a value, found {}", found(offset)))
            } else {
                (offset, after_value(outline.innermost()))
            }
        }
        ParseErrorKind::UnexpectedToken => {
            let outline = context();
            let expects_value = matches!(outline.last, None | Some(b'[' | b',' | b':'));
            if expects_value {
                (offset, format!("expected a value, found {}", found(offset)))
            } else {
                (offset, format!("unexpected {}", found(offset)))
            }
        }
        ParseErrorKind::UnterminatedArray => (
            text.len(),
            "unexpected end of text: expected `]`".to_owned(),
        ),
        ParseErrorKind::UnterminatedObject => (
            text.len(),
            "unexpected end of text: expected `}`".to_owned(),
        ),
        ParseErrorKind::UnterminatedCommentBlock => {
            (offset, "unterminated block comment".to_owned())
        }
        ParseErrorKind::NestingDepthExceeded => return ParseError::too_deep(offset),
        ParseErrorKind::SingleQuotedStringsNotAllowed => {
            (offset, "strings must be in double quotes".to_owned())
        }
        ParseErrorKind::String(kind) => (offset, string_error(kind).to_owned()),
        ParseErrorKind::ExpectedDigit
        | ParseErrorKind::ExpectedDigitFollowingNegativeSign
        | ParseErrorKind::ExpectedPlusMinusOrDigitInNumberLiteral
        | ParseErrorKind::HexadecimalNumbersNotAllowed
        | ParseErrorKind::NonFiniteNumbersNotAllowed
        | ParseErrorKind::UnaryPlusNumbersNotAllowed
        | ParseErrorKind::BareDecimalPointNumbersNotAllowed => {
            (offset, "invalid number".to_owned())
        }
        // Only reachable with options this parser does not set (comments and trailing commas
        // are allowed), or added by a later `jsonc-parser`.
        _ => (offset, "invalid JSON".to_owned()),
    };
    ParseError::new(offset, message)
}

fn string_error(kind: &ParseStringErrorKind) -> &'static str {
    match kind {
        ParseStringErrorKind::UnterminatedStringLiteral => "unterminated string",
        ParseStringErrorKind::ExpectedFourHexDigits
        | ParseStringErrorKind::InvalidUnicodeEscapeSequence(_) => {
            "invalid `\\u` escape in string: expected four hex digits of a valid character"
        }
        // Invalid escapes, and any kind a later `jsonc-parser` adds.
        _ => "invalid escape in string",
    }
}

/// What [`outline`] saw of the text before the offset it stopped at.
struct Outline {
    /// The opening brackets (`{` or `[`) still open, outermost first.
    open: Vec<u8>,
    /// The last byte that is neither whitespace nor in a comment (`"` for a string).
    last: Option<u8>,
    /// The offset of the first opening bracket nested deeper than [`MAX_DEPTH`].
    too_deep: Option<usize>,
}

impl Outline {
    fn innermost(&self) -> Option<u8> {
        self.open.last().copied()
    }
}

/// Walks the brackets of `text` up to byte `until`, skipping strings and comments as
/// `jsonc-parser` does; stops early at the first bracket nested deeper than [`MAX_DEPTH`].
///
/// It may see more brackets than the parser (in text the parser rejects first), never fewer, so
/// the parser never recurses deeper than this pass allowed.
fn outline(text: &str, until: usize) -> Outline {
    let bytes = text.as_bytes();
    let until = until.min(bytes.len());
    let mut out = Outline {
        open: Vec::new(),
        last: None,
        too_deep: None,
    };
    let mut i = 0;
    while i < until {
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += if c == b'\\' { 2 } else { 1 };
                    if c == b'"' {
                        break;
                    }
                }
                out.last = Some(b'"');
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'{' | b'[' => {
                out.open.push(b);
                if out.open.len() > MAX_DEPTH {
                    out.too_deep = Some(i);
                    return out;
                }
                out.last = Some(b);
            }
            b'}' | b']' => {
                out.open.pop();
                out.last = Some(b);
            }
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {}
            _ => out.last = Some(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn outline_skips_strings_and_comments() {
        let text = "{\"a[\\\"{\": [1, // ]\n /* } */ 2";
        let outline = outline(text, text.len());
        assert_eq!(outline.open, b"{[");
        assert_eq!(outline.last, Some(b'2'));
        assert_eq!(outline.too_deep, None);
    }

    #[test]
    fn depth_limit_is_exact() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let err = parse(&deep).expect_err("too deep");
        assert_eq!(err.offset, MAX_DEPTH);
        assert!(err.message.contains("nesting too deep"), "{}", err.message);
    }

    #[test]
    fn words_are_not_keys() {
        let err = parse("{ foo: 1 }").expect_err("unquoted key");
        assert_eq!(err.offset, 2);
        assert_eq!(err.message, "expected a key in double quotes");
    }

    #[test]
    fn messages_name_the_expected_token() {
        let cases = [
            ("{\"a\": 1 \"b\": 2}", 7, "expected `,` or `}`"),
            ("[1 2]", 2, "expected `,` or `]`"),
            ("[1}", 2, "expected `,` or `]`"),
            ("{\"a\" 1}", 5, "expected `:` after the key, found `1`"),
            ("{\"a\": }", 6, "expected a value, found `}`"),
            ("{\"a\": 1 ]", 8, "expected `,` or `}`"),
            (
                "{,}",
                1,
                "expected a key in double quotes or `}`, found `,`",
            ),
            ("{} x", 3, "trailing characters after the JSON value"),
            ("[1,", 3, "unexpected end of text: expected `]`"),
            (
                "{\"a\": tru}",
                6,
                "expected a value, found an unquoted word",
            ),
            ("[undefined]", 1, "expected a value, found an unquoted word"),
            ("[1, #]", 4, "expected a value, found `#`"),
            ("['a']", 1, "strings must be in double quotes"),
            ("[0x10]", 1, "invalid number"),
            ("[\"\\q\"]", 2, "invalid escape in string"),
            ("/* open", 0, "unterminated block comment"),
            ("", 0, "expected a JSON value"),
            ("// only a comment\n", 18, "expected a JSON value"),
        ];
        for (text, offset, message) in cases {
            let err = parse(text).expect_err(text);
            assert_eq!(
                (err.offset, err.message.as_str()),
                (offset, message),
                "{text}"
            );
        }
    }

    #[test]
    fn key_span_includes_the_quotes() {
        let text = "{\"k\":1}";
        let root = parse(text).expect("valid");
        let entry = root.entry("k").expect("k");
        assert_eq!(slice(text, entry.key_span), "\"k\"");
        assert_eq!(slice(text, entry.value.span), "1");
    }
}
