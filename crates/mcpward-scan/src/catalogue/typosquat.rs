//! Resemblance between an unknown package name and the catalogue's packages.

use super::{KnownServer, normalize_package};
use crate::Ecosystem;

/// Names (after normalization) shorter than this are never compared.
const MIN_LEN: usize = 5;

/// Segments of a scoped npm name that do not make it distinctive on their own: an unscoped
/// `mcp-server` is not a copy of `@heroku/mcp-server`.
const GENERIC_SEGMENTS: &[&str] = &[
    "mcp", "server", "servers", "sdk", "cli", "client", "core", "agent", "toolkit", "js", "ts",
    "py", "node", "official", "api", "app", "io", "ai", "main", "plugin", "proxy", "tools",
];

/// A name prepared for comparison.
#[derive(Debug, Clone)]
pub(super) struct Form {
    /// Normalized, lowercased.
    lower: String,
    /// Lowercased with look-alike characters folded.
    folded: String,
    /// `folded` split at separators (`-`, `_`, `.`, `/`, `@`, `:`).
    segments: Vec<String>,
    /// The segments joined without separators.
    joined: String,
    /// For a scoped npm name: the folded name after the scope.
    bare: Option<String>,
}

impl Form {
    fn new(ecosystem: Ecosystem, name: &str) -> Form {
        let normalized = normalize_package(ecosystem, name);
        let lower = normalized.to_lowercase();
        let folded = fold(&normalized);
        let segments: Vec<String> = folded
            .split(is_separator)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let joined = segments.concat();
        let bare = (ecosystem == Ecosystem::Npm && folded.starts_with('@'))
            .then(|| folded.split_once('/').map(|(_, bare)| bare.to_string()))
            .flatten();
        Form {
            lower,
            folded,
            segments,
            joined,
            bare,
        }
    }

    fn len(&self) -> usize {
        self.folded.chars().count()
    }
}

/// One package that names close to it are compared against.
#[derive(Debug, Clone)]
pub(super) struct SquatTarget {
    ecosystem: Ecosystem,
    form: Form,
    /// The package is official and its bare name (after the scope) is distinctive enough to
    /// flag the name without its scope.
    distinctive_bare: bool,
    server: usize,
    package: usize,
}

/// The comparison targets of a catalogue: every package that is a squat target.
pub(super) fn targets(servers: &[KnownServer]) -> Vec<SquatTarget> {
    let mut out = Vec::new();
    for (si, s) in servers.iter().enumerate() {
        for (pi, p) in s.packages.iter().enumerate() {
            if !p.squat_target || p.ecosystem == Ecosystem::Binary {
                continue;
            }
            let form = Form::new(p.ecosystem, &p.name);
            let distinctive_bare = s.official
                && form.bare.as_deref().is_some_and(|bare| {
                    bare.chars().count() >= MIN_LEN
                        && bare
                            .split(is_separator)
                            .any(|seg| seg.len() >= 3 && !GENERIC_SEGMENTS.contains(&seg))
                });
            out.push(SquatTarget {
                ecosystem: p.ecosystem,
                form,
                distinctive_bare,
                server: si,
                package: pi,
            });
        }
    }
    out
}

/// The closest target that `name` imitates: (server index, package index).
pub(super) fn best_match(
    targets: &[SquatTarget],
    servers: &[KnownServer],
    ecosystem: Ecosystem,
    name: &str,
) -> Option<(usize, usize)> {
    let candidate = Form::new(ecosystem, name);
    if candidate.len() < MIN_LEN {
        return None;
    }
    let mut best: Option<(u8, bool, &SquatTarget)> = None;
    for t in targets.iter().filter(|t| t.ecosystem == ecosystem) {
        let Some(score) = resemblance(&candidate, t) else {
            continue;
        };
        let official = servers[t.server].official;
        let better = match best {
            None => true,
            Some((s, o, _)) => score < s || (score == s && official && !o),
        };
        if better {
            best = Some((score, official, t));
        }
    }
    best.map(|(_, _, t)| (t.server, t.package))
}

/// How closely `c` imitates `t`: lower is closer; `None` when it does not.
fn resemblance(c: &Form, t: &SquatTarget) -> Option<u8> {
    let tf = &t.form;
    if tf.len() < MIN_LEN {
        return None;
    }
    if c.lower == tf.lower {
        return Some(0);
    }
    if c.folded == tf.folded || c.joined == tf.joined {
        return Some(1);
    }
    if c.segments.len() == tf.segments.len() {
        if let Some(distance) = segment_distance(&c.segments, &tf.segments) {
            return Some(1 + distance);
        }
    } else if tf.joined.chars().count() >= 10
        && strsim::damerau_levenshtein(&c.joined, &tf.joined) == 1
        && single_edit(&c.joined, &tf.joined) != Edit::Substitution
    {
        return Some(2);
    }
    if t.distinctive_bare
        && c.bare.is_none()
        && let Some(bare) = &tf.bare
    {
        let bare_joined: String = bare.split(is_separator).collect();
        if c.folded == *bare || c.joined == bare_joined {
            return Some(3);
        }
    }
    None
}

/// The edit distance (1 or 2) between two names with the same number of segments, when it is
/// small for the length of the segments that differ: one swap of adjacent characters in 3+
/// characters, one insertion or deletion in 5+, one substitution in 7+ (shorter words often
/// differ by one letter: `mysql`/`mssql`, `slack`/`stack`), two edits in 9+.
fn segment_distance(candidate: &[String], target: &[String]) -> Option<u8> {
    let mut distance = 0;
    let mut differing_len = 0;
    let mut edit = Edit::Other;
    for (a, b) in candidate.iter().zip(target) {
        if a != b {
            let d = strsim::damerau_levenshtein(a, b);
            distance += d;
            differing_len += b.chars().count();
            if distance > 2 {
                return None;
            }
            edit = single_edit(a, b);
        }
    }
    let close = match (distance, edit) {
        (1, Edit::Swap) => differing_len >= 3,
        (1, Edit::Substitution) => differing_len >= 7,
        (1, _) => differing_len >= MIN_LEN,
        (2, _) => differing_len >= 9,
        _ => false,
    };
    // `distance` is 1 or 2 when `close`.
    close.then_some(if distance == 1 { 1 } else { 2 })
}

/// The kind of a one-character edit between two segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    Swap,
    Substitution,
    /// An insertion, a deletion, or more than one edit.
    Other,
}

fn single_edit(a: &str, b: &str) -> Edit {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() != b.len() {
        return Edit::Other;
    }
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diffs[..] {
        [_] => Edit::Substitution,
        [i, j] if j == i + 1 && a[i] == b[j] && a[j] == b[i] => Edit::Swap,
        _ => Edit::Other,
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.' | '/' | '@' | ':')
}

/// Lowercases and folds characters that look alike in package names: `I`, `1` and `|` to `l`,
/// `0` to `o`, `rn` to `m`, `vv` to `w`, and common Cyrillic look-alikes to Latin.
fn fold(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            'I' | '1' | '|' => 'l',
            '0' => 'o',
            'а' => 'a',
            'е' => 'e',
            'о' => 'o',
            'р' => 'p',
            'с' => 'c',
            'у' => 'y',
            'х' => 'x',
            'і' => 'i',
            'ӏ' => 'l',
            c => c,
        };
        s.extend(c.to_lowercase());
    }
    s.replace("rn", "m").replace("vv", "w")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_lookalikes() {
        assert_eq!(
            fold("@modelcontextprotocoI/server-fi1esystem"),
            "@modelcontextprotocol/server-filesystem"
        );
        assert_eq!(fold("server-rnemory"), "server-memory");
        assert_eq!(fold("g0"), "go");
    }

    #[test]
    fn single_edits() {
        assert_eq!(single_edit("gti", "git"), Edit::Swap);
        assert_eq!(single_edit("gis", "git"), Edit::Substitution);
        assert_eq!(single_edit("tgi", "git"), Edit::Other);
        assert_eq!(single_edit("fetc", "fetch"), Edit::Other);
    }

    #[test]
    fn scoped_forms() {
        let f = Form::new(Ecosystem::Npm, "@modelcontextprotocol/server-memory");
        assert_eq!(f.bare.as_deref(), Some("server-memory"));
        assert_eq!(f.segments, ["modelcontextprotocol", "server", "memory"]);
        assert_eq!(Form::new(Ecosystem::Pypi, "mcp-server-git").bare, None);
    }
}
