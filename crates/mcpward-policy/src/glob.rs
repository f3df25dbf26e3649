//! Glob patterns, compiled once at load.
//!
//! Three shapes share one matcher:
//!
//! - [`Glob`]: one string, for tool names (`delete_*`) and host names (`*.github.com`).
//!   `*` matches any run of characters, `?` one character, `[abc]`, `[a-z]` and `[!abc]` one
//!   character of (or not of) a set.
//! - [`Segments`]: a `/`-separated pattern in which a whole `**` segment spans any number of
//!   segments (none included), and every other segment is a [`Glob`] that never crosses `/`.
//!   Filesystem path patterns and URL path patterns are built on it.
//!
//! Why not `globset`: it compiles every pattern into a regular expression, which costs far more
//! at load than these patterns need and gives us no say over the one-segment `*` rule for URL
//! hosts and paths. The matcher below is a backtrack-to-the-last-star scan, `O(pattern × text)`
//! in the worst case and allocation-free, and it never recurses, so hostile input cannot blow
//! the stack.

use std::fmt;

/// Why a pattern does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GlobError {
    /// The pattern is empty.
    Empty,
    /// A `[` has no closing `]`.
    UnclosedClass,
    /// A range such as `[z-a]` runs backwards.
    BadRange(char, char),
    /// A control character (including NUL) appears in the pattern.
    Control,
}

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GlobError::Empty => f.write_str("empty pattern"),
            GlobError::UnclosedClass => f.write_str("`[` has no closing `]`"),
            GlobError::BadRange(a, b) => write!(f, "character range `{a}-{b}` runs backwards"),
            GlobError::Control => f.write_str("control character in pattern"),
        }
    }
}

#[derive(Debug, Clone)]
enum Tok {
    Lit(char),
    One,
    Star,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Tok {
    fn matches(&self, c: char) -> bool {
        match self {
            Tok::Lit(l) => *l == c,
            Tok::One => true,
            Tok::Star => false,
            Tok::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// A compiled pattern over one string.
#[derive(Debug, Clone)]
pub(crate) struct Glob {
    toks: Vec<Tok>,
    /// Set when the pattern has no wildcard: matching is then string equality.
    literal: Option<String>,
}

impl Glob {
    /// Compiles `pattern`.
    pub(crate) fn new(pattern: &str) -> Result<Glob, GlobError> {
        if pattern.is_empty() {
            return Err(GlobError::Empty);
        }
        let chars: Vec<char> = pattern.chars().collect();
        let mut toks = Vec::with_capacity(chars.len());
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if c.is_control() {
                return Err(GlobError::Control);
            }
            match c {
                '*' => {
                    if !matches!(toks.last(), Some(Tok::Star)) {
                        toks.push(Tok::Star);
                    }
                    i += 1;
                }
                '?' => {
                    toks.push(Tok::One);
                    i += 1;
                }
                '[' => {
                    let (tok, next) = parse_class(&chars, i + 1)?;
                    toks.push(tok);
                    i = next;
                }
                _ => {
                    toks.push(Tok::Lit(c));
                    i += 1;
                }
            }
        }
        let literal = toks
            .iter()
            .all(|t| matches!(t, Tok::Lit(_)))
            .then(|| pattern.to_owned());
        Ok(Glob { toks, literal })
    }

    /// Whether `text` matches the whole pattern.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        if let Some(lit) = &self.literal {
            return lit == text;
        }
        match_toks(&self.toks, text)
    }
}

/// Whether a pattern string uses any wildcard syntax.
pub(crate) fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// Parses a class body starting after `[`; returns the token and the index after `]`.
fn parse_class(chars: &[char], start: usize) -> Result<(Tok, usize), GlobError> {
    let mut i = start;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(GlobError::UnclosedClass);
        };
        if c.is_control() {
            return Err(GlobError::Control);
        }
        if c == ']' && !first {
            return Ok((Tok::Class { negated, ranges }, i + 1));
        }
        first = false;
        match (chars.get(i + 1), chars.get(i + 2)) {
            (Some('-'), Some(&hi)) if hi != ']' => {
                if hi.is_control() {
                    return Err(GlobError::Control);
                }
                if hi < c {
                    return Err(GlobError::BadRange(c, hi));
                }
                ranges.push((c, hi));
                i += 3;
            }
            _ => {
                ranges.push((c, c));
                i += 1;
            }
        }
    }
}

/// The character at byte index `at` of `text` and its length, if any.
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map(|c| (c, c.len_utf8()))
}

/// Greedy match with backtracking to the last `*`: correct because every other token
/// consumes exactly one character.
fn match_toks(toks: &[Tok], text: &str) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some((c, len)) = char_at(text, t) {
        match toks.get(p) {
            Some(Tok::Star) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(tok) if tok.matches(c) => {
                p += 1;
                t += len;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                let Some((_, slen)) = char_at(text, st) else {
                    return false;
                };
                p = sp + 1;
                t = st + slen;
                star = Some((sp, t));
            }
            None => return false,
        }
    }
    toks.get(p..)
        .is_some_and(|rest| rest.iter().all(|t| matches!(t, Tok::Star)))
}

/// One segment of a `/`-separated pattern.
#[derive(Debug, Clone)]
pub(crate) enum Seg {
    /// `**`: any number of segments, none included.
    Any,
    /// Exactly one segment.
    One(Glob),
}

impl Seg {
    /// Compiles one segment (`**` becomes [`Seg::Any`]).
    pub(crate) fn new(segment: &str) -> Result<Seg, GlobError> {
        if segment == "**" {
            Ok(Seg::Any)
        } else {
            Glob::new(segment).map(Seg::One)
        }
    }
}

/// Whether `segs` matches the whole of `comps`. Same algorithm as [`match_toks`], one level up:
/// `**` plays the star, every other segment consumes exactly one component.
pub(crate) fn match_segments<S: AsRef<str>>(segs: &[Seg], comps: &[S]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(comp) = comps.get(t) {
        match segs.get(p) {
            Some(Seg::Any) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Seg::One(g)) if g.is_match(comp.as_ref()) => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, t));
            }
            None => return false,
        }
    }
    segs.get(p..)
        .is_some_and(|rest| rest.iter().all(|s| matches!(s, Seg::Any)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Glob::new(p).map(|g| g.is_match(t)).unwrap_or(false)
    }

    #[test]
    fn stars_questions_classes() {
        assert!(m("delete_*", "delete_repo"));
        assert!(m("delete_*", "delete_"));
        assert!(!m("delete_*", "undelete_repo"));
        assert!(m("*", ""));
        assert!(m("*_issue", "create_issue"));
        assert!(m("a*b*c", "aXXbYYbZc"));
        assert!(!m("a*b*c", "aXXbYYbZ"));
        assert!(m("get_?", "get_x"));
        assert!(!m("get_?", "get_xy"));
        assert!(m("[abc]x", "bx"));
        assert!(!m("[!abc]x", "bx"));
        assert!(m("[^abc]x", "dx"));
        assert!(m("[a-z]1", "q1"));
        assert!(!m("[a-z]1", "Q1"));
        assert!(m("[]]", "]"));
        assert!(m("[a-]", "-"));
        assert!(m("é*", "été"));
        assert!(m("*?", "é"));
        assert!(!m("?", ""));
    }

    #[test]
    fn bad_patterns() {
        assert_eq!(Glob::new("").err(), Some(GlobError::Empty));
        assert_eq!(Glob::new("[abc").err(), Some(GlobError::UnclosedClass));
        assert_eq!(
            Glob::new("[z-a]").err(),
            Some(GlobError::BadRange('z', 'a'))
        );
        assert_eq!(Glob::new("a\0").err(), Some(GlobError::Control));
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let p = "*a*a*a*a*a*a*a*a*a*a*b";
        let t = "a".repeat(10_000);
        assert!(!m(p, &t));
    }

    fn segs(p: &str) -> Vec<Seg> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(|s| Seg::new(s).unwrap_or(Seg::Any))
            .collect()
    }

    #[test]
    fn double_star_spans_segments() {
        let comps = ["home", "u", ".ssh", "id_rsa"];
        assert!(match_segments(&segs("**/.ssh/**"), &comps));
        assert!(match_segments(&segs("home/**"), &comps));
        assert!(match_segments(&segs("**/id_*"), &comps));
        assert!(!match_segments(&segs("**/.aws/**"), &comps));
        assert!(!match_segments(&segs("home/*"), &comps));
        assert!(match_segments(&segs("home/*/.ssh/*"), &comps));
        assert!(match_segments(&segs("**"), &[] as &[&str]));
        assert!(match_segments(&segs("a/**"), &["a"]));
        assert!(!match_segments(&segs("a/*"), &["a"]));
    }
}
