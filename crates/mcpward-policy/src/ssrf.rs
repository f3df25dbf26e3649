//! The pure half of the SSRF guard, shared by the policy's `urls.*` checks and the egress proxy
//! of `mcpward-sandbox` (which adds the DNS lookup, the connection and the redirects).
//!
//! Nothing here does I/O: it parses URL text strictly and says why an address or a host name is
//! not one to reach without an explicit allow entry.

use std::net::IpAddr;

pub use url::Url;

use crate::{ip, urls};

/// Why URL text is refused before any lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlRefusal {
    /// Text that URL parsers are known to read differently (a backslash, whitespace, a control
    /// character); the string says which.
    Ambiguous(&'static str),
    /// Not an absolute URL, or no host.
    Invalid,
    /// A scheme outside the allowed set.
    Scheme(String),
    /// `user:password@` in the authority.
    Userinfo,
}

impl std::fmt::Display for UrlRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlRefusal::Ambiguous(what) => {
                write!(f, "contains {what}, which URL parsers disagree on")
            }
            UrlRefusal::Invalid => f.write_str("is not a valid absolute URL with a host"),
            UrlRefusal::Scheme(s) => write!(f, "uses scheme `{s}`, which is not allowed"),
            UrlRefusal::Userinfo => f.write_str("carries user information (`user@`)"),
        }
    }
}

/// Parses `raw` as the WHATWG URL parser does (so every IPv4 spelling — decimal, octal, hex,
/// short — and IDNA dots fold into one canonical host), after refusing text parsers disagree
/// on and user information; then requires one of `schemes` and a host.
pub fn parse_url(raw: &str, schemes: &[&str]) -> Result<Url, UrlRefusal> {
    let url = urls::parse_arg(raw).map_err(|p| match p {
        urls::UrlProblem::Ambiguous(what) => UrlRefusal::Ambiguous(what),
        urls::UrlProblem::Userinfo => UrlRefusal::Userinfo,
        _ => UrlRefusal::Invalid,
    })?;
    if !schemes.contains(&url.scheme()) {
        return Err(UrlRefusal::Scheme(url.scheme().to_owned()));
    }
    if url.host().is_none() {
        return Err(UrlRefusal::Invalid);
    }
    Ok(url)
}

/// Why `addr` is not globally routable (loopback, private, link-local, CGNAT, unique-local,
/// multicast, unspecified, broadcast, documentation, benchmarking, a cloud metadata address, or
/// an IPv6 form embedding such an IPv4 address), or `None` when it is.
pub fn classify_ip(addr: IpAddr) -> Option<&'static str> {
    ip::classify_ip(addr)
}

/// Whether a kind from [`classify_ip`] or [`classify_name`] is a cloud metadata destination (one
/// that stays refused where other non-public destinations may be admitted).
pub fn is_metadata(kind: &str) -> bool {
    kind == ip::METADATA_ADDRESS || kind == ip::METADATA_HOST_NAME
}

/// Why a host name always means this machine, a metadata service or a private-use name
/// (`localhost`, `*.localhost`, `metadata.google.internal`, `*.internal`, …), or `None`.
/// `host` is compared in ASCII lower case, a trailing dot ignored.
pub fn classify_name(host: &str) -> Option<&'static str> {
    ip::classify_name(&host.to_ascii_lowercase())
}
