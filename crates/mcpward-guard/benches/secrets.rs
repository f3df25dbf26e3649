//! Throughput of secret detection on ordinary text: documentation (prose), Rust sources (code),
//! MCP tool results (JSON-RPC replies carrying documentation and code), and service logs, with a
//! few secrets mixed in; and the latency on one 4 KB tool result.
//!
//! `cargo bench -p mcpward-guard --bench secrets`
//!
//! The prose and code come from the README files and sources in the local cargo registry
//! (`$CARGO_HOME/registry/src/*/`, present wherever the workspace was built) and from this
//! repository's documentation, read in a fixed order, so a run measures real writing rather than
//! one repeated sentence.
//!
//! `SECRETS_BENCH_ONCE=1 cargo bench -p mcpward-guard --bench secrets` scans each corpus once and
//! exits (`SECRETS_BENCH_ONCE=json` only that one), for instruction counts under
//! `valgrind --tool=callgrind --toggle-collect='secrets::measured'` (the second of two scans).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput};
use mcpward_guard::{find_secrets, redact};

/// How much of each corpus to scan.
const CORPUS_SIZE: usize = 1 << 20;

/// Secrets mixed in, one after every 64 KiB, so the bench also pays for the paths that report.
const SECRETS: &[&str] = &[
    "export OPENAI_API_KEY=sk-proj-Xi8tdMjHV6pmbBbwilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o\n",
    "DATABASE_URL=postgres://app:Qz8vR2kLm9xW@db.internal:5432/app\n",
    "\"Authorization\": \"Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\"\n",
    "GITHUB_TOKEN=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\n",
];

/// A short text for when no real files are found (a machine without a cargo registry).
const FALLBACK: &str = "The quarterly review covers the key results of the team. We passed the \
    audit, the authors updated the password policy, and the session notes are attached. Please \
    token-gate access to the new dashboard and keep the secret sauce documentation private.\n";

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// Every file under `dir` (recursively) whose name satisfies `keep`, sorted.
fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, keep, out);
        } else if keep(&path) {
            out.push(path);
        }
    }
}

/// The crate directories of the local registry, sorted.
fn registry_crates() -> Vec<PathBuf> {
    let mut crates = Vec::new();
    let Some(src) = cargo_home().map(|h| h.join("registry/src")) else {
        return crates;
    };
    let Ok(indexes) = std::fs::read_dir(src) else {
        return crates;
    };
    for index in indexes.filter_map(Result::ok) {
        if let Ok(dirs) = std::fs::read_dir(index.path()) {
            crates.extend(dirs.filter_map(|d| d.ok().map(|d| d.path())));
        }
    }
    crates.sort();
    crates
}

/// Appends the files' text, each cut to `per_file` bytes, until `text` holds `size` bytes,
/// with a secret after every 64 KiB.
fn fill(files: &[PathBuf], per_file: usize, size: usize) -> String {
    let mut text = String::with_capacity(size + 4096);
    let mut next_secret = 0;
    while text.len() < size {
        let before = text.len();
        for path in files {
            let Ok(content) = std::fs::read_to_string(path) else {
                continue;
            };
            text.push_str(&content[..content.floor_char_boundary(per_file)]);
            text.push('\n');
            if text.len() / 65_536 > next_secret {
                text.push_str(SECRETS[next_secret % SECRETS.len()]);
                next_secret += 1;
            }
            if text.len() >= size {
                break;
            }
        }
        if text.len() == before {
            text.push_str(FALLBACK);
        }
    }
    text.truncate(text.floor_char_boundary(size));
    text
}

fn extension_is(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

/// README files of the registry's crates and this repository's documentation.
fn prose() -> String {
    let mut files = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    files.push(root.join("README.md"));
    files.push(root.join("ARCHITECTURE.md"));
    files_under(&root.join("docs"), &|p| extension_is(p, "md"), &mut files);
    for dir in registry_crates() {
        files_under(
            &dir,
            &|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.eq_ignore_ascii_case("readme.md"))
            },
            &mut files,
        );
    }
    fill(&files, 16 * 1024, CORPUS_SIZE)
}

/// Rust sources of the registry's crates (`src/` only, not their test fixtures).
fn code() -> String {
    let mut files = Vec::new();
    for dir in registry_crates() {
        files_under(&dir.join("src"), &|p| extension_is(p, "rs"), &mut files);
    }
    fill(&files, 8 * 1024, CORPUS_SIZE)
}

/// MCP `tools/call` replies whose text content is a chunk of documentation or code.
fn json(prose: &str, code: &str) -> String {
    let mut text = String::with_capacity(CORPUS_SIZE + 4096);
    let mut id = 1u64;
    let mut chunks = prose
        .as_bytes()
        .chunks(3000)
        .zip(code.as_bytes().chunks(3000));
    while text.len() < CORPUS_SIZE {
        let Some((a, b)) = chunks.next() else {
            break;
        };
        let chunk = String::from_utf8_lossy(if id.is_multiple_of(2) { a } else { b });
        let reply = serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "result": {
                "content": [{"type": "text", "text": chunk}],
                "structuredContent": {"path": format!("src/module_{id}.rs"), "bytes": chunk.len(),
                    "url": format!("https://github.com/acme/api/blob/main/src/module_{id}.rs")},
                "isError": false
            }
        });
        text.push_str(&reply.to_string());
        text.push('\n');
        id += 1;
    }
    text
}

/// Structured service logs with request ids, trace ids and durations.
fn logs() -> String {
    let mut text = String::with_capacity(CORPUS_SIZE + 4096);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let methods = ["tools/call", "tools/list", "resources/read", "prompts/get"];
    let levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN"];
    let mut line = 0u64;
    let mut next_secret = 0;
    while text.len() < CORPUS_SIZE {
        let (a, b, c) = (next(), next(), next());
        text.push_str(&format!(
            "2025-11-21T00:{:02}:{:02}.{:03}Z {} mcpward::run{{server=\"github\" session={:08x}}}: \
             request id={} method={} duration_ms={} status={} trace_id={:016x}{:016x} user=alice\n",
            (line / 60) % 60,
            line % 60,
            a % 1000,
            levels[(b % 5) as usize],
            (a >> 16) as u32,
            line,
            methods[(c % 4) as usize],
            b % 900,
            if c % 17 == 0 { "error" } else { "ok" },
            b,
            c,
        ));
        line += 1;
        if text.len() / 65_536 > next_secret {
            text.push_str(SECRETS[next_secret % SECRETS.len()]);
            next_secret += 1;
        }
    }
    text
}

/// One 4 KB tool result: a JSON-RPC reply carrying documentation.
fn tool_result(prose: &str) -> String {
    let chunk = &prose[..prose.floor_char_boundary(3700)];
    let reply = serde_json::json!({
        "jsonrpc": "2.0",
        "id": 7,
        "result": {"content": [{"type": "text", "text": chunk}], "isError": false}
    });
    reply.to_string()
}

/// One scan, under its own name so that callgrind can count it alone.
#[inline(never)]
fn measured(text: &str) -> usize {
    find_secrets(black_box(text)).len()
}

fn main() {
    let prose = prose();
    let code = code();
    let json = json(&prose, &code);
    let logs = logs();
    let small = tool_result(&prose);
    let corpora = [
        ("prose", &prose),
        ("code", &code),
        ("json", &json),
        ("logs", &logs),
        ("tool-result-4k", &small),
    ];

    if let Some(only) = std::env::var_os("SECRETS_BENCH_ONCE") {
        for (name, text) in corpora {
            if only != "1" && only != name {
                continue;
            }
            // Once to build the rule set and warm the caches, once to count.
            find_secrets(black_box(text));
            println!("{name}: {} bytes, {} matches", text.len(), measured(text));
        }
        return;
    }

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("find_secrets");
    for (name, text) in corpora {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| find_secrets(black_box(text))));
    }
    group.finish();

    let mut group = c.benchmark_group("redact");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("json", |b| b.iter(|| redact(black_box(&json))));
    group.finish();
    c.final_summary();
}
