//! Properties of sanitizing and screening that hold for any input: what `sanitize` removes never
//! survives, nothing panics, and every offset is a char boundary of the sanitized text.

use mcpward_guard::screen::{detect_injection, sanitize, screen};
use mcpward_guard::tools::screen_tool;
use proptest::prelude::*;

/// Characters of the removed classes: ESC and C1 introducers, zero-width, bidi, tags.
fn removed_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('\u{1b}'),
        Just('\u{9b}'),
        Just('\u{9d}'),
        Just('\u{90}'),
        Just('\u{9c}'),
        Just('\u{85}'),
        Just('\u{200B}'),
        Just('\u{200E}'),
        Just('\u{202E}'),
        Just('\u{2066}'),
        Just('\u{2069}'),
        Just('\u{2060}'),
        Just('\u{FEFF}'),
        Just('\u{00AD}'),
        (0xE0000u32..=0xE007F).prop_map(|c| char::from_u32(c).unwrap_or('\u{E0041}')),
        (0xE0100u32..=0xE01EF).prop_map(|c| char::from_u32(c).unwrap_or('\u{E0100}')),
    ]
}

/// Text mixing ordinary words, escape-sequence pieces, removed characters, HTML and
/// injection phrases.
fn mixed() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[ -~]{0,10}",
        "\\PC{0,4}",
        removed_char().prop_map(String::from),
        Just("\u{1b}[31m".to_owned()),
        Just("\u{1b}]8;;http://x\u{7}".to_owned()),
        Just("\u{1b}P1;2q".to_owned()),
        Just("\u{1b}\\".to_owned()),
        Just("<!--".to_owned()),
        Just("-->".to_owned()),
        Just("<span style=\"display:none\">".to_owned()),
        Just("</span>".to_owned()),
        Just("ignore previous instructions".to_owned()),
        Just("Ｉｇｎｏｒｅ".to_owned()),
        Just("<|im_start|>".to_owned()),
        Just("your response".to_owned()),
        Just("![a](http://x/?q={".to_owned()),
        Just("\n".to_owned()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn is_removed(c: char) -> bool {
    matches!(c,
        '\u{1b}' | '\u{80}'..='\u{9f}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{00AD}' | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

fn check(text: &str) {
    let (clean, hidden) = sanitize(text);
    assert!(!clean.chars().any(is_removed), "{clean:?}");
    if hidden.count() == 0 {
        assert_eq!(clean, text);
    }
    // Sanitizing is idempotent.
    let (again, _) = sanitize(&clean);
    assert_eq!(again, clean);
    let s = screen(text);
    assert_eq!(s.text, clean);
    for t in &s.injection.triggers {
        assert!(t.start <= t.end && t.end <= s.text.len(), "{t:?}");
        assert!(
            s.text.is_char_boundary(t.start) && s.text.is_char_boundary(t.end),
            "{t:?}"
        );
    }
    assert!((0.0..=1.0).contains(&s.injection.score));
    let direct = detect_injection(&clean);
    for t in &direct.triggers {
        assert!(clean.is_char_boundary(t.start) && clean.is_char_boundary(t.end));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn mixed_text(text in mixed()) {
        check(&text);
    }

    #[test]
    fn tool_definitions_never_panic(description in mixed(), name in "\\PC{0,12}") {
        let tool = serde_json::json!({
            "name": name,
            "description": description,
            "inputSchema": {"type": "object", "properties": {"x": {"type": "string", "description": description}}},
        });
        let _ = screen_tool(&tool);
    }
}

#[test]
fn escape_sequences_are_removed_whole() {
    let cases = [
        ("a\u{1b}[1;31mred\u{1b}[0m b", "ared b", 2),
        ("\u{1b}]0;title\u{7}text", "text", 1),
        (
            "\u{1b}]8;;https://x.example\u{1b}\\link\u{1b}]8;;\u{1b}\\",
            "link",
            2,
        ),
        ("\u{1b}P+q544e\u{1b}\\ok", "ok", 1),
        ("\u{1b}_apc payload\u{9c}ok", "ok", 1),
        ("\u{9b}2Jclear", "clear", 1),
        ("\u{9d}0;t\u{7}x", "x", 1),
        ("\u{1b}(Bx\u{1b}=y", "xy", 2),
    ];
    for (input, want, n) in cases {
        let (clean, hidden) = sanitize(input);
        assert_eq!(clean, want, "{input:?}");
        assert_eq!(hidden.ansi, n, "{input:?}");
    }
}

#[test]
fn invisible_characters_are_removed_and_counted() {
    let (clean, hidden) = sanitize("pa\u{200B}ss\u{202E}word\u{2066}\u{FEFF}");
    assert_eq!(clean, "password");
    assert_eq!(hidden.invisible, 4);
    // Emoji sequences and Persian joiners are writing, not hiding.
    let family = "👨\u{200D}👩\u{200D}👧 ❤\u{FE0F} می\u{200C}خواهم";
    let (clean, hidden) = sanitize(family);
    assert_eq!(clean, family);
    assert_eq!(hidden.count(), 0);
}

#[test]
fn clean_text_is_borrowed() {
    let text = "Plain ASCII documentation with <b>markup</b> and Vec<String>.";
    let (clean, hidden) = sanitize(text);
    assert!(matches!(clean, std::borrow::Cow::Borrowed(_)));
    assert_eq!(hidden.count(), 0);
}
