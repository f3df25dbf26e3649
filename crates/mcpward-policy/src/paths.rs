//! Filesystem path arguments: normalization, symlink resolution through [`PathResolver`], and
//! `paths.allow`/`paths.deny` patterns.
//!
//! A path is judged as the server will see it: `~` expanded to the home directory, `.` and `..`
//! resolved lexically, then, where the path (or its longest existing ancestor) exists, symlinks
//! resolved and the result checked again. Both forms must pass. Windows forms (`C:\`, `C:/`,
//! `\\server\share`, any backslash) are rejected outright: on Unix they are either a different
//! file than they look or a server-specific reinterpretation we cannot predict.

use std::path::{Component, Path, PathBuf};

use crate::glob::{GlobError, Seg, has_wildcard, match_segments};

/// The most path components judged; a longer path is denied.
pub(crate) const MAX_COMPONENTS: usize = 256;

/// What the policy needs from the filesystem, so decisions stay testable: the target of
/// symlinks and the home directory. [`FsResolver`] is the real one.
pub trait PathResolver: Send + Sync {
    /// The absolute path with every symlink resolved, or `None` when `p` does not exist or
    /// cannot be resolved.
    fn canonicalize(&self, p: &Path) -> Option<PathBuf>;
    /// The home directory `~` stands for, or `None` when unknown.
    fn home(&self) -> Option<PathBuf>;
}

/// The real [`PathResolver`]: `std::fs::canonicalize` and `$HOME`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FsResolver;

impl PathResolver for FsResolver {
    fn canonicalize(&self, p: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(p).ok()
    }

    fn home(&self) -> Option<PathBuf> {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|h| h.is_absolute())
    }
}

/// A path after lexical normalization: no `.`, no `..` (except leading ones of a relative
/// path, which make it [`PathProblem::Escapes`]), no empty components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NormPath {
    pub(crate) absolute: bool,
    pub(crate) comps: Vec<String>,
}

impl NormPath {
    pub(crate) fn to_path_buf(&self) -> PathBuf {
        let mut p = PathBuf::from(if self.absolute { "/" } else { "" });
        p.extend(&self.comps);
        p
    }

    pub(crate) fn display(&self) -> String {
        let joined = self.comps.join("/");
        if self.absolute {
            format!("/{joined}")
        } else if joined.is_empty() {
            ".".to_owned()
        } else {
            joined
        }
    }

    /// Splits an absolute `PathBuf` from the resolver; `None` when it is not absolute UTF-8.
    pub(crate) fn from_real(p: &Path) -> Option<NormPath> {
        let mut comps = Vec::new();
        let mut absolute = false;
        for c in p.components() {
            match c {
                Component::RootDir => absolute = true,
                Component::Normal(s) => comps.push(s.to_str()?.to_owned()),
                Component::CurDir => {}
                Component::ParentDir => {
                    comps.pop();
                }
                Component::Prefix(_) => return None,
            }
        }
        absolute.then_some(NormPath { absolute, comps })
    }
}

/// Why a path argument cannot be judged; each one denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathProblem {
    Empty,
    Nul,
    Windows,
    TildeUser,
    NoHome,
    Escapes,
    TooDeep,
    BadFileUrl,
    Unresolvable,
}

impl PathProblem {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            PathProblem::Empty => "is empty",
            PathProblem::Nul => "contains a NUL byte",
            PathProblem::Windows => "is a Windows-style path, which is rejected on Unix",
            PathProblem::TildeUser => "names another user's home directory (`~user`)",
            PathProblem::NoHome => "starts with `~` but the home directory is unknown",
            PathProblem::Escapes => "is relative and climbs above its starting directory",
            PathProblem::TooDeep => "has too many components",
            PathProblem::BadFileUrl => "is a file: URL that does not name a local path",
            PathProblem::Unresolvable => {
                "resolves through a symlink to a path that is not valid UTF-8"
            }
        }
    }
}

/// Whether `s` looks like a Windows path: a drive letter, a UNC prefix or any backslash.
pub(crate) fn is_windows_form(s: &str) -> bool {
    let b = s.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    drive || s.contains('\\')
}

/// Lexically normalizes `raw`: `~` expanded with `home`, relative paths joined to `cwd` when
/// one is known, `.` dropped, `..` applied.
pub(crate) fn normalize(
    raw: &str,
    home: Option<&[String]>,
    cwd: Option<&NormPath>,
) -> Result<NormPath, PathProblem> {
    if raw.is_empty() {
        return Err(PathProblem::Empty);
    }
    if raw.contains('\0') {
        return Err(PathProblem::Nul);
    }
    if is_windows_form(raw) {
        return Err(PathProblem::Windows);
    }
    let (mut out, rest) = if raw == "~" || raw.starts_with("~/") {
        let home = home.ok_or(PathProblem::NoHome)?;
        let rest = raw.get(1..).unwrap_or_default();
        (
            NormPath {
                absolute: true,
                comps: home.to_vec(),
            },
            rest,
        )
    } else if raw.starts_with('~') {
        return Err(PathProblem::TildeUser);
    } else if raw.starts_with('/') {
        (
            NormPath {
                absolute: true,
                comps: Vec::new(),
            },
            raw,
        )
    } else if let Some(cwd) = cwd.filter(|c| c.absolute) {
        (cwd.clone(), raw)
    } else {
        (
            NormPath {
                absolute: false,
                comps: Vec::new(),
            },
            raw,
        )
    };
    for (n, part) in rest.split('/').enumerate() {
        if n > MAX_COMPONENTS * 4 {
            return Err(PathProblem::TooDeep);
        }
        match part {
            "" | "." => {}
            ".." => {
                if out.comps.pop().is_none() && !out.absolute {
                    return Err(PathProblem::Escapes);
                }
            }
            other => out.comps.push(other.to_owned()),
        }
    }
    if out.comps.len() > MAX_COMPONENTS {
        return Err(PathProblem::TooDeep);
    }
    Ok(out)
}

/// The path with symlinks resolved, when that differs from `path`: the longest existing
/// ancestor is canonicalized and the components that do not exist yet appended to it. A
/// resolved path that is not absolute UTF-8 cannot be judged: [`PathProblem::Unresolvable`].
pub(crate) fn resolve(
    resolver: &dyn PathResolver,
    path: &NormPath,
) -> Result<Option<NormPath>, PathProblem> {
    if !path.absolute {
        return Ok(None);
    }
    for i in (1..=path.comps.len()).rev() {
        let mut candidate = PathBuf::from("/");
        candidate.extend(&path.comps[..i]);
        let Some(real) = resolver.canonicalize(&candidate) else {
            continue;
        };
        let mut real = NormPath::from_real(&real).ok_or(PathProblem::Unresolvable)?;
        real.comps.extend(path.comps[i..].iter().cloned());
        if real.comps.len() > MAX_COMPONENTS {
            return Err(PathProblem::TooDeep);
        }
        return Ok((real != *path).then_some(real));
    }
    Ok(None)
}

/// Where a path pattern is anchored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// `/etc/**`
    Root,
    /// `~/src/**`
    Home,
    /// `**/.env`, `*.pem`: matched against the end of any path.
    Anywhere,
}

/// One compiled `paths.allow`/`paths.deny` entry.
#[derive(Debug, Clone)]
pub(crate) struct PathPattern {
    pub(crate) text: String,
    anchor: Anchor,
    /// Leading components without wildcards (after the root or home).
    prefix: Vec<String>,
    /// The rest; for [`Anchor::Anywhere`] it starts with `**`.
    rest: Vec<Seg>,
}

impl PathPattern {
    /// Compiles a path pattern: absolute (`/…`), home-relative (`~/…`) or relative, which
    /// matches at any depth (`*.pem` means `**/*.pem`).
    pub(crate) fn new(text: &str) -> Result<PathPattern, String> {
        if text.is_empty() {
            return Err(GlobError::Empty.to_string());
        }
        if is_windows_form(text) {
            return Err("use `/` in path patterns; Windows forms are not supported".to_owned());
        }
        let (anchor, body) = if text == "~" || text.starts_with("~/") {
            (Anchor::Home, text.get(1..).unwrap_or_default())
        } else if text.starts_with('~') {
            return Err("`~user` is not supported; write the absolute path".to_owned());
        } else if text.starts_with('/') {
            (Anchor::Root, text)
        } else {
            (Anchor::Anywhere, text)
        };
        let mut prefix = Vec::new();
        let mut rest = Vec::new();
        if anchor == Anchor::Anywhere {
            rest.push(Seg::Any);
        }
        for part in body.split('/') {
            match part {
                "" | "." => {}
                ".." => return Err("`..` is not allowed in a path pattern".to_owned()),
                p if rest.is_empty() && !has_wildcard(p) => prefix.push(p.to_owned()),
                p => {
                    let seg = Seg::new(p).map_err(|e| format!("invalid glob: {e}"))?;
                    // `**/**` means the same as `**`.
                    if !(matches!(seg, Seg::Any) && matches!(rest.last(), Some(Seg::Any))) {
                        rest.push(seg);
                    }
                }
            }
        }
        Ok(PathPattern {
            text: text.to_owned(),
            anchor,
            prefix,
            rest,
        })
    }

    pub(crate) fn needs_home(&self) -> bool {
        self.anchor == Anchor::Home
    }

    /// The absolute directory the pattern starts from, when anchored.
    pub(crate) fn base(&self, home: Option<&[String]>) -> Option<NormPath> {
        let mut comps = match self.anchor {
            Anchor::Root => Vec::new(),
            Anchor::Home => home?.to_vec(),
            Anchor::Anywhere => return None,
        };
        comps.extend(self.prefix.iter().cloned());
        Some(NormPath {
            absolute: true,
            comps,
        })
    }

    /// Whether `path` matches. Anchored patterns never match a relative path.
    pub(crate) fn matches(&self, path: &NormPath, home: Option<&[String]>) -> bool {
        match self.anchor {
            Anchor::Anywhere => match_segments(&self.rest, &path.comps),
            Anchor::Root => path.absolute && self.matches_from(&[], path),
            Anchor::Home => match home {
                Some(h) => path.absolute && self.matches_from(h, path),
                None => false,
            },
        }
    }

    fn matches_from(&self, base: &[String], path: &NormPath) -> bool {
        let Some(after_base) = path.comps.strip_prefix(base) else {
            return false;
        };
        let Some(after_prefix) = after_base.strip_prefix(self.prefix.as_slice()) else {
            return false;
        };
        match_segments(&self.rest, after_prefix)
    }

    /// Whether `path` matches with the pattern's base directory replaced by `real_base`
    /// (that directory with its own symlinks resolved).
    pub(crate) fn matches_under(&self, real_base: &NormPath, path: &NormPath) -> bool {
        path.absolute
            && path
                .comps
                .strip_prefix(real_base.comps.as_slice())
                .is_some_and(|rest| match_segments(&self.rest, rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> Vec<String> {
        vec!["home".to_owned(), "u".to_owned()]
    }

    fn n(raw: &str) -> Result<String, PathProblem> {
        let h = home();
        normalize(raw, Some(&h), None).map(|p| p.display())
    }

    #[test]
    fn normalizes() {
        assert_eq!(n("/a/./b/../c"), Ok("/a/c".to_owned()));
        assert_eq!(n("/../../etc/passwd"), Ok("/etc/passwd".to_owned()));
        assert_eq!(n("~/x/../.ssh/id"), Ok("/home/u/.ssh/id".to_owned()));
        assert_eq!(n("~"), Ok("/home/u".to_owned()));
        assert_eq!(n("a//b/"), Ok("a/b".to_owned()));
        assert_eq!(n("a/../.."), Err(PathProblem::Escapes));
        assert_eq!(n("~root/x"), Err(PathProblem::TildeUser));
        assert_eq!(n("C:\\Windows"), Err(PathProblem::Windows));
        assert_eq!(n("c:/x"), Err(PathProblem::Windows));
        assert_eq!(n("\\\\server\\share"), Err(PathProblem::Windows));
        assert_eq!(n("/a\0b"), Err(PathProblem::Nul));
        assert_eq!(
            normalize("~/x", None, None).map(|p| p.display()),
            Err(PathProblem::NoHome)
        );
        let cwd = NormPath {
            absolute: true,
            comps: vec!["srv".to_owned()],
        };
        assert_eq!(
            normalize("../etc", None, Some(&cwd)).map(|p| p.display()),
            Ok("/etc".to_owned())
        );
    }

    fn pm(pattern: &str, path: &str) -> bool {
        let h = home();
        let p = PathPattern::new(pattern).ok();
        let path = normalize(path, Some(&h), None).ok();
        matches!((p, path), (Some(p), Some(path)) if p.matches(&path, Some(&h)))
    }

    #[test]
    fn patterns() {
        assert!(pm("~/src/myapp/**", "/home/u/src/myapp/a/b.rs"));
        assert!(pm("~/src/myapp/**", "/home/u/src/myapp"));
        assert!(!pm("~/src/myapp/**", "/home/u/src/myapp2/x"));
        assert!(!pm("~/src/myapp/**", "/home/u/src/other"));
        assert!(pm("**/.env", "/home/u/src/.env"));
        assert!(pm("**/.env", ".env"));
        assert!(!pm("**/.env", "/home/u/.envrc"));
        assert!(pm("**/.env.*", "/x/.env.local"));
        assert!(pm("**/*.pem", "/x/y/key.pem"));
        assert!(pm("*.pem", "/x/y/key.pem"));
        assert!(pm("**/.ssh/**", "/home/u/.ssh/id_rsa"));
        assert!(pm("**/.ssh/**", "/home/u/.ssh"));
        assert!(pm("/etc/**", "/etc/passwd"));
        assert!(!pm("/etc/**", "etc/passwd"));
        assert!(pm("**/id_*", "/home/u/.ssh/id_ed25519"));
    }

    #[test]
    fn bad_patterns() {
        for bad in ["", "C:\\x", "a\\b", "~root/x", "/a/../b", "/a/[b"] {
            assert!(PathPattern::new(bad).is_err(), "{bad}");
        }
    }
}
