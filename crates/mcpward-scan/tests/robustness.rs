//! The scan pipeline never panics on untrusted input, and findings always point inside the file.
//! (`fuzz/fuzz_targets/config_scan.rs` explores the same property with coverage guidance.)

use mcpward_config::discover::Candidate;
use mcpward_config::{Client, ConfigKind, Format, load};
use mcpward_scan::{Input, NoFacts, Report, render, rules, scan};
use proptest::prelude::*;

const KINDS: [(Client, ConfigKind, Format); 10] = mcpward_config::SCHEMAS;

fn run(kind: usize, bytes: &[u8]) -> Report {
    let (client, kind, format) = KINDS[kind % KINDS.len()];
    let candidate = Candidate {
        path: "/p/config".into(),
        client,
        kind,
        format,
    };
    let mut input = Input {
        home: Some("/home/u".into()),
        ..Input::default()
    };
    match load(&candidate, bytes) {
        Ok(doc) => input.docs.push(doc),
        Err(e) => input.errors.push((client, e)),
    }
    let report = scan(&input, &NoFacts);
    let text = input.docs.first().map(|d| d.text.clone());
    let _ = render::json::render(&report);
    let _ = render::sarif::render(&report, rules::all(), None);
    let _ = render::human::render(&report, &|_| text.as_deref(), false);
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    for f in &report.findings {
        assert!(f.line as usize <= lines, "{f:?}");
        if let Some((s, e)) = f.span {
            assert!(s <= e && e <= bytes.len(), "{f:?}");
        }
    }
    report
}

/// Strings that exercise the launch parser and the rules: flags, paths, URLs, quotes, Unicode.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-a-zA-Z0-9_@/:.=~${}\\\\ ]{0,24}",
        Just("-y".to_string()),
        Just("run".to_string()),
        Just("-v".to_string()),
        Just("--privileged".to_string()),
        Just("-c".to_string()),
        Just("/c".to_string()),
        Just("--from".to_string()),
        Just("--with".to_string()),
        Just("-e".to_string()),
        Just("http://[::1".to_string()),
        Just("https://u:p@h?token=".to_string()),
        Just("é\u{202e}\u{0}".to_string()),
        Just("@".to_string()),
        Just("=".to_string()),
        Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(kind in 0usize..10, bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run(kind, &bytes);
    }

    #[test]
    fn arbitrary_launches_never_panic(
        kind in 0usize..10,
        command in prop_oneof![Just("npx"), Just("uvx"), Just("docker"), Just("podman"), Just("bash"), Just("cmd"), Just("powershell"), Just("uv"), Just("pipx"), Just("node"), Just("python3"), Just("deno"), Just("pnpm"), Just("npx -y x@1")],
        args in proptest::collection::vec(word(), 0..10),
        env_value in word(),
        url in word(),
    ) {
        let server = serde_json::json!({"command": command, "args": args, "env": {"TOKEN": env_value}});
        let remote = serde_json::json!({"url": url, "headers": {"Authorization": env_value}});
        let doc = match KINDS[kind].1 {
            ConfigKind::VsCodeMcp => serde_json::json!({"servers": {"a": server, "b": remote}}),
            ConfigKind::ZedSettings => serde_json::json!({"context_servers": {"a": server}}),
            ConfigKind::ClaudeUserState => serde_json::json!({"projects": {"/p": {"mcpServers": {"a": server, "b": remote}}}}),
            ConfigKind::VsCodeSettings => serde_json::json!({"mcp": {"servers": {"a": server}}}),
            _ => serde_json::json!({"mcpServers": {"a": server, "b": remote}}),
        };
        let text = match KINDS[kind].2 {
            // JSON is valid YAML; TOML gets its own rendering.
            Format::Json | Format::Yaml => doc.to_string(),
            Format::Toml => format!(
                "[mcp_servers.a]\ncommand = {}\nargs = {}\n[mcp_servers.a.env]\nTOKEN = {}\n[mcp_servers.b]\nurl = {}\n",
                serde_json::json!(command), serde_json::json!(args), serde_json::json!(env_value), serde_json::json!(url)
            ),
        };
        let report = run(kind, text.as_bytes());
        // Well-formed input is never a parse error, except where the list form is expected.
        if !matches!(KINDS[kind].1, ConfigKind::ContinueConfig | ConfigKind::ContinueServerFile) {
            prop_assert!(report.configs.iter().all(|c| c.status == "parsed"), "{text}");
        }
    }
}
