//! `scan` speed: 50 config files of every format, loaded from bytes and run through every rule.
//! Target (DESIGN §7): a home directory's configs in under 100 ms.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use mcpward_config::discover::Candidate;
use mcpward_config::{Client, ConfigKind, Format, load};
use mcpward_scan::{Input, NoFacts, scan};

const MCP_JSON: &str = include_str!("../../../examples/.mcp.json");
const CURSOR: &str = include_str!("../../../examples/.cursor/mcp.json");
const VSCODE: &str = include_str!("../../../examples/.vscode/mcp.json");
const CODEX: &str = include_str!("../../../examples/.codex/config.toml");
const GEMINI: &str = include_str!("../../../examples/.gemini/settings.json");
const ROO: &str = include_str!("../../../examples/.roo/mcp.json");
const CLAUDE: &str = include_str!("../../../examples/.claude/settings.json");
const CONTINUE: &str = include_str!("../../../examples/.continue/config.yaml");
const ZED: &str = include_str!("../../../examples/.zed/settings.json");
const BROKEN: &str = include_str!("../../../examples/broken/.cursor/mcp.json");

fn corpus() -> Vec<(Candidate, &'static str)> {
    let kinds = [
        (
            MCP_JSON,
            Client::ClaudeCode,
            ConfigKind::McpServers,
            Format::Json,
        ),
        (CURSOR, Client::Cursor, ConfigKind::McpServers, Format::Json),
        (VSCODE, Client::VsCode, ConfigKind::VsCodeMcp, Format::Json),
        (CODEX, Client::Codex, ConfigKind::CodexToml, Format::Toml),
        (
            GEMINI,
            Client::GeminiCli,
            ConfigKind::GeminiSettings,
            Format::Json,
        ),
        (ROO, Client::RooCode, ConfigKind::McpServers, Format::Json),
        (
            CLAUDE,
            Client::ClaudeCode,
            ConfigKind::ClaudeSettings,
            Format::Json,
        ),
        (
            CONTINUE,
            Client::Continue,
            ConfigKind::ContinueConfig,
            Format::Yaml,
        ),
        (ZED, Client::Zed, ConfigKind::ZedSettings, Format::Json),
        (BROKEN, Client::Cursor, ConfigKind::McpServers, Format::Json),
    ];
    (0..50)
        .map(|i| {
            let (text, client, kind, format) = kinds[i % kinds.len()];
            let path = PathBuf::from(format!("/bench/{i}/config"));
            (
                Candidate {
                    path,
                    client,
                    kind,
                    format,
                },
                text,
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    let run = || {
        let mut input = Input {
            home: Some("/home/dev".into()),
            ..Input::default()
        };
        for (candidate, text) in &files {
            match load(candidate, text.as_bytes()) {
                Ok(doc) => input.docs.push(doc),
                Err(e) => input.errors.push((candidate.client, e)),
            }
        }
        scan(&input, &NoFacts)
    };
    let report = run();
    println!(
        "50 configs: {} servers, {} findings",
        report.servers.len(),
        report.findings.len()
    );
    c.bench_function("scan_50_configs", |b| b.iter(|| black_box(run())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
