//! `mcpward scan --format sarif`: SARIF 2.1.0 that GitHub code scanning accepts.
//!
//! One run whose `tool.driver.rules` holds one reporting descriptor per [`RuleMeta`], with
//! GitHub's `security-severity` property, and one result per finding. Every result carries a
//! physical location (GitHub rejects the whole upload when a result has none), a region only when
//! the finding has a line (SARIF requires `startLine >= 1`), and a `partialFingerprints` entry that
//! survives line moves and checkouts in different directories.
//!
//! The SARIF objects are small serde structs written here rather than `serde-sarif`: that crate
//! generates several hundred types from the schema at build time (`schemafy`, `syn` 1 and 2,
//! `prettyplease`, `Inflector`, `uriparse`) and adds `typed-builder`, `strum` and `thiserror` at
//! run time, about 40 crates and 15 s of build, to write the dozen objects we emit.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, Prefix};

use serde::Serialize;

use crate::rules::RuleMeta;
use crate::{Finding, Report, Severity};

/// The `$schema` of the log: the SchemaStore copy of the OASIS schema, as GitHub documents.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The tool's home page (the workspace's `repository`).
/// The project's home page, from the package's `repository` field; omitted while it has none.
const INFORMATION_URI: Option<&str> = match env!("CARGO_PKG_REPOSITORY").as_bytes() {
    [] => None,
    _ => Some(env!("CARGO_PKG_REPOSITORY")),
};
/// The `partialFingerprints` key; bump the version if the hashed fields ever change.
const FINGERPRINT_KEY: &str = "mcpward/v1";

/// Renders the report as a SARIF 2.1.0 log, pretty-printed, with a final newline.
///
/// `rules` become `tool.driver.rules` in the given order; a finding whose rule is not among them
/// still gets a result, without `ruleIndex`. A finding's path becomes a relative URI with forward
/// slashes when it lies under `base` (the repository root, for code scanning), a `file://` URI
/// when it is absolute and not under `base`, and a relative URI as written otherwise.
pub fn render(report: &Report, rules: &[RuleMeta], base: Option<&Path>) -> String {
    let mut seen = BTreeMap::<u64, u32>::new();
    let results = report
        .findings
        .iter()
        .map(|finding| result(finding, rules, base, &mut seen))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "mcpward",
                    information_uri: INFORMATION_URI,
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.iter().map(descriptor).collect(),
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    // Every field is a string, an integer, a sequence or a map with string keys: serde_json
    // cannot fail on it.
    let mut out = serde_json::to_string_pretty(&log).expect("a SARIF log always serializes");
    out.push('\n');
    out
}

/// The SARIF `level` of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like score; ≥ 9.0 shows as critical, ≥ 7.0 high,
/// ≥ 4.0 medium, > 0 low).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// `secret-in-config` → `SecretInConfig`.
fn camel_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut upper = true;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The first paragraph of the doc's "What it does" section, else the title.
fn full_description(rule: &RuleMeta) -> String {
    let mut lines = rule.doc.lines().skip_while(|line| {
        let heading = line.trim_start_matches('#').trim();
        !(line.starts_with('#') && heading.eq_ignore_ascii_case("what it does"))
    });
    // Skip the heading itself, then blank lines; stop at the next blank line or heading.
    lines.next();
    let paragraph: Vec<&str> = lines
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::trim)
        .collect();
    if paragraph.is_empty() {
        rule.title.to_owned()
    } else {
        paragraph.join(" ")
    }
}

fn descriptor(rule: &RuleMeta) -> ReportingDescriptor<'_> {
    ReportingDescriptor {
        id: rule.id,
        name: camel_case(rule.id),
        short_description: Text {
            text: rule.title.to_owned(),
        },
        full_description: Text {
            text: full_description(rule),
        },
        // The doc is markdown that reads well as plain text too; a rule without one is helped
        // by its title.
        help: Help {
            text: if rule.doc.is_empty() {
                rule.title
            } else {
                rule.doc
            },
            markdown: if rule.doc.is_empty() {
                rule.title
            } else {
                rule.doc
            },
        },
        default_configuration: Configuration {
            level: level(rule.default_severity),
        },
        properties: RuleProperties {
            security_severity: security_severity(rule.default_severity),
            tags: ["security"],
        },
    }
}

fn result<'a>(
    finding: &'a Finding,
    rules: &[RuleMeta],
    base: Option<&Path>,
    seen: &mut BTreeMap<u64, u32>,
) -> SarifResult<'a> {
    let uri = artifact_uri(&finding.path, base);
    let text = if finding.fix.is_empty() {
        finding.message.clone()
    } else {
        format!("{} Fix: {}", finding.message, finding.fix)
    };
    let region = (finding.line >= 1).then(|| Region {
        start_line: finding.line,
        start_column: (finding.column >= 1).then_some(finding.column),
    });
    // The server id starts with the config path, which differs between checkouts: hash it with
    // the path replaced by the URI, as the path itself is.
    let server = finding.server.as_deref().map(|id| {
        id.strip_prefix(finding.path.as_str())
            .filter(|rest| rest.starts_with('#'))
            .map_or_else(|| id.to_owned(), |rest| format!("{uri}{rest}"))
    });
    let hash = fingerprint(&[
        finding.rule,
        &uri,
        server.as_deref().unwrap_or(""),
        &finding.message,
    ]);
    // Identical findings (same rule, file, server and message) are told apart by their order,
    // so code scanning does not merge them into one alert.
    let occurrence = seen.entry(hash).or_insert(0);
    *occurrence += 1;
    SarifResult {
        rule_id: finding.rule,
        rule_index: rules.iter().position(|rule| rule.id == finding.rule),
        level: level(finding.severity),
        message: Text { text },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region,
            },
        }],
        partial_fingerprints: [(FINGERPRINT_KEY, format!("{hash:016x}:{occurrence}"))]
            .into_iter()
            .collect(),
        properties: ResultProperties {
            server: finding.server.as_deref(),
            severity: finding.severity.as_str(),
        },
    }
}

/// FNV-1a, 64 bits, over each field's length (8 bytes, little-endian) and bytes, so that field
/// boundaries are part of the hash. Stable across platforms and releases; not cryptographic.
fn fingerprint(fields: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for field in fields {
        let len = field.len() as u64;
        for byte in len.to_le_bytes().iter().chain(field.as_bytes()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// The `artifactLocation.uri` of a path (see [`render`]).
fn artifact_uri(path: &str, base: Option<&Path>) -> String {
    let path = Path::new(path);
    if let Some(relative) = base.and_then(|base| path.strip_prefix(base).ok()) {
        // `..` would leave the base; an empty path names the base itself, not a file.
        let inside = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        let uri = relative_uri(relative);
        if inside && !uri.is_empty() {
            return uri;
        }
    }
    if path.is_absolute() {
        return file_uri(path);
    }
    relative_uri(path)
}

/// A relative path as a relative reference: segments joined with `/`, percent-encoded.
fn relative_uri(path: &Path) -> String {
    let mut segments = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => segments.push("..".to_owned()),
            other => segments.push(percent_encode(&other.as_os_str().to_string_lossy(), false)),
        }
    }
    segments.join("/")
}

/// An absolute path as a `file://` URI: `/a/b` → `file:///a/b`, `C:\a` → `file:///C:/a`,
/// `\\host\share\a` → `file://host/share/a`.
fn file_uri(path: &Path) -> String {
    let mut host = String::new();
    let mut segments = Vec::new();
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => match prefix.kind() {
                Prefix::Disk(letter) | Prefix::VerbatimDisk(letter) => {
                    segments.push(format!("{}:", char::from(letter)));
                }
                Prefix::UNC(server, share) | Prefix::VerbatimUNC(server, share) => {
                    host = percent_encode(&server.to_string_lossy(), false);
                    segments.push(percent_encode(&share.to_string_lossy(), true));
                }
                Prefix::Verbatim(name) | Prefix::DeviceNS(name) => {
                    segments.push(percent_encode(&name.to_string_lossy(), true));
                }
            },
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir => segments.push("..".to_owned()),
            Component::Normal(name) => segments.push(percent_encode(&name.to_string_lossy(), true)),
        }
    }
    format!("file://{host}/{}", segments.join("/"))
}

/// `segment` with every byte outside RFC 3986's unreserved set percent-encoded, except `:` when
/// `keep_colon` (allowed in an absolute URI's path; in a relative reference's first segment it
/// would read as a scheme).
fn percent_encode(segment: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || (keep_colon && byte == b':');
        if keep {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

// The SARIF objects, in the order the schema lists their properties.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help<'a>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<&'a str>,
    severity: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_of_ids() {
        assert_eq!(camel_case("secret-in-config"), "SecretInConfig");
        assert_eq!(camel_case("token-in-url"), "TokenInUrl");
        assert_eq!(camel_case("x"), "X");
    }

    #[test]
    fn fingerprint_is_fnv1a_and_field_bounded() {
        // FNV-1a 64 of nothing is the offset basis.
        assert_eq!(fingerprint(&[]), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
    }

    #[cfg(unix)]
    #[test]
    fn uris() {
        let base = Path::new("/repo");
        assert_eq!(
            artifact_uri("/repo/.cursor/mcp.json", Some(base)),
            ".cursor/mcp.json"
        );
        assert_eq!(
            artifact_uri("/home/a b/.claude.json", Some(base)),
            "file:///home/a%20b/.claude.json"
        );
        assert_eq!(artifact_uri("/repo", Some(base)), "file:///repo");
        assert_eq!(artifact_uri("/repo/x:y.json", Some(base)), "x%3Ay.json");
        assert_eq!(artifact_uri("/é.json", None), "file:///%C3%A9.json");
        assert_eq!(artifact_uri("sub/.mcp.json", None), "sub/.mcp.json");
        assert_eq!(
            artifact_uri("/repo/../etc/x", Some(base)),
            "file:///repo/../etc/x"
        );
    }

    #[test]
    fn full_description_takes_the_first_paragraph() {
        let rule = RuleMeta {
            id: "x",
            default_severity: Severity::Low,
            title: "Title",
            doc: "## What it does\n\nFinds\nthings.\n\nMore.\n## Why\n",
        };
        assert_eq!(full_description(&rule), "Finds things.");
        let bare = RuleMeta { doc: "", ..rule };
        assert_eq!(full_description(&bare), "Title");
    }
}
