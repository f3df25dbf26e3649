//! Queries: exact filters, time, full text, limits.

use std::time::{Duration, SystemTime};

use mcpward_audit::{Event, Filter};
use serde_json::json;

use super::support::{fill, temp_store};

fn seqs(events: &[mcpward_audit::StoredEvent]) -> Vec<u64> {
    events.iter().map(|e| e.seq).collect()
}

#[test]
fn exact_filters_combine() {
    let t = temp_store();
    fill(&t.store, 30);
    let all = t.store.query(&Filter::default()).expect("query");
    assert_eq!(seqs(&all), (1..=30).collect::<Vec<_>>());

    let filter = Filter {
        server: Some("github".into()),
        decision: Some("deny".into()),
        ..Filter::default()
    };
    let got = t.store.query(&filter).expect("query");
    // event(i) is seq i + 1: github when i % 3 == 0, deny when i % 5 == 0.
    assert_eq!(seqs(&got), vec![1, 16]);

    let filter = Filter {
        tool: Some("tool_1".into()),
        kind: Some("result".into()),
        session: Some("s1".into()),
        agent: Some("claude-code".into()),
        ..Filter::default()
    };
    let expected: Vec<u64> = (0..30u64)
        .filter(|i| i % 4 == 1 && i % 2 == 1 && i % 3 == 1)
        .map(|i| i + 1)
        .collect();
    assert_eq!(seqs(&t.store.query(&filter).expect("query")), expected);

    let none = Filter {
        server: Some("nope".into()),
        ..Filter::default()
    };
    assert!(t.store.query(&none).expect("query").is_empty());
}

#[test]
fn limit_keeps_the_newest_in_order_and_after_seq_follows() {
    let t = temp_store();
    fill(&t.store, 10);
    let filter = Filter {
        limit: Some(3),
        ..Filter::default()
    };
    assert_eq!(
        seqs(&t.store.query(&filter).expect("query")),
        vec![8, 9, 10]
    );
    let filter = Filter {
        after_seq: Some(7),
        ..Filter::default()
    };
    assert_eq!(
        seqs(&t.store.query(&filter).expect("query")),
        vec![8, 9, 10]
    );
    let filter = Filter {
        limit: Some(0),
        ..Filter::default()
    };
    assert!(t.store.query(&filter).expect("query").is_empty());
}

#[test]
fn since_compares_times() {
    let t = temp_store();
    fill(&t.store, 3);
    let past = Filter {
        since: Some(SystemTime::now() - Duration::from_secs(3600)),
        ..Filter::default()
    };
    assert_eq!(t.store.query(&past).expect("query").len(), 3);
    let future = Filter {
        since: Some(SystemTime::now() + Duration::from_secs(3600)),
        ..Filter::default()
    };
    assert!(t.store.query(&future).expect("query").is_empty());
    let ancient = Filter {
        since: Some(SystemTime::UNIX_EPOCH),
        ..Filter::default()
    };
    assert_eq!(t.store.query(&ancient).expect("query").len(), 3);
}

#[test]
fn full_text_finds_a_word_in_detail() {
    let t = temp_store();
    fill(&t.store, 5);
    let mut e = Event::new("result");
    e.server = Some("shell".into());
    e.detail = json!({ "finding": "prompt injection in output", "path": "/etc/passwd" });
    let seq = t.store.append(&e).expect("append");

    for text in [
        "injection",
        "INJECTION",
        "etc/passwd",
        "prompt injection",
        "shell",
    ] {
        let filter = Filter {
            text: Some(text.into()),
            ..Filter::default()
        };
        assert_eq!(
            seqs(&t.store.query(&filter).expect(text)),
            vec![seq],
            "{text}"
        );
    }
    // A phrase: the words in order.
    let filter = Filter {
        text: Some("injection prompt".into()),
        ..Filter::default()
    };
    assert!(t.store.query(&filter).expect("query").is_empty());
    // Combined with an exact filter.
    let filter = Filter {
        text: Some("injection".into()),
        server: Some("github".into()),
        ..Filter::default()
    };
    assert!(t.store.query(&filter).expect("query").is_empty());
    // Words in other columns: rule and tool.
    let filter = Filter {
        text: Some("tool_3".into()),
        ..Filter::default()
    };
    assert_eq!(seqs(&t.store.query(&filter).expect("query")), vec![4]);
}

#[test]
fn search_text_cannot_inject_fts_syntax() {
    let t = temp_store();
    fill(&t.store, 3);
    let mut e = Event::new("result");
    e.detail = json!({ "said": "she said \"hello\" OR NEAR(x) *" });
    let seq = t.store.append(&e).expect("append");
    for text in [
        "\"",
        "\"\"",
        "say \"hello",
        "hello\" OR \"x",
        "NEAR(",
        "*",
        "-x",
        "detail:foo",
        "^start",
        "AND",
        "OR",
        "NOT",
        "a AND",
        "(",
        ")",
        "{detail}: x",
        "\0",
        "x\0y",
        "'; DROP TABLE events; --",
        "\u{202e}\u{e0041}",
        "",
        "   ",
    ] {
        let filter = Filter {
            text: Some(text.into()),
            ..Filter::default()
        };
        let result = t.store.query(&filter);
        assert!(result.is_ok(), "{text:?}: {:?}", result.err());
    }
    let filter = Filter {
        text: Some("\"hello\" OR".into()),
        ..Filter::default()
    };
    assert_eq!(seqs(&t.store.query(&filter).expect("query")), vec![seq]);
    assert!(t.store.verify().expect("verify").is_ok());
}
