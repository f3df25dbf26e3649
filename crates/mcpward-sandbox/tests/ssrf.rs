//! The SSRF table: every form refused, public addresses allowed.
//!
//! Names resolve through a test resolver, so nothing here sends a packet anywhere but to a
//! loopback HTTP server the test runs itself (the redirect cases), and no test connects to a
//! public address: the allowed cases stop at the check.

// A failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mcpward_policy::parse;
use mcpward_sandbox::Guard;
use mcpward_sandbox::guard::{Limits, Refusal, ResolveFuture, Resolver};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers from a fixed table; unknown names do not resolve.
struct Table(HashMap<&'static str, Vec<IpAddr>>);

impl Resolver for Table {
    fn resolve<'a>(&'a self, host: &'a str) -> ResolveFuture<'a> {
        let answer = self.0.get(host).cloned();
        Box::pin(async move {
            answer.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such name"))
        })
    }
}

/// Answers `first` the first time, `then` every later time.
struct Rebinding {
    calls: AtomicUsize,
    first: IpAddr,
    then: IpAddr,
}

impl Resolver for Rebinding {
    fn resolve<'a>(&'a self, _host: &'a str) -> ResolveFuture<'a> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let ip = if n == 0 { self.first } else { self.then };
        Box::pin(async move { Ok(vec![ip]) })
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn resolver() -> Arc<Table> {
    Arc::new(Table(HashMap::from([
        ("example.com", vec![ip("93.184.215.14")]),
        (
            "ipv6.example.com",
            vec![ip("2606:2800:21f:cb07:6820:80da:af6b:8b2c")],
        ),
        ("rebind.example", vec![ip("127.0.0.1")]),
        ("private.example", vec![ip("10.0.0.7")]),
        (
            "mixed.example",
            vec![ip("93.184.215.14"), ip("192.168.0.1")],
        ),
        ("mapped.example", vec![ip("::ffff:169.254.169.254")]),
        ("nat64.example", vec![ip("64:ff9b::a9fe:a9fe")]),
        ("ula.example", vec![ip("fd12:3456::1")]),
        ("cgnat.example", vec![ip("100.64.1.1")]),
        // The test resolver also answers for names the guard must refuse before asking.
        ("localhost", vec![ip("127.0.0.1")]),
        ("metadata.google.internal", vec![ip("169.254.169.254")]),
    ])))
}

fn public_guard() -> Guard {
    Guard::public_only().with_resolver(resolver())
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

const REFUSED: &[&str] = &[
    // IPv4 loopback, every spelling the WHATWG parser folds.
    "http://127.0.0.1/",
    "http://2130706433/",
    "http://017700000001/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://127.0.1/",
    "http://0/",
    "http://0.0.0.0/",
    "http://127.000.000.001/",
    // Cloud metadata.
    "http://169.254.169.254/latest/meta-data/",
    "http://0251.0376.0251.0376/",
    "http://0xa9fea9fe/",
    "http://2852039166/",
    "http://100.100.100.200/",
    "http://[fd00:ec2::254]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://instance-data/",
    // Private, CGNAT, link-local, multicast, broadcast, documentation, benchmarking.
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.1.1/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.1/",
    "http://198.18.0.1/",
    // IPv6 and IPv4 embedded in IPv6.
    "http://[::1]/",
    "http://[::]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://[ff02::1]/",
    "http://[2001:db8::1]/",
    // Local names.
    "http://localhost/",
    "http://LOCALHOST./",
    "http://foo.localhost:8080/",
    "http://anything.internal/",
    // Unicode dots and digits that IDNA folds to ASCII.
    "http://127\u{3002}0\u{3002}0\u{3002}1/",
    "http://127\u{ff0e}0\u{ff0e}0\u{ff0e}1/",
    "http://\u{2460}\u{2461}\u{2466}.0.0.1/",
    // Userinfo and backslash tricks.
    "http://user:pass@example.com/",
    "http://example.com@127.0.0.1/",
    "http://127.0.0.1\\@example.com/",
    "http://example.com\\.127.0.0.1/",
    "http://127.0.0.1:80\\@example.com/",
    "http://%6c%6f%63%61%6c%68%6f%73%74/",
    " http://127.0.0.1/",
    "http://127.0.0.1/\n",
    // Schemes.
    "file:///etc/passwd",
    "gopher://127.0.0.1:70/_",
    "ftp://example.com/",
    "dict://127.0.0.1:11211/",
    "javascript:alert(1)",
    // Names that resolve inward.
    "http://rebind.example/",
    "http://private.example/",
    "http://mixed.example/",
    "http://mapped.example/",
    "http://nat64.example/",
    "http://ula.example/",
    "http://cgnat.example/",
    "http://does-not-resolve.example/",
];

const ALLOWED: &[&str] = &[
    "http://example.com/",
    "https://example.com:8443/path?q=1",
    "http://EXAMPLE.com./",
    "https://ipv6.example.com/",
    "http://8.8.8.8/",
    "https://1.1.1.1:443/",
    "http://[2606:4700:4700::1111]/",
    "http://[64:ff9b::808:808]/",
    "http://172.32.0.1/",
    "http://100.128.0.1/",
];

#[test]
fn every_ssrf_form_is_refused() {
    assert!(REFUSED.len() >= 40);
    let guard = public_guard();
    rt().block_on(async {
        for raw in REFUSED {
            let got = guard.check_url(raw).await;
            assert!(got.is_err(), "{raw:?} was allowed: {got:?}");
            // Refused by a check, not merely because the test's resolver does not know the
            // name (which would hide a missing rule for `.internal`, `*.localhost`, …).
            if !raw.contains("does-not-resolve") {
                assert!(
                    !matches!(got, Err(Refusal::Resolve(_) | Refusal::NoAddress(_))),
                    "{raw:?} was refused only because it did not resolve: {got:?}"
                );
            }
        }
    });
}

#[test]
fn public_addresses_are_allowed() {
    let guard = public_guard();
    rt().block_on(async {
        for raw in ALLOWED {
            let got = guard.check_url(raw).await;
            let (_, addrs) = got.unwrap_or_else(|e| panic!("{raw:?} was refused: {e}"));
            assert!(!addrs.is_empty(), "{raw:?}");
        }
    });
}

#[test]
fn refusals_say_why() {
    let guard = public_guard();
    rt().block_on(async {
        let err = guard.check_url("http://mixed.example/").await.unwrap_err();
        assert!(
            matches!(err, Refusal::Special { addr: Some(a), .. } if a == ip("192.168.0.1")),
            "{err:?}"
        );
        let err = guard.check_url("http://0x7f.1/").await.unwrap_err();
        assert!(err.to_string().contains("127.0.0.1"), "{err}");
        assert!(matches!(
            guard.check_url("http://a:b@example.com/").await,
            Err(Refusal::Url(_))
        ));
    });
}

#[test]
fn the_address_dialled_is_the_address_checked() {
    // A rebinding resolver: public the first time, loopback afterwards. The guard asks once
    // and hands back only the first answer.
    let rebinding = Arc::new(Rebinding {
        calls: AtomicUsize::new(0),
        first: ip("93.184.215.14"),
        then: ip("127.0.0.1"),
    });
    let guard = Guard::public_only().with_resolver(rebinding.clone());
    rt().block_on(async {
        let (_, addrs) = guard.check_url("http://rebinding.example/").await.unwrap();
        assert_eq!(addrs, vec![SocketAddr::new(ip("93.184.215.14"), 80)]);
        assert_eq!(rebinding.calls.load(Ordering::SeqCst), 1);
        // Asked again, the second answer is checked too, and refused.
        assert!(guard.check_url("http://rebinding.example/").await.is_err());
    });
}

fn allow(entries: &[String]) -> Guard {
    let list = entries
        .iter()
        .map(|e| format!("\"{e}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!("version = 1\n[servers.s.sandbox]\nnet = [{list}]\n");
    let policy = parse(&text, std::path::Path::new("p.toml")).unwrap();
    Guard::new(&policy.sandbox("s").unwrap().net).with_resolver(resolver())
}

#[test]
fn private_addresses_need_a_literal_entry() {
    rt().block_on(async {
        let guard = allow(&["127.0.0.1:8080".into(), "private.example:80".into()]);
        assert!(guard.check("127.0.0.1", 8080).await.is_ok());
        assert!(guard.check("2130706433", 8080).await.is_ok());
        assert!(guard.check("[::ffff:127.0.0.1]", 8080).await.is_ok());
        assert!(guard.check("127.0.0.1", 8081).await.is_err());
        assert!(guard.check("127.0.0.2", 8080).await.is_err());
        // A name on the list that resolves privately is still refused.
        assert!(guard.check("private.example", 80).await.is_err());
        // Not on the list at all.
        assert!(guard.check("example.com", 443).await.is_err());
        let guard = allow(&["localhost:3000".into(), "*:443".into()]);
        assert!(guard.check("localhost", 3000).await.is_ok());
        assert!(guard.check("localhost", 3001).await.is_err());
        assert!(guard.check("example.com", 443).await.is_ok());
        assert!(guard.check("10.0.0.1", 443).await.is_err());
        assert!(guard.check("rebind.example", 443).await.is_err());
    });
}

/// A loopback HTTP server: `/to?URL` redirects to URL, `/loop` redirects to itself, `/big`
/// sends 2 MiB, anything else answers `ok`.
async fn server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut got = 0;
                while !buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf[got..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got += n,
                    }
                }
                let head = String::from_utf8_lossy(&buf[..got]).into_owned();
                let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
                let response = if let Some(to) = target.strip_prefix("/to?") {
                    format!(
                        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                } else if target == "/loop" {
                    "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
                } else if target == "/big" {
                    let body = "x".repeat(2 << 20);
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".to_owned()
                };
                let _ = s.write_all(response.as_bytes()).await;
            });
        }
    });
    addr
}

#[test]
fn redirects_are_checked_like_the_first_request() {
    rt().block_on(async {
        let addr = server().await;
        let port = addr.port();
        let guard = allow(&[format!("127.0.0.1:{port}")]).with_limits({
            let mut l = Limits::default();
            l.max_body_bytes = 1 << 20;
            l
        });
        let base = format!("http://127.0.0.1:{port}");
        let ok = guard.fetch(&format!("{base}/to?/hello")).await.unwrap();
        assert_eq!(
            (ok.status, ok.redirects, &ok.body[..]),
            (200, 1, &b"ok"[..])
        );
        for to in [
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "http://[fd00:ec2::254]/".to_owned(),
            format!("http://127.0.0.1:{}/", port.wrapping_add(1)),
            format!("http://localhost:{port}/"),
            format!("http://[::1]:{port}/"),
            format!("http://0x7f.1:{}/", port.wrapping_add(1)),
            "http://rebind.example/".to_owned(),
            "http://10.0.0.1/".to_owned(),
            "file:///etc/passwd".to_owned(),
            "gopher://127.0.0.1/".to_owned(),
            "http://u:p@example.com/".to_owned(),
        ] {
            let got = guard.fetch(&format!("{base}/to?{to}")).await;
            // Refused by the checks, before any connection: a redirect that was followed and
            // then failed to connect would also be an error.
            assert!(
                matches!(
                    got,
                    Err(Refusal::Url(_) | Refusal::Special { .. } | Refusal::NotAllowed { .. })
                ),
                "redirect to {to} was not refused by a check: {got:?}"
            );
        }
        assert!(matches!(
            guard.fetch(&format!("{base}/loop")).await,
            Err(Refusal::TooManyRedirects)
        ));
        assert!(matches!(
            guard.fetch(&format!("{base}/big")).await,
            Err(Refusal::TooLarge)
        ));
    });
}
