//! Arguments against `inputSchema`: strict mode, remote `$ref`s never fetched, the cache.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use mcpward_policy::{SchemaCache, check_arguments};
use serde_json::json;

fn tool_schema() -> serde_json::Value {
    json!({
        "type": "object",
        "properties": {
            "path": {"type": "string"},
            "options": {
                "type": "object",
                "properties": {"recursive": {"type": "boolean"}}
            },
            "meta": {"type": "object", "properties": {"a": {}}, "additionalProperties": true}
        },
        "required": ["path"]
    })
}

#[test]
fn valid_arguments_pass() {
    let s = tool_schema();
    assert_eq!(check_arguments(&s, &json!({"path": "/x"}), true), Ok(()));
    assert_eq!(
        check_arguments(
            &s,
            &json!({"path": "/x", "options": {"recursive": true}}),
            true
        ),
        Ok(())
    );
    assert_eq!(
        check_arguments(&s, &json!({"path": "/x", "meta": {"b": 1}}), true),
        Ok(())
    );
}

#[test]
fn strict_mode_rejects_unknown_properties_at_any_depth() {
    let s = tool_schema();
    let extra = json!({"path": "/x", "follow_symlinks": true});
    assert_eq!(check_arguments(&s, &extra, false), Ok(()));
    let e = check_arguments(&s, &extra, true).unwrap_err();
    assert!(e.contains("follow_symlinks"), "{e}");
    let nested = json!({"path": "/x", "options": {"recursive": true, "force": true}});
    assert_eq!(check_arguments(&s, &nested, false), Ok(()));
    let e = check_arguments(&s, &nested, true).unwrap_err();
    assert!(e.contains("/options"), "{e}");
    // The caller's schema is not modified.
    assert_eq!(s, tool_schema());
}

#[test]
fn errors_name_paths_not_values() {
    let s = json!({"type": "object", "properties": {"token": {"type": "integer"}}});
    let e = check_arguments(&s, &json!({"token": "ghp_supersecretvalue"}), true).unwrap_err();
    assert!(e.contains("/token"), "{e}");
    assert!(!e.contains("supersecret"), "{e}");
    assert!(check_arguments(&s, &json!("not an object"), true).is_err());
}

#[test]
fn missing_arguments_are_checked_as_empty_object() {
    let s = tool_schema();
    assert!(check_arguments(&s, &serde_json::Value::Null, true).is_err());
    let open = json!({"type": "object"});
    assert_eq!(
        check_arguments(&open, &serde_json::Value::Null, true),
        Ok(())
    );
}

#[test]
fn local_refs_work() {
    let s = json!({
        "type": "object",
        "properties": {"item": {"$ref": "#/$defs/item"}},
        "$defs": {"item": {"type": "object", "properties": {"id": {"type": "integer"}}}}
    });
    assert_eq!(
        check_arguments(&s, &json!({"item": {"id": 1}}), true),
        Ok(())
    );
    assert!(check_arguments(&s, &json!({"item": {"id": 1, "x": 2}}), true).is_err());
    let draft7 = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"a": {"type": "string"}}
    });
    assert_eq!(check_arguments(&draft7, &json!({"a": "x"}), true), Ok(()));
}

/// A server that records whether anyone connected.
fn listener() -> (u16, Arc<AtomicBool>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let hit = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&hit);
    l.set_nonblocking(false).unwrap();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = l.accept() {
            flag.store(true, Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let body = r#"{"type":"string"}"#;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, hit)
}

#[test]
fn remote_refs_fail_closed_without_fetching() {
    let (port, hit) = listener();
    let s = json!({
        "type": "object",
        "properties": {"a": {"$ref": format!("http://127.0.0.1:{port}/schema.json")}}
    });
    let e = check_arguments(&s, &json!({"a": "x"}), true).unwrap_err();
    assert!(e.contains("unusable"), "{e}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        !hit.load(Ordering::SeqCst),
        "the validator fetched a remote $ref"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.json");
    std::fs::write(&file, r#"{"type": "string"}"#).unwrap();
    let s = json!({"properties": {"a": {"$ref": format!("file://{}", file.display())}}});
    assert!(check_arguments(&s, &json!({"a": "x"}), true).is_err());
    let s = json!({"$ref": "https://example.com/schema.json"});
    assert!(check_arguments(&s, &json!({}), false).is_err());
}

#[test]
fn invalid_schemas_reject_every_call() {
    let s = json!({"type": "object", "properties": {"a": {"type": 12}}});
    assert!(check_arguments(&s, &json!({}), true).is_err());
    let s = json!({"type": "string", "pattern": "(a+)+$"});
    // Linear-time engine: no catastrophic backtracking on hostile patterns.
    let long = format!("{}b", "a".repeat(50_000));
    assert!(check_arguments(&s, &json!(long), false).is_err());
}

#[test]
fn cache_reuses_and_refreshes() {
    let cache = SchemaCache::new();
    let s = tool_schema();
    assert!(cache.is_empty());
    assert_eq!(
        cache.check("fs/read", &s, &json!({"path": "/x"}), true),
        Ok(())
    );
    assert_eq!(cache.len(), 1);
    assert!(
        cache
            .check("fs/read", &s, &json!({"path": "/x", "z": 1}), true)
            .is_err()
    );
    assert_eq!(cache.len(), 1);
    // Same key, new schema: compiled again, not served stale.
    let changed = json!({"type": "object", "properties": {"z": {"type": "integer"}}});
    assert_eq!(
        cache.check("fs/read", &changed, &json!({"z": 1}), true),
        Ok(())
    );
    assert!(
        cache
            .check("fs/read", &changed, &json!({"path": "/x"}), true)
            .is_err()
    );
    // Strictness is part of the key.
    assert_eq!(
        cache.check("fs/read", &changed, &json!({"path": "/x"}), false),
        Ok(())
    );
    assert_eq!(cache.len(), 2);
    let bad = json!({"$ref": "http://example.com/x.json"});
    assert!(cache.check("t", &bad, &json!({}), true).is_err());
    assert!(cache.check("t", &bad, &json!({}), true).is_err());
    let small = SchemaCache::with_capacity(2);
    for i in 0..10 {
        assert_eq!(
            small.check(&format!("t{i}"), &s, &json!({"path": "/x"}), true),
            Ok(())
        );
    }
    assert!(small.len() <= 2);
    cache.clear();
    assert!(cache.is_empty());
}
