//! `parse_document` on arbitrary text: the first byte picks the format (its value modulo 3:
//! JSON, TOML, YAML; so the ASCII digits `0`, `1`, `2` do), the rest is the document.
//! Besides never panicking, every span of a parsed tree must lie within the text on character
//! boundaries, and an error's offset too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpward_config::parse::parse_document;
use mcpward_config::{Format, Node, Span, Value};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let format = match selector % 3 {
        0 => Format::Json,
        1 => Format::Toml,
        _ => Format::Yaml,
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match parse_document(format, text) {
        Ok(root) => check_spans(text, &root),
        Err(err) => assert!(err.offset <= text.len(), "{err:?}"),
    }
});

fn check_spans(text: &str, root: &Node) {
    let check = |span: Span| {
        assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{span:?}"
        );
    };
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        check(node.span);
        match &node.value {
            Value::Array(items) => stack.extend(items),
            Value::Object(entries) => {
                for entry in entries {
                    check(entry.key_span);
                    stack.push(&entry.value);
                }
            }
            _ => {}
        }
    }
}
