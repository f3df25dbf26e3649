//! Audit store speed: the cost of one durable append, and of checking a 10 000-event chain.
//!
//! `append/full` is what the gateway pays per event (`synchronous=FULL`: one fsync of the WAL
//! per commit); `append/normal` shows how much of that is the fsync; `append/full_batch_of_4`
//! is four events in one commit ([`Store::append_batch`]). The store lives under
//! `target/tmp` (a real disk, not a tmpfs where fsync is free); set `MCPWARD_BENCH_DIR` to
//! measure another disk.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use mcpward_audit::{Durability, Event, Filter, OpenOptions, Store, export_jsonl, verify_jsonl};
use serde_json::json;

fn bench_dir() -> tempfile::TempDir {
    let base = std::env::var_os("MCPWARD_BENCH_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")), PathBuf::from);
    std::fs::create_dir_all(&base).expect("bench directory");
    tempfile::tempdir_in(base).expect("temp dir")
}

/// A typical `tools/call` decision event: redacted arguments, a verdict, some numbers.
fn event(i: u64) -> Event {
    let mut e = Event::new("decision");
    e.agent = Some("claude-code".into());
    e.session = Some("4f1c2b9e".into());
    e.server = Some("github".into());
    e.method = Some("tools/call".into());
    e.tool = Some("create_issue".into());
    e.decision = Some(if i.is_multiple_of(7) { "deny" } else { "allow" }.into());
    e.rule = Some("servers.github.allow[2]".into());
    e.detail = json!({
        "arguments": {
            "owner": "mcpward", "repo": "mcpward",
            "title": format!("Issue number {i}"),
            "body": "Steps to reproduce: run the gateway with token [REDACTED:github-pat] …",
        },
        "request_bytes": 412, "latency_us": 87, "findings": [],
    });
    e
}

fn open(dir: &tempfile::TempDir, durability: Durability) -> Store {
    Store::open_with(
        &dir.path().join("audit.db"),
        &OpenOptions::new().durability(durability),
    )
    .expect("open store")
}

fn append(c: &mut Criterion) {
    let mut group = c.benchmark_group("append");
    group.sample_size(30);
    for (name, durability) in [("full", Durability::Full), ("normal", Durability::Normal)] {
        let dir = bench_dir();
        let store = open(&dir, durability);
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                i += 1;
                black_box(store.append(&event(i)).expect("append"))
            });
        });
    }
    // Four events (request, decision, result, screening) in one commit: one fsync.
    let dir = bench_dir();
    let store = open(&dir, Durability::Full);
    let mut i = 0;
    group.bench_function("full_batch_of_4", |b| {
        b.iter(|| {
            i += 4;
            let batch = [event(i), event(i + 1), event(i + 2), event(i + 3)];
            black_box(store.append_batch(&batch).expect("append"))
        });
    });
    group.finish();
}

fn ten_thousand(c: &mut Criterion) {
    const N: u64 = 10_000;
    let dir = bench_dir();
    let store = open(&dir, Durability::Normal);
    for i in 0..N {
        store.append(&event(i)).expect("append");
    }
    let mut group = c.benchmark_group("10k");
    group.sample_size(10);
    group.bench_function("verify", |b| {
        b.iter(|| {
            let report = store.verify().expect("verify");
            assert!(report.is_ok());
            black_box(report)
        });
    });
    let events = store.query(&Filter::default()).expect("query");
    group.bench_function("query_all", |b| {
        b.iter(|| black_box(store.query(&Filter::default()).expect("query")));
    });
    let text = export_jsonl(&events);
    group.bench_function("export_jsonl", |b| {
        b.iter(|| black_box(export_jsonl(&events)))
    });
    group.bench_function("verify_jsonl", |b| {
        b.iter(|| {
            let report = verify_jsonl(&text).expect("verify");
            assert!(report.is_ok());
            black_box(report)
        });
    });
    let search = Filter {
        text: Some("Issue number 9999".into()),
        ..Filter::default()
    };
    group.bench_function("search_phrase", |b| {
        b.iter(|| black_box(store.query(&search).expect("query")));
    });
    group.finish();
}

criterion_group!(benches, append, ten_thousand);
criterion_main!(benches);
