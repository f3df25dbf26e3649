//! URL arguments: every literal form of a special address is denied without DNS; public URLs
//! pass; explicit allow entries admit what they name.

use mcpward_policy::Verdict;
use serde_json::json;

use super::{decide, policy};

const FETCH: &str = "version = 1\n[servers.fetch]\nallow = [\"fetch\"]\n";

const SSRF: &[&str] = &[
    // IPv4 loopback in every encoding the WHATWG parser accepts.
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/admin",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://0x7f.1/",
    "http://127.1/",
    "http://0x7f.0x0.0x0.0x1/",
    "http://017700000001/",
    "http://127.0.0.1./",
    "http://１２７.０.０.１/",
    "http://0/",
    "http://0.0.0.0:22/",
    // Private, CGNAT, link-local.
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.1.1/",
    "http://169.254.10.10/",
    // Cloud metadata.
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/",
    "http://2852039166/",
    "http://0251.0376.0251.0376/",
    "http://100.100.100.200/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://METADATA.GOOGLE.INTERNAL./",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://192.0.0.192/",
    // IPv6 forms.
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:7f00:1::]/",
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://[::]/",
    // Names.
    "http://localhost/",
    "http://LOCALHOST:3000/",
    "http://localhost./",
    "http://app.localhost/",
    "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/",
    "http://db.internal/",
    // Scheme, userinfo and parser-confusion tricks.
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "ftp://example.com/",
    "https://user:pass@example.com/",
    "https://example.com@127.0.0.1/",
    "http://example.com\\@127.0.0.1/",
    "http://127.0.0.1\\@example.com/",
    "http:// example.com/",
    "not a url",
    "example.com/path",
];

#[test]
fn ssrf_literal_forms_are_denied() {
    let p = policy(FETCH);
    assert!(SSRF.len() >= 25);
    for url in SSRF {
        let d = decide(&p, "fetch", "fetch", &json!({ "url": url }));
        assert_eq!(d.verdict, Verdict::Deny, "{url}: {d:?}");
        assert!(d.rule.starts_with("builtin.url-"), "{url}: {d:?}");
    }
}

#[test]
fn ssrf_is_denied_whatever_the_argument_is_called() {
    let p = policy(FETCH);
    for args in [
        json!({"target_url": "http://127.1/"}),
        json!({"endpoint": "http://[::1]/"}),
        json!({"request": {"href": "http://169.254.169.254/"}}),
        json!({"links": ["https://docs.rs/", "http://10.0.0.1/"]}),
        json!({"q": "http://0x7f.1/"}),
        json!({"imageUri": "http://localhost/"}),
    ] {
        let d = decide(&p, "fetch", "fetch", &args);
        assert_eq!(d.verdict, Verdict::Deny, "{args}: {d:?}");
    }
}

#[test]
fn public_urls_are_allowed() {
    let p = policy(FETCH);
    for url in [
        "https://docs.rs/serde/latest/serde/",
        "http://example.com/",
        "https://api.github.com/repos/x/y?per_page=10",
        "https://8.8.8.8/",
        "https://[2606:4700:4700::1111]/dns-query",
        "https://172.32.0.1/",
        "https://100.128.0.1/",
        "https://localhost.example.com/",
        "https://internal.example.com/",
        "https://xn--nxasmq6b.com/",
    ] {
        let d = decide(&p, "fetch", "fetch", &json!({ "url": url }));
        assert_eq!(d.verdict, Verdict::Allow, "{url}: {d:?}");
    }
    // Text that merely mentions a URL is not a URL argument.
    let d = decide(
        &p,
        "fetch",
        "fetch",
        &json!({"text": "see http://localhost/ for details"}),
    );
    assert_eq!(d.verdict, Verdict::Allow);
}

#[test]
fn explicit_allow_entries_admit_special_hosts() {
    let p = policy(
        r#"
version = 1
[servers.dev]
allow = ["fetch"]
urls.allow = ["http://localhost:3000/**", "http://0x7f.1:8080/api/**", "https://*.example.com/**"]
"#,
    );
    let v = |url: &str| decide(&p, "dev", "fetch", &json!({ "url": url })).verdict;
    assert_eq!(v("http://localhost:3000/x"), Verdict::Allow);
    assert_eq!(v("http://127.0.0.1:8080/api/v1"), Verdict::Allow);
    assert_eq!(v("http://2130706433:8080/api/v1"), Verdict::Allow);
    assert_eq!(v("http://localhost:3001/x"), Verdict::Deny);
    assert_eq!(v("http://127.0.0.1:8080/other"), Verdict::Deny);
    assert_eq!(v("https://a.example.com/"), Verdict::Allow);
    assert_eq!(v("https://example.org/"), Verdict::Deny);
    // A wildcard host is not an explicit listing of a private name.
    let wild =
        policy("version = 1\n[servers.w]\nallow = [\"f\"]\nurls.allow = [\"http://*/**\"]\n");
    let d = decide(&wild, "w", "f", &json!({"url": "http://localhost/"}));
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "builtin.url-private-address")
    );
    assert_eq!(
        decide(&wild, "w", "f", &json!({"url": "http://example.com/"})).verdict,
        Verdict::Allow
    );
}

#[test]
fn deny_patterns_win() {
    let p = policy(
        r#"
version = 1
[servers.f]
allow = ["fetch"]
urls.allow = ["https://*.github.com/**"]
urls.deny = ["https://gist.github.com/**"]
"#,
    );
    let d = decide(
        &p,
        "f",
        "fetch",
        &json!({"url": "https://gist.github.com/x"}),
    );
    assert_eq!(d.rule, "servers.f.urls.deny \"https://gist.github.com/**\"");
    let d = decide(
        &p,
        "f",
        "fetch",
        &json!({"url": "https://api.github.com/x"}),
    );
    assert_eq!(d.verdict, Verdict::Allow);
}

#[test]
fn reasons_name_the_host_not_the_url() {
    let p = policy(FETCH);
    let d = decide(
        &p,
        "fetch",
        "fetch",
        &json!({"url": "http://127.0.0.1/?token=s3cr3t"}),
    );
    assert!(d.reason.contains("127.0.0.1"), "{}", d.reason);
    assert!(!d.reason.contains("s3cr3t"), "{}", d.reason);
}
