//! The scan rules: one file per rule, each with a stable id, a default severity and a doc comment
//! (What it does / Why it matters / Example / Fix / References) that `mcpward scan --explain` prints
//! and `docs/rules.md` is generated from.

use std::path::Path;

use mcpward_config::{ClientSettings, ConfigDoc, LoadError, Span};

use crate::inventory::Server;
use crate::model::{Finding, Severity};

/// A rule's identity and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable id, e.g. `secret-in-config`.
    pub id: &'static str,
    /// Severity of its findings unless a finding says otherwise.
    pub default_severity: Severity,
    /// One line: what it finds.
    pub title: &'static str,
    /// Markdown: What it does / Why it matters / Example / Fix / References.
    pub doc: &'static str,
}

/// A doc comment's text without the space that follows each `///`.
fn dedent(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    for line in doc.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// Declares a rule's metadata from its doc comment.
macro_rules! rule {
    ($(#[doc = $doc:literal])* $name:ident { id: $id:literal, severity: $sev:ident, title: $title:literal $(,)? }) => {
        $(#[doc = $doc])*
        pub(crate) const $name: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            id: $id,
            default_severity: $crate::model::Severity::$sev,
            title: $title,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

mod auto_approve;
mod broad_filesystem_scope;
mod broad_permission_rule;
mod config_parse_error;
mod config_tracked_with_secret;
mod config_world_readable;
mod connected;
mod database_write_access;
mod destructive_tool;
mod docker_privileged;
mod exec_capable_server;
mod hidden_unicode;
pub(crate) mod insecure_transport;
pub(crate) mod secret_in_config;
mod sensitive_path_exposed;
mod server_launch_failed;
mod shell_command_server;
mod token_in_url;
mod tool_changed;
mod tool_poisoning;
mod tool_shadowing;
mod toxic_flow;
mod typosquat_package;
mod unknown_package;
mod unpinned_package;
mod unrestricted_fetch;

/// Facts about config files that come from outside the file's text. The caller implements this
/// (the rules do no I/O).
pub trait FileFacts {
    /// Whether git tracks the file (`None`: not in a repository, or git is unavailable).
    fn tracked_by_git(&self, path: &Path) -> Option<bool>;
    /// The file's Unix permission bits (`None` where unknown or not Unix).
    fn mode(&self, path: &Path) -> Option<u32>;
}

/// Facts that know nothing: for tests and for text that did not come from a file.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoFacts;

impl FileFacts for NoFacts {
    fn tracked_by_git(&self, _path: &Path) -> Option<bool> {
        None
    }
    fn mode(&self, _path: &Path) -> Option<u32> {
        None
    }
}

/// Everything the rules look at.
pub struct Context<'a> {
    /// The configs that parsed.
    pub docs: &'a [ConfigDoc],
    /// Each doc's approval settings, by index into `docs`.
    pub settings: &'a [ClientSettings],
    /// Schema problems, by index into `docs`.
    pub problems: &'a [Vec<(Span, String)>],
    /// The configs that did not load.
    pub load_errors: &'a [LoadError],
    /// Every server of every doc.
    pub servers: &'a [Server<'a>],
    /// File facts.
    pub facts: &'a dyn FileFacts,
    /// The user's home directory, to recognise it in paths.
    pub home: Option<&'a str>,
    /// What `scan --connect` learned (empty without it).
    pub connections: &'a [crate::connect::Connection],
}

impl Context<'_> {
    /// A finding of `rule` at `span` of `doc`.
    pub(crate) fn finding(
        &self,
        rule: &RuleMeta,
        doc: &ConfigDoc,
        span: Span,
        server: Option<&Server<'_>>,
        message: String,
        fix: impl Into<String>,
    ) -> Finding {
        let (line, column) = doc.lines.line_col(&doc.text, span.start);
        Finding {
            rule: rule.id,
            severity: rule.default_severity,
            server: server.map(|s| s.id.clone()),
            path: doc.path.display().to_string(),
            line,
            column,
            message,
            fix: fix.into(),
            span: Some((span.start, span.end)),
        }
    }
}

type Check = fn(&Context<'_>, &mut Vec<Finding>);

/// Every rule with its check, in catalogue order (the static rules, then the `--connect` ones).
const RULES: &[(&RuleMeta, Check)] = &[
    (&secret_in_config::RULE, secret_in_config::check),
    (&token_in_url::RULE, token_in_url::check),
    (&unpinned_package::RULE, unpinned_package::check),
    (&typosquat_package::RULE, typosquat_package::check),
    (&unknown_package::RULE, unknown_package::check),
    (&broad_filesystem_scope::RULE, broad_filesystem_scope::check),
    (&sensitive_path_exposed::RULE, sensitive_path_exposed::check),
    (&shell_command_server::RULE, shell_command_server::check),
    (&exec_capable_server::RULE, exec_capable_server::check),
    (&insecure_transport::RULE, insecure_transport::check),
    (&docker_privileged::RULE, docker_privileged::check),
    (&auto_approve::RULE, auto_approve::check),
    (&broad_permission_rule::RULE, broad_permission_rule::check),
    (&toxic_flow::RULE, toxic_flow::check),
    (&database_write_access::RULE, database_write_access::check),
    (&unrestricted_fetch::RULE, unrestricted_fetch::check),
    (&config_parse_error::RULE, config_parse_error::check),
    (&tool_poisoning::RULE, tool_poisoning::check),
    (&hidden_unicode::RULE, hidden_unicode::check),
    (&tool_shadowing::RULE, tool_shadowing::check),
    (&tool_changed::RULE, tool_changed::check),
    (&destructive_tool::RULE, destructive_tool::check),
    (&server_launch_failed::RULE, server_launch_failed::check),
];

/// The check of a rule that reads the other rules' findings.
type AfterCheck = fn(&Context<'_>, &[Finding], &mut Vec<Finding>);

/// Rules that read the other rules' findings, run after them.
const AFTER: &[(&RuleMeta, AfterCheck)] = &[
    (
        &config_tracked_with_secret::RULE,
        config_tracked_with_secret::check,
    ),
    (&config_world_readable::RULE, config_world_readable::check),
];

/// The rules with their docs dedented. The doc strings are built once per process and live
/// as long as it, so the table can hand out `&'static` metadata.
static ALL: std::sync::LazyLock<Vec<RuleMeta>> = std::sync::LazyLock::new(|| {
    RULES
        .iter()
        .map(|(m, _)| *m)
        .chain(AFTER.iter().map(|(m, _)| *m))
        .map(|m| RuleMeta {
            doc: Box::leak(dedent(m.doc).into_boxed_str()),
            ..*m
        })
        .collect()
});

/// Every static rule, in catalogue order.
pub fn all() -> &'static [RuleMeta] {
    &ALL
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static RuleMeta> {
    all().iter().find(|r| r.id == id)
}

/// Runs every rule.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (_, check) in RULES {
        check(cx, &mut out);
    }
    // The follow-up rules read the findings so far and add their own beside them.
    let mut after = Vec::new();
    for (_, check) in AFTER {
        check(cx, &out, &mut after);
    }
    out.extend(after);
    out
}

/// Values of a server's definition that may name filesystem paths it can reach: the server's
/// own arguments (also `--flag=PATH`), its working directory, container mount sources, and
/// environment values. Each with its span and a word for where it stands.
pub(crate) fn path_values(server: &Server<'_>) -> Vec<(String, Span, &'static str)> {
    let mut out = Vec::new();
    if let Some(launch) = server.effective_launch() {
        for a in &launch.server_args {
            let v = a
                .value
                .split_once('=')
                .filter(|(f, _)| f.starts_with('-'))
                .map_or(a.value.as_str(), |(_, v)| v);
            out.push((v.to_string(), a.span, "argument"));
        }
        if let Some(c) = &launch.container {
            out.extend(
                c.mounts
                    .iter()
                    .map(|m| (m.source.clone(), m.span, "container mount")),
            );
        }
    }
    if let Some(cwd) = &server.entry.cwd {
        out.push((cwd.value.clone(), cwd.span, "working directory"));
    }
    out.extend(
        server
            .entry
            .env
            .iter()
            .map(|(_, v)| (v.value.clone(), v.span, "environment value")),
    );
    out
}

/// `s` with each `${NAME:-default}` / `${NAME-default}` replaced by its default: the value a
/// client uses when the variable is unset, so the rules judge it like a literal.
pub(crate) fn with_defaults(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("${") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return std::borrow::Cow::Owned(out);
        };
        let inner = &after[..end];
        match inner
            .split_once(":-")
            .or_else(|| inner.split_once('-').filter(|(n, _)| !n.contains(':')))
        {
            Some((_, default)) => out.push_str(default),
            None => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// `path` with `~`, `$HOME`, `${HOME}`, `%USERPROFILE%` and `${userHome}` spelled as `~`, separators
/// as `/`, and no trailing separator.
pub(crate) fn normalize_path(path: &str, home: Option<&str>) -> String {
    let mut p = with_defaults(path.trim()).replace('\\', "/");
    for var in [
        "${HOME}",
        "$HOME",
        "%USERPROFILE%",
        "%HOMEPATH%",
        "${userHome}",
        "${env:HOME}",
        "${env:USERPROFILE}",
    ] {
        if let Some(rest) = p.strip_prefix(var) {
            p = format!("~{rest}");
        }
    }
    if let Some(h) = home.map(|h| h.replace('\\', "/")).filter(|h| !h.is_empty()) {
        let h = h.trim_end_matches('/');
        if p == h {
            p = "~".into();
        } else if let Some(rest) = p.strip_prefix(h).filter(|r| r.starts_with('/')) {
            p = format!("~{rest}");
        }
    }
    while p.len() > 1 && p.ends_with('/') && !p.ends_with(":/") {
        p.pop();
    }
    p
}
