//! `mcpward scan` for people: an inventory line, the servers, the findings grouped by config file
//! with the offending source line and a caret under it, and a summary.
//!
//! The text is deterministic (report order for configs and servers; within a file, most severe
//! finding first, then by position) and carries ANSI colour only when asked to. Everything that
//! came from a config file is made terminal-safe (control and bidi characters are shown escaped),
//! and a quoted source line never shows the bytes of a secret: the spans of findings of the
//! secret rules are replaced by `[redacted]` in every excerpt of that file, and when a secret
//! finding has no usable span, its lines are never quoted.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::is_secret_rule;
use crate::{Finding, Report, ServerReport, Severity};

/// What a secret's bytes are replaced with in a quoted source line.
const MASK: &str = "[redacted]";
/// A span over more lines than this is quoted by its first line only.
const MAX_EXCERPT_LINES: usize = 6;

/// Renders the report for a terminal, ending with a newline.
///
/// `sources` returns the text of a config file by its path (as findings name it), or `None`
/// when it is not at hand; findings then show `path:line:col` instead of the source line.
/// `color` adds ANSI colour; the caller decides it from `NO_COLOR` and whether stdout is a tty.
pub fn render<'s>(
    report: &Report,
    sources: &dyn Fn(&str) -> Option<&'s str>,
    color: bool,
) -> String {
    let paint = Paint { color };
    let renderer = if color {
        Renderer::styled().hyperlink(false)
    } else {
        Renderer::plain()
    };
    let counts = Counts::of(&report.findings);
    let mut out = String::new();

    let _ = writeln!(
        out,
        "{} {}, {}, {}",
        paint.bold("mcpward scan:"),
        plural(report.configs.len(), "config", "configs"),
        plural(report.servers.len(), "server", "servers"),
        counts.describe(paint),
    );

    if !report.servers.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("servers:"));
        for server in &report.servers {
            let _ = writeln!(out, "  {}", server_line(server, paint));
        }
    }

    let mut by_path = BTreeMap::<&str, Vec<&Finding>>::new();
    for finding in &report.findings {
        by_path.entry(&finding.path).or_default().push(finding);
    }
    for config in &report.configs {
        let findings = by_path.remove(config.path.as_str()).unwrap_or_default();
        let servers = report
            .servers
            .iter()
            .filter(|server| server.path == config.path)
            .count();
        let mut heading = format!(
            "{} ({}): {}",
            paint.bold(&sanitize(&config.path)),
            sanitize(&config.client),
            plural(servers, "server", "servers"),
        );
        if let Some(error) = &config.error {
            let _ = write!(
                heading,
                ", {} {}",
                paint.severity(Severity::High, "error:"),
                sanitize(error)
            );
        }
        render_group(
            &mut out,
            &heading,
            &config.path,
            findings,
            sources,
            &renderer,
        );
    }
    // Findings about files that are not among the configs (none today; never drop them).
    for (path, findings) in by_path {
        let heading = paint.bold(&sanitize(path)).into_owned();
        render_group(&mut out, &heading, path, findings, sources, &renderer);
    }

    out.push('\n');
    if report.configs.is_empty() && report.findings.is_empty() {
        let _ = writeln!(
            out,
            "{} no MCP client configs found",
            paint.bold("summary:")
        );
    } else {
        let affected = report
            .configs
            .iter()
            .filter(|config| report.findings.iter().any(|f| f.path == config.path))
            .count();
        let _ = writeln!(
            out,
            "{} {} in {} of {}",
            paint.bold("summary:"),
            counts.describe(paint),
            affected,
            plural(report.configs.len(), "config", "configs"),
        );
    }
    out
}

/// One config file: its heading, then its findings, or "no findings" on the heading line.
fn render_group<'s>(
    out: &mut String,
    heading: &str,
    path: &str,
    mut findings: Vec<&Finding>,
    sources: &dyn Fn(&str) -> Option<&'s str>,
    renderer: &Renderer,
) {
    out.push('\n');
    if findings.is_empty() {
        let _ = writeln!(out, "{heading}, no findings");
        return;
    }
    let _ = writeln!(
        out,
        "{heading}, {}",
        plural(findings.len(), "finding", "findings")
    );
    findings.sort_by(|a, b| {
        (b.severity, a.line, a.column, a.rule, &a.server, &a.message)
            .cmp(&(a.severity, b.line, b.column, b.rule, &b.server, &b.message))
    });
    let source = sources(path);
    let secrets = source.map(|text| Secrets::of(text, &findings));
    for finding in findings {
        out.push('\n');
        let excerpt = match (source, &secrets, finding.span) {
            (Some(text), Some(secrets), Some(span)) => excerpt(text, span, secrets),
            _ => None,
        };
        out.push_str(&render_finding(finding, excerpt, renderer));
        out.push('\n');
    }
}

/// A finding as annotate-snippets draws it: `severity[rule]: message`, the quoted line with a
/// caret (or `--> path:line:col`), then `= fix: ...`.
fn render_finding(finding: &Finding, excerpt: Option<Excerpt>, renderer: &Renderer) -> String {
    let level = match finding.severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low => Level::INFO,
        Severity::Info => Level::NOTE,
    }
    .with_name(finding.severity.as_str());
    let title = level
        .primary_title(sanitize(&finding.message))
        .id(finding.rule);
    let path = sanitize(&finding.path);
    let group: Group<'_> = match excerpt {
        Some(excerpt) => {
            let mut annotation = AnnotationKind::Primary.span(excerpt.span);
            if excerpt.masked {
                annotation = annotation.label("value redacted");
            }
            title.element(
                Snippet::source(excerpt.text)
                    .line_start(excerpt.first_line)
                    .path(path)
                    .annotation(annotation),
            )
        }
        None => {
            let mut origin = Origin::path(path);
            if finding.line >= 1 {
                origin = origin.line(finding.line as usize);
                if finding.column >= 1 {
                    origin = origin.char_column(finding.column as usize);
                }
            }
            title.element(origin)
        }
    };
    let group = if finding.fix.is_empty() {
        group
    } else {
        group.element(Level::HELP.with_name("fix").message(sanitize(&finding.fix)))
    };
    renderer.render(&[group])
}

/// What must not be quoted from one file: the spans of secret findings, and the lines of secret
/// findings whose span is missing or does not fit the text.
struct Secrets {
    masks: Vec<Range<usize>>,
    blocked_lines: Vec<usize>,
}

impl Secrets {
    fn of(text: &str, findings: &[&Finding]) -> Secrets {
        let mut secrets = Secrets {
            masks: Vec::new(),
            blocked_lines: Vec::new(),
        };
        for finding in findings.iter().filter(|f| is_secret_rule(f.rule)) {
            match finding.span.and_then(|span| valid_span(text, span)) {
                Some(span) if !span.is_empty() => secrets.masks.push(span),
                _ if finding.line >= 1 => secrets.blocked_lines.push(finding.line as usize),
                _ => {}
            }
        }
        secrets
    }
}

/// The span as a range when it lies within the text on character boundaries.
fn valid_span(text: &str, (start, end): (usize, usize)) -> Option<Range<usize>> {
    (start <= end && text.is_char_boundary(start) && text.is_char_boundary(end))
        .then_some(start..end)
}

/// The lines a span covers, made safe to print, with the span moved to match.
struct Excerpt {
    text: String,
    first_line: usize,
    span: Range<usize>,
    /// Whether the primary span covers a mask.
    masked: bool,
}

/// Quotes the lines under `span`, with every secret masked and control characters escaped.
/// `None` when the span does not fit the text or the lines hold a secret that cannot be masked.
fn excerpt(text: &str, span: (usize, usize), secrets: &Secrets) -> Option<Excerpt> {
    let Range { start, mut end } = valid_span(text, span)?;
    let line_begin = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let first_line = text[..line_begin].bytes().filter(|&b| b == b'\n').count() + 1;
    // A span that ends with its line's newline does not reach into the next line.
    let probe = if end > start && text.as_bytes()[end - 1] == b'\n' {
        end - 1
    } else {
        end
    };
    let mut line_end = text[probe..].find('\n').map_or(text.len(), |i| probe + i);
    let mut lines = text[line_begin..line_end]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1;
    if lines > MAX_EXCERPT_LINES {
        line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        end = end.min(line_end);
        lines = 1;
    }
    let last_line = first_line + lines - 1;
    if secrets
        .blocked_lines
        .iter()
        .any(|line| (first_line..=last_line).contains(line))
    {
        return None;
    }

    let mut out = String::with_capacity(line_end - line_begin);
    let (mut new_start, mut new_end) = (None, None);
    let mut masked = false;
    let mut i = line_begin;
    while i < line_end {
        if i == start {
            new_start.get_or_insert(out.len());
        }
        if i == end {
            new_end.get_or_insert(out.len());
        }
        if let Some(mask) = secrets.masks.iter().find(|m| m.start <= i && i < m.end) {
            let marker = out.len();
            out.push_str(MASK);
            let stop = mask.end.min(line_end);
            if start > i && start < stop {
                new_start.get_or_insert(marker);
            }
            if end > i && end <= stop {
                new_end.get_or_insert(out.len());
            }
            masked |= start < stop && i < end.max(start + 1);
            i = stop;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        match c {
            // A CRLF line ending shows as a plain one.
            '\r' if text[i + 1..].starts_with('\n') || i + 1 == line_end => {}
            '\n' => out.push('\n'),
            c if needs_escape(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
        i += c.len_utf8();
    }
    let new_start = *new_start.get_or_insert(out.len());
    let new_end = *new_end.get_or_insert(out.len());
    Some(Excerpt {
        text: out,
        first_line,
        span: new_start..new_end.max(new_start),
        masked,
    })
}

/// Characters that could drive a terminal or reorder what it shows: C0 and C1 controls except
/// tab, DEL, and the bidirectional formatting characters.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

/// Text from a config file, made safe to print on a terminal.
fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `name (transport) command args [capabilities]`.
fn server_line(server: &ServerReport, paint: Paint) -> String {
    let mut line = format!(
        "{} ({})",
        paint.bold(&sanitize(&server.name)),
        server.transport
    );
    let command = server.command.as_ref().map(|command| {
        std::iter::once(command)
            .chain(&server.args)
            .map(|word| shell_word(word))
            .collect::<Vec<_>>()
            .join(" ")
    });
    let target = if server.transport == "stdio" {
        command.or_else(|| server.url.as_deref().map(|url| sanitize(url).into_owned()))
    } else {
        server
            .url
            .as_deref()
            .map(|url| sanitize(url).into_owned())
            .or(command)
    };
    line.push(' ');
    line.push_str(target.as_deref().unwrap_or("-"));
    if !server.capabilities.is_empty() {
        let capabilities: Vec<&str> = server.capabilities.iter().map(|c| c.id()).collect();
        let _ = write!(line, " [{}]", capabilities.join(", "));
    }
    if let Some(c) = &server.connection {
        let _ = match (c.status, &c.reason) {
            ("listed", _) if c.pinned => write!(
                line,
                " — {}, pinned now",
                plural(c.tools.len(), "tool", "tools")
            ),
            ("listed", _) => write!(line, " — {}", plural(c.tools.len(), "tool", "tools")),
            ("skipped", Some(reason)) => write!(line, " — not connected: {}", sanitize(reason)),
            (_, Some(reason)) => write!(line, " — {}: {}", c.status, sanitize(reason)),
            (status, None) => write!(line, " — {status}"),
        };
    }
    line
}

/// A command word as a shell would need it: bare when it is plain, single-quoted otherwise.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b >= 0x80 || b.is_ascii_alphanumeric() || b"-_./:@=+,%~^".contains(&b));
    let word = sanitize(word);
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// `1 server`, `2 servers`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Findings per severity.
struct Counts([usize; 5]);

impl Counts {
    const ORDER: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    fn of(findings: &[Finding]) -> Counts {
        let mut counts = [0; 5];
        for finding in findings {
            let slot = Self::ORDER.iter().position(|s| *s == finding.severity);
            if let Some(slot) = slot {
                counts[slot] += 1;
            }
        }
        Counts(counts)
    }

    /// `no findings` or `5 findings (1 critical, 2 high, 2 low)`.
    fn describe(&self, paint: Paint) -> String {
        let total: usize = self.0.iter().sum();
        if total == 0 {
            return "no findings".to_owned();
        }
        let parts: Vec<String> = Self::ORDER
            .iter()
            .zip(self.0)
            .filter(|(_, n)| *n > 0)
            .map(|(severity, n)| {
                paint
                    .severity(*severity, &format!("{n} {severity}"))
                    .into_owned()
            })
            .collect();
        format!(
            "{} ({})",
            plural(total, "finding", "findings"),
            parts.join(", ")
        )
    }
}

/// ANSI styling, or none.
#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn style<'t>(self, code: &str, text: &'t str) -> Cow<'t, str> {
        if self.color {
            Cow::Owned(format!("\x1b[{code}m{text}\x1b[0m"))
        } else {
            Cow::Borrowed(text)
        }
    }

    fn bold(self, text: &str) -> Cow<'_, str> {
        self.style("1", text)
    }

    fn severity(self, severity: Severity, text: &str) -> Cow<'_, str> {
        let code = match severity {
            Severity::Critical => "1;91",
            Severity::High => "91",
            Severity::Medium => "93",
            Severity::Low => "96",
            Severity::Info => "92",
        };
        self.style(code, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(masks: &[(usize, usize)], blocked_lines: &[usize]) -> Secrets {
        Secrets {
            masks: masks.iter().map(|&(start, end)| start..end).collect(),
            blocked_lines: blocked_lines.to_vec(),
        }
    }

    #[test]
    fn excerpt_masks_a_secret_and_moves_the_caret() {
        let text = "a\n  \"TOKEN\": \"ghp_abc\", \"x\": 1\nz\n";
        let start = text.find("\"ghp").unwrap_or_default();
        let end = start + "\"ghp_abc\"".len();
        let ex = excerpt(text, (start, end), &secrets(&[(start, end)], &[]));
        let ex = ex.expect("span fits");
        assert_eq!(ex.text, "  \"TOKEN\": [redacted], \"x\": 1");
        assert_eq!(&ex.text[ex.span.clone()], "[redacted]");
        assert_eq!(ex.first_line, 2);
        assert!(ex.masked);
    }

    #[test]
    fn excerpt_masks_other_secrets_on_the_line() {
        let text = "[\"pkg\", \"--token\", \"sk-123\"]";
        let secret = text.find("sk-").unwrap_or_default();
        let ex = excerpt(text, (1, 6), &secrets(&[(secret, secret + 6)], &[]));
        let ex = ex.expect("span fits");
        assert_eq!(ex.text, "[\"pkg\", \"--token\", \"[redacted]\"]");
        assert_eq!(&ex.text[ex.span.clone()], "\"pkg\"");
        assert!(!ex.masked);
    }

    #[test]
    fn excerpt_refuses_blocked_lines_and_bad_spans() {
        let text = "one\ntwo\n";
        assert!(excerpt(text, (4, 7), &secrets(&[], &[2])).is_none());
        assert!(excerpt(text, (4, 70), &secrets(&[], &[])).is_none());
        assert!(excerpt("é", (1, 2), &secrets(&[], &[])).is_none());
    }

    #[test]
    fn excerpt_escapes_controls_and_drops_crlf() {
        let text = "x\r\n\"a\u{1b}[31m\"\r\n";
        let ex = excerpt(text, (3, 11), &secrets(&[], &[]));
        let ex = ex.expect("span fits");
        assert_eq!(ex.text, "\"a\\u{1b}[31m\"");
        assert_eq!(ex.span, 0..ex.text.len());
    }

    #[test]
    fn long_spans_are_cut_to_their_first_line() {
        let text = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let ex = excerpt(text, (0, text.len()), &secrets(&[], &[]));
        let ex = ex.expect("span fits");
        assert_eq!(ex.text, "a");
        assert_eq!(ex.span, 0..1);
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("-y"), "-y");
        assert_eq!(shell_word("@scope/pkg@1.2.3"), "@scope/pkg@1.2.3");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("ghp_…b7c1"), "ghp_…b7c1");
        assert_eq!(shell_word("a\u{202e}b"), "a\\u{202e}b");
    }
}
