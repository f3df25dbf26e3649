//! Throughput of [`screen`] on ordinary text: the repository's own documentation (Markdown files
//! and the doc comments of every crate), about 300 KB, and a 4 KB tool result cut from it.
//! `cargo bench -p mcpward-guard --bench screen`.
//!
//! Groups: `screen` (the whole: sanitize, injection, secrets), `guard` (sanitize and injection
//! only: the part this crate adds on top of `find_secrets`), `find_secrets` for comparison, and
//! `non-ascii` (the same prose with accents and CJK, which takes the folding path).
//!
//! `SCREEN_BENCH_ONCE=1 cargo bench -p mcpward-guard --bench screen` runs each measured function
//! twice on each text (`SCREEN_BENCH_ONCE=docs`, `tool-result-4k` or `non-ascii-docs`: on that
//! one) and exits, for instruction counts under
//! `valgrind --tool=callgrind --toggle-collect='screen::measured*'` (counted: the second call of
//! `measured_screen`, `measured_guard` and `measured_secrets`, which callgrind reports apart).
//! With `SCREEN_BENCH_REPEAT=N` as well it runs `screen` N times on that text instead (for the
//! user CPU time of many runs).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput};
use mcpward_guard::find_secrets;
use mcpward_guard::screen::{detect_injection, sanitize, screen};

fn collect(dir: &Path, out: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let name = p
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        if p.is_dir() {
            if !matches!(
                name.as_str(),
                "target" | ".git" | "tests" | "fuzz" | "node_modules"
            ) {
                collect(&p, out);
            }
        } else if name.ends_with(".md") {
            out.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
            out.push_str("\n\n");
        } else if name.ends_with(".rs") {
            for line in std::fs::read_to_string(&p).unwrap_or_default().lines() {
                let t = line.trim_start();
                if let Some(doc) = t.strip_prefix("///").or_else(|| t.strip_prefix("//!")) {
                    out.push_str(doc.trim_start());
                    out.push('\n');
                }
            }
            out.push('\n');
        }
    }
}

/// The repository's documentation, repeated up to at least `min` bytes.
fn prose(min: usize) -> String {
    // `SCREEN_BENCH_ROOT` points two builds at the same documentation.
    let root = std::env::var_os("SCREEN_BENCH_ROOT").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
        std::path::PathBuf::from,
    );
    let mut once = String::new();
    collect(&root, &mut once);
    assert!(
        once.len() > 10_000,
        "the repository documentation is readable"
    );
    let mut text = once.clone();
    while text.len() < min {
        text.push_str(&once);
    }
    text
}

fn cut(text: &str, len: usize) -> &str {
    let mut end = len.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[inline(never)]
fn measured_screen(text: &str) -> bool {
    screen(black_box(text)).is_clean()
}

#[inline(never)]
fn measured_guard(text: &str) -> bool {
    let (clean, _) = sanitize(black_box(text));
    detect_injection(&clean).detected
}

#[inline(never)]
fn measured_secrets(text: &str) -> usize {
    find_secrets(black_box(text)).len()
}

/// Each function once to build its tables and warm the caches, then once under the toggle
/// (callgrind counts both calls of a toggled function; the first call is made through a copy
/// that is not toggled).
fn once(docs: &str, tool: &str, non_ascii: &str) {
    let only = std::env::var("SCREEN_BENCH_ONCE").unwrap_or_default();
    if let Some(times) = std::env::var("SCREEN_BENCH_REPEAT")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        // `screen` on one text this many times, for its CPU time (`time`'s user seconds, less
        // those of one run), which sharing the machine does not inflate as it does wall time.
        let text = match only.as_str() {
            "tool-result-4k" => tool,
            "non-ascii-docs" => non_ascii,
            _ => docs,
        };
        for _ in 0..times {
            black_box(screen(black_box(text)));
        }
        return;
    }
    let texts = [
        ("docs", docs),
        ("tool-result-4k", tool),
        ("non-ascii-docs", non_ascii),
    ];
    for (name, text) in texts {
        if only != "1" && only != name {
            continue;
        }
        // Warm-up outside the toggled functions.
        black_box(screen(black_box(text)));
        println!(
            "{name}: {} bytes, clean {}, guard {}, secrets {}",
            text.len(),
            measured_screen(text),
            measured_guard(text),
            measured_secrets(text)
        );
    }
}

fn bench(c: &mut Criterion) {
    let docs = prose(300_000);
    let tool = cut(&docs[docs.len() / 3..], 4096).to_owned();
    let non_ascii: String = docs
        .lines()
        .enumerate()
        .map(|(i, l)| match i % 8 {
            0 => format!("{l} — café, naïve, Größe, 東京の設定ファイル\n"),
            _ => format!("{l}\n"),
        })
        .collect();
    if std::env::var_os("SCREEN_BENCH_ONCE").is_some() {
        once(&docs, &tool, &non_ascii);
        return;
    }
    // Build every table and compile what the first call compiles before measuring.
    black_box(screen(black_box(&docs)));

    let mut group = c.benchmark_group("screen");
    group.throughput(Throughput::Bytes(docs.len() as u64));
    group.bench_function("docs", |b| b.iter(|| screen(black_box(&docs))));
    group.throughput(Throughput::Bytes(tool.len() as u64));
    group.bench_function("tool-result-4k", |b| b.iter(|| screen(black_box(&tool))));
    group.finish();

    let guard = |t: &str| {
        let (clean, hidden) = sanitize(t);
        (detect_injection(&clean), hidden)
    };
    let mut group = c.benchmark_group("guard");
    group.throughput(Throughput::Bytes(docs.len() as u64));
    group.bench_function("docs", |b| b.iter(|| guard(black_box(&docs))));
    group.throughput(Throughput::Bytes(tool.len() as u64));
    group.bench_function("tool-result-4k", |b| b.iter(|| guard(black_box(&tool))));
    group.throughput(Throughput::Bytes(non_ascii.len() as u64));
    group.bench_function("non-ascii-docs", |b| {
        b.iter(|| guard(black_box(&non_ascii)))
    });
    group.finish();

    let mut group = c.benchmark_group("find_secrets");
    group.throughput(Throughput::Bytes(docs.len() as u64));
    group.bench_function("docs", |b| b.iter(|| find_secrets(black_box(&docs))));
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
