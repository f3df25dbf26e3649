//! The whole `scan` pipeline on arbitrary bytes: the first byte picks the client schema, the rest
//! is the file as read from disk (invalid UTF-8 included). Load, interpret, understand every
//! launch, run every rule and every renderer: nothing may panic, and every finding's position
//! must be inside the file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpward_config::discover::Candidate;
use mcpward_config::{Client, ConfigKind, Format, load};
use mcpward_scan::{Input, NoFacts, render, rules, scan};

const KINDS: [(Client, ConfigKind, Format); 10] = mcpward_config::SCHEMAS;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let (client, kind, format) = KINDS[usize::from(selector) % KINDS.len()];
    let candidate = Candidate {
        path: "/fuzz/config".into(),
        client,
        kind,
        format,
    };
    let mut input = Input {
        home: Some("/home/fuzz".into()),
        ..Input::default()
    };
    match load(&candidate, bytes) {
        Ok(doc) => input.docs.push(doc),
        Err(e) => input.errors.push((client, e)),
    }
    let report = scan(&input, &NoFacts);
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    for f in &report.findings {
        assert!(f.line as usize <= lines, "{f:?}");
        if let Some((s, e)) = f.span {
            assert!(s <= e && e <= bytes.len(), "{f:?}");
        }
    }
    let text = input.docs.first().map(|d| d.text.clone());
    let _ = render::json::render(&report);
    let _ = render::sarif::render(&report, rules::all(), None);
    let _ = render::human::render(&report, &|_| text.as_deref(), false);
});
