use std::collections::BTreeSet;

use serde_json::json;

use super::*;

fn observed(name: &str, description: &str) -> ObservedTool {
    let tool = json!({"name": name, "description": description, "inputSchema": {"type": "object"}});
    ObservedTool {
        name: name.to_owned(),
        hash: tool_hash(&tool),
        definition: pinned_definition(&tool),
    }
}

fn page(tools: Vec<ObservedTool>, complete: bool) -> Observation {
    let names = tools
        .iter()
        .map(|t| t.name.clone())
        .collect::<BTreeSet<_>>();
    Observation {
        server: "s".into(),
        tools,
        trust_new: false,
        complete: complete.then_some(names),
    }
}

#[test]
fn hash_ignores_key_order_and_unpinned_fields() {
    let a =
        json!({"name": "t", "inputSchema": {"type": "object", "properties": {"a": {}, "b": {}}}});
    let b = json!({"inputSchema": {"properties": {"b": {}, "a": {}}, "type": "object"}, "name": "t", "_meta": {"x": 1}});
    assert_eq!(tool_hash(&a), tool_hash(&b));
    assert!(tool_hash(&a).starts_with("sha256:"));
    assert_eq!(tool_hash(&a).len(), 7 + 64);
}

#[test]
fn hash_covers_every_pinned_field() {
    let base = json!({"name": "t"});
    for field in PINNED_FIELDS.iter().filter(|f| **f != "name") {
        let mut changed = base.clone();
        changed[*field] = json!("x");
        assert_ne!(tool_hash(&base), tool_hash(&changed), "{field}");
    }
}

#[test]
fn canonical_json_sorts_nested_keys() {
    let mut out = String::new();
    canonical_json(&json!({"b": [{"d": 1, "c": "x"}], "a": null}), &mut out);
    assert_eq!(out, r#"{"a":null,"b":[{"c":"x","d":1}]}"#);
}

#[test]
fn first_listing_pins_then_changes_wait_for_approval() {
    let mut lock = Lockfile::new();
    let r = lock.observe(
        &page(vec![observed("a", "one"), observed("b", "two")], true),
        "t0",
    );
    assert!(r.first_seen);
    assert!(r.tools.iter().all(|(_, s)| *s == PinStatus::Pinned));

    let r = lock.observe(
        &page(vec![observed("a", "one"), observed("b", "TWO")], true),
        "t1",
    );
    assert_eq!(r.tools[0].1, PinStatus::Unchanged);
    assert_eq!(r.tools[1].1, PinStatus::Unapproved(Change::Changed));
    assert_eq!(lock.servers["s"].pending["b"].change, Change::Changed);

    let approved = lock.approve("s", Some("b"), "t2");
    assert_eq!(approved, vec![("b".to_owned(), Change::Changed)]);
    let r = lock.observe(
        &page(vec![observed("a", "one"), observed("b", "TWO")], true),
        "t3",
    );
    assert!(r.tools.iter().all(|(_, s)| *s == PinStatus::Unchanged));
    assert!(lock.servers["s"].pending.is_empty());
}

#[test]
fn renaming_a_tool_is_an_addition_and_a_removal() {
    let mut lock = Lockfile::new();
    lock.observe(&page(vec![observed("read", "reads")], true), "t0");
    let r = lock.observe(&page(vec![observed("read2", "reads")], true), "t1");
    assert_eq!(r.tools[0].1, PinStatus::Unapproved(Change::Added));
    assert_eq!(r.removed, vec!["read".to_owned()]);
    let approved = lock.approve("s", None, "t2");
    assert_eq!(approved.len(), 2);
    let pins = &lock.servers["s"].tools;
    assert!(pins.contains_key("read2") && !pins.contains_key("read"));
}

#[test]
fn pages_of_a_first_listing_are_all_trusted() {
    let mut lock = Lockfile::new();
    let r = lock.observe(&page(vec![observed("a", "1")], false), "t0");
    assert!(r.first_seen);
    let mut second = page(vec![observed("b", "2")], false);
    second.trust_new = true;
    second.complete = Some(["a".to_owned(), "b".to_owned()].into());
    let r = lock.observe(&second, "t0");
    assert_eq!(r.tools[0].1, PinStatus::Pinned);
    assert!(r.removed.is_empty());
}

#[test]
fn an_incomplete_page_reports_no_removals() {
    let mut lock = Lockfile::new();
    lock.observe(
        &page(vec![observed("a", "1"), observed("b", "2")], true),
        "t0",
    );
    let r = lock.observe(&page(vec![observed("a", "1")], false), "t1");
    assert!(r.removed.is_empty());
}

#[test]
fn file_round_trip_and_concurrent_updates_merge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = LockfilePath::new(dir.path().join("sub").join("mcpward.lock"));
    assert_eq!(file.read().expect("missing is empty"), Lockfile::new());
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let file = file.clone();
            std::thread::spawn(move || {
                let mut obs = page(vec![observed("t", "d")], true);
                obs.server = format!("s{i}");
                file.update(|lock| lock.observe(&obs, "t0"))
                    .expect("update")
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let lock = file.read().expect("read");
    assert_eq!(lock.servers.len(), 8);
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("sub"))
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_corrupt_lockfile_is_an_error_and_is_not_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mcpward.lock");
    fs::write(&path, "{not json").expect("write");
    let file = LockfilePath::new(&path);
    assert!(matches!(file.read(), Err(LockfileError::Invalid { .. })));
    assert!(file.update(|_| ()).is_err());
    assert_eq!(fs::read_to_string(&path).expect("read"), "{not json");
}

#[test]
fn rfc3339_dates() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
}
