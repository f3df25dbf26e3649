//! Appending, verifying, and detecting tampering in the store.

use mcpward_audit::{
    AuditError, Durability, Filter, GENESIS_HASH, OpenOptions, Problem, Store, canonical_json,
};
use serde_json::json;

use super::support::{chain_hash, event, fill, raw, record_of, sql, temp_store};

#[test]
fn wal_and_fts5_are_available() {
    let t = temp_store();
    let conn = raw(&t.path);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let fts5: bool = conn
        .query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |r| {
            r.get(0)
        })
        .expect("compile options");
    assert!(fts5);
}

#[test]
fn an_empty_store_verifies() {
    let t = temp_store();
    let report = t.store.verify().expect("verify");
    assert!(report.is_ok());
    assert_eq!(report.checked, 0);
    assert_eq!(report.last, None);
    assert_eq!(t.store.head().expect("head"), None);
}

#[test]
fn appends_chain_from_genesis_and_verify() {
    let t = temp_store();
    fill(&t.store, 20);
    let report = t.store.verify().expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    assert_eq!(report.checked, 20);
    assert_eq!(report.first_seq, Some(1));
    assert!(report.from_genesis);
    let head = t.store.head().expect("head").expect("a head");
    assert_eq!(report.last.as_ref(), Some(&head));
    assert_eq!(head.seq, 20);

    let events = t.store.query(&Filter::default()).expect("query");
    assert_eq!(events.len(), 20);
    assert_eq!(events[0].prev_hash, GENESIS_HASH);
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert_eq!(pair[1].seq, pair[0].seq + 1);
        assert!(pair[0].ts <= pair[1].ts);
    }
    assert_eq!(events[19].hash, head.hash);
}

/// The hash is exactly `sha256(prev_hash || canonical_json(event with seq and ts))`, so another
/// implementation can check a log.
#[test]
fn hash_follows_the_documented_formula() {
    let t = temp_store();
    fill(&t.store, 2);
    for e in t.store.query(&Filter::default()).expect("query") {
        assert_eq!(e.hash, chain_hash(&e.prev_hash, &record_of(&e)));
    }
}

#[test]
fn timestamps_are_rfc3339_utc_with_micros() {
    let t = temp_store();
    fill(&t.store, 1);
    let e = &t.store.query(&Filter::default()).expect("query")[0];
    let b = e.ts.as_bytes();
    assert_eq!(e.ts.len(), 27, "{}", e.ts);
    assert_eq!(
        (b[4], b[7], b[10], b[13], b[16], b[19], b[26]),
        (b'-', b'-', b'T', b':', b':', b'.', b'Z')
    );
    assert!(e.ts.starts_with("20"), "{}", e.ts);
}

#[test]
fn details_come_back_as_appended() {
    let t = temp_store();
    let mut e = event(0);
    e.detail = json!({
        "z": [1, 2.5, 0.1, 1e300, -0.0, null, true],
        "a": { "ü": "ö\u{1}\"\\", "nested": { "deep": [[]] } },
        "big": u64::MAX,
    });
    t.store.append(&e).expect("append");
    let stored = t.store.query(&Filter::default()).expect("query");
    assert_eq!(stored[0].event, e);
    assert_eq!(stored[0].detail_text(), canonical_json(&e.detail));
    assert!(t.store.verify().expect("verify").is_ok());
}

#[test]
fn an_edited_detail_is_named() {
    let t = temp_store();
    fill(&t.store, 20);
    sql(
        &t.path,
        r#"UPDATE events SET detail = '{"i":7}' WHERE seq = 7"#,
    );
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(failure.seq, Some(7));
    assert_eq!(failure.problem, Problem::Edited);
    assert_eq!(
        failure.to_string(),
        "event 7 does not match its hash: its content was edited"
    );
}

#[test]
fn every_chained_column_is_covered() {
    for column in [
        "ts", "kind", "agent", "session", "server", "method", "tool", "decision", "rule",
    ] {
        let t = temp_store();
        fill(&t.store, 5);
        sql(
            &t.path,
            &format!("UPDATE events SET {column} = 'x' WHERE seq = 3"),
        );
        let failure = t.store.verify().expect("verify").failure.expect(column);
        assert_eq!(
            (failure.seq, &failure.problem),
            (Some(3), &Problem::Edited),
            "{column}"
        );
    }
    // A NULL made a string, and a value of another SQL type with the same text.
    let t = temp_store();
    fill(&t.store, 5);
    sql(&t.path, "UPDATE events SET agent = NULL WHERE seq = 2");
    let failure = t.store.verify().expect("verify").failure.expect("null");
    assert_eq!(failure.seq, Some(2));
}

#[test]
fn an_edited_prev_hash_is_named() {
    let t = temp_store();
    fill(&t.store, 5);
    sql(
        &t.path,
        &format!("UPDATE events SET prev_hash = '{GENESIS_HASH}' WHERE seq = 4"),
    );
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(failure.seq, Some(4));
    assert_eq!(failure.problem, Problem::BrokenLink { previous: Some(3) });
}

/// Editing an event and recomputing its hash moves the failure to the next event.
#[test]
fn an_edited_and_rehashed_event_breaks_the_next_link() {
    let t = temp_store();
    fill(&t.store, 10);
    let events = t.store.query(&Filter::default()).expect("query");
    let mut record = record_of(&events[4]);
    record["decision"] = json!("allow-forged");
    let forged = chain_hash(&events[4].prev_hash, &record);
    sql(
        &t.path,
        &format!("UPDATE events SET decision = 'allow-forged', hash = '{forged}' WHERE seq = 5"),
    );
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(failure.seq, Some(6));
    assert_eq!(failure.problem, Problem::BrokenLink { previous: Some(5) });
}

#[test]
fn a_deleted_middle_row_is_named() {
    let t = temp_store();
    fill(&t.store, 20);
    sql(&t.path, "DELETE FROM events WHERE seq = 9");
    let report = t.store.verify().expect("verify");
    let failure = report.failure.expect("detected");
    assert_eq!(failure.seq, Some(9));
    assert_eq!(failure.problem, Problem::Missing { through: 9 });
    assert_eq!(failure.to_string(), "event 9 is missing: it was deleted");
    assert_eq!(report.checked, 8);

    sql(&t.path, "DELETE FROM events WHERE seq IN (10, 11)");
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(failure.problem, Problem::Missing { through: 11 });
}

#[test]
fn a_deleted_first_row_is_named() {
    let t = temp_store();
    fill(&t.store, 5);
    sql(&t.path, "DELETE FROM events WHERE seq = 1");
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(
        (failure.seq, failure.problem),
        (Some(1), Problem::Missing { through: 1 })
    );
}

#[test]
fn a_deleted_last_row_is_detected_through_the_head() {
    let t = temp_store();
    fill(&t.store, 20);
    sql(&t.path, "DELETE FROM events WHERE seq = 20");
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(failure.seq, Some(20));
    assert_eq!(failure.problem, Problem::TailMissing { through: 20 });
}

/// Later appends continue from the head anchor, so the gap stays visible.
#[test]
fn a_truncated_tail_stays_detected_after_more_appends() {
    let t = temp_store();
    fill(&t.store, 20);
    sql(&t.path, "DELETE FROM events WHERE seq > 17");
    let seq = t.store.append(&event(99)).expect("append");
    assert_eq!(seq, 21);
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(failure.seq, Some(18));
    assert_eq!(failure.problem, Problem::Missing { through: 20 });
}

#[test]
fn every_row_deleted_is_detected_through_the_head() {
    let t = temp_store();
    fill(&t.store, 3);
    sql(&t.path, "DELETE FROM events");
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(
        (failure.seq, failure.problem),
        (Some(1), Problem::TailMissing { through: 3 })
    );
}

#[test]
fn head_tampering_is_detected() {
    let t = temp_store();
    fill(&t.store, 4);
    sql(&t.path, "DELETE FROM meta WHERE key = 'head'");
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(
        (failure.seq, failure.problem),
        (Some(4), Problem::HeadMissing)
    );

    let t = temp_store();
    fill(&t.store, 4);
    sql(
        &t.path,
        &format!("UPDATE meta SET value = '4 {GENESIS_HASH}' WHERE key = 'head'"),
    );
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(
        (failure.seq, failure.problem),
        (Some(4), Problem::HeadMismatch)
    );

    let t = temp_store();
    fill(&t.store, 4);
    sql(
        &t.path,
        "UPDATE meta SET value = 'garbage' WHERE key = 'head'",
    );
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert!(matches!(failure.problem, Problem::HeadUnreadable { .. }));
    assert!(t.store.head().is_err());
}

#[test]
fn a_row_forged_after_the_head_is_detected() {
    let t = temp_store();
    fill(&t.store, 4);
    let last = t
        .store
        .query(&Filter::default())
        .expect("query")
        .pop()
        .expect("events");
    let mut record = record_of(&last);
    record["seq"] = json!(5);
    let hash = chain_hash(&last.hash, &record);
    sql(
        &t.path,
        &format!(
            "INSERT INTO events SELECT 5, ts, kind, agent, session, server, method, tool, \
             decision, rule, detail, hash, '{hash}' FROM events WHERE seq = 4"
        ),
    );
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(failure.seq, Some(5));
    assert_eq!(failure.problem, Problem::BeyondHead { head_seq: 4 });

    // With a wrong hash the row itself fails first.
    sql(&t.path, "UPDATE events SET hash = prev_hash WHERE seq = 5");
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!((failure.seq, failure.problem), (Some(5), Problem::Edited));
}

#[test]
fn swapped_rows_are_detected() {
    let t = temp_store();
    fill(&t.store, 6);
    sql(
        &t.path,
        "UPDATE events SET seq = 100 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 4; \
         UPDATE events SET seq = 4 WHERE seq = 100;",
    );
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!(failure.seq, Some(3));
    assert_eq!(failure.problem, Problem::BrokenLink { previous: Some(2) });
}

#[test]
fn a_value_of_another_sql_type_is_detected() {
    let t = temp_store();
    fill(&t.store, 3);
    sql(&t.path, "UPDATE events SET ts = 12345 WHERE seq = 2");
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!((failure.seq, failure.problem), (Some(2), Problem::Edited));
}

#[test]
fn a_detail_that_is_not_json_is_reported_not_an_error() {
    let t = temp_store();
    fill(&t.store, 3);
    sql(
        &t.path,
        "UPDATE events SET detail = 'not json' WHERE seq = 2",
    );
    let events = t
        .store
        .query(&Filter::default())
        .expect("query still works");
    assert_eq!(events[1].event.detail, json!("not json"));
    let failure = t.store.verify().expect("verify").failure.expect("detected");
    assert_eq!((failure.seq, failure.problem), (Some(2), Problem::Edited));
}

#[test]
fn reopening_continues_the_chain() {
    let t = temp_store();
    fill(&t.store, 3);
    drop(t.store);
    let store = Store::open(&t.path).expect("reopen");
    assert_eq!(store.append(&event(3)).expect("append"), 4);
    let report = store.verify().expect("verify");
    assert!(report.is_ok());
    assert_eq!(report.checked, 4);
}

#[test]
fn a_newer_schema_is_refused() {
    let t = temp_store();
    sql(
        &t.path,
        "UPDATE meta SET value = '99' WHERE key = 'schema_version'",
    );
    drop(t.store);
    match Store::open(&t.path) {
        Err(AuditError::SchemaVersion {
            found, supported, ..
        }) => {
            assert_eq!((found.as_str(), supported), ("99", 1));
        }
        other => panic!("expected a schema version error, got {other:?}"),
    }
}

#[test]
fn open_without_create_does_not_create() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing").join("audit.db");
    let options = OpenOptions::new().create(false);
    assert!(matches!(
        Store::open_with(&path, &options),
        Err(AuditError::NotFound { .. })
    ));
    assert!(!path.exists());
}

#[test]
fn a_file_that_is_not_a_database_is_an_open_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.db");
    std::fs::write(
        &path,
        b"this is not an SQLite database, not even close to one....",
    )
    .expect("write");
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, AuditError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("audit.db"));
}

#[cfg(unix)]
#[test]
fn the_store_is_private_to_its_user() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    let path = home.join("audit.db");
    let store =
        Store::open_with(&path, &OpenOptions::new().durability(Durability::Normal)).expect("open");
    store.append(&event(0)).expect("append");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&home), 0o700);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&home.join("audit.db-wal")), 0o600);
}

#[test]
fn a_batch_is_consecutive_and_chained() {
    let t = temp_store();
    fill(&t.store, 2);
    let seqs = t
        .store
        .append_batch(&[event(2), event(3), event(4)])
        .expect("batch");
    assert_eq!(seqs, vec![3, 4, 5]);
    assert!(t.store.append_batch(&[]).expect("empty batch").is_empty());
    assert_eq!(t.store.append(&event(5)).expect("append"), 6);
    let report = t.store.verify().expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    assert_eq!(report.checked, 6);
}

/// `mcpward hook` opens the store once per event and skips the checkpoint on close: the
/// events stay in the write-ahead log until a later automatic checkpoint, and every reader
/// (another process, a later open) sees them and a valid chain.
#[test]
fn stores_closed_without_a_checkpoint_keep_every_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.db");
    let options = OpenOptions::new()
        .durability(Durability::Normal)
        .checkpoint_on_close(false);
    for i in 0..50 {
        let store = Store::open_with(&path, &options).expect("open");
        store.append(&event(i)).expect("append");
    }
    assert!(
        dir.path().join("audit.db-wal").exists(),
        "the log is not folded in on close"
    );
    let reader = Store::open(&path).expect("open");
    assert_eq!(reader.head().expect("head").map(|h| h.seq), Some(50));
    let report = reader.verify().expect("verify");
    assert!(report.is_ok(), "{report:?}");
}
