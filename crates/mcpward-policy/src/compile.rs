//! From text to [`Policy`]: TOML into the wire structs, then `TryFrom` into the compiled form.
//! Every error names the file, line, column and dotted key.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::cel;
use crate::duration::parse_duration;
use crate::error::{PolicyError, Source, did_you_mean, line_col};
use crate::glob::{Glob, has_wildcard};
use crate::model::{Defaults, EntryPlace, NetTarget, Sandbox, Verdict};
use crate::paths::{FsResolver, PathPattern};
use crate::policy::{Condition, Policy, Rule, Section, ToolGlob, home_components};
use crate::urls::UrlPattern;
use crate::wire::{List, WireDefaults, WireLists, WirePolicy, WireRule, WireSandbox, WireServer};

/// A parsed file on its way to a [`Policy`]: the wire form and the text it came from.
pub(crate) struct WireDocument<'a> {
    pub(crate) source: Source<'a>,
    pub(crate) policy: WirePolicy,
}

/// Parses and compiles policy `text`; `source` names the file in errors.
pub fn parse(text: &str, source: &Path) -> Result<Policy, PolicyError> {
    let src = Source { file: source, text };
    let policy: WirePolicy = toml::from_str(text).map_err(|e| toml_error(src, &e))?;
    Policy::try_from(WireDocument {
        source: src,
        policy,
    })
}

impl TryFrom<WireDocument<'_>> for Policy {
    type Error = PolicyError;

    fn try_from(doc: WireDocument<'_>) -> Result<Policy, PolicyError> {
        let src = doc.source;
        let Some(version) = doc.policy.version else {
            return Err(src.error(
                0..0,
                "version",
                "missing required key `version`",
                Some("add `version = 1` at the top of the file".to_owned()),
            ));
        };
        if *version.get_ref() != 1 {
            return Err(src.error(
                version.span(),
                "version",
                format!("unsupported policy version {}", version.get_ref()),
                Some("this mcpward reads `version = 1`".to_owned()),
            ));
        }
        let defaults = compile_defaults(src, doc.policy.defaults)?;
        let env = cel::environment();
        let mut servers = BTreeMap::new();
        let mut wildcard = None;
        for (name, server) in doc
            .policy
            .servers
            .map(Spanned::into_inner)
            .unwrap_or_default()
        {
            let span = name.span();
            let name = name.into_inner();
            let prefix = format!("servers.{}", key_segment(&name));
            if name.trim().is_empty() {
                return Err(src.error(span, prefix, "a server name cannot be empty", None));
            }
            let section = compile_section(src, &env, prefix, server.into_inner())?;
            if name == "*" {
                wildcard = Some(section);
            } else {
                servers.insert(name, section);
            }
        }
        Ok(Policy {
            source: src.file.to_path_buf(),
            defaults,
            servers,
            wildcard,
            env,
            resolver: Arc::new(FsResolver),
            home: home_components(&FsResolver),
        })
    }
}

fn compile_defaults(
    src: Source<'_>,
    wire: Option<Spanned<WireDefaults>>,
) -> Result<Defaults, PolicyError> {
    let mut d = Defaults::default();
    let Some(w) = wire.map(Spanned::into_inner) else {
        return Ok(d);
    };
    fn set<T: Copy>(slot: &mut T, v: Option<Spanned<T>>) {
        if let Some(v) = v {
            *slot = *v.get_ref();
        }
    }
    set(&mut d.decision, w.decision);
    set(&mut d.on_injection, w.on_injection);
    set(&mut d.on_secret, w.on_secret);
    set(&mut d.on_tool_change, w.on_tool_change);
    set(&mut d.on_poisoned_tool, w.on_poisoned_tool);
    set(&mut d.on_secret_in_args, w.on_secret_in_args);
    set(&mut d.hide_denied_tools, w.hide_denied_tools);
    set(&mut d.strict_schema, w.strict_schema);
    set(&mut d.sampling, w.sampling);
    set(&mut d.elicitation, w.elicitation);
    set(&mut d.roots, w.roots);
    if let Some(t) = w.approval_timeout {
        d.approval_timeout = parse_duration(t.get_ref())
            .map_err(|m| src.error(t.span(), "defaults.approval_timeout", m, None))?;
    }
    Ok(d)
}

fn compile_section(
    src: Source<'_>,
    env: &::cel::Env,
    prefix: String,
    w: WireServer,
) -> Result<Section, PolicyError> {
    let tool_globs = |list: List, field: &str| -> Result<Vec<ToolGlob>, PolicyError> {
        entries(src, list, &format!("{prefix}.{field}"), |text| {
            Glob::new(text).map_err(|e| format!("invalid glob \"{text}\": {e}"))
        })
        .map(|v| {
            v.into_iter()
                .map(|(glob, text, key)| ToolGlob {
                    glob,
                    name: format!("{key} \"{text}\""),
                    text,
                })
                .collect()
        })
    };
    let allow = tool_globs(w.allow, "allow")?;
    let ask = tool_globs(w.ask, "ask")?;
    let deny = tool_globs(w.deny, "deny")?;
    let private = tool_globs(w.private, "private")?;
    let untrusted = tool_globs(w.untrusted, "untrusted")?;

    let (paths_allow, paths_deny) = pattern_lists(src, w.paths, &format!("{prefix}.paths"), |t| {
        PathPattern::new(t).map_err(|e| format!("invalid path pattern \"{t}\": {e}"))
    })?;
    let (urls_allow, urls_deny) = pattern_lists(src, w.urls, &format!("{prefix}.urls"), |t| {
        UrlPattern::new(t).map_err(|e| format!("invalid URL pattern \"{t}\": {e}"))
    })?;

    let mut rules = Vec::new();
    for (i, rule) in w
        .rules
        .map(Spanned::into_inner)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let key = format!("{prefix}.rules[{i}]");
        let span = rule.span();
        rules.push(compile_rule(src, env, key, span, rule.into_inner())?);
    }

    let sandbox = w
        .sandbox
        .map(|s| compile_sandbox(src, &format!("{prefix}.sandbox"), s.into_inner()))
        .transpose()?;

    Ok(Section {
        allow,
        ask,
        deny,
        private,
        untrusted,
        paths_allow,
        paths_deny,
        urls_allow,
        urls_deny,
        rules,
        sandbox,
        sampling: w.sampling.map(|v| *v.get_ref()),
        elicitation: w.elicitation.map(|v| *v.get_ref()),
        roots: w.roots.map(|v| *v.get_ref()),
        prefix,
    })
}

type Entries<T> = Vec<(T, String, String)>;

/// Compiles every string of a list with `f`; yields (compiled, text, `key[i]`).
fn entries<T>(
    src: Source<'_>,
    list: List,
    key: &str,
    f: impl Fn(&str) -> Result<T, String>,
) -> Result<Entries<T>, PolicyError> {
    let mut out = Vec::new();
    for (i, item) in list
        .map(Spanned::into_inner)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let item_key = format!("{key}[{i}]");
        let compiled = f(item.get_ref()).map_err(|m| src.error(item.span(), &item_key, m, None))?;
        out.push((compiled, item.into_inner(), item_key));
    }
    Ok(out)
}

type Pair<T> = (Vec<T>, Vec<T>);

fn pattern_lists<T>(
    src: Source<'_>,
    lists: Option<Spanned<WireLists>>,
    key: &str,
    f: impl Fn(&str) -> Result<T, String> + Copy,
) -> Result<Pair<T>, PolicyError> {
    let Some(lists) = lists.map(Spanned::into_inner) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let strip = |v: Entries<T>| v.into_iter().map(|(c, _, _)| c).collect();
    Ok((
        strip(entries(src, lists.allow, &format!("{key}.allow"), f)?),
        strip(entries(src, lists.deny, &format!("{key}.deny"), f)?),
    ))
}

fn compile_rule(
    src: Source<'_>,
    env: &::cel::Env,
    key: String,
    span: Range<usize>,
    w: WireRule,
) -> Result<Rule, PolicyError> {
    let (tool, tool_text) = match w.tool {
        Some(t) => {
            let glob = Glob::new(t.get_ref()).map_err(|e| {
                src.error(
                    t.span(),
                    format!("{key}.tool"),
                    format!("invalid glob \"{}\": {e}", t.get_ref()),
                    None,
                )
            })?;
            (glob, t.into_inner())
        }
        None => (
            Glob::new("*").map_err(|e| src.error(span.clone(), &key, e.to_string(), None))?,
            "*".to_owned(),
        ),
    };
    let mut conditions = Vec::new();
    for (field, verdict, expr) in [
        ("deny_when", Verdict::Deny, w.deny_when),
        ("ask_when", Verdict::Ask, w.ask_when),
        ("allow_when", Verdict::Allow, w.allow_when),
    ] {
        let Some(expr) = expr else { continue };
        let name = format!("{key}.{field}");
        let program = cel::compile(env, expr.get_ref())
            .map_err(|m| src.error(expr.span(), &name, m, None))?;
        conditions.push(Condition {
            verdict,
            name,
            source: expr.into_inner(),
            program,
        });
    }
    if conditions.is_empty() {
        return Err(src.error(
            span,
            key,
            "a rule needs at least one of `deny_when`, `ask_when`, `allow_when`",
            Some("to allow or deny a tool outright, use the server's `allow`/`deny` lists".into()),
        ));
    }
    let reason = w
        .reason
        .map(Spanned::into_inner)
        .filter(|r| !r.trim().is_empty());
    Ok(Rule {
        tool,
        tool_text,
        key,
        conditions,
        reason,
    })
}

fn compile_sandbox(src: Source<'_>, key: &str, w: WireSandbox) -> Result<Sandbox, PolicyError> {
    let fs_path = |t: &str| -> Result<String, String> {
        let ok_start = t == "~" || t.starts_with("~/") || t.starts_with('/');
        if !ok_start {
            return Err(format!("\"{t}\" must be absolute or start with `~/`"));
        }
        if t.contains('\0') || t.contains('\\') {
            return Err(format!("\"{t}\" contains a NUL byte or a backslash"));
        }
        if has_wildcard(t) {
            return Err(format!(
                "\"{t}\": sandbox paths are files or directories, not globs"
            ));
        }
        if t.split('/').any(|c| c == "..") {
            return Err(format!("\"{t}\": `..` is not allowed"));
        }
        Ok(t.to_owned())
    };
    let strip = |v: Entries<String>| -> Vec<String> { v.into_iter().map(|(c, _, _)| c).collect() };
    let places = |list: &List, key: &str| -> Vec<EntryPlace> {
        let items = list
            .as_ref()
            .map(|l| l.get_ref().as_slice())
            .unwrap_or_default();
        (0..items.len())
            .map(|i| EntryPlace {
                file: src.file.to_path_buf(),
                line: items
                    .get(i)
                    .map_or(0, |item| line_col(src.text, item.span().start).0),
                key: format!("{key}[{i}]"),
            })
            .collect()
    };
    let fs_read_at = places(&w.fs_read, &format!("{key}.fs_read"));
    let fs_write_at = places(&w.fs_write, &format!("{key}.fs_write"));
    let fs_read = strip(entries(src, w.fs_read, &format!("{key}.fs_read"), fs_path)?);
    let fs_write = strip(entries(
        src,
        w.fs_write,
        &format!("{key}.fs_write"),
        fs_path,
    )?);
    let net = entries(src, w.net, &format!("{key}.net"), parse_net_target)?
        .into_iter()
        .map(|(c, _, _)| c)
        .collect();
    let env = strip(entries(src, w.env, &format!("{key}.env"), |t| {
        let mut chars = t.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(t.to_owned())
        } else {
            Err(format!("\"{t}\" is not an environment variable name"))
        }
    })?);
    Ok(Sandbox {
        fs_read,
        fs_write,
        net,
        env,
        fs_read_at,
        fs_write_at,
    })
}

/// `host:port`, `[v6]:port` or `*:port`.
fn parse_net_target(t: &str) -> Result<NetTarget, String> {
    let bad = || format!("\"{t}\" is not `host:port`");
    let (host, port) = if let Some(rest) = t.strip_prefix('[') {
        let (h, p) = rest.split_once("]:").ok_or_else(bad)?;
        h.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
        (h, p)
    } else {
        t.rsplit_once(':').ok_or_else(bad)?
    };
    let host_ok = host == "*"
        || (!host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':')));
    let port = port.parse::<u16>().ok().filter(|&p| p != 0);
    match (host_ok, port) {
        (true, Some(port)) => Ok(NetTarget {
            host: host.to_ascii_lowercase(),
            port,
        }),
        _ => Err(bad()),
    }
}

/// A TOML key segment as it would be written: bare when it can be, quoted otherwise.
pub(crate) fn key_segment(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        name.to_owned()
    } else {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    }
}

/// Turns a `toml`/`serde` error into a positioned diagnostic with the key it is about.
fn toml_error(src: Source<'_>, e: &toml::de::Error) -> PolicyError {
    let span = e.span().unwrap_or(0..0);
    let located = key_at(src.text, span.start);
    let raw = e.message().trim();
    let ticks = backticked(raw);
    let join = |path: &str, leaf: &str| {
        if path.is_empty() {
            leaf.to_owned()
        } else {
            format!("{path}.{leaf}")
        }
    };
    let list = |words: &[&str]| {
        words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (key, message, hint) = if raw.starts_with("unknown field") {
        let field = ticks.first().copied().unwrap_or_default();
        let expected = ticks.get(1..).unwrap_or_default();
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(c) => Some(format!("did you mean `{c}`?")),
            None if expected.is_empty() => Some("this table takes no keys".to_owned()),
            None => Some(format!("expected one of {}", list(expected))),
        };
        (located, format!("unknown key `{field}`"), hint)
    } else if raw.starts_with("unknown variant") {
        let value = ticks.first().copied().unwrap_or_default();
        let expected = ticks.get(1..).unwrap_or_default();
        let hint = match did_you_mean(value, expected.iter().copied()) {
            Some(c) => format!("did you mean `{c}`? expected one of {}", list(expected)),
            None => format!("expected one of {}", list(expected)),
        };
        (located, format!("invalid value `{value}`"), Some(hint))
    } else if raw.starts_with("missing field") {
        let field = ticks.first().copied().unwrap_or_default();
        (
            join(&located, field),
            format!("missing required key `{field}`"),
            None,
        )
    } else if let Some(rest) = raw.strip_prefix("invalid type: ") {
        (located, format!("wrong type: found {rest}"), None)
    } else {
        (located, raw.to_owned(), None)
    };
    src.error(span, key, message, hint)
}

/// The words between backticks, in order.
fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// The dotted key at byte `offset`: the innermost key or value whose span holds it, else the
/// last key that starts before it (for syntax errors after it).
fn key_at(text: &str, offset: usize) -> String {
    let (table, _) = DeTable::parse_recoverable(text);
    let mut finder = KeyFinder {
        offset,
        inside: None,
        before: None,
        trail: Vec::new(),
    };
    finder.table(table.get_ref(), 0);
    finder
        .inside
        .map(|(_, k)| k)
        .or(finder.before.map(|(_, k)| k))
        .unwrap_or_default()
}

struct KeyFinder {
    offset: usize,
    /// (span length, key) of the tightest span holding the offset.
    inside: Option<(usize, String)>,
    /// (start, key) of the latest key starting before the offset.
    before: Option<(usize, String)>,
    trail: Vec<String>,
}

impl KeyFinder {
    const MAX_DEPTH: usize = 64;

    fn key(&self) -> String {
        let mut out = String::new();
        for part in &self.trail {
            if !part.starts_with('[') && !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
        out
    }

    fn note(&mut self, span: Range<usize>) {
        let holds = span.start <= self.offset && self.offset < span.end;
        if holds
            && self
                .inside
                .as_ref()
                .is_none_or(|(len, _)| span.len() <= *len)
        {
            self.inside = Some((span.len(), self.key()));
        }
        if span.start <= self.offset && self.before.as_ref().is_none_or(|(s, _)| span.start >= *s) {
            self.before = Some((span.start, self.key()));
        }
    }

    fn table(&mut self, t: &DeTable<'_>, depth: usize) {
        if depth > Self::MAX_DEPTH {
            return;
        }
        for (k, v) in t.iter() {
            self.trail.push(key_segment(k.get_ref()));
            self.note(k.span());
            self.value(v, depth);
            self.trail.pop();
        }
    }

    fn value(&mut self, v: &Spanned<DeValue<'_>>, depth: usize) {
        if depth > Self::MAX_DEPTH {
            return;
        }
        self.note(v.span());
        match v.get_ref() {
            DeValue::Table(t) => self.table(t, depth + 1),
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    self.trail.push(format!("[{i}]"));
                    self.value(item, depth + 1);
                    self.trail.pop();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_segments() {
        assert_eq!(key_segment("github"), "github");
        assert_eq!(key_segment("*"), "\"*\"");
        assert_eq!(key_segment("a.b"), "\"a.b\"");
    }

    #[test]
    fn net_targets() {
        assert!(parse_net_target("docs.rs:443").is_ok());
        assert!(parse_net_target("[::1]:80").is_ok());
        assert!(parse_net_target("*:443").is_ok());
        for bad in [
            "docs.rs",
            "docs.rs:0",
            "docs.rs:99999",
            ":443",
            "a b:1",
            "[zz]:1",
        ] {
            assert!(parse_net_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn finds_keys() {
        let text =
            "version = 1\n[servers.fs]\nallow = ['a', 3]\n[[servers.fs.rules]]\ntool = 'x'\n";
        let at = |needle: &str| key_at(text, text.find(needle).unwrap_or(0));
        assert_eq!(at("3]"), "servers.fs.allow[1]");
        assert_eq!(at("tool"), "servers.fs.rules[0].tool");
        assert_eq!(at("'x'"), "servers.fs.rules[0].tool");
        assert_eq!(at("1\n"), "version");
    }
}
