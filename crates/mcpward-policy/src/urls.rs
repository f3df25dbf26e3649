//! URL arguments, judged as written and without a DNS lookup, and `urls.allow`/`urls.deny`
//! patterns.
//!
//! The `url` crate parses (WHATWG rules), which folds every literal IPv4 encoding — decimal
//! `2130706433`, octal `0177.0.0.1`, hex `0x7f.1`, short `127.1` — and IDNA look-alikes into one
//! canonical host, so the checks below see the address the server's HTTP client will dial. Before
//! that, the raw text is refused when parsers are known to disagree on it (backslashes,
//! whitespace and control characters, `@` in the authority).

use url::{Host, Url};

use crate::glob::{Glob, Seg, has_wildcard, match_segments};
use crate::ip;

/// Which ports a URL pattern admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortPat {
    /// No port written: the scheme's default port only.
    Default,
    /// `:*`
    Any,
    /// `:8080`
    Exact(u16),
}

/// How a URL pattern names the host.
#[derive(Debug, Clone)]
enum HostPat {
    /// A literal host, normalized as the `url` crate would (so `0x7f.1` equals `127.0.0.1`).
    Exact(String),
    /// A wildcard such as `*.github.com`.
    Glob(Glob),
}

/// One compiled `urls.allow`/`urls.deny` entry: `scheme://host[:port][/path-glob]`.
///
/// `*` in the host matches any run of characters (dots included); in the path `*` stays within
/// one segment and `**` spans segments. A pattern without a path covers the whole origin. A
/// scheme of `*` means http or https.
#[derive(Debug, Clone)]
pub(crate) struct UrlPattern {
    pub(crate) text: String,
    scheme: Option<String>,
    host: HostPat,
    port: PortPat,
    path: Vec<Seg>,
}

impl UrlPattern {
    pub(crate) fn new(text: &str) -> Result<UrlPattern, String> {
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err("expected `scheme://host/path`, e.g. \"https://docs.rs/**\"".to_owned());
        };
        let scheme = if scheme == "*" {
            None
        } else {
            let ok = scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            if !ok {
                return Err(format!("`{scheme}` is not a URL scheme"));
            }
            Some(scheme.to_ascii_lowercase())
        };
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
        {
            return Err("whitespace, control characters and `\\` are not allowed".to_owned());
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err("user information (`user@`) is not allowed in a URL pattern".to_owned());
        }
        let (host, port) = split_host_port(authority)?;
        if host.is_empty() {
            return Err("the host is empty".to_owned());
        }
        let host = if has_wildcard(host) && !host.starts_with('[') {
            HostPat::Glob(
                Glob::new(&host.to_ascii_lowercase()).map_err(|e| format!("invalid glob: {e}"))?,
            )
        } else {
            let probe = Url::parse(&format!("http://{host}/"))
                .map_err(|e| format!("invalid host `{host}`: {e}"))?;
            HostPat::Exact(probe.host_str().unwrap_or_default().to_owned())
        };
        let port = match port {
            None => PortPat::Default,
            Some("*") => PortPat::Any,
            Some(p) => PortPat::Exact(
                p.parse::<u16>()
                    .ok()
                    .filter(|&p| p != 0)
                    .ok_or_else(|| format!("`{p}` is not a port"))?,
            ),
        };
        let mut segs = Vec::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let seg = Seg::new(part).map_err(|e| format!("invalid glob: {e}"))?;
            if !(matches!(seg, Seg::Any) && matches!(segs.last(), Some(Seg::Any))) {
                segs.push(seg);
            }
        }
        if path.is_empty() {
            segs.push(Seg::Any);
        }
        Ok(UrlPattern {
            text: text.to_owned(),
            scheme,
            host,
            port,
            path: segs,
        })
    }

    /// Whether `url` matches.
    pub(crate) fn matches(&self, url: &Url) -> bool {
        let scheme_ok = match &self.scheme {
            Some(s) => s == url.scheme(),
            None => matches!(url.scheme(), "http" | "https"),
        };
        if !scheme_ok {
            return false;
        }
        let host = url.host_str().unwrap_or_default();
        let host_ok = match &self.host {
            HostPat::Exact(h) => h == host,
            HostPat::Glob(g) => g.is_match(host),
        };
        let port_ok = match self.port {
            PortPat::Default => url.port().is_none(),
            PortPat::Any => true,
            PortPat::Exact(p) => url.port_or_known_default() == Some(p),
        };
        host_ok && port_ok && {
            let mut target = url.path().to_owned();
            if let Some(q) = url.query() {
                target.push('?');
                target.push_str(q);
            }
            let comps: Vec<&str> = target.split('/').filter(|p| !p.is_empty()).collect();
            match_segments(&self.path, &comps)
        }
    }

    /// Whether this pattern names `url`'s host literally and with a literal scheme: only such a
    /// pattern can admit a private address, a non-http scheme.
    pub(crate) fn is_explicit_for(&self, url: &Url) -> bool {
        matches!(&self.host, HostPat::Exact(_)) && self.scheme.is_some() && self.matches(url)
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), String> {
    if authority.starts_with('[') {
        let Some(end) = authority.find(']') else {
            return Err("`[` of an IPv6 address has no closing `]`".to_owned());
        };
        let (host, after) = authority.split_at(end + 1);
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(format!("unexpected `{after}` after the host")),
        };
    }
    Ok(match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    })
}

/// A URL argument that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlProblem {
    /// Text parsers are known to read differently.
    Ambiguous(&'static str),
    /// Does not parse.
    Invalid,
    /// Not http or https, and no explicit allow entry.
    Scheme(String),
    /// Carries `user:password@`.
    Userinfo,
    /// Names a special host; the string says which kind.
    SpecialHost(&'static str, String),
}

impl UrlProblem {
    pub(crate) fn builtin_rule(&self) -> &'static str {
        match self {
            UrlProblem::Ambiguous(_) | UrlProblem::Invalid => "builtin.url-invalid",
            UrlProblem::Scheme(_) => "builtin.url-scheme",
            UrlProblem::Userinfo => "builtin.url-userinfo",
            UrlProblem::SpecialHost(..) => "builtin.url-private-address",
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            UrlProblem::Ambiguous(what) => {
                format!("contains {what}, which URL parsers disagree on")
            }
            UrlProblem::Invalid => "is not a valid absolute URL".to_owned(),
            UrlProblem::Scheme(s) => format!("uses scheme `{s}`; only http and https are allowed"),
            UrlProblem::Userinfo => "carries user information (`user@`)".to_owned(),
            UrlProblem::SpecialHost(kind, host) => {
                format!("names host `{host}`, {kind}, which is denied unless listed in urls.allow")
            }
        }
    }
}

/// Parses a URL argument after the raw-text checks.
pub(crate) fn parse_arg(raw: &str) -> Result<Url, UrlProblem> {
    if raw.contains('\\') {
        return Err(UrlProblem::Ambiguous("a backslash"));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlProblem::Ambiguous("whitespace or a control character"));
    }
    if let Some((_, after)) = raw.split_once("//") {
        let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(UrlProblem::Userinfo);
        }
    }
    let url = Url::parse(raw).map_err(|_| UrlProblem::Invalid)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Userinfo);
    }
    Ok(url)
}

/// Whether the scheme is one mcpward admits without an explicit entry.
pub(crate) fn scheme_is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// Why the URL's host is special (private, loopback, metadata, `localhost`, …), if it is.
pub(crate) fn special_host(url: &Url) -> Option<&'static str> {
    match url.host()? {
        Host::Ipv4(a) => ip::classify_v4(a),
        Host::Ipv6(a) => ip::classify_v6(a),
        Host::Domain(d) => ip::classify_name(&d.to_ascii_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(p: &str) -> UrlPattern {
        match UrlPattern::new(p) {
            Ok(p) => p,
            Err(e) => panic!("{p}: {e}"),
        }
    }

    fn url(u: &str) -> Url {
        match Url::parse(u) {
            Ok(u) => u,
            Err(e) => panic!("{u}: {e}"),
        }
    }

    #[test]
    fn patterns_match() {
        let docs = pat("https://docs.rs/**");
        assert!(docs.matches(&url("https://docs.rs/")));
        assert!(docs.matches(&url("https://docs.rs/serde/latest/serde/?q=1")));
        assert!(!docs.matches(&url("http://docs.rs/")));
        assert!(!docs.matches(&url("https://docs.rs.evil.com/")));
        assert!(!docs.matches(&url("https://docs.rs:8443/")));
        let gh = pat("https://*.github.com/**");
        assert!(gh.matches(&url("https://api.github.com/repos")));
        assert!(gh.matches(&url("https://a.b.github.com/")));
        assert!(!gh.matches(&url("https://github.com/")));
        assert!(!gh.matches(&url("https://evilgithub.com/")));
        assert!(!gh.matches(&url("https://evil.com/.github.com/")));
        let local = pat("http://0x7f.1:8080/api/*");
        assert!(local.matches(&url("http://127.0.0.1:8080/api/x")));
        assert!(!local.matches(&url("http://127.0.0.1:8080/api/x/y")));
        assert!(local.is_explicit_for(&url("http://127.0.0.1:8080/api/x")));
        assert!(!gh.is_explicit_for(&url("https://api.github.com/")));
        assert!(pat("https://example.com").matches(&url("https://example.com/any/thing")));
        assert!(pat("https://[::1]:*/**").matches(&url("https://[::1]:9/")));
    }

    #[test]
    fn bad_patterns() {
        for bad in [
            "docs.rs/**",
            "https://",
            "https://u@x.com/",
            "https://x.com:99999/",
            "https://x.com/[a",
            "1ttp://x.com/",
            "https://x .com/",
        ] {
            assert!(UrlPattern::new(bad).is_err(), "{bad}");
        }
    }
}
