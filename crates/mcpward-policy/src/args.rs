//! Finding the filesystem paths and URLs among a call's arguments.
//!
//! Every string in the argument tree (objects and arrays, any depth up to [`MAX_DEPTH`]) is
//! classified, strongest evidence first:
//!
//! 1. the JSON-schema `format` of its property, when a schema is given (`uri`, `url`, `iri` →
//!    URL; `path`, `file-path`, `directory`, … → path);
//! 2. the name of the property holding it (array elements inherit it): the last word of
//!    `snake_case`, `camelCase` or `kebab-case` names — `url`, `uri`, `href`, `endpoint`, `link`
//!    mean a URL; `path`, `file`, `filename`, `dir`, `directory`, `folder`, `root`, `cwd`,
//!    `source`, `destination`, `target`, … mean a path;
//! 3. its shape: `scheme://…` without whitespace for a fetchable scheme (URL); `/…`, `~`, `~/…`,
//!    `./…`, `../…` and Windows forms (path).

use serde_json::Value;

/// Arguments nested deeper than this are denied rather than searched.
pub(crate) const MAX_DEPTH: usize = 64;

/// What a string argument holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Path,
    Url,
}

/// How it was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    Format,
    Name,
    Shape,
}

/// One path or URL argument.
#[derive(Debug, Clone)]
pub(crate) struct Found<'a> {
    /// JSON pointer to the value, `/files/0`.
    pub(crate) pointer: String,
    pub(crate) kind: Kind,
    pub(crate) evidence: Evidence,
    pub(crate) value: &'a str,
}

/// The arguments nest deeper than [`MAX_DEPTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep;

#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Collects every path and URL argument. `want_paths` false skips path detection (the server
/// has no path constraints).
pub(crate) fn collect<'a>(
    args: &'a Value,
    schema: Option<&Value>,
    want_paths: bool,
) -> Result<Vec<Found<'a>>, TooDeep> {
    let mut out = Vec::new();
    let mut trail = Vec::new();
    walk(args, schema, None, want_paths, &mut trail, &mut out)?;
    Ok(out)
}

fn walk<'a>(
    value: &'a Value,
    schema: Option<&Value>,
    name: Option<&'a str>,
    want_paths: bool,
    trail: &mut Vec<Step<'a>>,
    out: &mut Vec<Found<'a>>,
) -> Result<(), TooDeep> {
    if trail.len() > MAX_DEPTH {
        return Err(TooDeep);
    }
    match value {
        Value::Object(map) => {
            let props = schema.and_then(|s| s.get("properties"));
            for (k, v) in map {
                let sub = props.and_then(|p| p.get(k));
                trail.push(Step::Key(k));
                let r = walk(v, sub, Some(k), want_paths, trail, out);
                trail.pop();
                r?;
            }
        }
        Value::Array(items) => {
            let item_schema = schema
                .and_then(|s| s.get("items"))
                .filter(|s| s.is_object());
            for (i, v) in items.iter().enumerate() {
                let sub = item_schema.or_else(|| {
                    schema
                        .and_then(|s| s.get("prefixItems"))
                        .and_then(|p| p.get(i))
                });
                trail.push(Step::Index(i));
                let r = walk(v, sub, name, want_paths, trail, out);
                trail.pop();
                r?;
            }
        }
        Value::String(s) => {
            let format = schema.and_then(|s| s.get("format")).and_then(Value::as_str);
            if let Some((kind, evidence)) = classify(format, name, s, want_paths) {
                out.push(Found {
                    pointer: pointer(trail),
                    kind,
                    evidence,
                    value: s,
                });
            }
        }
        _ => {}
    }
    Ok(())
}

fn pointer(trail: &[Step<'_>]) -> String {
    let mut p = String::new();
    for step in trail {
        p.push('/');
        match step {
            Step::Key(k) => p.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => p.push_str(&i.to_string()),
        }
    }
    if p.is_empty() {
        p.push('/');
    }
    p
}

fn classify(
    format: Option<&str>,
    name: Option<&str>,
    value: &str,
    want_paths: bool,
) -> Option<(Kind, Evidence)> {
    match format {
        Some("uri" | "url" | "iri") => return Some((Kind::Url, Evidence::Format)),
        Some(
            "path" | "file-path" | "filepath" | "file" | "directory" | "dir" | "dir-path"
            | "directory-path",
        ) if want_paths => return Some((Kind::Path, Evidence::Format)),
        _ => {}
    }
    if let Some(word) = name.and_then(last_word) {
        if in_list(word, URL_WORDS) {
            return Some((Kind::Url, Evidence::Name));
        }
        if want_paths && in_list(word, PATH_WORDS) {
            return Some((Kind::Path, Evidence::Name));
        }
    }
    if looks_like_url(value) {
        return Some((Kind::Url, Evidence::Shape));
    }
    if want_paths && looks_like_path(value) {
        return Some((Kind::Path, Evidence::Shape));
    }
    None
}

const URL_WORDS: &[&str] = &[
    "url",
    "urls",
    "uri",
    "uris",
    "href",
    "endpoint",
    "endpoints",
    "link",
    "links",
];

const PATH_WORDS: &[&str] = &[
    "path",
    "paths",
    "pathname",
    "file",
    "files",
    "filename",
    "filenames",
    "filepath",
    "filepaths",
    "dir",
    "dirs",
    "directory",
    "directories",
    "folder",
    "folders",
    "root",
    "roots",
    "cwd",
    "workdir",
    "source",
    "sources",
    "src",
    "destination",
    "dest",
    "dst",
    "target",
];

/// The last word of a property name: `outputFile` → `file`, `base_url` → `url`,
/// `webhookURL` → `url`, `URLPath` → `Path`. Compare it case-insensitively.
fn last_word(name: &str) -> Option<&str> {
    let trimmed = name.trim_end_matches(|c: char| !c.is_alphanumeric());
    let start = trimmed
        .char_indices()
        .rev()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = trimmed.get(start..)?;
    // camelCase: the last run starting at an uppercase letter after a lowercase letter or a
    // digit, or at the last capital of an all-caps run followed by lowercase (`URLPath`).
    let mut cut = 0;
    let mut prev: Option<char> = None;
    let mut chars = word.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(p) = prev {
            let next_lower = chars.peek().is_some_and(|&(_, n)| n.is_lowercase());
            if c.is_uppercase()
                && (p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next_lower))
            {
                cut = i;
            }
        }
        prev = Some(c);
    }
    word.get(cut..).filter(|w| !w.is_empty())
}

fn in_list(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// `scheme://…` for a scheme a fetch could use, with no whitespace.
pub(crate) fn looks_like_url(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once("://") else {
        return false;
    };
    const FETCHABLE: &[&str] = &[
        "http", "https", "ws", "wss", "ftp", "ftps", "file", "gopher", "dict",
    ];
    in_list(scheme, FETCHABLE) && !value.chars().any(char::is_whitespace)
}

/// Absolute, home-relative, explicitly relative or Windows-form paths on one line.
fn looks_like_path(value: &str) -> bool {
    if value.contains('\n') || value.len() > 4096 {
        return false;
    }
    value.starts_with('/')
        || value == "~"
        || value.starts_with("~/")
        || value.starts_with("./")
        || value.starts_with("../")
        || value.starts_with("\\\\")
        || {
            let b = value.as_bytes();
            b.len() >= 3
                && b[0].is_ascii_alphabetic()
                && b[1] == b':'
                && matches!(b[2], b'\\' | b'/')
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn words() {
        assert_eq!(last_word("outputFile"), Some("File"));
        assert_eq!(last_word("base_url"), Some("url"));
        assert_eq!(last_word("webhookURL"), Some("URL"));
        assert_eq!(last_word("URLPath"), Some("Path"));
        assert_eq!(last_word("path"), Some("path"));
        assert_eq!(last_word("profile"), Some("profile"));
        assert_eq!(last_word("source-dir"), Some("dir"));
        assert_eq!(last_word("file2Path"), Some("Path"));
        assert_eq!(last_word("__"), None);
    }

    #[test]
    fn finds_by_name_shape_and_format() {
        let args = json!({
            "path": "notes.txt",
            "files": ["a", "b"],
            "options": {"cwd": "/tmp"},
            "comment": "/etc/passwd",
            "text": "hello",
            "endpoint": "example.com",
            "body": "see https://x.com",
            "ref": "https://169.254.169.254/",
            "loc": "x",
        });
        let schema = json!({"properties": {"loc": {"type": "string", "format": "uri"}}});
        let found = collect(&args, Some(&schema), true).unwrap_or_default();
        let got: Vec<(String, Kind)> = found.iter().map(|f| (f.pointer.clone(), f.kind)).collect();
        for want in [
            ("/path", Kind::Path),
            ("/files/0", Kind::Path),
            ("/files/1", Kind::Path),
            ("/options/cwd", Kind::Path),
            ("/comment", Kind::Path),
            ("/endpoint", Kind::Url),
            ("/ref", Kind::Url),
            ("/loc", Kind::Url),
        ] {
            assert!(
                got.contains(&(want.0.to_owned(), want.1)),
                "{want:?} in {got:?}"
            );
        }
        assert_eq!(got.len(), 8, "{got:?}");
        let no_paths = collect(&args, None, false).unwrap_or_default();
        assert!(no_paths.iter().all(|f| f.kind == Kind::Url));
    }

    #[test]
    fn depth_is_bounded() {
        let mut v = json!("x");
        for _ in 0..100 {
            v = json!([v]);
        }
        assert_eq!(collect(&v, None, true).err(), Some(TooDeep));
    }
}
