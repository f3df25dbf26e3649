//! `Policy::decide` on a small `tools/call`: globs only, with path arguments, with one CEL rule.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use mcpward_policy::{Call, PathResolver, Policy, SessionState, Verdict};
use serde_json::json;

const POLICY: &str = r#"
version = 1

[servers.github]
allow = ["get_*", "list_*", "search_*"]
ask   = ["create_issue", "create_pull_request"]
deny  = ["delete_*", "merge_pull_request"]

[servers.filesystem]
allow = ["read_*", "list_*", "search_files"]
ask   = ["write_file", "edit_file"]
paths.allow = ["~/src/myapp/**"]
paths.deny  = ["**/.env", "**/.env.*", "**/*.pem", "**/id_*", "**/.ssh/**", "**/.aws/**"]

[[servers.postgres.rules]]
tool = "query"
deny_when = 'args.sql.matches("(?i)\\b(drop|delete|update|insert|alter|truncate|grant)\\b")'
reason = "read-only database access"

[servers.postgres]
allow = ["query"]
"#;

/// A resolver with no symlinks, so the path case measures the policy, not the kernel.
struct NoLinks;

impl PathResolver for NoLinks {
    fn canonicalize(&self, p: &Path) -> Option<PathBuf> {
        Some(p.to_path_buf())
    }
    fn home(&self) -> Option<PathBuf> {
        Some(PathBuf::from("/home/u"))
    }
}

fn policy() -> Policy {
    match mcpward_policy::parse(POLICY, Path::new("bench.toml")) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn bench(c: &mut Criterion) {
    let session = SessionState::default();
    let p = policy().with_resolver(NoLinks);
    let mut g = c.benchmark_group("decide");

    let args = json!({"owner": "octo", "repo": "hello", "issue_number": 42});
    let call = Call {
        server: "github",
        tool: "get_issue",
        arguments: &args,
        agent: None,
        session: &session,
    };
    assert_eq!(p.decide(&call).verdict, Verdict::Allow);
    g.bench_function("globs", |b| {
        b.iter(|| black_box(p.decide(black_box(&call))))
    });

    let args = json!({"path": "~/src/myapp/src/main.rs"});
    let call = Call {
        server: "filesystem",
        tool: "read_file",
        arguments: &args,
        agent: None,
        session: &session,
    };
    assert_eq!(p.decide(&call).verdict, Verdict::Allow);
    g.bench_function("paths", |b| {
        b.iter(|| black_box(p.decide(black_box(&call))))
    });

    let real = policy();
    let args = json!({"path": "~/src/myapp/src/main.rs"});
    let call_real = Call {
        server: "filesystem",
        tool: "read_file",
        arguments: &args,
        agent: None,
        session: &session,
    };
    g.bench_function("paths_real_fs", |b| {
        b.iter(|| black_box(real.decide(black_box(&call_real))))
    });

    let args = json!({"sql": "SELECT id, name FROM users WHERE id = 42"});
    let call = Call {
        server: "postgres",
        tool: "query",
        arguments: &args,
        agent: None,
        session: &session,
    };
    assert_eq!(p.decide(&call).verdict, Verdict::Allow);
    g.bench_function("cel_rule", |b| {
        b.iter(|| black_box(p.decide(black_box(&call))))
    });

    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
