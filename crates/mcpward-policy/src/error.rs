//! Load errors: every one names the file, and, once the file was read, the line, column and
//! key it is about.

use std::fmt;
use std::path::PathBuf;

/// Why a policy file could not be loaded. Any of these means: refuse to start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("{}: cannot read the policy file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_POLICY_BYTES`](crate::MAX_POLICY_BYTES).
    #[error("{}: the policy file is {len} bytes; the limit is {limit}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// The text is not a valid policy: TOML syntax, an unknown key, a wrong type, a bad value,
    /// a glob or CEL expression that does not compile.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

impl PolicyError {
    /// The "did you mean …" or "expected one of …" line for the user, kept apart from the
    /// error itself.
    pub fn hint(&self) -> Option<&str> {
        match self {
            PolicyError::Invalid(d) => d.hint.as_deref(),
            _ => None,
        }
    }

    /// The positioned diagnostic, for errors about the file's content.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            PolicyError::Invalid(d) => Some(d),
            _ => None,
        }
    }
}

/// One problem in the policy text, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The policy file, as given to [`load`](crate::load) or [`parse`](crate::parse).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte range in the text.
    pub span: std::ops::Range<usize>,
    /// Dotted key the problem is about, as it would be written in TOML:
    /// `defaults.decision`, `servers.github.deny[0]`, `servers."*".rules[1].deny_when`.
    /// Empty only when a syntax error precedes every key.
    pub key: String,
    /// What is wrong, one sentence.
    pub message: String,
    /// A separate suggestion: "did you mean `decision`?".
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// The text and file name errors are reported against.
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    pub(crate) file: &'a std::path::Path,
    pub(crate) text: &'a str,
}

impl Source<'_> {
    /// A diagnostic at `span` about `key`.
    pub(crate) fn error(
        &self,
        span: std::ops::Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> PolicyError {
        let (line, column) = line_col(self.text, span.start);
        PolicyError::Invalid(Box::new(Diagnostic {
            file: self.file.to_path_buf(),
            line,
            column,
            span,
            key: key.into(),
            message: message.into(),
            hint,
        }))
    }
}

/// 1-based line and column (in characters) of byte `offset`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4));
        assert_eq!(line_col(t, 8), (3, 1));
        assert_eq!(line_col(t, 999), (3, 2));
    }

    #[test]
    fn hints() {
        assert_eq!(
            did_you_mean("decison", ["decision", "on_secret"]),
            Some("decision")
        );
        assert_eq!(did_you_mean("zzz", ["decision"]), None);
    }
}
