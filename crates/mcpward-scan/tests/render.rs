//! The report renderers: JSON (DESIGN §3 contract), SARIF (validated against the SARIF 2.1.0
//! schema) and human output (snapshots, colour, and secrets never shown).

use std::path::Path;

use mcpward_scan::render::{human, json, sarif};
use mcpward_scan::rules::RuleMeta;
use mcpward_scan::{
    Capability, ConfigReport, Ecosystem, Finding, PackageInfo, Report, ServerReport, Severity,
};
use serde_json::Value;

const PROJECT: &str = "/home/dev/project";
const MCP_JSON: &str = "/home/dev/project/.mcp.json";
const CURSOR_JSON: &str = "/home/dev/project/.cursor/mcp.json";
const WINDSURF_JSON: &str = "/home/dev/.codeium/windsurf/mcp_config.json";

/// Secrets that appear in the source text handed to the human renderer and must never be printed.
const TOKEN_ENV: &str = "ghp_R3alLookingT0kenValue000000000003f9a";
const TOKEN_ARG: &str = "ghp_An0therLiveT0kenInArgs0000000000b7c1";
const TOKEN_URL: &str = "s3cr3tpassw0rd";

fn mcp_json_source() -> String {
    format!(
        r#"{{
  "mcpServers": {{
    "github": {{
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github", "--token", "{TOKEN_ARG}"],
      "env": {{
        "GITHUB_TOKEN": "{TOKEN_ENV}"
      }}
    }},
    "fetch": {{
      "type": "http",
      "url": "http://admin:{TOKEN_URL}@mcp.example.com/mcp"
    }}
  }}
}}
"#
    )
}

/// The byte span of the `n`th (0-based) occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str, n: usize) -> (usize, usize) {
    let start = text
        .match_indices(needle)
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{needle:?} not in the fixture"));
    (start, start + needle.len())
}

/// 1-based line and character column of a byte offset.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line as u32, column as u32)
}

#[allow(clippy::too_many_arguments)]
fn finding(
    source: Option<&str>,
    rule: &'static str,
    severity: Severity,
    server: Option<&str>,
    path: &str,
    span: Option<(usize, usize)>,
    message: &str,
    fix: &str,
) -> Finding {
    let (line, column) = match (source, span) {
        (Some(text), Some((start, _))) => line_col(text, start),
        _ => (0, 0),
    };
    Finding {
        rule,
        severity,
        server: server.map(str::to_owned),
        path: path.to_owned(),
        line,
        column,
        message: message.to_owned(),
        fix: fix.to_owned(),
        span,
    }
}

fn report(mcp: &str) -> Report {
    let github = format!("{MCP_JSON}#github");
    let fetch = format!("{MCP_JSON}#fetch");
    let filesystem = format!("{CURSOR_JSON}#filesystem");
    let mut findings = vec![
        finding(
            Some(mcp),
            "secret-in-config",
            Severity::Critical,
            Some(&github),
            MCP_JSON,
            Some(span_of(mcp, &format!("\"{TOKEN_ENV}\""), 0)),
            "GITHUB_TOKEN holds a literal GitHub personal access token (ghp_…3f9a).",
            "Move the token to your shell environment or a secret manager and reference it as \"${GITHUB_TOKEN}\".",
        ),
        finding(
            Some(mcp),
            "secret-in-config",
            Severity::Critical,
            Some(&github),
            MCP_JSON,
            Some(span_of(mcp, &format!("\"{TOKEN_ARG}\""), 0)),
            "An argument holds a literal GitHub personal access token (ghp_…b7c1).",
            "Pass the token through the environment instead of the command line.",
        ),
        // The URL's credentials are reported without a span: the line must never be quoted.
        Finding {
            span: None,
            ..finding(
                Some(mcp),
                "token-in-url",
                Severity::High,
                Some(&fetch),
                MCP_JSON,
                Some(span_of(mcp, "http://admin:", 0)),
                "The URL carries credentials (admin:s3…0rd).",
                "Send credentials in a header from the environment, not in the URL.",
            )
        },
        finding(
            Some(mcp),
            "insecure-transport",
            Severity::High,
            Some(&fetch),
            MCP_JSON,
            Some(span_of(mcp, "http://", 0)),
            "The server is reached over plain http://.",
            "Use https://.",
        ),
        finding(
            Some(mcp),
            "unpinned-package",
            Severity::Medium,
            Some(&github),
            MCP_JSON,
            Some(span_of(mcp, "\"@modelcontextprotocol/server-github\"", 0)),
            "npx runs the latest @modelcontextprotocol/server-github on every start.",
            "Pin a version: \"@modelcontextprotocol/server-github@2025.4.8\".",
        ),
        // No source text for this file: the finding falls back to path:line:col.
        Finding {
            line: 4,
            column: 32,
            ..finding(
                None,
                "broad-filesystem-scope",
                Severity::High,
                Some(&filesystem),
                CURSOR_JSON,
                Some((60, 61)),
                "The filesystem server can read and write your whole home directory (~).",
                "Limit it to the project directory.",
            )
        },
        finding(
            None,
            "config-world-readable",
            Severity::Low,
            None,
            CURSOR_JSON,
            None,
            "The file is readable by every user on this machine (mode 0644).",
            "chmod 600 the file.",
        ),
        Finding {
            line: 3,
            column: 5,
            ..finding(
                None,
                "unknown-package",
                Severity::Info,
                Some(&filesystem),
                CURSOR_JSON,
                None,
                "mcp-fs-pro is not in the catalogue of known servers.",
                "",
            )
        },
    ];
    // Most severe first, as the scanner emits them.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Report {
        version: 1,
        configs: vec![
            ConfigReport {
                path: MCP_JSON.to_owned(),
                client: "claude-code".to_owned(),
                status: "parsed",
                error: None,
            },
            ConfigReport {
                path: CURSOR_JSON.to_owned(),
                client: "cursor".to_owned(),
                status: "parsed",
                error: None,
            },
            ConfigReport {
                path: WINDSURF_JSON.to_owned(),
                client: "windsurf".to_owned(),
                status: "parsed",
                error: None,
            },
        ],
        servers: vec![
            ServerReport {
                id: github,
                name: "github".to_owned(),
                client: "claude-code".to_owned(),
                path: MCP_JSON.to_owned(),
                transport: "stdio",
                command: Some("npx".to_owned()),
                args: vec![
                    "-y".to_owned(),
                    "@modelcontextprotocol/server-github".to_owned(),
                    "--token".to_owned(),
                    "ghp_…b7c1".to_owned(),
                ],
                url: None,
                env_keys: vec!["GITHUB_TOKEN".to_owned()],
                package: Some(PackageInfo {
                    ecosystem: Ecosystem::Npm,
                    name: "@modelcontextprotocol/server-github".to_owned(),
                    version: None,
                }),
                capabilities: vec![
                    Capability::Secrets,
                    Capability::Messaging,
                    Capability::UntrustedContent,
                ],
                connection: None,
            },
            ServerReport {
                id: fetch,
                name: "fetch".to_owned(),
                client: "claude-code".to_owned(),
                path: MCP_JSON.to_owned(),
                transport: "http",
                command: None,
                args: vec![],
                url: Some("http://admin:***@mcp.example.com/mcp".to_owned()),
                env_keys: vec![],
                package: None,
                capabilities: vec![Capability::NetFetch, Capability::UntrustedContent],
                connection: None,
            },
            ServerReport {
                id: filesystem,
                name: "filesystem".to_owned(),
                client: "cursor".to_owned(),
                path: CURSOR_JSON.to_owned(),
                transport: "stdio",
                command: Some("mcp-fs-pro".to_owned()),
                args: vec!["--root".to_owned(), "/home/dev".to_owned()],
                url: None,
                env_keys: vec![],
                package: Some(PackageInfo {
                    ecosystem: Ecosystem::Binary,
                    name: "mcp-fs-pro".to_owned(),
                    version: None,
                }),
                capabilities: vec![Capability::FsRead, Capability::FsWrite],
                connection: None,
            },
            ServerReport {
                id: format!("{WINDSURF_JSON}#memory"),
                name: "memory".to_owned(),
                client: "windsurf".to_owned(),
                path: WINDSURF_JSON.to_owned(),
                transport: "stdio",
                command: Some("uvx".to_owned()),
                args: vec!["mcp-memory==1.2.0".to_owned(), "--db path".to_owned()],
                url: None,
                env_keys: vec![],
                package: Some(PackageInfo {
                    ecosystem: Ecosystem::Pypi,
                    name: "mcp-memory".to_owned(),
                    version: Some("1.2.0".to_owned()),
                }),
                capabilities: vec![],
                connection: None,
            },
        ],
        findings,
    }
}

/// Rule metadata for every rule the fixture uses, in catalogue order.
const RULES: &[RuleMeta] = &[
    RuleMeta {
        id: "secret-in-config",
        default_severity: Severity::Critical,
        title: "A literal credential in a config file",
        doc: "## What it does\nFinds literal credentials in `env`, `args` and headers.\n\n## Fix\nReference an environment variable.\n",
    },
    RuleMeta {
        id: "token-in-url",
        default_severity: Severity::High,
        title: "Credentials in a server URL",
        doc: "## What it does\nFinds userinfo and token query parameters in URLs.\n",
    },
    RuleMeta {
        id: "unpinned-package",
        default_severity: Severity::Medium,
        title: "A package launched without a pinned version",
        doc: "## What it does\nFinds npx/uvx launches without a version.\n",
    },
    RuleMeta {
        id: "unknown-package",
        default_severity: Severity::Info,
        title: "A package not in the catalogue",
        doc: "",
    },
    RuleMeta {
        id: "broad-filesystem-scope",
        default_severity: Severity::High,
        title: "A filesystem server rooted at home or /",
        doc: "## What it does\nFinds filesystem roots that are too wide.\n",
    },
    RuleMeta {
        id: "insecure-transport",
        default_severity: Severity::High,
        title: "A remote server over plain HTTP or WS",
        doc: "## What it does\nFinds http:// and ws:// URLs to non-loopback hosts.\n",
    },
    RuleMeta {
        id: "config-world-readable",
        default_severity: Severity::Low,
        title: "A config file readable by other users",
        doc: "## What it does\nFinds config files with group or other read permission.\n",
    },
];

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

mod json_format {
    use super::*;

    #[test]
    fn snapshot() {
        let mcp = mcp_json_source();
        insta::assert_snapshot!("scan_json", json::render(&report(&mcp)));
    }

    #[test]
    fn has_exactly_the_design_keys_in_order() {
        let mcp = mcp_json_source();
        let value = parse(&json::render(&report(&mcp)));
        assert_eq!(keys(&value), ["version", "configs", "servers", "findings"]);
        assert_eq!(value["version"], 1);
        for config in value["configs"].as_array().into_iter().flatten() {
            assert_eq!(keys(config), ["path", "client", "status", "error"]);
        }
        let servers = value["servers"].as_array().cloned().unwrap_or_default();
        assert_eq!(servers.len(), 4);
        for server in &servers {
            assert_eq!(
                keys(server),
                [
                    "id",
                    "name",
                    "client",
                    "path",
                    "transport",
                    "command",
                    "args",
                    "url",
                    "env_keys",
                    "package",
                    "capabilities"
                ]
            );
            if !server["package"].is_null() {
                assert_eq!(keys(&server["package"]), ["ecosystem", "name", "version"]);
            }
        }
        let findings = value["findings"].as_array().cloned().unwrap_or_default();
        assert_eq!(findings.len(), 8);
        for finding in &findings {
            assert_eq!(
                keys(finding),
                [
                    "rule", "severity", "server", "path", "line", "column", "message", "fix"
                ]
            );
        }
        assert_eq!(value["servers"][0]["capabilities"][2], "untrusted.content");
        assert_eq!(value["servers"][0]["package"]["ecosystem"], "npm");
        assert_eq!(value["findings"][0]["severity"], "critical");
        assert!(value["findings"][7]["server"].is_null() || findings.len() == 8);
    }

    #[test]
    fn ends_with_one_newline() {
        let mcp = mcp_json_source();
        let text = json::render(&report(&mcp));
        assert!(text.ends_with("}\n"));
    }
}

mod sarif_format {
    use super::*;

    fn render() -> String {
        let mcp = mcp_json_source();
        sarif::render(&report(&mcp), RULES, Some(Path::new(PROJECT)))
    }

    #[test]
    fn validates_against_the_sarif_2_1_0_schema() {
        let schema_path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif/sarif-schema-2.1.0.json");
        let Ok(schema_text) = std::fs::read_to_string(&schema_path) else {
            eprintln!(
                "SKIPPED: {} is missing; see tests/data/sarif/README.md for where to get it",
                schema_path.display()
            );
            return;
        };
        let mut schema = parse(&schema_text);
        // The OASIS schema's `language` pattern has a stray `]`, legal only in ECMA-262's
        // Annex B (non-Unicode) mode, where it is a literal: escape it so the pattern compiles,
        // with the same meaning. We never emit `language`.
        fix_language_pattern(&mut schema);
        let validator = jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("the SARIF schema does not compile: {e}"));
        let mcp = mcp_json_source();
        let report = report(&mcp);
        for (rules, base) in [
            (RULES, Some(Path::new(PROJECT))),
            (mcpward_scan::rules::all(), None),
            (&[][..], Some(Path::new("/elsewhere"))),
        ] {
            let log = parse(&sarif::render(&report, rules, base));
            let errors: Vec<String> = validator
                .iter_errors(&log)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
        }
        // The validator does reject what code scanning would: a line 0 region, a stray property.
        let mut bad = parse(&sarif::render(&report, RULES, None));
        bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
            Value::from(0);
        bad["runs"][0]["results"][1]["severity"] = Value::from("high");
        assert_eq!(validator.iter_errors(&bad).count(), 2);

        let empty = Report {
            version: 1,
            configs: vec![],
            servers: vec![],
            findings: vec![],
        };
        assert!(validator.is_valid(&parse(&sarif::render(&empty, RULES, None))));
    }

    fn fix_language_pattern(value: &mut Value) {
        const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
        const ESCAPED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$";
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "pattern" && child.as_str() == Some(BROKEN) {
                        *child = Value::from(ESCAPED);
                    } else {
                        fix_language_pattern(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(fix_language_pattern),
            _ => {}
        }
    }

    #[test]
    fn snapshot() {
        // The crate version changes with every release; the snapshot should not.
        let version = format!("\"semanticVersion\": \"{}\"", env!("CARGO_PKG_VERSION"));
        let text = render().replace(&version, "\"semanticVersion\": \"[VERSION]\"");
        insta::assert_snapshot!("scan_sarif", text);
    }

    #[test]
    fn driver_and_rules() {
        let log = parse(&render());
        assert_eq!(
            log["$schema"],
            "https://json.schemastore.org/sarif-2.1.0.json"
        );
        assert_eq!(log["version"], "2.1.0");
        let runs = log["runs"].as_array().cloned().unwrap_or_default();
        assert_eq!(runs.len(), 1);
        let driver = &log["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "mcpward");
        assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
        // The home page is given only when the package names one; never a placeholder.
        assert!(
            driver
                .get("informationUri")
                .is_none_or(|uri| uri.as_str().is_some_and(|u| u.starts_with("https://")))
        );
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        assert_eq!(rules.len(), RULES.len());
        let first = &rules[0];
        assert_eq!(first["id"], "secret-in-config");
        assert_eq!(first["name"], "SecretInConfig");
        assert_eq!(
            first["shortDescription"]["text"],
            "A literal credential in a config file"
        );
        assert_eq!(
            first["fullDescription"]["text"],
            "Finds literal credentials in `env`, `args` and headers."
        );
        assert_eq!(first["help"]["markdown"], RULES[0].doc);
        assert_eq!(first["defaultConfiguration"]["level"], "error");
        assert_eq!(first["properties"]["security-severity"], "9.5");
        assert_eq!(first["properties"]["tags"][0], "security");
        let scores: Vec<&str> = rules
            .iter()
            .map(|r| r["properties"]["security-severity"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(scores, ["9.5", "8.0", "5.5", "0.0", "8.0", "8.0", "3.0"]);
        // A rule without a "What it does" section describes itself by its title.
        assert_eq!(
            rules[3]["fullDescription"]["text"],
            "A package not in the catalogue"
        );
    }

    #[test]
    fn results() {
        let log = parse(&render());
        let results = log["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(results.len(), 8);
        let levels: Vec<&str> = results
            .iter()
            .map(|r| r["level"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            levels,
            [
                "error", "error", "error", "error", "error", "warning", "note", "note"
            ]
        );
        let first = &results[0];
        assert_eq!(first["ruleId"], "secret-in-config");
        assert_eq!(first["ruleIndex"], 0);
        assert_eq!(
            first["message"]["text"],
            "GITHUB_TOKEN holds a literal GitHub personal access token (ghp_…3f9a). Fix: Move the \
             token to your shell environment or a secret manager and reference it as \
             \"${GITHUB_TOKEN}\"."
        );
        let location = &first["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], ".mcp.json");
        assert_eq!(location["region"]["startLine"], 7);
        assert_eq!(location["region"]["startColumn"], 25);
        assert_eq!(first["properties"]["server"], format!("{MCP_JSON}#github"));
        let fingerprint = first["partialFingerprints"]["mcpward/v1"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(fingerprint.len(), 16 + 2, "{fingerprint}");
        assert!(fingerprint.ends_with(":1"));

        for result in &results {
            let location = &result["locations"][0]["physicalLocation"];
            assert!(location["artifactLocation"]["uri"].is_string());
            if let Some(line) = location["region"]["startLine"].as_u64() {
                assert!(line >= 1);
            }
        }
        // A whole-file finding has a location but no region; a finding without a message fix
        // keeps its message alone.
        let world = results
            .iter()
            .find(|r| r["ruleId"] == "config-world-readable")
            .cloned()
            .unwrap_or_default();
        let location = &world["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], ".cursor/mcp.json");
        assert!(location.get("region").is_none());
        assert!(world["properties"].get("server").is_none());
        let unknown = results
            .iter()
            .find(|r| r["ruleId"] == "unknown-package")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            unknown["message"]["text"],
            "mcp-fs-pro is not in the catalogue of known servers."
        );
        assert_eq!(
            unknown["locations"][0]["physicalLocation"]["region"]["startColumn"],
            5
        );
    }

    #[test]
    fn paths_outside_the_base_become_file_uris_and_unknown_rules_have_no_index() {
        let mcp = mcp_json_source();
        let log = parse(&sarif::render(
            &report(&mcp),
            &[],
            Some(Path::new("/elsewhere")),
        ));
        let result = &log["runs"][0]["results"][0];
        assert!(result.get("ruleIndex").is_none());
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///home/dev/project/.mcp.json"
        );
    }

    #[test]
    fn fingerprints_do_not_depend_on_the_checkout_directory_or_line() {
        let mcp = mcp_json_source();
        let here = report(&mcp);
        let mut there = here.clone();
        for finding in &mut there.findings {
            finding.path = finding.path.replace(PROJECT, "/ci/work/project");
            finding.server = finding
                .server
                .as_ref()
                .map(|s| s.replace(PROJECT, "/ci/work/project"));
            finding.line += 3;
        }
        let fingerprints = |report: &Report, base: &str| -> Vec<Value> {
            let log = parse(&sarif::render(report, RULES, Some(Path::new(base))));
            log["runs"][0]["results"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|r| {
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .is_some_and(|uri| !uri.starts_with("file:"))
                })
                .map(|r| r["partialFingerprints"].clone())
                .collect()
        };
        let a = fingerprints(&here, PROJECT);
        let b = fingerprints(&there, "/ci/work/project");
        assert_eq!(a.len(), 8);
        assert_eq!(a, b);
        let distinct: std::collections::BTreeSet<String> = a.iter().map(Value::to_string).collect();
        assert_eq!(distinct.len(), a.len(), "fingerprints collide: {a:?}");
    }

    #[test]
    fn identical_findings_get_distinct_fingerprints() {
        let mcp = mcp_json_source();
        let mut report = report(&mcp);
        let mut twin = report.findings[0].clone();
        twin.line += 1;
        report.findings.insert(1, twin);
        let log = parse(&sarif::render(&report, RULES, Some(Path::new(PROJECT))));
        let a = &log["runs"][0]["results"][0]["partialFingerprints"]["mcpward/v1"];
        let b = &log["runs"][0]["results"][1]["partialFingerprints"]["mcpward/v1"];
        let (a, b) = (a.as_str().unwrap_or(""), b.as_str().unwrap_or(""));
        assert_eq!(a.split(':').next(), b.split(':').next());
        assert!(a.ends_with(":1") && b.ends_with(":2"), "{a} {b}");
    }
}

mod human_format {
    use super::*;

    fn render(color: bool) -> String {
        let mcp = mcp_json_source();
        let sources = |path: &str| (path == MCP_JSON).then_some(mcp.as_str());
        human::render(&report(&mcp), &sources, color)
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!("scan_human", render(false));
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = render(false);
        let colored = render(true);
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(colored.contains("\x1b["), "{colored}");
        // Same text once the escapes are gone.
        assert_eq!(strip_ansi(&colored), plain);
    }

    #[test]
    fn secrets_in_the_source_are_never_printed() {
        for color in [false, true] {
            let out = render(color);
            for secret in [TOKEN_ENV, TOKEN_ARG, TOKEN_URL] {
                assert!(!out.contains(secret), "{secret} printed:\n{out}");
            }
            // The secret findings still point at their line, with the value masked.
            assert!(out.contains("\"GITHUB_TOKEN\": [redacted]"), "{out}");
        }
    }

    #[test]
    fn every_finding_and_server_is_shown() {
        let out = render(false);
        let mcp = mcp_json_source();
        for finding in &report(&mcp).findings {
            assert!(
                out.contains(&format!("[{}]: ", finding.rule)),
                "{}",
                finding.rule
            );
            if !finding.fix.is_empty() {
                assert!(
                    out.contains(&format!("fix: {}", finding.fix)),
                    "{}",
                    finding.fix
                );
            }
        }
        assert!(out.contains(&format!(
            "{WINDSURF_JSON} (windsurf): 1 server, no findings"
        )));
        assert!(out.contains("memory (stdio) uvx mcp-memory==1.2.0 '--db path'\n"));
        // Without its source, a finding shows where it is.
        assert!(out.contains(&format!("{CURSOR_JSON}:4:32")), "{out}");
    }

    #[test]
    fn untrusted_text_cannot_drive_the_terminal() {
        let mut report = Report {
            version: 1,
            configs: vec![],
            servers: vec![],
            findings: vec![],
        };
        report.findings.push(Finding {
            rule: "unknown-package",
            severity: Severity::Info,
            server: None,
            path: "/tmp/evil\u{1b}]0;pwned\u{7}.json".to_owned(),
            line: 1,
            column: 1,
            message: "name \u{202e}txt.exe".to_owned(),
            fix: "\u{1b}[2J".to_owned(),
            span: Some((0, 3)),
        });
        let source = "\u{9b}31mabc\n";
        let sources = |_: &str| Some(source);
        let out = human::render(&report, &sources, false);
        assert!(!out.contains('\x1b'), "{out:?}");
        assert!(!out.contains('\u{9b}'), "{out:?}");
        assert!(!out.contains('\u{202e}'), "{out:?}");
        assert!(out.contains("\\u{1b}"), "{out:?}");
    }

    #[test]
    fn empty_report() {
        let report = Report {
            version: 1,
            configs: vec![],
            servers: vec![],
            findings: vec![],
        };
        let out = human::render(&report, &|_| None, false);
        assert_eq!(
            out,
            "mcpward scan: 0 configs, 0 servers, no findings\n\nsummary: no MCP client configs found\n"
        );
    }

    fn strip_ansi(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                // CSI: ESC [ params final-byte
                if chars.next() == Some('[') {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
