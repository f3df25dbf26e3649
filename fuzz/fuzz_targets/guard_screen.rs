//! Screening on arbitrary input: `screen` on the bytes as lossy text, and `screen_tool` on the
//! bytes parsed as a JSON tool definition when they parse (else on a definition whose strings
//! are the text). Nothing may panic; every trigger and secret must lie on char boundaries of
//! the sanitized text, and sanitizing must be idempotent.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpward_guard::screen::{sanitize, screen};
use mcpward_guard::tools::screen_tool;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let s = screen(&text);
    for t in &s.injection.triggers {
        assert!(t.start <= t.end && t.end <= s.text.len());
        assert!(s.text.is_char_boundary(t.start) && s.text.is_char_boundary(t.end));
    }
    for m in &s.secrets {
        assert!(m.start <= m.end && m.end <= s.text.len());
    }
    assert!((0.0..=1.0).contains(&s.injection.score));
    let (again, hidden) = sanitize(&s.text);
    assert_eq!(again, s.text);
    assert_eq!(hidden.invisible + hidden.ansi, 0);
    let _ = s.redacted();

    let tool = serde_json::from_slice::<serde_json::Value>(data).unwrap_or_else(|_| {
        serde_json::json!({
            "name": "t",
            "description": text,
            "inputSchema": {"type": "object", "properties": {"p": {"type": "string", "description": text}}},
        })
    });
    let _ = screen_tool(&tool);
});
