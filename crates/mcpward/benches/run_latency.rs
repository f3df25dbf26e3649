//! How much `mcpward run` adds to a stdio MCP connection, against a plain relay and no relay.
//!
//! ```text
//! cargo bench -p mcpward --bench run_latency
//! ```
//!
//! In one run, with the same server and the same client, over pipes:
//!
//! - **latency**: small `tools/call` (echo) messages sent one at a time, each waiting for its
//!   answer, (a) straight to the server, (b) through `socat - EXEC:server` (a plain relay),
//!   (c) through the release `mcpward run` with a policy that allows the tool and the audit log
//!   on (default durability), and (c') the same with `--audit-sync full` when the binary has it.
//!   The modes take turns in rounds, so drift on a shared machine hits them alike. Medians,
//!   p95, p99 and the ratios run/socat and run/direct are printed.
//! - **bursts**: 64 calls written at once, then their answers read: the time per call, where
//!   messages that arrive together share one journal write.
//! - **throughput**: `tools/call` results of 1 MB, through socat and through `mcpward run`.
//! - **peak memory**: `VmHWM` of the `mcpward` process (read from `/proc/PID/status` after the
//!   1 MB results, just before it is stopped). Target: under 30 MB.
//! - when `target/e2e/node_modules` holds `@modelcontextprotocol/server-everything`, the latency
//!   comparison again with that (Node) server.
//!
//! The server is this very executable started with `MCPWARD_BENCH_ROLE=echo-server`: a tiny
//! newline JSON-RPC server (initialize, tools/list, tools/call of `echo` and `big`) whose own
//! time is a few microseconds, so what is measured is the relay.
//!
//! `MCPWARD_HOME` lives under `target/tmp` (a real disk, not a tmpfs, where fsync would be free;
//! the file system is printed). Knobs: `MCPWARD_BENCH_CALLS` (timed calls per mode and round,
//! default 1000), `MCPWARD_BENCH_ROUNDS` (default 5), `MCPWARD_BENCH_BIG` (1 MB results per
//! mode, default 40), `MCPWARD_BENCH_DIR` (where `MCPWARD_HOME` goes), `MCPWARD_BENCH_ONLY=run`
//! (only `mcpward run`, for profiling), `MCPWARD_BENCH_BASELINE=LABEL=PATH,…` (other
//! `mcpward` builds run alongside, with their default flags, e.g. the previous commit). Without `--bench` (`cargo test --benches`) it runs a
//! few calls of each, as a smoke test.

use std::io::{BufRead, BufReader, Read as _, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ROLE_ENV: &str = "MCPWARD_BENCH_ROLE";
const ONE_MB: usize = 1_000_000;

fn main() {
    if std::env::var(ROLE_ENV).as_deref() == Ok("echo-server") {
        echo_server();
        return;
    }
    let full = std::env::args().any(|a| a == "--bench");
    let cfg = Config::from_env(full);
    run_benchmark(&cfg);
}

// ----- the server ------------------------------------------------------------------------

/// Newline JSON-RPC on stdin/stdout: `initialize`, `tools/list`, `tools/call` of `echo` (returns
/// its `text`) and `big` (returns `n` bytes of text); notifications are ignored.
fn echo_server() {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut big_cache: Option<(usize, String)> = None;
    for line in stdin.lines() {
        let Ok(line) = line else { break };
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(id) = msg.get("id").cloned() else {
            continue; // a notification
        };
        let method = msg
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let reply = match method {
            "initialize" => json!({"jsonrpc": "2.0", "id": id, "result": {
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "bench-echo", "version": "1.0.0"},
            }}),
            "tools/list" => json!({"jsonrpc": "2.0", "id": id, "result": {"tools": [
                {
                    "name": "echo",
                    "description": "Returns its text.",
                    "inputSchema": {"type": "object",
                        "properties": {"text": {"type": "string"}}, "required": ["text"]},
                },
                {
                    "name": "big",
                    "description": "Returns n bytes of text.",
                    "inputSchema": {"type": "object",
                        "properties": {"n": {"type": "integer"}}, "required": ["n"]},
                },
            ]}}),
            "tools/call" => {
                let name = msg.pointer("/params/name").and_then(Value::as_str);
                let args = msg.pointer("/params/arguments");
                match name {
                    Some("echo") => {
                        let text = args
                            .and_then(|a| a.get("text"))
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        json!({"jsonrpc": "2.0", "id": id, "result": {
                            "content": [{"type": "text", "text": text}]}})
                    }
                    Some("big") => {
                        let n = args
                            .and_then(|a| a.get("n"))
                            .and_then(Value::as_u64)
                            .unwrap_or(0) as usize;
                        if big_cache.as_ref().is_none_or(|(len, _)| *len != n) {
                            big_cache = Some((n, big_text(n)));
                        }
                        let text = big_cache.as_ref().map_or("", |(_, t)| t.as_str());
                        json!({"jsonrpc": "2.0", "id": id, "result": {
                            "content": [{"type": "text", "text": text}]}})
                    }
                    _ => json!({"jsonrpc": "2.0", "id": id,
                        "error": {"code": -32602, "message": "unknown tool"}}),
                }
            }
            "ping" => json!({"jsonrpc": "2.0", "id": id, "result": {}}),
            _ => json!({"jsonrpc": "2.0", "id": id,
                "error": {"code": -32601, "message": "method not found"}}),
        };
        if serde_json::to_writer(&mut out, &reply).is_err()
            || out.write_all(b"\n").is_err()
            || out.flush().is_err()
        {
            break;
        }
    }
}

/// `n` bytes of plain text that reads like tool output (words, numbers, newlines).
fn big_text(n: usize) -> String {
    let mut s = String::with_capacity(n + 64);
    let mut i = 0u64;
    while s.len() < n {
        s.push_str(&format!(
            "{i:06} the quick brown fox jumps over the lazy dog; status=ok elapsed={}ms\n",
            i % 97
        ));
        i += 1;
    }
    s.truncate(n);
    s
}

// ----- the client ------------------------------------------------------------------------

struct Config {
    calls: usize,
    warmup: usize,
    rounds: usize,
    full_calls: usize,
    big: usize,
    only_run: bool,
    everything_calls: usize,
}

impl Config {
    fn from_env(full: bool) -> Config {
        let num = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let calls = num("MCPWARD_BENCH_CALLS", if full { 1000 } else { 20 });
        Config {
            calls,
            warmup: if full { 200 } else { 5 },
            rounds: num("MCPWARD_BENCH_ROUNDS", if full { 5 } else { 1 }),
            // an fdatasync per message is slow: fewer calls keep the run short.
            full_calls: (calls / 5).max(1),
            big: num("MCPWARD_BENCH_BIG", if full { 40 } else { 2 }),
            only_run: std::env::var("MCPWARD_BENCH_ONLY").as_deref() == Ok("run"),
            everything_calls: if full { (calls / 2).max(1) } else { 5 },
        }
    }
}

/// One process spoken to as an MCP client, one request at a time.
struct Peer {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    line: Vec<u8>,
    next_id: u64,
    samples: Vec<Duration>,
    stderr_file: PathBuf,
}

impl Peer {
    fn spawn(name: &str, mut cmd: Command, stderr_file: PathBuf) -> Peer {
        let err = std::fs::File::create(&stderr_file).expect("stderr file");
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(err));
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stdin = child.stdin.take();
        let stdout = BufReader::with_capacity(1 << 16, child.stdout.take().expect("stdout"));
        Peer {
            name: name.to_owned(),
            child,
            stdin,
            stdout,
            line: Vec::with_capacity(1 << 16),
            next_id: 1,
            samples: Vec::new(),
            stderr_file,
        }
    }

    fn fail(&mut self, what: &str) -> ! {
        let _ = self.child.kill();
        let stderr = std::fs::read_to_string(&self.stderr_file).unwrap_or_default();
        panic!("{}: {what}\n--- its stderr ---\n{stderr}", self.name);
    }

    fn send(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        let mut frame = Vec::with_capacity(text.len() + 1);
        frame.extend_from_slice(text.as_bytes());
        frame.push(b'\n');
        if stdin
            .write_all(&frame)
            .and_then(|()| stdin.flush())
            .is_err()
        {
            self.fail("its stdin closed");
        }
    }

    /// Reads lines until the answer to `id`; returns its length. Notifications and requests
    /// from the server are skipped.
    fn recv(&mut self, id: u64) -> usize {
        let a = format!("\"id\":{id},");
        let b = format!("\"id\":{id}}}");
        loop {
            self.line.clear();
            match self.stdout.read_until(b'\n', &mut self.line) {
                Ok(0) | Err(_) => self.fail("its stdout closed"),
                Ok(_) => {}
            }
            let text = &self.line;
            // The id is near the start (Rust servers) or at the very end (Node servers).
            let head = &text[..text.len().min(64)];
            let tail = &text[text.len().saturating_sub(64)..];
            if contains(head, a.as_bytes())
                || contains(head, b.as_bytes())
                || contains(tail, b.as_bytes())
            {
                if contains(head, b"\"error\"") || contains(tail, b"\"error\"") {
                    let shown = String::from_utf8_lossy(&text[..text.len().min(400)]).into_owned();
                    self.fail(&format!("request {id} failed: {shown}"));
                }
                return text.len();
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> usize {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(&msg.to_string());
        self.recv(id)
    }

    fn handshake(&mut self) {
        self.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "mcpward-bench", "version": "1.0.0"},
            }),
        );
        self.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        self.request("tools/list", json!({}));
    }

    /// One timed round trip of a small `tools/call`.
    fn timed_call(&mut self, tool_args: &str, record: bool) {
        let id = self.next_id;
        self.next_id += 1;
        let text = format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"echo","arguments":{tool_args}}}}}"#
        );
        let started = Instant::now();
        self.send(&text);
        self.recv(id);
        let elapsed = started.elapsed();
        if record {
            self.samples.push(elapsed);
        }
    }

    /// `count` small calls written at once, then their `count` answers read; returns the time
    /// from the first write to the last answer.
    fn burst(&mut self, count: usize, tool_args: &str) -> Duration {
        let first = self.next_id;
        let mut text = String::new();
        for id in first..first + count as u64 {
            text.push_str(&format!(
                r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"echo","arguments":{tool_args}}}}}"#
            ));
            text.push('\n');
        }
        self.next_id += count as u64;
        let started = Instant::now();
        let stdin = self.stdin.as_mut().expect("stdin open");
        if stdin
            .write_all(text.as_bytes())
            .and_then(|()| stdin.flush())
            .is_err()
        {
            self.fail("its stdin closed");
        }
        for id in first..first + count as u64 {
            self.recv(id);
        }
        started.elapsed()
    }

    /// `count` results of `size` bytes; returns (bytes received, time).
    fn big_calls(&mut self, count: usize, size: usize) -> (usize, Duration) {
        let started = Instant::now();
        let mut bytes = 0;
        for _ in 0..count {
            bytes += self.request(
                "tools/call",
                json!({"name": "big", "arguments": {"n": size}}),
            );
        }
        (bytes, started.elapsed())
    }

    /// `VmHWM` (peak resident set) of the process, in kB.
    fn peak_rss_kb(&self) -> Option<u64> {
        proc_status_kb(self.child.id(), "VmHWM:")
    }

    fn stop(mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => {
                    // Drain whatever is still coming so the process is not blocked on a write.
                    let mut sink = [0u8; 4096];
                    let _ = self.stdout.get_mut().read(&mut sink);
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return;
                }
            }
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[derive(Clone, Copy)]
struct Summary {
    median: f64,
    p95: f64,
    p99: f64,
    mean: f64,
    n: usize,
}

fn summarize(samples: &[Duration]) -> Summary {
    let mut us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
    us.sort_by(f64::total_cmp);
    let at = |q: f64| us[((us.len() as f64 - 1.0) * q).round() as usize];
    Summary {
        median: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
        mean: us.iter().sum::<f64>() / us.len() as f64,
        n: us.len(),
    }
}

fn print_table(title: &str, peers: &[&Peer]) -> Vec<Summary> {
    println!("\n{title}");
    println!(
        "  {:<34} {:>10} {:>10} {:>10} {:>10} {:>7}",
        "mode", "median µs", "p95 µs", "p99 µs", "mean µs", "calls"
    );
    let mut out = Vec::new();
    for p in peers {
        let s = summarize(&p.samples);
        println!(
            "  {:<34} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>7}",
            p.name, s.median, s.p95, s.p99, s.mean, s.n
        );
        out.push(s);
    }
    out
}

fn print_ratio(label: &str, a: Summary, b: Summary) {
    println!(
        "  {label:<34} median {:>5.2}×   p95 {:>5.2}×",
        a.median / b.median,
        a.p95 / b.p95
    );
}

/// The file system `path` is on (from `/proc/self/mounts`, longest mount point that holds it).
fn file_system(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (dev, mnt, fs) = (f.next()?, f.next()?, f.next()?);
            path.starts_with(mnt)
                .then(|| (mnt.len(), format!("{fs} ({dev} on {mnt})")))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "unknown".into(), |(_, s)| s)
}

fn has_program(name: &str) -> bool {
    Command::new(name)
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn run_benchmark(cfg: &Config) {
    let mcpward = PathBuf::from(env!("CARGO_BIN_EXE_mcpward"));
    let me = std::env::current_exe().expect("current exe");
    let base = std::env::var_os("MCPWARD_BENCH_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")), PathBuf::from);
    std::fs::create_dir_all(&base).expect("bench dir");
    let dir = tempfile::tempdir_in(&base).expect("temp dir");
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "version = 1\n\n[servers.echo]\nallow = [\"echo\", \"big\"]\n\n[servers.everything]\nallow = [\"echo\"]\n",
    )
    .expect("policy");
    let has_socat = has_program("socat");
    let help = Command::new(&mcpward)
        .args(["run", "--help"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let has_sync_flag = help.contains("--audit-sync");

    println!("mcpward run benchmark");
    println!("  mcpward:       {}", mcpward.display());
    println!("  MCPWARD_HOME:  under {}", dir.path().display());
    println!("  file system:   {}", file_system(dir.path()));
    println!(
        "  cpus:          {}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "  calls:         {} per mode and round ({} with --audit-sync full), {} rounds, {} warm-up",
        cfg.calls, cfg.full_calls, cfg.rounds, cfg.warmup
    );
    if !has_socat {
        println!("  socat:         not installed: the relay baseline is skipped");
    }

    let server = |cmd: &mut Command| {
        cmd.env(ROLE_ENV, "echo-server");
    };
    let run_with =
        |binary: &Path, home: &str, extra: &[&str], server_name: &str, program: &[&str]| {
            let home = dir.path().join(home);
            std::fs::create_dir_all(&home).expect("home");
            let mut cmd = Command::new(binary);
            cmd.env("MCPWARD_HOME", &home)
                .arg("run")
                .arg("--policy")
                .arg(&policy)
                .args(["--server", server_name])
                .args(extra)
                .arg("--")
                .args(program);
            cmd
        };
    let run_cmd = |home: &str, extra: &[&str], server_name: &str, program: &[&str]| {
        run_with(&mcpward, home, extra, server_name, program)
    };
    let me_str = me.to_str().expect("utf-8 path");
    let log = |name: &str| dir.path().join(format!("{name}.stderr"));

    // ----- latency, echo server ---------------------------------------------------------
    let mut peers: Vec<Peer> = Vec::new();
    if !cfg.only_run {
        let mut direct = Command::new(&me);
        server(&mut direct);
        peers.push(Peer::spawn("direct", direct, log("direct")));
        if has_socat {
            let mut socat = Command::new("socat");
            socat.arg("-").arg(format!("EXEC:{me_str}"));
            server(&mut socat);
            peers.push(Peer::spawn("socat - EXEC:server", socat, log("socat")));
        }
    }
    let mut run = run_cmd("home-normal", &[], "echo", &[me_str]);
    server(&mut run);
    peers.push(Peer::spawn("mcpward run (default sync)", run, log("run")));
    let run_index = peers.len() - 1;
    let mut full_index = None;
    if has_sync_flag && !cfg.only_run {
        let mut run = run_cmd("home-full", &["--audit-sync", "full"], "echo", &[me_str]);
        server(&mut run);
        peers.push(Peer::spawn(
            "mcpward run --audit-sync full",
            run,
            log("run-full"),
        ));
        full_index = Some(peers.len() - 1);
    }
    // Other builds to compare with, in the same run: MCPWARD_BENCH_BASELINE=LABEL=PATH,...
    if !cfg.only_run {
        for (n, spec) in std::env::var("MCPWARD_BENCH_BASELINE")
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            let (label, path) = spec.split_once('=').unwrap_or(("baseline", spec));
            let home = format!("home-baseline-{n}");
            let mut run = run_with(Path::new(path), &home, &[], "echo", &[me_str]);
            server(&mut run);
            peers.push(Peer::spawn(
                &format!("{label} (other build)"),
                run,
                log(&home),
            ));
        }
    }
    for p in &mut peers {
        p.handshake();
    }
    let args = r#"{"text":"hello from the mcpward benchmark"}"#;
    for round in 0..cfg.rounds {
        // Alternate the order so that no mode always goes first.
        let order: Vec<usize> = if round % 2 == 0 {
            (0..peers.len()).collect()
        } else {
            (0..peers.len()).rev().collect()
        };
        for i in order {
            let calls = if Some(i) == full_index {
                cfg.full_calls
            } else {
                cfg.calls
            };
            let p = &mut peers[i];
            for _ in 0..cfg.warmup.min(calls) {
                p.timed_call(args, false);
            }
            for _ in 0..calls {
                p.timed_call(args, true);
            }
        }
    }
    let refs: Vec<&Peer> = peers.iter().collect();
    let stats = print_table(
        "Round trip of a small tools/call (echo), one at a time",
        &refs,
    );
    let run_stats = stats[run_index];
    if !cfg.only_run {
        println!();
        if has_socat {
            print_ratio("run / socat", run_stats, stats[1]);
        }
        print_ratio("run / direct", run_stats, stats[0]);
        if has_socat {
            print_ratio("socat / direct", stats[1], stats[0]);
        }
        if let Some(f) = full_index
            && has_socat
        {
            print_ratio("run --audit-sync full / socat", stats[f], stats[1]);
        }
    }

    // ----- bursts: many calls in flight, where one journal write serves many ---------------
    const BURST: usize = 64;
    let bursts = (cfg.calls / BURST).max(1);
    println!(
        "\n{BURST} calls written at once, answers read after ({bursts} bursts per mode): time per call"
    );
    for p in peers.iter_mut() {
        p.burst(BURST, args); // warm-up
        let total: Duration = (0..bursts).map(|_| p.burst(BURST, args)).sum();
        let per_call = total.as_secs_f64() * 1e6 / (bursts * BURST) as f64;
        println!("  {:<34} {:>8.1} µs per call", p.name, per_call);
    }

    // ----- 1 MB results ---------------------------------------------------------------------
    println!(
        "\nResults of 1 MB (tools/call big), {} per mode, in {} rounds",
        cfg.big, cfg.rounds
    );
    let rss_before = peers[run_index].peak_rss_kb();
    let streaming: Vec<usize> = (0..peers.len())
        .filter(|&i| Some(i) != full_index && cfg.big > 0)
        .collect();
    let mut big_samples: Vec<(Vec<Duration>, usize)> = vec![(Vec::new(), 0); peers.len()];
    for &i in &streaming {
        peers[i].big_calls(1, ONE_MB); // warm-up
    }
    let per_round = cfg.big.div_ceil(cfg.rounds.max(1));
    for round in 0..cfg.rounds.max(1) {
        let mut order = streaming.clone();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            for _ in 0..per_round {
                let (bytes, time) = peers[i].big_calls(1, ONE_MB);
                big_samples[i].0.push(time);
                big_samples[i].1 = bytes;
            }
        }
    }
    for &i in &streaming {
        let (samples, bytes) = &big_samples[i];
        let s = summarize(samples);
        println!(
            "  {:<34} {:>8.1} MB/s   {:>8.2} ms per result (median; p95 {:.2} ms)",
            peers[i].name,
            *bytes as f64 / s.median,
            s.median / 1e3,
            s.p95 / 1e3
        );
    }
    let rss = peers[run_index].peak_rss_kb();
    println!("\nPeak memory (VmHWM)");
    for p in &peers {
        if let Some(kb) = p.peak_rss_kb() {
            println!("  {:<34} {:>8.1} MB", p.name, kb as f64 / 1024.0);
        }
    }
    if let (Some(before), Some(after)) = (rss_before, rss) {
        println!(
            "  mcpward run: {:.1} MB before the 1 MB results, {:.1} MB after (target < 30 MB): {}",
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            if after < 30 * 1024 { "ok" } else { "OVER" }
        );
    }
    for p in peers {
        p.stop();
    }

    // ----- the reference server, when installed --------------------------------------------
    let everything = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../target/e2e/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
    );
    if cfg.only_run {
        return;
    }
    if !everything.exists() || !has_program("node") {
        println!("\n(server-everything not installed under target/e2e: skipped)");
        return;
    }
    let everything = everything.canonicalize().expect("path");
    let ev = everything.to_str().expect("utf-8 path");
    let mut peers = Vec::new();
    peers.push(Peer::spawn(
        "direct (node server-everything)",
        {
            let mut c = Command::new("node");
            c.arg(ev).arg("stdio");
            c
        },
        log("ev-direct"),
    ));
    if has_socat {
        let mut c = Command::new("socat");
        c.arg("-").arg(format!("EXEC:node {ev} stdio"));
        peers.push(Peer::spawn(
            "socat (node server-everything)",
            c,
            log("ev-socat"),
        ));
    }
    peers.push(Peer::spawn(
        "mcpward run (node server-everything)",
        run_cmd("home-everything", &[], "everything", &["node", ev, "stdio"]),
        log("ev-run"),
    ));
    for p in &mut peers {
        p.handshake();
    }
    let args = r#"{"message":"hello from the mcpward benchmark"}"#;
    for round in 0..cfg.rounds {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..peers.len()).collect()
        } else {
            (0..peers.len()).rev().collect()
        };
        for i in order {
            let p = &mut peers[i];
            for _ in 0..cfg.warmup.min(cfg.everything_calls) {
                p.timed_call(args, false);
            }
            for _ in 0..cfg.everything_calls {
                p.timed_call(args, true);
            }
        }
    }
    let refs: Vec<&Peer> = peers.iter().collect();
    let stats = print_table(
        "Round trip of echo, @modelcontextprotocol/server-everything",
        &refs,
    );
    println!();
    let last = stats.len() - 1;
    if has_socat {
        print_ratio("run / socat", stats[last], stats[1]);
    }
    print_ratio("run / direct", stats[last], stats[0]);
    for p in peers {
        p.stop();
    }
}
