//! Runs `find_secrets` over every file under a directory and prints what it finds, redacted,
//! to review false positives on a corpus: `cargo run --release --example scan_corpus -- DIR`.
//! Throughput and counts per kind go to stderr.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: scan_corpus DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    walk(Path::new(&dir), &mut files);
    let mut bytes = 0usize;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let start = Instant::now();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        bytes += text.len();
        for m in mcpward_guard::find_secrets(&text) {
            *counts.entry(m.kind).or_default() += 1;
            let line_start = text[..m.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[m.end..].find('\n').map_or(text.len(), |i| m.end + i);
            let line = mcpward_guard::redact(&text[line_start..line_end]);
            let line: String = line.trim().chars().take(160).collect();
            println!("{} {} | {line}", m.kind, file.display());
        }
    }
    let elapsed = start.elapsed();
    eprintln!(
        "{bytes} bytes in {elapsed:?} ({:.0} MB/s, file reading included); {counts:?}",
        bytes as f64 / elapsed.as_secs_f64() / 1e6
    );
}
