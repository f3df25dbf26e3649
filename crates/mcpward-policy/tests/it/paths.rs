//! Path arguments: normalization, escapes, symlinks (fake and real), Windows forms.

use std::path::{Path, PathBuf};

use mcpward_policy::{Call, DecideOptions, SessionState, Verdict};
use serde_json::{Value, json};

use super::{FakeFs, decide, policy};

const FS: &str = r#"
version = 1
[servers.fs]
allow = ["read_*", "write_file", "list_directory"]
paths.allow = ["~/src/myapp/**", "/srv/data/**"]
paths.deny = ["**/.env", "**/.ssh/**", "**/*.pem"]
"#;

fn check(p: &mcpward_policy::Policy, args: Value) -> mcpward_policy::Decision {
    decide(p, "fs", "read_file", &args)
}

#[test]
fn inside_allowed_and_home_expanded() {
    let p = policy(FS);
    for ok in [
        "~/src/myapp/src/main.rs",
        "/home/u/src/myapp/README.md",
        "~/src/myapp",
        "/srv/data/x/y/z.csv",
        "/srv/data/./a/../b",
    ] {
        let d = check(&p, json!({ "path": ok }));
        assert_eq!(d.verdict, Verdict::Allow, "{ok}: {d:?}");
    }
}

#[test]
fn dot_dot_escapes_are_denied() {
    let p = policy(FS);
    for (path, rule) in [
        (
            "~/src/myapp/../../.ssh/id_rsa",
            "servers.fs.paths.deny \"**/.ssh/**\"",
        ),
        ("/home/u/src/myapp/../other/x", "servers.fs.paths.allow"),
        ("/srv/data/../../etc/passwd", "servers.fs.paths.allow"),
        ("/srv/data/../data2/x", "servers.fs.paths.allow"),
        (
            "~/src/myapp/sub/../.env",
            "servers.fs.paths.deny \"**/.env\"",
        ),
        (
            "/srv/data/keys/server.pem",
            "servers.fs.paths.deny \"**/*.pem\"",
        ),
        ("~", "servers.fs.paths.allow"),
    ] {
        let d = check(&p, json!({ "path": path }));
        assert_eq!(
            (d.verdict, d.rule.as_str()),
            (Verdict::Deny, rule),
            "{path}: {d:?}"
        );
    }
}

#[test]
fn invalid_forms_are_denied() {
    let p = policy(FS);
    for path in [
        "C:\\Windows\\System32\\config",
        "c:/Users/u/.ssh/id_rsa",
        "\\\\server\\share\\x",
        "/srv/data/..\\..\\etc\\passwd",
        "~root/.ssh/id_rsa",
        "/srv/data/a\u{0}b",
        "",
    ] {
        let d = check(&p, json!({ "path": path }));
        assert_eq!(
            (d.verdict, d.rule.as_str()),
            (Verdict::Deny, "builtin.path-invalid"),
            "{path:?}: {d:?}"
        );
    }
}

#[test]
fn percent_escapes_are_literal() {
    let p = policy(FS);
    // `%2e%2e` is a directory named `%2e%2e`, not `..`: still inside.
    let d = check(&p, json!({ "path": "/srv/data/%2e%2e/%2e%2e/etc/passwd" }));
    assert_eq!(d.verdict, Verdict::Allow, "{d:?}");
}

#[test]
fn every_path_argument_is_checked() {
    let p = policy(FS);
    let cases = [
        json!({"paths": ["~/src/myapp/a", "/etc/shadow"]}),
        json!({"source": "~/src/myapp/a", "destination": "/tmp/x"}),
        json!({"options": {"cwd": "/etc"}}),
        json!({"outputFile": "/etc/cron.d/x"}),
        json!({"note": "/etc/shadow"}),
        json!({"x": "../../etc/shadow"}),
        json!({"path": "file:///etc/passwd"}),
    ];
    for args in cases {
        let d = check(&p, args.clone());
        assert_eq!(d.verdict, Verdict::Deny, "{args}: {d:?}");
    }
    let fine = json!({"path": "~/src/myapp/a", "content": "hello\n/etc/passwd is a file"});
    assert_eq!(check(&p, fine).verdict, Verdict::Allow);
}

#[test]
fn relative_paths() {
    let p = policy(FS);
    let d = check(&p, json!({"path": "src/main.rs"}));
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "servers.fs.paths.allow")
    );
    let session = SessionState::default();
    let args = json!({"path": "src/main.rs"});
    let call = Call {
        server: "fs",
        tool: "read_file",
        arguments: &args,
        agent: None,
        session: &session,
    };
    let inside = DecideOptions {
        cwd: Some(Path::new("/home/u/src/myapp")),
        ..DecideOptions::default()
    };
    assert_eq!(p.decide_with(&call, &inside).verdict, Verdict::Allow);
    let outside = DecideOptions {
        cwd: Some(Path::new("/etc")),
        ..DecideOptions::default()
    };
    assert_eq!(p.decide_with(&call, &outside).verdict, Verdict::Deny);

    // With only deny patterns, relative paths meet the relative patterns.
    let deny_only =
        policy("version = 1\n[servers.fs]\nallow = [\"*\"]\npaths.deny = [\"**/.env\"]\n");
    assert_eq!(
        check(&deny_only, json!({"path": "src/main.rs"})).verdict,
        Verdict::Allow
    );
    assert_eq!(
        check(&deny_only, json!({"path": "app/.env"})).verdict,
        Verdict::Deny
    );
    assert_eq!(
        check(&deny_only, json!({"path": "../.."})).verdict,
        Verdict::Deny
    );
}

#[test]
fn schema_format_marks_paths() {
    let p = policy(FS);
    let session = SessionState::default();
    let args = json!({"where": "/etc/passwd"});
    let schema =
        json!({"type": "object", "properties": {"where": {"type": "string", "format": "path"}}});
    let call = Call {
        server: "fs",
        tool: "read_file",
        arguments: &args,
        agent: None,
        session: &session,
    };
    let with_schema = DecideOptions {
        schema: Some(&schema),
        ..DecideOptions::default()
    };
    assert_eq!(p.decide_with(&call, &with_schema).verdict, Verdict::Deny);
    let args = json!({"where": "relative-by-format"});
    let call = Call {
        arguments: &args,
        ..call
    };
    assert_eq!(p.decide_with(&call, &with_schema).verdict, Verdict::Deny);
    assert_eq!(p.decide(&call).verdict, Verdict::Allow);
}

fn fake() -> FakeFs {
    FakeFs {
        home: Some(PathBuf::from("/home/u")),
        links: vec![
            (
                PathBuf::from("/home/u/src/myapp/etc-link"),
                PathBuf::from("/etc"),
            ),
            (
                PathBuf::from("/home/u/src/myapp/keys"),
                PathBuf::from("/home/u/.ssh"),
            ),
        ],
        existing: vec![
            PathBuf::from("/home/u"),
            PathBuf::from("/etc"),
            PathBuf::from("/srv"),
        ],
    }
}

#[test]
fn symlinks_via_fake_resolver() {
    let p = policy(FS).with_resolver(fake());
    let d = check(&p, json!({"path": "~/src/myapp/etc-link/passwd"}));
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "servers.fs.paths.allow"),
        "{d:?}"
    );
    assert!(
        d.reason.contains("symlink") && d.reason.contains("/etc/passwd"),
        "{}",
        d.reason
    );
    // A file that does not exist yet, under a symlinked directory.
    let d = check(&p, json!({"path": "~/src/myapp/etc-link/cron.d/new"}));
    assert_eq!(d.verdict, Verdict::Deny, "{d:?}");
    let d = check(&p, json!({"path": "~/src/myapp/keys/id_ed25519"}));
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "servers.fs.paths.deny \"**/.ssh/**\"")
    );
    let d = check(&p, json!({"path": "~/src/myapp/ok.txt"}));
    assert_eq!(d.verdict, Verdict::Allow, "{d:?}");
}

#[test]
fn symlinked_home_still_matches_home_patterns() {
    let fs = FakeFs {
        home: Some(PathBuf::from("/home/u")),
        links: vec![(PathBuf::from("/home/u"), PathBuf::from("/data/u"))],
        existing: vec![PathBuf::from("/data/u")],
    };
    let p = policy(FS).with_resolver(fs);
    let d = check(&p, json!({"path": "~/src/myapp/main.rs"}));
    assert_eq!(d.verdict, Verdict::Allow, "{d:?}");
    let d = check(&p, json!({"path": "~/.ssh/id_rsa"}));
    assert_eq!(d.verdict, Verdict::Deny, "{d:?}");
}

#[test]
fn unknown_home_denies_home_patterns() {
    let p = policy(FS).with_resolver(FakeFs::default());
    let d = check(&p, json!({"path": "/srv/data/x"}));
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "builtin.path-invalid"),
        "{d:?}"
    );
}

#[test]
fn symlink_in_a_real_temp_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let allowed = root.join("allowed");
    let secret = root.join("secret");
    std::fs::create_dir_all(&allowed).unwrap();
    std::fs::create_dir_all(&secret).unwrap();
    std::fs::write(secret.join("key.txt"), "k").unwrap();
    std::fs::write(allowed.join("ok.txt"), "o").unwrap();
    std::os::unix::fs::symlink(&secret, allowed.join("link")).unwrap();
    std::os::unix::fs::symlink(secret.join("key.txt"), allowed.join("innocent.txt")).unwrap();

    let text = format!(
        "version = 1\n[servers.fs]\nallow = [\"read_file\"]\npaths.allow = [\"{}/**\"]\n",
        allowed.display()
    );
    // The real resolver: `std::fs::canonicalize`.
    let p = mcpward_policy::parse(&text, Path::new("t.toml")).unwrap();
    let at = |rel: &str| allowed.join(rel).display().to_string();
    assert_eq!(
        check(&p, json!({"path": at("ok.txt")})).verdict,
        Verdict::Allow
    );
    assert_eq!(
        check(&p, json!({"path": at("new-file.txt")})).verdict,
        Verdict::Allow
    );
    for escape in ["link/key.txt", "innocent.txt", "link/not-yet.txt"] {
        let d = check(&p, json!({"path": at(escape)}));
        assert_eq!(d.verdict, Verdict::Deny, "{escape}: {d:?}");
        assert!(d.reason.contains("symlink"), "{}", d.reason);
    }
}

#[test]
fn symlink_to_a_non_utf8_target_denies_even_without_allow_patterns() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let odd = root.join(std::ffi::OsStr::from_bytes(b"\xff-odd"));
    std::fs::create_dir_all(odd.join(".ssh")).unwrap();
    std::os::unix::fs::symlink(odd.join(".ssh"), root.join("link")).unwrap();
    let p = mcpward_policy::parse(
        "version = 1\n[servers.fs]\nallow = [\"read_file\"]\npaths.deny = [\"**/.ssh/**\"]\n",
        Path::new("t.toml"),
    )
    .unwrap();
    let path = root.join("link/id_rsa").display().to_string();
    let d = check(&p, json!({ "path": path }));
    assert_eq!(
        (d.verdict, d.rule.as_str()),
        (Verdict::Deny, "builtin.path-invalid"),
        "{d:?}"
    );
    let fine = root.join("plain.txt").display().to_string();
    assert_eq!(check(&p, json!({ "path": fine })).verdict, Verdict::Allow);
}
