//! `docs/rules.md` is generated from the rules' doc comments; this test keeps it current.
//! Regenerate with `MCPWARD_UPDATE_DOCS=1 cargo test -p mcpward-scan --test docs`.

use std::path::PathBuf;

fn generate() -> String {
    let mut out = String::from(
        "# Scan rules\n\n<!-- Generated from the rules' doc comments by `MCPWARD_UPDATE_DOCS=1 cargo test -p mcpward-scan --test docs`. Do not edit by hand. -->\n\n`mcpward scan --explain RULE` prints the same text.\n\n| rule | default severity | finds |\n|---|---|---|\n",
    );
    for r in mcpward_scan::rules::all() {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            r.id, r.id, r.default_severity, r.title
        ));
    }
    for r in mcpward_scan::rules::all() {
        out.push_str(&format!(
            "\n## {}\n\n*{}* — default severity **{}**\n\n",
            r.id, r.title, r.default_severity
        ));
        // Demote the rule's own headings one level under the rule's heading.
        for line in r.doc.lines() {
            if let Some(h) = line.strip_prefix("## ") {
                out.push_str(&format!("### {h}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn rules_md_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let want = generate();
    if std::env::var_os("MCPWARD_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).expect("write docs/rules.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is out of date: run `MCPWARD_UPDATE_DOCS=1 cargo test -p mcpward-scan --test docs`"
    );
}
