//! JSON Lines export and its check.

use mcpward_audit::{Event, Filter, Problem, export_jsonl, verify_jsonl};
use serde_json::{Value, json};

use super::support::{TempStore, fill, temp_store};

fn exported(n: u64) -> (TempStore, String) {
    let t = temp_store();
    fill(&t.store, n);
    let text = export_jsonl(&t.store.query(&Filter::default()).expect("query"));
    (t, text)
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

fn join(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn export_then_verify_round_trips() {
    let (t, text) = exported(10);
    assert_eq!(lines(&text).len(), 10);
    let report = verify_jsonl(&text).expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    assert_eq!(report.checked, 10);
    assert!(report.from_genesis);
    assert_eq!(report.last, t.store.head().expect("head"));
}

#[test]
fn each_line_is_an_object_with_the_contract_fields() {
    let (_t, text) = exported(2);
    for line in lines(&text) {
        let v: Value = serde_json::from_str(line).expect("a JSON line");
        for key in [
            "seq",
            "ts",
            "kind",
            "server",
            "tool",
            "decision",
            "rule",
            "prev_hash",
            "hash",
            "agent",
            "session",
            "method",
            "detail",
        ] {
            assert!(v.get(key).is_some(), "{key} in {line}");
        }
    }
    let first: Value = serde_json::from_str(lines(&text)[0]).expect("JSON");
    assert_eq!(first["seq"], json!(1));
    assert_eq!(
        first["detail"]["arguments"]["path"],
        json!("/tmp/file0.txt")
    );
}

#[test]
fn tricky_details_survive_the_round_trip() {
    let t = temp_store();
    for detail in [
        json!({ "f": [0.1, 1e300, 5e-324, 123456.789, -0.0, 1.7976931348623157e308] }),
        json!("line\nbreak \u{2028} \"quoted\" \\ \u{1}"),
        json!(null),
        json!([[], {}, ""]),
    ] {
        let mut e = Event::new("x");
        e.detail = detail;
        t.store.append(&e).expect("append");
    }
    let text = export_jsonl(&t.store.query(&Filter::default()).expect("query"));
    let report = verify_jsonl(&text).expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    assert_eq!(report.checked, 4);
}

#[test]
fn an_edited_line_is_named() {
    let (_t, text) = exported(6);
    let edited = text.replacen("/tmp/file3.txt", "/tmp/other.txt", 1);
    let failure = verify_jsonl(&edited)
        .expect("verify")
        .failure
        .expect("detected");
    assert_eq!((failure.seq, failure.line), (Some(4), Some(4)));
    assert_eq!(failure.problem, Problem::Edited);
    assert_eq!(
        failure.to_string(),
        "line 4: event 4 does not match its hash: its content was edited"
    );
}

#[test]
fn a_missing_line_is_named() {
    let (_t, text) = exported(6);
    let mut l = lines(&text);
    l.remove(2);
    let failure = verify_jsonl(&join(&l))
        .expect("verify")
        .failure
        .expect("detected");
    assert_eq!((failure.seq, failure.line), (Some(3), Some(3)));
    assert_eq!(failure.problem, Problem::Missing { through: 3 });
}

#[test]
fn reordered_lines_are_named() {
    let (_t, text) = exported(6);
    let mut l = lines(&text);
    l.swap(2, 4);
    let failure = verify_jsonl(&join(&l))
        .expect("verify")
        .failure
        .expect("detected");
    assert_eq!((failure.seq, failure.line), (Some(5), Some(3)));
    assert_eq!(
        failure.problem,
        Problem::Reordered {
            expected: 3,
            found_at_line: 5
        }
    );
}

#[test]
fn a_duplicated_line_is_named() {
    let (_t, text) = exported(4);
    let mut l = lines(&text);
    l.insert(2, l[1]);
    let failure = verify_jsonl(&join(&l))
        .expect("verify")
        .failure
        .expect("detected");
    assert_eq!((failure.seq, failure.line), (Some(2), Some(3)));
    assert_eq!(failure.problem, Problem::OutOfOrder { previous: Some(2) });
}

#[test]
fn malformed_lines_are_named() {
    let (_t, text) = exported(3);
    let cases = [
        ("not json", None),
        ("[1,2]", None),
        (r#"{"seq":2}"#, Some(2)),
        (r#"{"seq":-1}"#, None),
    ];
    for (bad, seq) in cases {
        let mut l = lines(&text);
        l[1] = bad;
        let failure = verify_jsonl(&join(&l)).expect("verify").failure.expect(bad);
        assert_eq!((failure.seq, failure.line), (seq, Some(2)), "{bad}");
        assert!(
            matches!(failure.problem, Problem::Malformed { .. }),
            "{bad}"
        );
    }
    // An added field, and a repeated one, are not silently ignored.
    let l = lines(&text);
    let extra = l[1].replacen("{", r#"{"approved_by":"admin","#, 1);
    let twice = l[1].replacen("{", r#"{"decision":"allow","#, 1);
    for bad in [extra, twice] {
        let text = join(&[l[0], &bad, l[2]]);
        let failure = verify_jsonl(&text).expect("verify").failure.expect(&bad);
        assert_eq!((failure.seq, failure.line), (Some(2), Some(2)));
        assert!(
            matches!(failure.problem, Problem::Malformed { .. }),
            "{bad}"
        );
    }
}

#[test]
fn changed_hashes_are_named() {
    let (_t, text) = exported(3);
    let l = lines(&text);
    let line = |i: usize| serde_json::from_str::<Value>(l[i]).expect("JSON");
    let forged = "f".repeat(64);

    // Line 1's own hash replaced: it no longer matches its content.
    let own = l[0].replace(line(0)["hash"].as_str().expect("hash"), &forged);
    let failure = verify_jsonl(&join(&[&own, l[1], l[2]]))
        .expect("verify")
        .failure;
    let failure = failure.expect("detected");
    assert_eq!(
        (failure.seq, failure.line, failure.problem),
        (Some(1), Some(1), Problem::Edited)
    );

    // Line 2's prev_hash replaced: it no longer chains from line 1.
    let prev = l[1].replace(line(1)["prev_hash"].as_str().expect("prev_hash"), &forged);
    let failure = verify_jsonl(&join(&[l[0], &prev, l[2]]))
        .expect("verify")
        .failure;
    let failure = failure.expect("detected");
    assert_eq!(
        (failure.seq, failure.line, failure.problem),
        (Some(2), Some(2), Problem::BrokenLink { previous: Some(1) })
    );
}

#[test]
fn an_excerpt_verifies_but_says_it_does_not_start_at_genesis() {
    let (_t, text) = exported(8);
    let l = lines(&text);
    let report = verify_jsonl(&join(&l[4..])).expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    assert!(!report.from_genesis);
    assert_eq!((report.first_seq, report.checked), (Some(5), 4));
}

#[test]
fn blank_lines_and_crlf_are_tolerated_and_counted() {
    let (_t, text) = exported(3);
    let l = lines(&text);
    let crlf = format!("{}\r\n\r\n{}\r\n{}\r\n", l[0], l[1], l[2]);
    let report = verify_jsonl(&crlf).expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    let broken = format!("{}\n\n{}\nnot json\n", l[0], l[1]);
    let failure = verify_jsonl(&broken)
        .expect("verify")
        .failure
        .expect("detected");
    assert_eq!(failure.line, Some(4));
    assert!(verify_jsonl("").expect("verify").is_ok());
}

#[test]
fn a_reformatted_detail_does_not_verify() {
    let (_t, text) = exported(1);
    let spaced = text.replacen("{\"arguments\":{", "{ \"arguments\": {", 1);
    assert_ne!(spaced, text);
    let failure = verify_jsonl(&spaced)
        .expect("verify")
        .failure
        .expect("detected");
    assert_eq!(failure.problem, Problem::Edited);
}
