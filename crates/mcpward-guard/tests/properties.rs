//! Properties that hold for any input: no panics on untrusted text, well-formed matches, and
//! redaction that leaves no matched secret behind.

use mcpward_guard::{
    find_secret_in_assignment, find_secrets, is_interpolation, is_placeholder, redact,
    redact_preview, shannon_entropy, url_credentials,
};
use proptest::prelude::*;

/// Text that looks a little like configs and tool output: punctuation, key words, prefixes.
fn config_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[ -~]{0,12}",
        Just("\n".to_owned()),
        Just("=".to_owned()),
        Just(": ".to_owned()),
        Just("\"".to_owned()),
        Just("password".to_owned()),
        Just("api_key".to_owned()),
        Just("Authorization: Bearer ".to_owned()),
        Just("ghp_".to_owned()),
        Just("AKIA".to_owned()),
        Just("eyJ".to_owned()),
        Just("postgres://".to_owned()),
        Just("https://".to_owned()),
        Just("@".to_owned()),
        Just("-----BEGIN PRIVATE KEY-----".to_owned()),
        Just("-----END PRIVATE KEY-----".to_owned()),
        Just("curl -u ".to_owned()),
        Just("${".to_owned()),
        Just("é€😀".to_owned()),
        "[A-Za-z0-9+/=_-]{8,48}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// A secret in one of several formats, built from random parts.
fn secret() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{36}".prop_map(|s| format!("ghp_{s}")),
        "[A-Z2-7]{16}".prop_map(|s| format!("AKIA{s}")),
        "[A-Za-z0-9]{24,40}".prop_map(|s| format!("sk_live_{s}")),
        "[A-Za-z0-9]{20}".prop_map(|s| format!("glpat-{s}")),
        "[a-f0-9]{64}".prop_map(|s| format!("dop_v1_{s}")),
        "[A-Za-z]{32}".prop_map(|s| format!("hf_{s}Ab")),
    ]
}

fn check_matches(text: &str) {
    let matches = find_secrets(text);
    for m in &matches {
        assert!(m.start < m.end && m.end <= text.len(), "{m:?}");
        assert!(
            text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
            "{m:?}"
        );
    }
    for pair in matches.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{pair:?}");
    }
    let redacted = redact(text);
    for m in &matches {
        let secret = &text[m.range()];
        // Only a secret that never appears outside a match must be gone from the output.
        let elsewhere = text.matches(secret).count()
            > matches
                .iter()
                .filter(|o| &text[o.range()] == secret)
                .count();
        if !elsewhere {
            assert!(
                !redacted.contains(secret),
                "{secret:?} survived in {redacted:?}"
            );
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check_matches(&text);
        let _ = url_credentials(&text);
        let _ = is_placeholder(&text);
        let _ = is_interpolation(&text);
        let _ = redact_preview(&text);
        let _ = find_secret_in_assignment(&text, &text);
    }

    #[test]
    fn config_like_text_never_panics(text in config_like(), key in config_like()) {
        check_matches(&text);
        if let Some((start, end)) = url_credentials(&text) {
            prop_assert!(start < end && end <= text.len());
            prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
        if let Some(m) = find_secret_in_assignment(&key, &text) {
            prop_assert!(m.end <= text.len() && text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        }
    }

    #[test]
    fn redaction_removes_embedded_secrets(
        before in config_like(),
        secret in secret(),
        after in config_like(),
    ) {
        // Shrinking can make a degenerate body (`AAAA…`), which is rightly a placeholder.
        prop_assume!(shannon_entropy(&secret) >= 3.5);
        let text = format!("{before} {secret} {after}");
        check_matches(&text);
        let found = find_secrets(&text);
        prop_assert!(
            found.iter().any(|m| text[m.range()].contains(&secret)),
            "{secret:?} not found in {text:?}: {found:?}"
        );
        prop_assert!(!redact(&text).contains(&secret));
    }

    #[test]
    fn previews_reveal_little(secret in any::<String>()) {
        let preview = redact_preview(&secret);
        let shown = preview.chars().filter(|&c| c != '…').count();
        let len = secret.chars().count();
        prop_assert!(shown <= 8 && shown * 4 <= len, "{preview:?} for {len} chars");
    }
}
