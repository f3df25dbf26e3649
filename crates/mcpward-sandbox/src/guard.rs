//! The SSRF guard: which host:port may be reached, and the connection to it.
//!
//! The pure checks (strict URL parsing, which addresses and names are special) live in
//! [`mcpward_policy::ssrf`], shared with the policy's `urls.*` rules; this module adds what needs
//! I/O:
//!
//! 1. the destination must match an allow entry (`host:port`, `*:port`);
//! 2. the host is canonicalized as the WHATWG URL parser does (`2130706433`, `0x7f.1`,
//!    `127.1` and `127。0。0。1` all become `127.0.0.1`), and a special name (`localhost`,
//!    `metadata.google.internal`, `*.internal`) is refused;
//! 3. a name is resolved once, through a [`Resolver`], and **every** address in the answer is
//!    checked: one special address refuses the whole answer (a mixed answer is how rebinding
//!    attacks hide);
//! 4. the connection goes to an address that was checked — never to the name again — so a
//!    resolver that answers differently the second time (DNS rebinding) changes nothing;
//! 5. [`Guard::fetch`] repeats all of it for every redirect, within limits on time, bytes and
//!    redirects.
//!
//! A special address (loopback, private, …) is reachable only through an allow entry that names
//! that address literally (`127.0.0.1:8080`, `[fd00::5]:443`), or `localhost:PORT` for loopback.
//! A name on the allowlist that resolves to a private address is refused.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use mcpward_policy::NetTarget;
use mcpward_policy::ssrf::{self, UrlRefusal};
use tokio::net::TcpStream;
use url::{Host, Url};

/// A future returned by a [`Resolver`].
pub type ResolveFuture<'a> = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send + 'a>>;

/// Name resolution, behind a trait so that tests can answer as an attacker's DNS server would.
pub trait Resolver: Send + Sync {
    /// The addresses of `host` (a domain name, never an IP literal).
    fn resolve<'a>(&'a self, host: &'a str) -> ResolveFuture<'a>;
}

/// The system resolver (`getaddrinfo`, on tokio's blocking pool).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn resolve<'a>(&'a self, host: &'a str) -> ResolveFuture<'a> {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host, 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// Bounds on one connection or fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Name resolution.
    pub resolve_timeout: Duration,
    /// Each TCP connection attempt.
    pub connect_timeout: Duration,
    /// A whole [`Guard::fetch`], redirects included.
    pub total_timeout: Duration,
    /// Redirects followed by [`Guard::fetch`].
    pub max_redirects: usize,
    /// Bytes of a response body kept by [`Guard::fetch`].
    pub max_body_bytes: usize,
    /// Addresses tried per connection.
    pub max_addresses: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            resolve_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_redirects: 5,
            max_body_bytes: 10 << 20,
            max_addresses: 8,
        }
    }
}

/// One allow entry, canonicalized.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// `None` for `*`.
    host: Option<Host<String>>,
    /// `None` for any port.
    port: Option<u16>,
}

/// Why a destination was refused. The text is for mcpward's own log; what the sandboxed
/// server sees is a bare refusal.
#[derive(Debug)]
#[non_exhaustive]
pub enum Refusal {
    /// The URL text itself.
    Url(UrlRefusal),
    /// No allow entry names this host and port.
    NotAllowed {
        /// The canonical host.
        host: String,
        /// The port.
        port: u16,
    },
    /// The host, or one of its addresses, is special and not listed literally.
    Special {
        /// The canonical host.
        host: String,
        /// The address, when the host is a name that resolved to it.
        addr: Option<IpAddr>,
        /// Which kind of special.
        kind: &'static str,
    },
    /// The name did not resolve.
    Resolve(io::Error),
    /// The name resolved to nothing.
    NoAddress(String),
    /// No checked address accepted the connection.
    Connect(io::Error),
    /// A time limit ran out.
    Timeout,
    /// More redirects than [`Limits::max_redirects`].
    TooManyRedirects,
    /// The body exceeded [`Limits::max_body_bytes`].
    TooLarge,
    /// The HTTP exchange failed, or asked for something the fetcher does not do (TLS).
    Http(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Url(r) => write!(f, "the URL {r}"),
            Refusal::NotAllowed { host, port } => {
                write!(f, "{host}:{port} is not on the sandbox's `net` list")
            }
            Refusal::Special {
                host,
                addr: Some(addr),
                kind,
            } => write!(
                f,
                "{host} resolves to {addr}, {kind}, which only a literal allow entry admits"
            ),
            Refusal::Special {
                host,
                addr: None,
                kind,
            } => write!(
                f,
                "{host} is {kind}, which only a literal allow entry admits"
            ),
            Refusal::Resolve(e) => write!(f, "the name did not resolve: {e}"),
            Refusal::NoAddress(h) => write!(f, "{h} has no address"),
            Refusal::Connect(e) => write!(f, "cannot connect: {e}"),
            Refusal::Timeout => f.write_str("a time limit ran out"),
            Refusal::TooManyRedirects => f.write_str("too many redirects"),
            Refusal::TooLarge => f.write_str("the response is larger than the limit"),
            Refusal::Http(e) => write!(f, "HTTP: {e}"),
        }
    }
}

impl std::error::Error for Refusal {}

/// A response read by [`Guard::fetch`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Fetched {
    /// The final URL, after redirects.
    pub url: Url,
    /// The final status code.
    pub status: u16,
    /// The body, at most [`Limits::max_body_bytes`].
    pub body: Bytes,
    /// How many redirects were followed.
    pub redirects: usize,
}

/// The guard: an allowlist, a resolver and limits.
#[derive(Clone)]
pub struct Guard {
    entries: Vec<Entry>,
    resolver: Arc<dyn Resolver>,
    limits: Limits,
    /// Special destinations other than cloud metadata ones are admitted
    /// ([`Guard::admitting_private`]).
    admit_private: bool,
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("entries", &self.entries)
            .field("limits", &self.limits)
            .field("admit_private", &self.admit_private)
            .finish_non_exhaustive()
    }
}

/// Canonicalizes a host as the WHATWG URL parser does; `None` when it does not parse.
fn canonical_host(host: &str) -> Option<Host<String>> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    let parsed = if host.contains(':') && !host.starts_with('[') {
        Host::parse(&format!("[{host}]"))
    } else {
        Host::parse(host)
    };
    // `::ffff:a.b.c.d` is the IPv4 address for every purpose here.
    parsed.ok().map(|h| match h {
        Host::Ipv6(v6) => v6.to_ipv4_mapped().map_or(Host::Ipv6(v6), Host::Ipv4),
        other => other,
    })
}

/// An IPv4-mapped IPv6 address as IPv4, so `::ffff:127.0.0.1` equals an entry `127.0.0.1`.
fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn host_ip(host: &Host<String>) -> Option<IpAddr> {
    match host {
        Host::Ipv4(a) => Some(IpAddr::V4(*a)),
        Host::Ipv6(a) => Some(IpAddr::V6(*a)),
        Host::Domain(_) => None,
    }
}

impl Guard {
    /// A guard admitting `net` entries (`host:port`, `*:port`) and nothing else, using the
    /// system resolver and the default limits. An entry whose host does not parse admits nothing.
    pub fn new(net: &[NetTarget]) -> Guard {
        let entries = net
            .iter()
            .filter_map(|t| {
                let host = if t.host == "*" {
                    None
                } else {
                    Some(canonical_host(&t.host)?)
                };
                Some(Entry {
                    host,
                    port: Some(t.port),
                })
            })
            .collect();
        Guard {
            entries,
            resolver: Arc::new(SystemResolver),
            limits: Limits::default(),
            admit_private: false,
        }
    }

    /// A guard for arbitrary public destinations: any host, any port, still refusing every
    /// special address. For fetching URLs that no allowlist names (remote upstreams, tests).
    pub fn public_only() -> Guard {
        Guard {
            entries: vec![Entry {
                host: None,
                port: None,
            }],
            resolver: Arc::new(SystemResolver),
            limits: Limits::default(),
            admit_private: false,
        }
    }

    /// The same guard, also admitting special destinations — loopback, private, link-local,
    /// unique-local addresses, `localhost` and `.internal` names — except cloud metadata
    /// addresses and names, which stay refused. For a user who asked to reach internal servers
    /// (`scan --connect --remote --allow-private-remote`).
    pub fn admitting_private(mut self) -> Guard {
        self.admit_private = true;
        self
    }

    /// Whether a special destination of this `kind` (from [`ssrf::classify_ip`] or
    /// [`ssrf::classify_name`]) is admitted without a literal entry.
    fn admits_kind(&self, kind: &str) -> bool {
        self.admit_private && !ssrf::is_metadata(kind)
    }

    /// The same guard with another resolver.
    pub fn with_resolver(mut self, resolver: Arc<dyn Resolver>) -> Guard {
        self.resolver = resolver;
        self
    }

    /// The same guard with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Guard {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn admits_destination(&self, host: &Host<String>, port: u16) -> bool {
        self.entries
            .iter()
            .any(|e| e.port.is_none_or(|p| p == port) && e.host.as_ref().is_none_or(|h| h == host))
    }

    /// Whether an entry names `addr` literally (or `localhost`, for a loopback address) with
    /// this port.
    fn admits_special(&self, addr: IpAddr, port: u16) -> bool {
        let addr = unmap(addr);
        self.entries.iter().any(|e| {
            e.port.is_none_or(|p| p == port)
                && match &e.host {
                    Some(Host::Domain(d)) => d == "localhost" && addr.is_loopback(),
                    Some(h) => host_ip(h).map(unmap) == Some(addr),
                    None => false,
                }
        })
    }

    /// Checks `host:port` (a host as written in a URL or a CONNECT line: a name, an IPv4
    /// literal in any spelling, an IPv6 literal with or without brackets) and returns the
    /// addresses that may be dialled.
    pub async fn check(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Refusal> {
        let canonical = canonical_host(host).ok_or(Refusal::Url(UrlRefusal::Invalid))?;
        let shown = canonical.to_string();
        if port == 0 || !self.admits_destination(&canonical, port) {
            return Err(Refusal::NotAllowed { host: shown, port });
        }
        let addrs = match &canonical {
            Host::Domain(name) => {
                if let Some(kind) = ssrf::classify_name(name)
                    && !self.admits_domain_literally(name, port)
                    && !self.admits_kind(kind)
                {
                    return Err(Refusal::Special {
                        host: shown,
                        addr: None,
                        kind,
                    });
                }
                let answer =
                    tokio::time::timeout(self.limits.resolve_timeout, self.resolver.resolve(name))
                        .await
                        .map_err(|_| Refusal::Timeout)?
                        .map_err(Refusal::Resolve)?;
                if answer.is_empty() {
                    return Err(Refusal::NoAddress(shown));
                }
                for &addr in &answer {
                    if let Some(kind) = ssrf::classify_ip(addr)
                        && !self.admits_special(addr, port)
                        && !self.admits_kind(kind)
                    {
                        return Err(Refusal::Special {
                            host: shown,
                            addr: Some(addr),
                            kind,
                        });
                    }
                }
                answer
            }
            literal => {
                let addr = host_ip(literal).ok_or(Refusal::Url(UrlRefusal::Invalid))?;
                if let Some(kind) = ssrf::classify_ip(addr)
                    && !self.admits_special(addr, port)
                    && !self.admits_kind(kind)
                {
                    return Err(Refusal::Special {
                        host: shown,
                        addr: None,
                        kind,
                    });
                }
                vec![addr]
            }
        };
        let mut out: Vec<SocketAddr> = Vec::new();
        for addr in addrs {
            let sa = SocketAddr::new(addr, port);
            if !out.contains(&sa) && out.len() < self.limits.max_addresses {
                out.push(sa);
            }
        }
        Ok(out)
    }

    /// Parses `raw` strictly (http and https only) and checks its host and port as
    /// [`Self::check`] does: the addresses a fetch of it would dial.
    pub async fn check_url(&self, raw: &str) -> Result<(Url, Vec<SocketAddr>), Refusal> {
        let url = ssrf::parse_url(raw, &["http", "https"]).map_err(Refusal::Url)?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let port = url.port_or_known_default().unwrap_or(0);
        let addrs = self.check(&host, port).await?;
        Ok((url, addrs))
    }

    /// `localhost` written as an entry admits the name itself (its addresses are then checked
    /// to be loopback by [`Self::admits_special`]).
    fn admits_domain_literally(&self, name: &str, port: u16) -> bool {
        name == "localhost"
            && self.entries.iter().any(|e| {
                e.port.is_none_or(|p| p == port)
                    && matches!(&e.host, Some(Host::Domain(d)) if d == "localhost")
            })
    }

    /// Checks `host:port`, then connects to the first checked address that accepts.
    pub async fn connect(&self, host: &str, port: u16) -> Result<(TcpStream, SocketAddr), Refusal> {
        let addrs = self.check(host, port).await?;
        self.connect_checked(addrs).await
    }

    /// Connects to the first of `addrs` (what [`Self::check`] returned) that accepts, each within
    /// [`Limits::connect_timeout`]: for a caller that looks at the checked addresses before it
    /// connects.
    pub async fn connect_checked(
        &self,
        addrs: Vec<SocketAddr>,
    ) -> Result<(TcpStream, SocketAddr), Refusal> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
        for addr in addrs {
            match tokio::time::timeout(self.limits.connect_timeout, TcpStream::connect(addr)).await
            {
                Ok(Ok(stream)) => return Ok((stream, addr)),
                Ok(Err(e)) => last = e,
                Err(_) => last = io::Error::new(io::ErrorKind::TimedOut, "connect timed out"),
            }
        }
        Err(Refusal::Connect(last))
    }

    /// GETs `url` over plain HTTP, following redirects with every hop checked as the first,
    /// within [`Limits`]. `https` URLs pass the checks but are refused here: the fetcher has no
    /// TLS (the egress proxy tunnels TLS end to end instead).
    pub async fn fetch(&self, url: &str) -> Result<Fetched, Refusal> {
        tokio::time::timeout(self.limits.total_timeout, self.fetch_inner(url))
            .await
            .map_err(|_| Refusal::Timeout)?
    }

    async fn fetch_inner(&self, raw: &str) -> Result<Fetched, Refusal> {
        let mut url = ssrf::parse_url(raw, &["http", "https"]).map_err(Refusal::Url)?;
        let mut redirects = 0;
        loop {
            let host = url.host_str().unwrap_or_default().to_owned();
            let port = url.port_or_known_default().unwrap_or(0);
            let (stream, _) = self.connect(&host, port).await?;
            if url.scheme() != "http" {
                return Err(Refusal::Http(
                    "https is not built into the fetcher; use the egress proxy".to_owned(),
                ));
            }
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| Refusal::Http(e.to_string()))?;
            let driver = tokio::spawn(conn);
            let (target, authority) = request_target(&url);
            let request = hyper::Request::get(target)
                .header(hyper::header::HOST, authority)
                .header(hyper::header::CONNECTION, "close")
                .body(Empty::<Bytes>::new())
                .map_err(|e| Refusal::Http(e.to_string()))?;
            let response = sender
                .send_request(request)
                .await
                .map_err(|e| Refusal::Http(e.to_string()))?;
            let status = response.status();
            if status.is_redirection()
                && let Some(location) = response.headers().get(hyper::header::LOCATION)
            {
                driver.abort();
                redirects += 1;
                if redirects > self.limits.max_redirects {
                    return Err(Refusal::TooManyRedirects);
                }
                let location = location
                    .to_str()
                    .map_err(|_| Refusal::Url(UrlRefusal::Invalid))?;
                let next = url
                    .join(location)
                    .map_err(|_| Refusal::Url(UrlRefusal::Invalid))?;
                // The joined URL goes through the same strict parse as the first one.
                url = ssrf::parse_url(next.as_str(), &["http", "https"]).map_err(Refusal::Url)?;
                continue;
            }
            let body = Limited::new(response.into_body(), self.limits.max_body_bytes)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        Refusal::TooLarge
                    } else {
                        Refusal::Http(e.to_string())
                    }
                })?
                .to_bytes();
            driver.abort();
            return Ok(Fetched {
                url,
                status: status.as_u16(),
                body,
                redirects,
            });
        }
    }
}

/// An HTTP/1.1 request's origin-form target (`/path?query`) and `Host` value (`host[:port]`)
/// for `url`.
pub fn request_target(url: &Url) -> (String, String) {
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let authority = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    (target, authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_canonical() {
        let h = |s: &str| canonical_host(s).map(|h| h.to_string());
        assert_eq!(h("2130706433").as_deref(), Some("127.0.0.1"));
        assert_eq!(h("0x7f.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(h("::1").as_deref(), Some("[::1]"));
        assert_eq!(h("[::1]").as_deref(), Some("[::1]"));
        assert_eq!(h("Example.COM.").as_deref(), Some("example.com"));
        assert_eq!(h(""), None);
    }

    #[test]
    fn metadata_kinds_are_never_admitted() {
        let ip = |s: &str| ssrf::classify_ip(s.parse().expect("an address")).expect("special");
        let metadata = [
            ip("169.254.169.254"),
            ip("fd00:ec2::254"),
            ssrf::classify_name("metadata.google.internal").expect("special"),
        ];
        let private = Guard::public_only().admitting_private();
        assert!(private.admits_kind(ip("127.0.0.1")));
        assert!(private.admits_kind(ip("10.0.0.1")));
        for kind in metadata {
            assert!(!private.admits_kind(kind), "{kind}");
        }
        assert!(!Guard::public_only().admits_kind(ip("127.0.0.1")));
    }
}
