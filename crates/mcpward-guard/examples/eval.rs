//! The screening evaluation harness: injection, secrets and tool screening on public data.
//!
//! ```text
//! cargo run --release -p mcpward-guard --example eval -- [--datasets DIR] [--docs DIR]
//!     [--markdown DIR] [--show-fp N] [--show-fn N] [--show-split dev|held-out|all]
//!     [--write-sample DIR]
//! ```
//!
//! - `--datasets DIR`: the shared datasets (default: `$MCPWARD_DATASETS`, else `../shared/datasets`
//!   beside the workspace, else `../../shared/datasets`). Each set that is missing is reported
//!   as missing, not silently skipped.
//! - `--docs DIR`: a benign corpus of real documentation: every `README*`, `docs/**/*.md` and the
//!   doc comments (`///`, `//!`) of `src/**/*.rs` of each crate directory under DIR (default: every
//!   `~/.cargo/registry/src/*/`), cut into chunks of at most 4 KiB at paragraph breaks, the size
//!   of a typical tool result.
//! - `--markdown DIR`: a second benign corpus, every `*.md` file under DIR cut the same way
//!   (default: the npm packages' documentation under `/usr/lib/node_modules` and the workspace's
//!   `target/e2e/node_modules`, when present). No rule was written looking at it.
//! - `--show-fp N`, `--show-fn N`: print up to N false positives (with what fired) or misses, of
//!   the half named by `--show-split dev|held-out|all` (default `dev`: the rules are tuned on the
//!   dev half only, so that the held-out half stays a measure of what they generalize to).
//! - `--write-sample DIR`: write the small samples the test suite uses (`tests/data/`).
//!
//! Injection positives are the attacks of each set alone and, for BIPIA, inserted into BIPIA's
//! clean contexts (text attacks into emails and tables, code attacks into code answers) at the
//! start, the middle and the end. Negatives are the clean contexts and the documentation chunks.
//! Every sample is assigned to a "dev" or "held-out" half by a hash of its group ([`group`]: the
//! attack, so that an attack inserted into many contexts stays on one side; the CyberSecEval
//! input text; the clean context; the crate or package of a documentation chunk). Both halves
//! are printed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use mcpward_guard::screen::screen;
use serde_json::Value;

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    tn: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, positive: bool, flagged: bool) {
        match (positive, flagged) {
            (true, true) => self.tp += 1,
            (true, false) => self.fn_ += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
        }
    }

    fn merge(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.tn += o.tn;
        self.fn_ += o.fn_;
    }

    fn line(&self) -> String {
        let pct = |n: usize, d: usize| {
            if d == 0 {
                "     -".to_owned()
            } else {
                format!("{:6.2}", 100.0 * n as f64 / d as f64)
            }
        };
        let p = self.tp + self.fn_;
        let n = self.fp + self.tn;
        let precision = if self.tp + self.fp == 0 || p == 0 || n == 0 {
            None
        } else {
            Some(self.tp as f64 / (self.tp + self.fp) as f64)
        };
        let recall = (p > 0).then(|| self.tp as f64 / p as f64);
        let f1 = match (precision, recall) {
            (Some(pr), Some(r)) if pr + r > 0.0 => {
                format!("{:6.2}", 100.0 * 2.0 * pr * r / (pr + r))
            }
            _ => "     -".to_owned(),
        };
        format!(
            "pos {:5} neg {:6} | tp {:5} fn {:4} fp {:4} | precision {} recall {} F1 {} FPR {}",
            p,
            n,
            self.tp,
            self.fn_,
            self.fp,
            precision.map_or("     -".to_owned(), |x| format!("{:6.2}", 100.0 * x)),
            pct(self.tp, p),
            f1,
            pct(self.fp, n),
        )
    }
}

struct Sample {
    id: String,
    text: String,
    positive: bool,
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The group a sample id belongs to: samples of one group fall into the same half.
fn group(id: &str) -> &str {
    let mut parts = id.split(':');
    match (parts.next(), parts.next()) {
        // `alone:CATEGORY#I`, `CTX:CATEGORY#I:K:POS`: the attack.
        (Some("alone"), Some(attack)) => attack,
        (Some(ctx), Some(attack)) if !ctx.ends_with("-clean") && ctx != "docs" && ctx != "md" => {
            // `cse:TEXTHASH:ID:VARIANT`: the input text (some cases repeat one).
            attack
        }
        // `docs:CRATE-VERSION/PATH#I`, `md:PACKAGE/PATH#I`: the crate (any version) or package.
        (Some("docs"), Some(rest)) => {
            let dir = rest.split('/').next().unwrap_or(rest);
            match dir.rsplit_once('-') {
                Some((name, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => name,
                _ => dir,
            }
        }
        (Some("md"), Some(rest)) => rest.split('/').next().unwrap_or(rest),
        _ => id,
    }
}

fn held_out(id: &str) -> bool {
    fnv(group(id)) % 2 == 1
}

struct Args {
    datasets: Option<PathBuf>,
    docs: Vec<PathBuf>,
    markdown: Vec<PathBuf>,
    show_fp: usize,
    show_fn: usize,
    /// Which half `--show-fp`/`--show-fn` print: `Some(false)` dev, `Some(true)` held-out, `None` all.
    show_held: Option<bool>,
    write_sample: Option<PathBuf>,
}

fn parse_args() -> Args {
    let mut args = Args {
        datasets: None,
        docs: Vec::new(),
        markdown: Vec::new(),
        show_fp: 0,
        show_fn: 0,
        show_held: Some(false),
        write_sample: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_default();
        match a.as_str() {
            "--datasets" => args.datasets = Some(PathBuf::from(value())),
            "--docs" => args.docs.push(PathBuf::from(value())),
            "--show-fp" => args.show_fp = value().parse().unwrap_or(0),
            "--show-fn" => args.show_fn = value().parse().unwrap_or(0),
            "--markdown" => args.markdown.push(PathBuf::from(value())),
            "--show-split" => {
                args.show_held = match value().as_str() {
                    "dev" => Some(false),
                    "held-out" => Some(true),
                    _ => None,
                }
            }
            "--write-sample" => args.write_sample = Some(PathBuf::from(value())),
            _ => {
                eprintln!(
                    "usage: eval [--datasets DIR] [--docs DIR] [--markdown DIR] [--show-fp N] [--show-fn N] \
                     [--show-split dev|held-out|all] [--write-sample DIR]"
                );
                std::process::exit(2);
            }
        }
    }
    if args.datasets.is_none() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let candidates = [
            std::env::var_os("MCPWARD_DATASETS").map(PathBuf::from),
            Some(root.join("../shared/datasets")),
            Some(root.join("../../shared/datasets")),
        ];
        args.datasets = candidates.into_iter().flatten().find(|p| p.is_dir());
    }
    if args.docs.is_empty()
        && let Some(home) = std::env::var_os("HOME")
        && let Ok(entries) = std::fs::read_dir(Path::new(&home).join(".cargo/registry/src"))
    {
        args.docs = entries.flatten().map(|e| e.path()).collect();
        args.docs.sort();
    }
    if args.markdown.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        args.markdown = [
            PathBuf::from("/usr/lib/node_modules"),
            root.join("target/e2e/node_modules"),
        ]
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    }
    args
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn read_jsonl(path: &Path) -> Option<Vec<Value>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    )
}

fn join_lines(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// Inserts `attack` in the middle of `ctx`, at the sentence or line break nearest the middle.
fn insert_middle(ctx: &str, attack: &str) -> String {
    let mut mid = ctx.len() / 2;
    while !ctx.is_char_boundary(mid) {
        mid -= 1;
    }
    let at = ctx[mid..]
        .find(['\n', '.'])
        .map(|i| mid + i + 1)
        .filter(|&i| ctx.is_char_boundary(i))
        .unwrap_or_else(|| {
            (0..=mid)
                .rev()
                .find(|&i| ctx.is_char_boundary(i))
                .unwrap_or(0)
        });
    format!("{} {} {}", &ctx[..at], attack, &ctx[at..])
}

/// The BIPIA set: attacks alone, inserted into contexts, and the clean contexts.
fn bipia(dir: &Path, attacks_file: &str, contexts: &[&str]) -> Option<Vec<Sample>> {
    let attacks = read_json(&dir.join(attacks_file))?;
    let mut list: Vec<(String, String)> = Vec::new();
    for (category, items) in attacks.as_object()? {
        for (i, a) in items.as_array()?.iter().enumerate() {
            list.push((format!("{category}#{i}"), a.as_str()?.to_owned()));
        }
    }
    let mut samples = Vec::new();
    for (id, attack) in &list {
        samples.push(Sample {
            id: format!("alone:{id}"),
            text: attack.clone(),
            positive: true,
        });
    }
    for ctx_name in contexts {
        let rows = read_jsonl(&dir.join(ctx_name).join("train.jsonl"))?;
        let ctxs: Vec<String> = rows.iter().map(|r| join_lines(&r["context"])).collect();
        for (k, c) in ctxs.iter().enumerate() {
            samples.push(Sample {
                id: format!("{ctx_name}-clean:{k}"),
                text: c.clone(),
                positive: false,
            });
        }
        if ctxs.is_empty() {
            continue;
        }
        for (i, (id, attack)) in list.iter().enumerate() {
            for j in 0..4 {
                let k = (i * 7 + j * 13) % ctxs.len();
                let c = &ctxs[k];
                for (pos, text) in [
                    ("start", format!("{attack}\n{c}")),
                    ("middle", insert_middle(c, attack)),
                    ("end", format!("{c}\n{attack}")),
                ] {
                    samples.push(Sample {
                        id: format!("{ctx_name}:{id}:{k}:{pos}"),
                        text,
                        positive: true,
                    });
                }
            }
        }
    }
    Some(samples)
}

fn cyberseceval(dir: &Path) -> Option<Vec<Sample>> {
    let cases = read_json(&dir.join("prompt_injection.json"))?;
    Some(
        cases
            .as_array()?
            .iter()
            .filter_map(|c| {
                Some(Sample {
                    id: format!(
                        "cse:{:016x}:{}:{}",
                        fnv(c["user_input"].as_str()?),
                        c["prompt_id"],
                        c["injection_variant"].as_str().unwrap_or("")
                    ),
                    text: c["user_input"].as_str()?.to_owned(),
                    positive: true,
                })
            })
            .collect(),
    )
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 8 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out, depth + 1);
        } else {
            out.push(p);
        }
    }
}

/// Cuts `text` into chunks of at most `max` bytes at paragraph breaks (a longer paragraph is a
/// chunk of its own, cut at a char boundary).
fn chunks(text: &str, max: usize, out: &mut Vec<String>) {
    let mut cur = String::new();
    for para in text.split("\n\n") {
        if !cur.is_empty() && cur.len() + para.len() + 2 > max {
            out.push(std::mem::take(&mut cur));
        }
        if para.len() > max {
            let mut rest = para;
            while !rest.is_empty() {
                let mut cut = rest.len().min(max);
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                out.push(rest[..cut].to_owned());
                rest = &rest[cut..];
            }
            continue;
        }
        if !cur.is_empty() {
            cur.push_str("\n\n");
        }
        cur.push_str(para);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
}

fn doc_comments(source: &str) -> String {
    let mut out = String::new();
    let mut in_block = false;
    for line in source.lines() {
        let t = line.trim_start();
        let body = t.strip_prefix("///").or_else(|| t.strip_prefix("//!"));
        match body {
            Some(b) => {
                out.push_str(b.strip_prefix(' ').unwrap_or(b));
                out.push('\n');
                in_block = true;
            }
            None if in_block => {
                out.push('\n');
                in_block = false;
            }
            None => {}
        }
    }
    out
}

/// Documentation chunks of each crate directory under the given roots.
fn docs_corpus(roots: &[PathBuf]) -> Vec<Sample> {
    let mut samples = Vec::new();
    // A chunk two versions of a crate share is counted once.
    let mut seen = std::collections::HashSet::new();
    for root in roots {
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        let mut crates: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        crates.sort();
        for krate in crates.iter().filter(|p| p.is_dir()) {
            let name = krate
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            let mut files = Vec::new();
            walk(krate, &mut files, 0);
            let mut texts = Vec::new();
            for f in &files {
                let rel = f.strip_prefix(krate).unwrap_or(f);
                let rel_s = rel.to_string_lossy();
                let fname = rel
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().to_lowercase());
                let is_readme = rel.components().count() == 1 && fname.starts_with("readme");
                let is_doc = rel_s.starts_with("docs/") && fname.ends_with(".md");
                let is_src = rel_s.starts_with("src/") && fname.ends_with(".rs");
                if !(is_readme || is_doc || is_src) {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(f) else {
                    continue;
                };
                let text = if is_src { doc_comments(&text) } else { text };
                let mut cs = Vec::new();
                chunks(&text, 4096, &mut cs);
                for (i, c) in cs.into_iter().enumerate() {
                    if c.trim().len() < 40 || !seen.insert(fnv(&c)) {
                        continue;
                    }
                    texts.push((format!("docs:{name}/{rel_s}#{i}"), c));
                }
            }
            samples.extend(texts.into_iter().map(|(id, text)| Sample {
                id,
                text,
                positive: false,
            }));
        }
    }
    samples
}

/// Every `*.md` file under the roots (`node_modules/PACKAGE/...`, `node_modules/@SCOPE/PACKAGE/...`
/// name the package), cut into 4 KiB chunks like the crate documentation.
fn markdown_corpus(roots: &[PathBuf]) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for root in roots {
        let mut files = Vec::new();
        walk(root, &mut files, 0);
        for f in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")))
        {
            let rel = f
                .strip_prefix(root)
                .unwrap_or(f)
                .to_string_lossy()
                .into_owned();
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            // The same package installed twice is counted once.
            if !seen.insert(fnv(&text)) {
                continue;
            }
            // The package: the path's part after its last `node_modules/`.
            let tail = rel.rsplit("node_modules/").next().unwrap_or(&rel);
            let mut comps = tail.split('/');
            let first = comps.next().unwrap_or("");
            let package = if first.starts_with('@') {
                format!("{first}+{}", comps.next().unwrap_or(""))
            } else {
                first.to_owned()
            };
            let mut cs = Vec::new();
            chunks(&text, 4096, &mut cs);
            for (i, c) in cs.into_iter().enumerate() {
                if c.trim().len() < 40 {
                    continue;
                }
                samples.push(Sample {
                    id: format!("md:{package}/{tail}#{i}"),
                    text: c,
                    positive: false,
                });
            }
        }
    }
    samples
}

fn excerpt(text: &str, start: usize, end: usize) -> String {
    let mut a = start.saturating_sub(60);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 60).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    text[a..b].replace('\n', "⏎")
}

/// Screens every sample and prints one line for the set; returns (dev, held-out) counts.
fn evaluate(name: &str, samples: &[Sample], args: &Args) -> (Counts, Counts) {
    let mut dev = Counts::default();
    let mut held = Counts::default();
    let mut shown_fp = 0;
    let mut shown_fn = 0;
    let mut bytes = 0;
    let start = Instant::now();
    for s in samples {
        bytes += s.text.len();
        let r = screen(&s.text);
        let flagged = r.injection.detected;
        if held_out(&s.id) {
            held.add(s.positive, flagged);
        } else {
            dev.add(s.positive, flagged);
        }
        let shown = args.show_held.is_none_or(|h| h == held_out(&s.id));
        if shown && !s.positive && flagged && shown_fp < args.show_fp {
            shown_fp += 1;
            let mut line = format!("  FP {} score {:.2}:", s.id, r.injection.score);
            for t in &r.injection.triggers {
                let _ = write!(
                    line,
                    "\n      [{}] {}",
                    t.signal,
                    excerpt(&r.text, t.start, t.end)
                );
            }
            println!("{line}");
        }
        if shown && s.positive && !flagged && shown_fn < args.show_fn {
            shown_fn += 1;
            let sigs: Vec<_> = r.injection.triggers.iter().map(|t| t.signal).collect();
            println!(
                "  FN {} score {:.2} {:?}: {}",
                s.id,
                r.injection.score,
                sigs,
                s.text
                    .chars()
                    .take(160)
                    .collect::<String>()
                    .replace('\n', "⏎")
            );
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mut all = dev;
    all.merge(held);
    println!("{name:<28} all      {}", all.line());
    println!("{:<28} dev      {}", "", dev.line());
    println!("{:<28} held-out {}", "", held.line());
    println!(
        "{:<28} ({} samples, {:.1} MB in {:.2} s)",
        "",
        samples.len(),
        bytes as f64 / 1e6,
        secs
    );
    (dev, held)
}

fn secrets(dir: &Path) {
    println!(
        "\n== secrets (mcpward_guard::find_secrets; a case is flagged when anything is found)"
    );
    let mut files = Vec::new();
    walk(dir, &mut files, 0);
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "jsonl"))
    {
        let Some(rows) = read_jsonl(f) else { continue };
        let mut c = Counts::default();
        for r in &rows {
            let positive = match (r.get("kind").and_then(Value::as_str), r.get("should_flag")) {
                (Some(k), _) => k == "tp",
                (None, Some(Value::Bool(b))) => *b,
                _ => continue,
            };
            let text = r.get("text").and_then(Value::as_str).unwrap_or("");
            c.add(positive, !mcpward_guard::find_secrets(text).is_empty());
        }
        let name = f
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        println!(
            "{name:<28} tp {:3}/{:3} found (recall {:6.2}%)  fp {:3}/{:3} flagged ({:5.2}%)",
            c.tp,
            c.tp + c.fn_,
            100.0 * c.tp as f64 / (c.tp + c.fn_).max(1) as f64,
            c.fp,
            c.fp + c.tn,
            100.0 * c.fp as f64 / (c.fp + c.tn).max(1) as f64,
        );
    }
}

fn tools(dir: &Path) {
    println!(
        "\n== tool screening (mcpward_guard::tools::screen_tool on real tools/list replies; must be 0)"
    );
    let mut files = Vec::new();
    walk(dir, &mut files, 0);
    let mut total = 0;
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let Some(v) = read_json(f) else { continue };
        let list = v["result"]["tools"].as_array().cloned().unwrap_or_default();
        let mut n = 0;
        for t in &list {
            for finding in mcpward_guard::tools::screen_tool(t) {
                n += 1;
                println!(
                    "  {} {}: {} at {}: {}",
                    f.display(),
                    t["name"],
                    finding.kind.as_str(),
                    finding.location,
                    finding.excerpt
                );
            }
        }
        total += n;
        let name = f
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        println!("{name:<28} {:3} tools, {n} findings", list.len());
    }
    println!("{:<28} {total} findings in all", "total");
}

fn write_sample(dir: &Path, sets: &[(&str, Vec<Sample>)]) {
    // Attacks alone (MIT-licensed sets); contexts and documentation are not copied.
    let mut out = String::new();
    for (name, samples) in sets {
        for s in samples
            .iter()
            .filter(|s| s.positive && (s.id.starts_with("alone:") || s.id.starts_with("cse:")))
        {
            let row =
                serde_json::json!({"set": name, "id": s.id, "text": s.text, "injection": true});
            out.push_str(&row.to_string());
            out.push('\n');
        }
    }
    let path = dir.join("injection-attacks.jsonl");
    match std::fs::write(&path, out) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
}

fn main() {
    let args = parse_args();
    let mut positives = Counts::default();
    let mut positives_held = Counts::default();
    let mut sets: Vec<(&str, Vec<Sample>)> = Vec::new();
    println!("== injection (screen(text).injection.detected)");
    match &args.datasets {
        None => println!(
            "DATASETS ABSENT: no ../shared/datasets beside the workspace and no --datasets or \
             $MCPWARD_DATASETS; only the documentation corpus is measured"
        ),
        Some(d) => {
            println!("datasets: {}", d.display());
            let pi = d.join("prompt-injection");
            let loaded = [
                ("cyberseceval", cyberseceval(&pi.join("cyberseceval"))),
                (
                    "bipia-text (email, table)",
                    bipia(
                        &pi.join("bipia-train"),
                        "text_attack_train.json",
                        &["email", "table"],
                    ),
                ),
                (
                    "bipia-code (code)",
                    bipia(&pi.join("bipia-train"), "code_attack_train.json", &["code"]),
                ),
            ];
            for (name, set) in loaded {
                match set {
                    Some(s) => sets.push((name, s)),
                    None => println!("{name:<28} ABSENT or unreadable under {}", pi.display()),
                }
            }
        }
    }
    for (name, samples) in &sets {
        let (dev, held) = evaluate(name, samples, &args);
        positives.merge(Counts {
            tp: dev.tp,
            fn_: dev.fn_,
            ..Counts::default()
        });
        positives_held.merge(Counts {
            tp: held.tp,
            fn_: held.fn_,
            ..Counts::default()
        });
        if name.starts_with("bipia") {
            // Attacks alone, per set, for comparison with the inserted ones.
            let alone: Vec<Sample> = samples
                .iter()
                .filter(|s| s.id.starts_with("alone:"))
                .map(|s| Sample {
                    id: s.id.clone(),
                    text: s.text.clone(),
                    positive: true,
                })
                .collect();
            let _ = evaluate(
                &format!("  {name}, attacks alone"),
                &alone,
                &Args {
                    show_fp: 0,
                    show_fn: 0,
                    ..args_clone(&args)
                },
            );
        }
    }
    if let Some(dir) = &args.write_sample {
        write_sample(dir, &sets);
    }
    let docs = docs_corpus(&args.docs);
    if docs.is_empty() {
        println!(
            "documentation corpus ABSENT (no crate directories under --docs / ~/.cargo/registry/src)"
        );
    }
    let (ddev, dheld) = evaluate("docs (registry crates)", &docs, &args);
    let mut all_docs = ddev;
    all_docs.merge(dheld);
    let md = markdown_corpus(&args.markdown);
    let md_fp = if md.is_empty() {
        println!("markdown corpus ABSENT (no --markdown and no node_modules found)");
        None
    } else {
        let (mdev, mheld) = evaluate("markdown (npm packages)", &md, &args);
        let mut all = mdev;
        all.merge(mheld);
        Some(all)
    };
    let mut all_pos = positives;
    all_pos.merge(positives_held);
    println!(
        "\nSUMMARY injection recall (all positive sets) {:.2}% (dev {:.2}%, held-out {:.2}%); \
         false positives on documentation {:.2}% ({} of {} chunks)",
        100.0 * all_pos.tp as f64 / (all_pos.tp + all_pos.fn_).max(1) as f64,
        100.0 * positives.tp as f64 / (positives.tp + positives.fn_).max(1) as f64,
        100.0 * positives_held.tp as f64 / (positives_held.tp + positives_held.fn_).max(1) as f64,
        100.0 * all_docs.fp as f64 / (all_docs.fp + all_docs.tn).max(1) as f64,
        all_docs.fp,
        all_docs.fp + all_docs.tn,
    );
    if let Some(m) = md_fp {
        println!(
            "SUMMARY false positives on npm packages' Markdown {:.2}% ({} of {} chunks)",
            100.0 * m.fp as f64 / (m.fp + m.tn).max(1) as f64,
            m.fp,
            m.fp + m.tn,
        );
    }
    match &args.datasets {
        Some(d) => {
            secrets(&d.join("secrets"));
            tools(&d.join("mcp/tools-list"));
        }
        None => println!("\nsecrets and tool screening: DATASETS ABSENT"),
    }
}

fn args_clone(a: &Args) -> Args {
    Args {
        datasets: a.datasets.clone(),
        docs: a.docs.clone(),
        show_fp: a.show_fp,
        show_fn: a.show_fn,
        markdown: a.markdown.clone(),
        show_held: a.show_held,
        write_sample: None,
    }
}
