//! The journal in front of the store: events reach the store, a dead process's journal is
//! replayed exactly once, a torn last line is dropped, live journals are readable.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use mcpward_audit::{
    AuditError, Durability, Event, Filter, Journal, JournalOptions, OpenOptions, Replay, Store,
    journal_dir,
};
use serde_json::json;

use super::support::{append_loop_exe, event, temp_store};

fn open(path: &Path) -> Store {
    Store::open_with(path, &OpenOptions::new().durability(Durability::Normal)).expect("open")
}

fn journal_files(db: &Path) -> Vec<String> {
    match std::fs::read_dir(journal_dir(db)) {
        Ok(listing) => listing
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// A journal as a process that died left it: complete lines, and `tail` after the last newline.
fn dead_journal(db: &Path, name: &str, count: u64, tail: &str) {
    let dir = journal_dir(db);
    std::fs::create_dir_all(&dir).expect("journal dir");
    let mut text = String::new();
    for n in 1..=count {
        let line = json!({
            "n": n,
            "ts": format!("2026-01-02T03:04:{n:02}.000000Z"),
            "kind": "request",
            "server": "dead",
            "detail": json!({"n": n}).to_string(),
        });
        text.push_str(&format!("{line}\n"));
    }
    text.push_str(tail);
    std::fs::write(dir.join(format!("{name}.jnl")), text).expect("write journal");
}

fn from(store: &Store, server: &str) -> Vec<u64> {
    store
        .query(&Filter {
            server: Some(server.into()),
            ..Filter::default()
        })
        .expect("query")
        .iter()
        .map(|e| e.event.detail["n"].as_u64().expect("n"))
        .collect()
}

#[test]
fn events_written_to_a_journal_reach_the_store_in_order() {
    let t = temp_store();
    let journal = Journal::open(open(&t.path), JournalOptions::new()).expect("journal");
    let path = journal.path().to_owned();
    assert!(path.exists());
    for i in 0..10 {
        journal
            .append_batch(&[event(2 * i), event(2 * i + 1)])
            .expect("append");
    }
    journal.close().expect("close");
    assert!(!path.exists(), "a journal closed cleanly is removed");
    let events = t.store.query(&Filter::default()).expect("query");
    let order: Vec<u64> = events
        .iter()
        .map(|e| e.event.detail["i"].as_u64().expect("i"))
        .collect();
    assert_eq!(order, (0..20).collect::<Vec<_>>());
    assert!(t.store.verify().expect("verify").is_ok());
}

#[test]
fn a_dead_owners_journal_is_replayed_exactly_once_and_its_torn_last_line_dropped() {
    let t = temp_store();
    t.store.append(&Event::new("before")).expect("append");
    // The fourth line was cut by the crash in the middle of its write: never acknowledged.
    dead_journal(
        &t.path,
        "4242-dead",
        3,
        r#"{"n":4,"ts":"2026-01-02T03:04:04.0"#,
    );

    let store = open(&t.path);
    assert_eq!(from(&store, "dead"), [1, 2, 3]);
    assert!(journal_files(&t.path).is_empty(), "replayed and removed");
    let events = store.query(&Filter::default()).expect("query");
    assert_eq!(
        events[1].ts, "2026-01-02T03:04:01.000000Z",
        "the journal's time"
    );

    // A crash after the insert and before the removal leaves the file: replaying it again adds
    // nothing.
    dead_journal(&t.path, "4242-dead", 3, "");
    let again = open(&t.path);
    assert_eq!(from(&again, "dead"), [1, 2, 3]);
    // Later entries of the same journal still go in, once.
    dead_journal(&t.path, "4242-dead", 5, "");
    let report = again.replay_journals(Replay::DeadOnly).expect("replay");
    assert_eq!((report.dead_journals, report.events), (1, 2));
    assert_eq!(from(&again, "dead"), [1, 2, 3, 4, 5]);
    let report = again.verify().expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    assert_eq!(report.checked, 6);
}

#[test]
fn a_garbled_line_in_a_dead_journal_is_an_error_and_the_file_is_kept() {
    let t = temp_store();
    let dir = journal_dir(&t.path);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("1-x.jnl"), "not an entry\n").expect("write");
    let err = Store::open(&t.path).expect_err("garbled journal");
    assert!(matches!(err, AuditError::Corrupt { .. }), "{err:?}");
    assert_eq!(journal_files(&t.path), ["1-x.jnl"]);
    // Readers that do not replay still open it.
    let store = Store::open_with(&t.path, &OpenOptions::new().replay_journals(false))
        .expect("open without replay");
    assert!(store.verify().expect("verify").is_ok());
}

#[test]
fn a_live_journal_is_left_to_its_owner_but_readable_on_request() {
    let t = temp_store();
    // A long batch delay: the owner's thread has not moved anything yet.
    let journal = Journal::open(
        open(&t.path),
        JournalOptions::new().batch_delay(Duration::from_secs(3)),
    )
    .expect("journal");
    journal.append_batch(&[event(0), event(1)]).expect("append");

    let reader = open(&t.path); // replays dead journals only
    assert!(reader.query(&Filter::default()).expect("query").is_empty());
    assert_eq!(
        journal_files(&t.path).len(),
        1,
        "a live journal is not taken"
    );
    let report = reader.replay_journals(Replay::All).expect("replay");
    assert_eq!((report.dead_journals, report.events), (0, 2));
    assert_eq!(reader.query(&Filter::default()).expect("query").len(), 2);

    // The owner then moves the same entries: nothing is added twice.
    journal.append_batch(&[event(2)]).expect("append");
    journal.close().expect("close");
    let events = reader.query(&Filter::default()).expect("query");
    let order: Vec<u64> = events
        .iter()
        .map(|e| e.event.detail["i"].as_u64().expect("i"))
        .collect();
    assert_eq!(order, [0, 1, 2]);
    assert!(reader.verify().expect("verify").is_ok());
}

/// Several processes, each with its own journal, are killed while appending: after the replay
/// every acknowledged event is in the store once, and the chain verifies.
#[cfg(unix)]
#[test]
fn journaled_writers_killed_with_sigkill_lose_no_acknowledged_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("audit.db");
    drop(open(&db));
    let mut children: Vec<_> = (0..2)
        .map(|c| {
            Command::new(append_loop_exe())
                .arg(&db)
                .arg("1000000")
                .arg(format!("victim{c}"))
                .arg("--journal")
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("spawn append_loop")
        })
        .collect();
    let mut acknowledged: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut readers: Vec<_> = children
        .iter_mut()
        .map(|c| BufReader::new(c.stdout.take().expect("stdout")).lines())
        .collect();
    for (c, lines) in readers.iter_mut().enumerate() {
        for _ in 0..300 {
            let line = lines.next().expect("the child prints").expect("line");
            acknowledged
                .entry(format!("victim{c}"))
                .or_default()
                .push(line.parse().expect("a number"));
        }
    }
    for child in &mut children {
        child.kill().expect("kill -9");
    }
    for (c, lines) in readers.into_iter().enumerate() {
        for line in lines {
            let Ok(line) = line else { break };
            acknowledged
                .entry(format!("victim{c}"))
                .or_default()
                .push(line.parse().expect("a number"));
        }
    }
    for child in &mut children {
        assert!(!child.wait().expect("wait").success());
    }

    let store = open(&db);
    assert!(journal_files(&db).is_empty(), "{:?}", journal_files(&db));
    for (tag, numbers) in &acknowledged {
        let stored: Vec<u64> = store
            .query(&Filter {
                server: Some(tag.clone()),
                ..Filter::default()
            })
            .expect("query")
            .iter()
            .map(|e| e.event.detail["i"].as_u64().expect("i"))
            .collect();
        // In order, each once, and at least everything acknowledged (an event written just
        // before the kill may be there without its acknowledgement having been printed).
        assert_eq!(
            stored,
            (0..stored.len() as u64).collect::<Vec<_>>(),
            "{tag}"
        );
        assert!(stored.len() >= numbers.len(), "{tag}: lost events");
    }
    let report = store.verify().expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
}

/// Regression: a replay removed another process's journal between its creation and its lock,
/// and that process then failed to start.
#[test]
fn a_journal_being_created_is_left_alone() {
    let t = temp_store();
    let dir = journal_dir(&t.path);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("7-fresh.new"), "").expect("write");
    let store = open(&t.path);
    store.replay_journals(Replay::All).expect("replay");
    assert_eq!(journal_files(&t.path), ["7-fresh.new"]);
}
