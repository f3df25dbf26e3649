//! Shared helpers: temporary stores, events, raw SQL access for tampering.

use std::path::{Path, PathBuf};

use mcpward_audit::{Durability, Event, OpenOptions, Store, StoredEvent, canonical_json};
use serde_json::json;

pub(crate) struct TempStore {
    // Held so that the directory lives as long as the store.
    pub(crate) _dir: tempfile::TempDir,
    pub(crate) path: PathBuf,
    pub(crate) store: Store,
}

/// A fresh store in a temporary directory. `Durability::Normal`: these tests are about content,
/// not power loss, and fsync per append would only make them slow.
pub(crate) fn temp_store() -> TempStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.db");
    let store = Store::open_with(&path, &OpenOptions::new().durability(Durability::Normal))
        .expect("open store");
    TempStore {
        _dir: dir,
        path,
        store,
    }
}

pub(crate) fn event(i: u64) -> Event {
    let mut event = Event::new(if i.is_multiple_of(2) {
        "request"
    } else {
        "result"
    });
    event.agent = Some("claude-code".to_owned());
    event.session = Some(format!("s{}", i % 3));
    event.server = Some(
        if i.is_multiple_of(3) {
            "github"
        } else {
            "filesystem"
        }
        .to_owned(),
    );
    event.method = Some("tools/call".to_owned());
    event.tool = Some(format!("tool_{}", i % 4));
    event.decision = Some(if i.is_multiple_of(5) { "deny" } else { "allow" }.to_owned());
    event.rule = Some(format!("servers.x.allow[{}]", i % 2));
    event.detail = json!({ "i": i, "arguments": { "path": format!("/tmp/file{i}.txt") } });
    event
}

pub(crate) fn fill(store: &Store, n: u64) {
    for i in 0..n {
        let seq = store.append(&event(i)).expect("append");
        assert_eq!(seq, i + 1);
    }
}

/// A second, raw connection to the file: what an attacker with write access has.
pub(crate) fn raw(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("raw connection");
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .expect("busy timeout");
    conn
}

pub(crate) fn sql(path: &Path, statement: &str) {
    raw(path)
        .execute_batch(statement)
        .expect("tampering SQL runs");
}

/// The `append_loop` example, built by `cargo test` beside the test binaries.
pub(crate) fn append_loop_exe() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary lives in target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("append_loop{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is not built: `cargo test -p mcpward-audit` builds it (a `--test` filter does not), \
         or run `cargo build -p mcpward-audit --example append_loop`",
        path.display()
    );
    path
}

/// The chained object of a stored event, as the documented formula describes it.
pub(crate) fn record_of(e: &StoredEvent) -> serde_json::Value {
    json!({
        "seq": e.seq, "ts": e.ts, "kind": e.event.kind, "agent": e.event.agent,
        "session": e.event.session, "server": e.event.server, "method": e.event.method,
        "tool": e.event.tool, "decision": e.event.decision, "rule": e.event.rule,
        "detail": e.event.detail,
    })
}

/// `sha256(prev_hash || canonical_json(record))`, computed independently of the store.
pub(crate) fn chain_hash(prev_hash: &str, record: &serde_json::Value) -> String {
    use sha2::{Digest as _, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(canonical_json(record).as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
