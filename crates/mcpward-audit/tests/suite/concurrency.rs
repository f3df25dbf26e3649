//! Several writers on one file: threads with their own connections, child processes, and a
//! writer killed with SIGKILL.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::Barrier;

use mcpward_audit::{Event, Filter, Store};
use serde_json::json;

use super::support::append_loop_exe;

const THREADS: u64 = 4;
const PER_THREAD: u64 = 100;
const CHILDREN: u64 = 2;
const PER_CHILD: u64 = 100;

fn spawn_append_loop(db: &std::path::Path, count: u64, tag: &str) -> std::process::Child {
    Command::new(append_loop_exe())
        .arg(db)
        .arg(count.to_string())
        .arg(tag)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn append_loop")
}

/// Every `seq` the child printed, until its stdout closes.
fn printed_seqs(child: &mut std::process::Child) -> Vec<u64> {
    let stdout = child.stdout.take().expect("piped stdout");
    BufReader::new(stdout)
        .lines()
        .map(|line| {
            line.expect("read line")
                .parse::<u64>()
                .expect("a seq per line")
        })
        .collect()
}

#[test]
fn threads_and_processes_append_to_one_chain() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The file does not exist yet: the first opens race to create it.
    let db = dir.path().join("audit.db");
    let children: Vec<_> = (0..CHILDREN)
        .map(|c| spawn_append_loop(&db, PER_CHILD, &format!("child{c}")))
        .collect();
    let barrier = Barrier::new(usize::try_from(THREADS).expect("small"));
    let thread_seqs: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (db, barrier) = (&db, &barrier);
                scope.spawn(move || {
                    barrier.wait();
                    let store = Store::open(db).expect("open from a thread");
                    (0..PER_THREAD)
                        .map(|i| {
                            let mut e = Event::new("test");
                            e.server = Some(format!("thread{t}"));
                            e.detail = json!({ "i": i });
                            store.append(&e).expect("append")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    let mut child_seqs = Vec::new();
    for mut child in children {
        let seqs = printed_seqs(&mut child);
        assert_eq!(seqs.len(), usize::try_from(PER_CHILD).expect("small"));
        assert!(child.wait().expect("wait").success());
        child_seqs.extend(seqs);
    }

    let total = THREADS * PER_THREAD + CHILDREN * PER_CHILD;
    let acknowledged: BTreeSet<u64> = thread_seqs.iter().chain(&child_seqs).copied().collect();
    assert_eq!(
        acknowledged.len() as u64,
        total,
        "every seq handed out once"
    );

    let store = Store::open(&db).expect("open");
    let events = store.query(&Filter::default()).expect("query");
    let stored: BTreeSet<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(stored, (1..=total).collect::<BTreeSet<_>>());
    assert_eq!(stored, acknowledged);
    // Every writer's events, each exactly once.
    for t in 0..THREADS {
        let mine: BTreeSet<u64> = events
            .iter()
            .filter(|e| e.event.server.as_deref() == Some(&format!("thread{t}")))
            .filter_map(|e| e.event.detail["i"].as_u64())
            .collect();
        assert_eq!(mine, (0..PER_THREAD).collect::<BTreeSet<_>>(), "thread{t}");
    }
    for c in 0..CHILDREN {
        let filter = Filter {
            server: Some(format!("child{c}")),
            ..Filter::default()
        };
        assert_eq!(store.query(&filter).expect("query").len() as u64, PER_CHILD);
    }
    let report = store.verify().expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    assert_eq!(report.checked, total);
}

/// The pattern the gateway's crash test reuses: every `seq` a writer acknowledged before it was
/// killed is in the store, and the chain still verifies.
#[cfg(unix)]
#[test]
fn a_writer_killed_with_sigkill_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("audit.db");
    // Two rounds: the second writer is killed on top of the first one's leftovers.
    let mut acknowledged = Vec::new();
    for round in 0..2 {
        let mut child = spawn_append_loop(&db, 1_000_000, &format!("victim{round}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        for _ in 0..40 {
            let line = lines.next().expect("the child prints").expect("read line");
            acknowledged.push(line.parse::<u64>().expect("a seq"));
        }
        // Child::kill sends SIGKILL on Unix: no destructor, no rollback handler runs.
        child.kill().expect("kill -9");
        // Whatever it printed before dying was acknowledged too.
        for line in lines {
            let Ok(line) = line else { break };
            acknowledged.push(line.parse::<u64>().expect("a seq"));
        }
        let status = child.wait().expect("wait");
        assert!(!status.success(), "killed, not finished: {status:?}");
    }

    let store = Store::open(&db).expect("open after the crash");
    let stored: BTreeSet<u64> = store
        .query(&Filter::default())
        .expect("query")
        .iter()
        .map(|e| e.seq)
        .collect();
    for seq in &acknowledged {
        assert!(stored.contains(seq), "acknowledged seq {seq} is missing");
    }
    let report = store.verify().expect("verify");
    assert!(report.is_ok(), "{:?}", report.failure);
    // The store takes appends after the crash, continuing the chain.
    let next = store.append(&Event::new("after-crash")).expect("append");
    assert_eq!(next, report.last.map_or(0, |h| h.seq) + 1);
    assert!(store.verify().expect("verify").is_ok());
}
