//! `parse_document` on JSONC, TOML and YAML: trees, spans, errors and limits.

use mcpward_config::parse::{MAX_ALIAS_NODES, MAX_DEPTH, ParseError, parse_document};
use mcpward_config::{Format, Node, Span, Value};

fn parse(format: Format, text: &str) -> Node {
    let node = parse_document(format, text).unwrap_or_else(|err| panic!("{err:?} in {text:?}"));
    assert_spans_valid(text, &node);
    node
}

fn parse_err(format: Format, text: &str) -> ParseError {
    match parse_document(format, text) {
        Ok(node) => panic!("expected an error, got {node:?}"),
        Err(err) => {
            assert!(err.offset <= text.len(), "{err:?}");
            err
        }
    }
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn keys(node: &Node) -> Vec<&str> {
    node.as_object()
        .unwrap_or_default()
        .iter()
        .map(|e| e.key.as_str())
        .collect()
}

/// Every span lies within the text, on character boundaries.
fn assert_spans_valid(text: &str, root: &Node) {
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

mod json {
    use super::*;

    const CONFIG: &str = r#"{
  // Claude Desktop, with comments as VS Code allows
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github",],
      "env": { "GITHUB_TOKEN": "ghp_\u0041bc\n" },
      "timeout": -1.5e3,
      "disabled": false,
      "cwd": null, /* trailing comma next */
    },
  },
}"#;

    #[test]
    fn nested_values_and_spans() {
        let root = parse(Format::Json, CONFIG);
        assert_eq!(slice(CONFIG, root.span), CONFIG);
        let servers = root.entry("mcpServers").expect("mcpServers");
        assert_eq!(slice(CONFIG, servers.key_span), "\"mcpServers\"");
        let github = servers.value.entry("github").expect("github");
        assert_eq!(slice(CONFIG, github.key_span), "\"github\"");
        assert!(slice(CONFIG, github.value.span).starts_with("{\n      \"command\""));
        assert!(slice(CONFIG, github.value.span).ends_with("next */\n    }"));

        let server = &github.value;
        assert_eq!(
            keys(server),
            ["command", "args", "env", "timeout", "disabled", "cwd"]
        );
        let command = server.get("command").expect("command");
        assert_eq!(command.as_str(), Some("npx"));
        assert_eq!(slice(CONFIG, command.span), "\"npx\"");
        let args = server.get("args").and_then(Node::as_array).expect("args");
        assert_eq!(args.len(), 2);
        assert_eq!(
            slice(CONFIG, args[1].span),
            "\"@modelcontextprotocol/server-github\""
        );
        let token = server.pointer(&["env", "GITHUB_TOKEN"]).expect("token");
        assert_eq!(token.as_str(), Some("ghp_Abc\n"));
        assert_eq!(slice(CONFIG, token.span), r#""ghp_\u0041bc\n""#);
        let timeout = server.get("timeout").expect("timeout");
        assert_eq!(timeout.value, Value::Number("-1.5e3".into()));
        assert_eq!(slice(CONFIG, timeout.span), "-1.5e3");
        assert_eq!(server.get("disabled").and_then(Node::as_bool), Some(false));
        let cwd = server.get("cwd").expect("cwd");
        assert_eq!(
            (&cwd.value, slice(CONFIG, cwd.span)),
            (&Value::Null, "null")
        );
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let text = r#"{"name": "safe", "x": 1, "name": "evil"}"#;
        let root = parse(Format::Json, text);
        let entries = root.as_object().expect("object");
        assert_eq!(keys(&root), ["name", "x", "name"]);
        assert_eq!(entries[0].value.as_str(), Some("safe"));
        assert_eq!(slice(text, entries[2].key_span), "\"name\"");
        assert_eq!(entries[2].key_span.start, 25);
        assert_eq!(root.get("name").and_then(Node::as_str), Some("evil"));
    }

    #[test]
    fn non_ascii_spans() {
        let text = "{\"clé\": \"vàlue ✓\", \"名前\": [\"😀\", 1]}";
        let root = parse(Format::Json, text);
        let entry = root.entry("clé").expect("clé");
        assert_eq!(slice(text, entry.key_span), "\"clé\"");
        assert_eq!(slice(text, entry.value.span), "\"vàlue ✓\"");
        let list = root.get("名前").and_then(Node::as_array).expect("list");
        assert_eq!(slice(text, list[0].span), "\"😀\"");
        assert_eq!(slice(text, list[1].span), "1");
    }

    #[test]
    fn byte_order_mark() {
        let text = "\u{feff}{\"a\": [true]}";
        let root = parse(Format::Json, text);
        assert_eq!(slice(text, root.span), "{\"a\": [true]}");
        let a = root.get("a").and_then(Node::as_array).expect("a");
        assert_eq!(slice(text, a[0].span), "true");
    }

    #[test]
    fn unterminated_string() {
        let text = "{\n  \"command\": \"npx\n}";
        let err = parse_err(Format::Json, text);
        assert_eq!(err.offset, 15);
        assert_eq!(err.message, "unterminated string");
    }

    #[test]
    fn missing_comma() {
        let text = "{\n  \"a\": 1\n  \"b\": 2\n}";
        let err = parse_err(Format::Json, text);
        assert_eq!(err.offset, 10);
        assert_eq!(err.message, "expected `,` or `}`");
        let text = "[\"a\" \"b\"]";
        let err = parse_err(Format::Json, text);
        assert_eq!(
            (err.offset, err.message.as_str()),
            (4, "expected `,` or `]`")
        );
    }

    #[test]
    fn trailing_characters() {
        let err = parse_err(Format::Json, "{\"a\": 1} {\"b\": 2}");
        assert_eq!(
            (err.offset, err.message.as_str()),
            (9, "trailing characters after the JSON value")
        );
    }

    #[test]
    fn error_messages_do_not_echo_values() {
        let secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        let err = parse_err(Format::Json, &format!("{{\"token\": {secret}}}"));
        assert!(!err.message.contains("ghp_"), "{}", err.message);
    }

    #[test]
    fn deep_nesting() {
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        parse(Format::Json, &ok);
        let deep = "{\"a\":".repeat(MAX_DEPTH + 1) + "1" + &"}".repeat(MAX_DEPTH + 1);
        let err = parse_err(Format::Json, &deep);
        assert_eq!(err.offset, 5 * MAX_DEPTH);
        assert!(err.message.contains("nesting too deep"), "{}", err.message);
        let huge = "[".repeat(1_000_000);
        let err = parse_err(Format::Json, &huge);
        assert_eq!(err.offset, MAX_DEPTH);
    }
}

mod toml {
    use super::*;

    const CONFIG: &str = r#"# Codex config
model = "o3"

[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]
env = { GITHUB_TOKEN = "ghp_x", "quoted key" = 'lit' }
startup_timeout_ms = 20_000
when = 2024-05-01T10:00:00Z

[mcp_servers.github.tools.search]
enabled = true

[[profiles]]
name = "a"

[[profiles]]
name = "b"
server.dotted.key = 1.5
"#;

    #[test]
    fn tables_and_spans() {
        let root = parse(Format::Toml, CONFIG);
        assert_eq!(root.span, Span::new(0, CONFIG.len()));
        assert_eq!(keys(&root), ["model", "mcp_servers", "profiles"]);
        let model = root.entry("model").expect("model");
        assert_eq!(slice(CONFIG, model.key_span), "model");
        assert_eq!(slice(CONFIG, model.value.span), "\"o3\"");

        let servers = root.entry("mcp_servers").expect("mcp_servers");
        assert_eq!(slice(CONFIG, servers.key_span), "mcp_servers");
        let github = servers.value.entry("github").expect("github");
        assert_eq!(slice(CONFIG, github.key_span), "github");
        assert_eq!(
            github.key_span.start,
            CONFIG.find("github]").expect("header")
        );
        let server = &github.value;
        assert!(slice(CONFIG, server.span).starts_with("[mcp_servers.github]\ncommand"));
        assert!(slice(CONFIG, server.span).ends_with("enabled = true"));
        assert_eq!(
            keys(server),
            [
                "command",
                "args",
                "env",
                "startup_timeout_ms",
                "when",
                "tools"
            ]
        );

        let args = server.get("args").and_then(Node::as_array).expect("args");
        assert_eq!(slice(CONFIG, args[0].span), "\"-y\"");
        let env = server.get("env").expect("env");
        assert_eq!(
            slice(CONFIG, env.span),
            "{ GITHUB_TOKEN = \"ghp_x\", \"quoted key\" = 'lit' }"
        );
        let quoted = env.entry("quoted key").expect("quoted key");
        assert_eq!(slice(CONFIG, quoted.key_span), "\"quoted key\"");
        assert_eq!(slice(CONFIG, quoted.value.span), "'lit'");
        assert_eq!(quoted.value.as_str(), Some("lit"));

        let timeout = server.get("startup_timeout_ms").expect("timeout");
        assert_eq!(timeout.value, Value::Number("20_000".into()));
        let when = server.get("when").expect("when");
        assert_eq!(when.value, Value::String("2024-05-01T10:00:00Z".into()));
        assert_eq!(slice(CONFIG, when.span), "2024-05-01T10:00:00Z");

        let search = server.pointer(&["tools", "search"]).expect("search");
        assert_eq!(search.get("enabled").and_then(Node::as_bool), Some(true));
    }

    #[test]
    fn arrays_of_tables_and_dotted_keys() {
        let root = parse(Format::Toml, CONFIG);
        let profiles = root.entry("profiles").expect("profiles");
        assert_eq!(slice(CONFIG, profiles.key_span), "profiles");
        let items = profiles.value.as_array().expect("array");
        assert_eq!(items.len(), 2);
        assert_eq!(slice(CONFIG, items[0].span), "[[profiles]]\nname = \"a\"");
        assert!(slice(CONFIG, profiles.value.span).starts_with("[[profiles]]\nname = \"a\""));
        assert!(slice(CONFIG, profiles.value.span).ends_with("server.dotted.key = 1.5"));
        let server = items[1].entry("server").expect("server");
        assert_eq!(slice(CONFIG, server.key_span), "server");
        let dotted = server.value.entry("dotted").expect("dotted");
        assert_eq!(slice(CONFIG, dotted.key_span), "dotted");
        let key = dotted.value.entry("key").expect("key");
        assert_eq!(slice(CONFIG, key.key_span), "key");
        assert_eq!(
            (slice(CONFIG, key.value.span), &key.value.value),
            ("1.5", &Value::Number("1.5".into()))
        );
    }

    #[test]
    fn non_ascii_spans() {
        let text = "\"clé\" = \"vàlue ✓\"\n[\"tâble\"]\n\"名前\" = [\"😀\", 2]\n";
        let root = parse(Format::Toml, text);
        let entry = root.entry("clé").expect("clé");
        assert_eq!(slice(text, entry.key_span), "\"clé\"");
        assert_eq!(slice(text, entry.value.span), "\"vàlue ✓\"");
        let table = root.entry("tâble").expect("table");
        assert_eq!(slice(text, table.key_span), "\"tâble\"");
        let list = table.value.entry("名前").expect("list");
        assert_eq!(slice(text, list.key_span), "\"名前\"");
        let items = list.value.as_array().expect("array");
        assert_eq!(slice(text, items[0].span), "\"😀\"");

        // Bare keys are ASCII: the error offset counts bytes.
        let err = parse_err(Format::Toml, "\"é\" = 1\n[tâble]\n");
        assert_eq!(err.offset, 11);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let text = "a = 1\na = 2\n";
        let err = parse_err(Format::Toml, text);
        assert_eq!(err.offset, 6);
        assert!(err.message.contains("duplicate key"), "{}", err.message);
        let text = "[s]\nx = 1\n[s]\ny = 2\n";
        let err = parse_err(Format::Toml, text);
        assert_eq!(err.offset, 11);
    }

    #[test]
    fn bad_table_header() {
        let text = "[mcp_servers.github\ncommand = \"npx\"\n";
        let err = parse_err(Format::Toml, text);
        assert_eq!(err.offset, 19);
        assert!(err.message.contains("`]`"), "{}", err.message);
    }

    #[test]
    fn unterminated_string() {
        let text = "a = 1\nb = \"abc\nc = 2\n";
        let err = parse_err(Format::Toml, text);
        // At the end of the line, where the closing quote is missing.
        assert_eq!(err.offset, 14);
        assert!(err.message.contains("string"), "{}", err.message);
    }

    #[test]
    fn deep_nesting() {
        let text = format!(
            "a = {}{}\n",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        let err = parse_err(Format::Toml, &text);
        assert!(err.message.contains("nesting too deep"), "{}", err.message);
    }
}

mod yaml {
    use super::*;

    const CONFIG: &str = "# Continue config
name: my assistant
mcpServers:
  - name: github
    command: npx
    args:
      - -y
      - \"@modelcontextprotocol/server-github\"
    env:
      GITHUB_TOKEN: 'ghp_x'
    timeout: 30
    enabled: true
    cwd: ~
  - {name: flow, command: uvx, args: [a, 'b']}
";

    #[test]
    fn nested_values_and_spans() {
        let root = parse(Format::Yaml, CONFIG);
        assert_eq!(keys(&root), ["name", "mcpServers"]);
        let servers = root.entry("mcpServers").expect("mcpServers");
        assert_eq!(slice(CONFIG, servers.key_span), "mcpServers");
        assert!(slice(CONFIG, servers.value.span).starts_with("- name: github"));
        assert!(slice(CONFIG, servers.value.span).ends_with("args: [a, 'b']}"));
        let items = servers.value.as_array().expect("array");
        assert_eq!(items.len(), 2);

        let first = &items[0];
        assert!(slice(CONFIG, first.span).starts_with("name: github\n    command"));
        assert!(slice(CONFIG, first.span).ends_with("cwd: ~"));
        let name = first.entry("name").expect("name");
        assert_eq!(
            (slice(CONFIG, name.key_span), slice(CONFIG, name.value.span)),
            ("name", "github")
        );
        let args = first.get("args").and_then(Node::as_array).expect("args");
        assert_eq!(args[0].as_str(), Some("-y"));
        assert_eq!(
            slice(CONFIG, args[1].span),
            "\"@modelcontextprotocol/server-github\""
        );
        let token = first.pointer(&["env", "GITHUB_TOKEN"]).expect("token");
        assert_eq!(
            (token.as_str(), slice(CONFIG, token.span)),
            (Some("ghp_x"), "'ghp_x'")
        );
        assert_eq!(
            first.get("timeout").map(|n| &n.value),
            Some(&Value::Number("30".into()))
        );
        assert_eq!(first.get("enabled").and_then(Node::as_bool), Some(true));
        assert_eq!(first.get("cwd").map(|n| &n.value), Some(&Value::Null));

        let second = &items[1];
        assert_eq!(
            slice(CONFIG, second.span),
            "{name: flow, command: uvx, args: [a, 'b']}"
        );
        let args = second.get("args").expect("args");
        assert_eq!(slice(CONFIG, args.span), "[a, 'b']");
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let text = "name: safe\nx: 1\nname: evil\n";
        let root = parse(Format::Yaml, text);
        assert_eq!(keys(&root), ["name", "x", "name"]);
        let entries = root.as_object().expect("object");
        assert_eq!(entries[2].key_span, Span::new(16, 20));
        assert_eq!(root.get("name").and_then(Node::as_str), Some("evil"));
    }

    #[test]
    fn non_ascii_spans() {
        let text = "clé: \"vàlue ✓\"\n名前:\n  - 😀\n  - ü: 1\n";
        let root = parse(Format::Yaml, text);
        let entry = root.entry("clé").expect("clé");
        assert_eq!(slice(text, entry.key_span), "clé");
        assert_eq!(slice(text, entry.value.span), "\"vàlue ✓\"");
        let list = root.entry("名前").expect("list");
        assert_eq!(slice(text, list.key_span), "名前");
        let items = list.value.as_array().expect("array");
        assert_eq!(slice(text, items[0].span), "😀");
        let inner = items[1].entry("ü").expect("ü");
        assert_eq!(
            (slice(text, inner.key_span), slice(text, inner.value.span)),
            ("ü", "1")
        );
    }

    #[test]
    fn aliases_are_copied() {
        let text = "base: &b\n  command: npx\none: *b\ntwo: *b\n";
        let root = parse(Format::Yaml, text);
        for name in ["base", "one", "two"] {
            let server = root.get(name).expect(name);
            assert_eq!(server.get("command").and_then(Node::as_str), Some("npx"));
            // Copies point at the anchored text.
            assert_eq!(slice(text, server.span), "command: npx");
        }
    }

    #[test]
    fn billion_laughs() {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let mut previous = 'a';
        for name in 'b'..='j' {
            let refs = vec![format!("*{previous}"); 9].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
            previous = name;
        }
        let err = parse_err(Format::Yaml, &text);
        assert!(
            err.message.contains(&MAX_ALIAS_NODES.to_string()),
            "{}",
            err.message
        );
        assert!(text[err.offset..].starts_with('*'), "{err:?}");
    }

    #[test]
    fn second_document() {
        let err = parse_err(Format::Yaml, "a: 1\n---\nb: 2\n");
        assert_eq!(err.offset, 5);
        assert!(err.message.contains("document"), "{}", err.message);
    }

    #[test]
    fn unterminated_string() {
        let text = "a: 1\nb: \"abc\nc: 2\n";
        let err = parse_err(Format::Yaml, text);
        assert_eq!(err.offset, 8);
    }

    #[test]
    fn bad_indentation() {
        let text = "a:\n  b: 1\n c: 2\n";
        let err = parse_err(Format::Yaml, text);
        assert_eq!(err.offset, 11);
    }

    #[test]
    fn error_offsets_are_bytes() {
        let text = "é: ü\nb: \"abc\n";
        let err = parse_err(Format::Yaml, text);
        assert_eq!(err.offset, text.find('"').expect("quote"));
    }

    #[test]
    fn deep_nesting() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        parse(Format::Yaml, &ok);
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let err = parse_err(Format::Yaml, &deep);
        assert_eq!(err.offset, MAX_DEPTH);
        assert!(err.message.contains("nesting too deep"), "{}", err.message);
        let block: String = (0..MAX_DEPTH + 1)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        let err = parse_err(Format::Yaml, &block);
        assert!(err.message.contains("nesting too deep"), "{}", err.message);
    }
}

mod props {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    const FORMATS: [Format; 3] = [Format::Json, Format::Toml, Format::Yaml];

    fn check_any(text: &str) {
        for format in FORMATS {
            match parse_document(format, text) {
                Ok(node) => assert_spans_valid(text, &node),
                Err(err) => {
                    assert!(err.offset <= text.len(), "{format:?} {err:?}");
                    assert!(err.message.len() <= 204, "{format:?} {err:?}");
                }
            }
        }
    }

    /// Text made mostly of the three syntaxes' punctuation, so the parsers get past their first
    /// byte.
    fn syntax_soup() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("{"),
                Just("}"),
                Just("["),
                Just("]"),
                Just("[["),
                Just("]]"),
                Just(":"),
                Just(": "),
                Just(","),
                Just("\""),
                Just("'"),
                Just("\\"),
                Just("\n"),
                Just("  "),
                Just("- "),
                Just("# c\n"),
                Just("//"),
                Just("/*"),
                Just("*/"),
                Just("&a "),
                Just("*a"),
                Just("!t "),
                Just("---\n"),
                Just("="),
                Just("."),
                Just("a"),
                Just("é"),
                Just("😀"),
                Just("1"),
                Just("-2.5e3"),
                Just("true"),
                Just("null"),
                Just("|\n"),
                Just(">-\n"),
                Just("\u{feff}"),
                Just("1979-05-27T07:32:00Z"),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    /// Any JSON value serde_json can write.
    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                proptest::collection::vec((any::<String>(), inner), 0..8).prop_map(|entries| {
                    serde_json::Value::Object(entries.into_iter().collect())
                }),
            ]
        })
    }

    /// The serde_json value a node stands for, checking each scalar's span against its text.
    fn to_json(text: &str, node: &Node) -> serde_json::Value {
        let source = slice(text, node.span);
        match &node.value {
            Value::Null => {
                assert_eq!(source, "null");
                serde_json::Value::Null
            }
            Value::Bool(b) => {
                assert_eq!(source, b.to_string());
                serde_json::Value::Bool(*b)
            }
            Value::Number(n) => {
                assert_eq!(source, n);
                serde_json::Value::String(format!("number {n}"))
            }
            Value::String(s) => {
                assert_eq!(
                    &serde_json::from_str::<String>(source).expect("a string literal"),
                    s
                );
                serde_json::Value::String(s.clone())
            }
            Value::Array(items) => items.iter().map(|item| to_json(text, item)).collect(),
            Value::Object(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|e| {
                        let key = serde_json::from_str::<String>(slice(text, e.key_span))
                            .expect("a key literal");
                        assert_eq!(key, e.key);
                        (e.key.clone(), to_json(text, &e.value))
                    })
                    .collect(),
            ),
        }
    }

    /// `value` with each number replaced by its text, as [`to_json`] gives it.
    fn numbers_as_text(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Number(n) => serde_json::Value::String(format!("number {n}")),
            serde_json::Value::Array(items) => items.into_iter().map(numbers_as_text).collect(),
            serde_json::Value::Object(entries) => serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, numbers_as_text(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            check_any(&text);
        }

        #[test]
        fn syntax_soup_never_panics(text in syntax_soup()) {
            check_any(&text);
        }

        #[test]
        fn json_round_trips(value in json_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value)
            } else {
                serde_json::to_string(&value)
            }
            .expect("serializable");
            let node = parse(Format::Json, &text);
            prop_assert_eq!(to_json(&text, &node), numbers_as_text(value));
        }
    }
}
