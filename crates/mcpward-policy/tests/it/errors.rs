//! Every load error names file, line, column and key; hints are separate.

use std::path::Path;

use mcpward_policy::{Diagnostic, PolicyError};

fn err(text: &str) -> Diagnostic {
    match mcpward_policy::parse(text, Path::new("policy/mcpward.toml")) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => match e.diagnostic() {
            Some(d) => d.clone(),
            None => panic!("not positioned: {e}"),
        },
    }
}

/// Asserts key, line and column, and that the display names all three and the file.
fn at(text: &str, key: &str, line: usize, column: usize) -> Diagnostic {
    let d = err(text);
    assert_eq!(
        (d.key.as_str(), d.line, d.column),
        (key, line, column),
        "{d}\nhint: {:?}",
        d.hint
    );
    let shown = d.to_string();
    assert!(
        shown.starts_with(&format!("policy/mcpward.toml:{line}:{column}: `{key}`: ")),
        "{shown}"
    );
    d
}

const V: &str = "version = 1\n";

#[test]
fn unknown_key_in_defaults_has_hint() {
    let d = at(
        &format!("{V}[defaults]\ndecison = \"deny\"\n"),
        "defaults.decison",
        3,
        1,
    );
    assert_eq!(d.message, "unknown key `decison`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `decision`?"));
}

#[test]
fn unknown_top_level_table_has_hint() {
    let d = at(
        &format!("{V}[defualts]\ndecision = \"deny\"\n"),
        "defualts",
        2,
        2,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `defaults`?"));
}

#[test]
fn unknown_key_in_server_has_hint() {
    let d = at(
        &format!("{V}[servers.gh]\nalow = [\"x\"]\n"),
        "servers.gh.alow",
        3,
        1,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `allow`?"));
    let d = at(
        &format!("{V}[servers.fs]\npaths.alow = [\"x\"]\n"),
        "servers.fs.paths.alow",
        3,
        7,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `allow`?"));
    let d = at(
        &format!("{V}[servers.fs]\nfrobnicate = 1\n"),
        "servers.fs.frobnicate",
        3,
        1,
    );
    assert!(
        d.hint
            .unwrap_or_default()
            .starts_with("expected one of `allow`")
    );
}

#[test]
fn unknown_key_in_rule_and_sandbox() {
    let text = format!("{V}[[servers.pg.rules]]\ntool = \"q\"\ndeny_wen = \"true\"\n");
    let d = at(&text, "servers.pg.rules[0].deny_wen", 4, 1);
    assert_eq!(d.hint.as_deref(), Some("did you mean `deny_when`?"));
    let text = format!("{V}[servers.f.sandbox]\nfs_reed = []\n");
    let d = at(&text, "servers.f.sandbox.fs_reed", 3, 1);
    assert_eq!(d.hint.as_deref(), Some("did you mean `fs_read`?"));
}

#[test]
fn bad_enum_values() {
    let d = at(
        &format!("{V}[defaults]\ndecision = \"maybe\"\n"),
        "defaults.decision",
        3,
        12,
    );
    assert_eq!(d.message, "invalid value `maybe`");
    assert_eq!(
        d.hint.as_deref(),
        Some("expected one of `allow`, `ask`, `deny`")
    );
    let d = at(
        &format!("{V}[defaults]\non_secret = \"redcat\"\n"),
        "defaults.on_secret",
        3,
        13,
    );
    assert!(
        d.hint
            .unwrap_or_default()
            .starts_with("did you mean `redact`?")
    );
    at(
        &format!("{V}[servers.s]\nsampling = \"yes\"\n"),
        "servers.s.sampling",
        3,
        12,
    );
}

#[test]
fn bad_duration() {
    let d = at(
        &format!("{V}[defaults]\napproval_timeout = \"2 minutes\"\n"),
        "defaults.approval_timeout",
        3,
        20,
    );
    assert!(d.message.contains("2 minutes"), "{}", d.message);
    at(
        &format!("{V}[defaults]\napproval_timeout = 120\n"),
        "defaults.approval_timeout",
        3,
        20,
    );
}

#[test]
fn bad_globs_and_patterns() {
    let d = at(
        &format!("{V}[servers.gh]\ndeny = [\"ok_*\", \"bad[\"]\n"),
        "servers.gh.deny[1]",
        3,
        17,
    );
    assert!(d.message.contains("invalid glob \"bad[\""), "{}", d.message);
    at(
        &format!("{V}[servers.gh]\nallow = [\"\"]\n"),
        "servers.gh.allow[0]",
        3,
        10,
    );
    at(
        &format!("{V}[servers.fs]\npaths.deny = [\"C:\\\\Users\\\\**\"]\n"),
        "servers.fs.paths.deny[0]",
        3,
        15,
    );
    at(
        &format!("{V}[servers.fs]\npaths.allow = [\"/a/../b\"]\n"),
        "servers.fs.paths.allow[0]",
        3,
        16,
    );
    at(
        &format!("{V}[servers.f]\nurls.allow = [\"docs.rs/**\"]\n"),
        "servers.f.urls.allow[0]",
        3,
        15,
    );
    at(
        &format!("{V}[servers.f]\nurls.deny = [\"https://u:p@x.com/\"]\n"),
        "servers.f.urls.deny[0]",
        3,
        14,
    );
}

#[test]
fn bad_cel() {
    let text = format!(
        "{V}[[servers.pg.rules]]\ntool = \"query\"\ndeny_when = 'args.sql.matches('\nreason = \"x\"\n"
    );
    let d = at(&text, "servers.pg.rules[0].deny_when", 4, 13);
    assert!(
        d.message.starts_with("invalid CEL expression at 1:"),
        "{}",
        d.message
    );
    let text = format!("{V}[[servers.pg.rules]]\nask_when = \"\"\n");
    at(&text, "servers.pg.rules[0].ask_when", 3, 12);
}

#[test]
fn rule_without_condition() {
    let text = format!("{V}[servers.pg]\nallow = []\n[[servers.pg.rules]]\ntool = \"query\"\n");
    let d = at(&text, "servers.pg.rules[0]", 4, 1);
    assert!(d.message.contains("deny_when"), "{}", d.message);
}

#[test]
fn wrong_types() {
    let d = at(
        &format!("{V}[defaults]\nhide_denied_tools = \"yes\"\n"),
        "defaults.hide_denied_tools",
        3,
        21,
    );
    assert!(d.message.starts_with("wrong type"), "{}", d.message);
    at(
        &format!("{V}[servers.fs]\nallow = \"read_*\"\n"),
        "servers.fs.allow",
        3,
        9,
    );
    at(
        &format!("{V}[servers.fs]\nallow = [\"a\", 3]\n"),
        "servers.fs.allow[1]",
        3,
        15,
    );
    at(
        &format!("{V}[servers.fs]\nrules = 3\n"),
        "servers.fs.rules",
        3,
        9,
    );
    at(&format!("{V}servers = 1\n"), "servers", 2, 11);
    at("version = \"1\"\n", "version", 1, 11);
    at(
        &format!("{V}[servers.fs.sandbox]\nnet = [443]\n"),
        "servers.fs.sandbox.net[0]",
        3,
        8,
    );
}

#[test]
fn version_is_required_and_must_be_one() {
    let d = at("[defaults]\ndecision = \"deny\"\n", "version", 1, 1);
    assert_eq!(d.message, "missing required key `version`");
    assert!(d.hint.is_some());
    at("version = 2\n", "version", 1, 11);
}

#[test]
fn bad_sandbox_shapes() {
    at(
        &format!("{V}[servers.f.sandbox]\nnet = [\"docs.rs\"]\n"),
        "servers.f.sandbox.net[0]",
        3,
        8,
    );
    at(
        &format!("{V}[servers.f.sandbox]\nenv = [\"OK\", \"NOT-OK\"]\n"),
        "servers.f.sandbox.env[1]",
        3,
        14,
    );
    at(
        &format!("{V}[servers.f.sandbox]\nfs_read = [\"relative/dir\"]\n"),
        "servers.f.sandbox.fs_read[0]",
        3,
        12,
    );
    at(
        &format!("{V}[servers.f.sandbox]\nfs_write = [\"/tmp/*\"]\n"),
        "servers.f.sandbox.fs_write[0]",
        3,
        13,
    );
}

#[test]
fn quoted_server_names_in_keys() {
    at(
        &format!("{V}[servers.\"*\"]\ndeny = [\"[\"]\n"),
        "servers.\"*\".deny[0]",
        3,
        9,
    );
    at(
        &format!("{V}[servers.\"\"]\nallow = []\n"),
        "servers.\"\"",
        2,
        10,
    );
}

#[test]
fn toml_syntax_errors_are_positioned() {
    let d = err(&format!(
        "{V}[defaults]\ndecision = \"deny\"\nhide_denied_tools = tru\n"
    ));
    assert_eq!(d.line, 4, "{d}");
    assert_eq!(d.key, "defaults.hide_denied_tools", "{d}");
    let d = err(&format!("{V}[servers.fs\n"));
    assert_eq!(d.line, 2, "{d}");
    assert!(d.to_string().starts_with("policy/mcpward.toml:2:"), "{d}");
    let d = err(&format!(
        "{V}[defaults]\ndecision = \"deny\"\ndecision = \"allow\"\n"
    ));
    assert_eq!(d.line, 4, "{d}");
}

#[test]
fn unreadable_file_names_the_path() {
    let e = mcpward_policy::load(Path::new("/nonexistent/mcpward.toml")).unwrap_err();
    assert!(matches!(e, PolicyError::Read { .. }));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/mcpward.toml: cannot read"),
        "{e}"
    );
}

#[test]
fn hostile_toml_fails_cleanly() {
    let deep = format!(
        "version = 1\nx = {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(mcpward_policy::parse(&deep, Path::new("p.toml")).is_err());
    let deep_tables = format!(
        "version = 1\n[servers.s]\nallow = {}\"a\"{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(mcpward_policy::parse(&deep_tables, Path::new("p.toml")).is_err());
    let inline = format!(
        "version = 1\ny = {}1{}\n",
        "{a = ".repeat(3000),
        "}".repeat(3000)
    );
    assert!(mcpward_policy::parse(&inline, Path::new("p.toml")).is_err());
    assert!(mcpward_policy::parse("\u{feff}version = 1\n", Path::new("p.toml")).is_ok());
    assert!(mcpward_policy::parse("version = 1\0", Path::new("p.toml")).is_err());
}

#[test]
fn oversized_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    let mut text = String::from("version = 1\n");
    while (text.len() as u64) <= mcpward_policy::MAX_POLICY_BYTES {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&path, text).unwrap();
    let e = mcpward_policy::load(&path).unwrap_err();
    assert!(matches!(e, PolicyError::TooLarge { .. }), "{e}");
}
