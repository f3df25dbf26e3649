//! What the sandbox adds to a server's start.
//!
//! ```text
//! cargo bench -p mcpward --bench sandbox_start -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! - `start/direct`: spawn `/bin/true` and wait for it;
//! - `start/sandboxed`: spawn it the way `mcpward run` does for a server with a sandbox
//!   section — `mcpward __sandbox-exec SPEC -- /bin/true` (exec of the helper, `no_new_privs`,
//!   rlimits, Landlock ruleset with its path rules, seccomp filter, exec of the server) — and
//!   wait for it;
//! - `prepare`: the parent's side (path checks, program lookup, private directories, spec);
//! - `start/sandboxed-netns`: the same in a private network namespace (what `run` does where
//!   user namespaces work; without the hand-over of the proxy listener, one `sendmsg`);
//! - `probe`: the Landlock check `run` makes once;
//! - `probe-netns`: the user-namespace check `run` makes once (a helper process).
//!
//! The added cost of sandboxing is `start/sandboxed(-netns) − start/direct + prepare + probe
//! (+ probe-netns)` (target: under 20 ms).

use std::ffi::OsString;
use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};
use mcpward_sandbox::{Plan, prepare, probe};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = mcpward_policy_text(dir.path());
    let policy = mcpward_gateway::mcpward_policy::parse(&policy, &dir.path().join("p.toml"))
        .expect("policy");
    let section = policy.sandbox("s").expect("sandbox section").clone();
    let env: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    let helper = Path::new(env!("CARGO_BIN_EXE_mcpward"));
    let program = OsString::from("/bin/true");
    let mut plan = Plan::new("s", &section, &program, &[], helper, dir.path(), &env);
    plan.proxy_port = Some(3128);
    let launch = prepare(&plan).expect("prepare");

    let mut group = c.benchmark_group("start");
    group.bench_function("direct", |b| {
        b.iter(|| {
            let status = Command::new("/bin/true")
                .stdin(Stdio::null())
                .status()
                .expect("spawn");
            assert!(status.success());
        });
    });
    group.bench_function("sandboxed", |b| {
        b.iter(|| {
            let status = launch
                .command()
                .stdin(Stdio::null())
                .status()
                .expect("spawn");
            assert!(status.success(), "the sandboxed start failed: {status}");
        });
    });
    let netns = mcpward_sandbox::netns::probe(helper).is_ok();
    if netns {
        let mut plan_ns = plan.clone();
        plan_ns.netns = true;
        let launch_ns = prepare(&plan_ns).expect("prepare");
        group.bench_function("sandboxed-netns", |b| {
            b.iter(|| {
                let status = launch_ns
                    .command()
                    .stdin(Stdio::null())
                    .status()
                    .expect("spawn");
                assert!(status.success(), "the sandboxed start failed: {status}");
            });
        });
    } else {
        eprintln!("no private network namespace here: start/sandboxed-netns not measured");
    }
    group.finish();
    c.bench_function("prepare", |b| {
        b.iter(|| black_box(prepare(&plan).expect("prepare")))
    });
    c.bench_function("probe", |b| b.iter(|| black_box(probe())));
    c.bench_function("probe-netns", |b| {
        b.iter(|| black_box(mcpward_sandbox::netns::probe(helper).is_ok()))
    });
}

fn mcpward_policy_text(dir: &Path) -> String {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    format!(
        "version = 1\n[servers.s.sandbox]\nfs_read = [\"/tmp\"]\nfs_write = [\"{}\"]\nnet = [\"example.com:443\"]\nenv = [\"LANG\"]\n",
        data.display()
    )
}

criterion_group!(benches, bench);
criterion_main!(benches);
