//! Tool-definition screening on real lists: the six reference servers' `tools/list` results (55
//! tools, `tests/data/tools-list/`), screened as the gateway and `scan --connect` do — each list
//! with [`screen_tool_list`], all of them together with [`cross_server`], and canonical hashing.
//! `cargo bench -p mcpward-guard --bench tools`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcpward_guard::tools::{ServerTools, cross_server, screen_tool_list, tool_hash};
use serde_json::Value;

const SERVERS: [&str; 6] = ["everything", "fetch", "filesystem", "git", "memory", "time"];

fn lists() -> Vec<(&'static str, Vec<Value>)> {
    SERVERS
        .iter()
        .map(|s| {
            let path = format!(
                "{}/tests/data/tools-list/{s}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(path).expect("fixture");
            let reply: Value = serde_json::from_str(&text).expect("JSON");
            (
                *s,
                reply["result"]["tools"].as_array().expect("tools").clone(),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let lists = lists();
    let tools: usize = lists.iter().map(|(_, t)| t.len()).sum();
    let mut group = c.benchmark_group("tools");
    group.throughput(Throughput::Elements(tools as u64));
    group.bench_function("screen_tool_list/reference", |b| {
        b.iter(|| {
            for (_, t) in &lists {
                black_box(screen_tool_list(black_box(t)));
            }
        });
    });
    group.bench_function("cross_server/reference", |b| {
        let servers: Vec<ServerTools<'_>> = lists
            .iter()
            .map(|(s, t)| ServerTools {
                server: s,
                tools: t,
            })
            .collect();
        b.iter(|| black_box(cross_server(black_box(&servers))));
    });
    group.bench_function("tool_hash/reference", |b| {
        b.iter(|| {
            for (_, t) in &lists {
                for tool in t {
                    black_box(tool_hash(black_box(tool)));
                }
            }
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
