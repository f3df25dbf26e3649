//! The SQLite store: schema, appends, queries and the in-store chain check.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::canonical::{GENESIS_HASH, Record};
use crate::error::AuditError;
use crate::event::{Event, StoredEvent, detail_text};
use crate::time::{format_ts, now};
use crate::verify::{Chain, Head, Link, VerifyReport};

/// The schema version this crate reads and writes (`meta.schema_version`).
pub const SCHEMA_VERSION: u32 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq       INTEGER PRIMARY KEY,
    ts        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    agent     TEXT,
    session   TEXT,
    server    TEXT,
    method    TEXT,
    tool      TEXT,
    decision  TEXT,
    rule      TEXT,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE INDEX IF NOT EXISTS events_server_tool ON events (server, tool);
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5 (
    kind, server, tool, decision, rule, detail,
    content = 'events', content_rowid = 'seq'
);
CREATE TABLE IF NOT EXISTS approvals (
    id       TEXT PRIMARY KEY NOT NULL,
    created  TEXT NOT NULL,
    summary  TEXT NOT NULL,
    state    TEXT NOT NULL,
    resolved TEXT
);
";

const EVENT_COLUMNS: &str =
    "seq, ts, kind, agent, session, server, method, tool, decision, rule, detail, prev_hash, hash";

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Durability {
    /// `synchronous=FULL`: the write-ahead log is fsync'd on every commit. An event that
    /// [`Store::append`] acknowledged survives the process being killed and the machine losing
    /// power. The default (`mcpward run --audit-sync full`).
    #[default]
    Full,
    /// `synchronous=NORMAL`: an acknowledged event survives the process being killed, but the
    /// newest events may be lost on power loss or an OS crash (the chain stays consistent; it
    /// ends earlier). No fsync per commit, only at checkpoints. What `mcpward run` uses unless
    /// told `--audit-sync full`.
    Normal,
}

/// How to open a [`Store`]: [`Store::open`] uses the defaults.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OpenOptions {
    /// See [`Durability`]. Default: [`Durability::Full`].
    pub durability: Durability,
    /// How long a write waits for another process's write to finish before it fails.
    /// Default: 10 s.
    pub busy_timeout: Duration,
    /// Create the file (and its directory, mode 0700) when missing. Default: true. Off, a
    /// missing file is [`AuditError::NotFound`] (for `mcpward log`, which should not create one).
    pub create: bool,
    /// Replay the journals of processes that died before their events reached the store
    /// ([`Store::replay_journals`] with [`Replay::DeadOnly`](crate::Replay::DeadOnly)) while
    /// opening. Default: true.
    pub replay_journals: bool,
    /// Fold the write-ahead log into the database when the last connection closes (SQLite's
    /// default). Off, closing costs no fsync and the log is folded in by a later commit's
    /// automatic checkpoint instead: for short-lived processes that append one event each
    /// (`mcpward hook`). Default: true.
    pub checkpoint_on_close: bool,
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions {
            durability: Durability::Full,
            busy_timeout: Duration::from_secs(10),
            create: true,
            replay_journals: true,
            checkpoint_on_close: true,
        }
    }
}

impl OpenOptions {
    /// The defaults: full durability, 10 s busy timeout, create when missing, replay dead
    /// processes' journals.
    #[must_use]
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }

    /// Sets [`OpenOptions::durability`].
    #[must_use]
    pub fn durability(mut self, durability: Durability) -> OpenOptions {
        self.durability = durability;
        self
    }

    /// Sets [`OpenOptions::busy_timeout`].
    #[must_use]
    pub fn busy_timeout(mut self, timeout: Duration) -> OpenOptions {
        self.busy_timeout = timeout;
        self
    }

    /// Sets [`OpenOptions::create`].
    #[must_use]
    pub fn create(mut self, create: bool) -> OpenOptions {
        self.create = create;
        self
    }

    /// Sets [`OpenOptions::replay_journals`].
    #[must_use]
    pub fn replay_journals(mut self, replay: bool) -> OpenOptions {
        self.replay_journals = replay;
        self
    }

    /// Sets [`OpenOptions::checkpoint_on_close`].
    #[must_use]
    pub fn checkpoint_on_close(mut self, checkpoint: bool) -> OpenOptions {
        self.checkpoint_on_close = checkpoint;
        self
    }
}

/// Which events [`Store::query`] returns. Every field that is set must match; `Default` matches
/// everything.
///
/// ```
/// # use mcpward_audit::Filter;
/// let denied_github = Filter {
///     server: Some("github".into()),
///     decision: Some("deny".into()),
///     limit: Some(50),
///     ..Filter::default()
/// };
/// # let _ = denied_github;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The server's name, exactly.
    pub server: Option<String>,
    /// The tool's name, exactly.
    pub tool: Option<String>,
    /// The decision, exactly (`allow`, `ask`, `deny`).
    pub decision: Option<String>,
    /// The event kind, exactly.
    pub kind: Option<String>,
    /// The agent, exactly.
    pub agent: Option<String>,
    /// The session, exactly.
    pub session: Option<String>,
    /// Only events appended at or after this time.
    pub since: Option<SystemTime>,
    /// Only events after this `seq` (for following a log as it grows).
    pub after_seq: Option<u64>,
    /// Full-text search over kind, server, tool, decision, rule and detail. The text is searched
    /// as one phrase (its words, in order); FTS5 operators in it have no effect, so any user
    /// input is safe here. Blank text matches everything.
    pub text: Option<String>,
    /// At most this many events: the newest ones. `None`: all.
    pub limit: Option<usize>,
}

/// The audit store: one SQLite file in WAL mode, shared by every `mcpward` process on the
/// machine (one `mcpward run` per server, `mcpward log`, `mcpward approve`).
///
/// Each process opens its own `Store`; a `Store` is `Send + Sync` and serializes its own calls.
/// Appends from all processes form one hash chain. The store never logs.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

enum HeadState {
    Absent,
    Present(Head),
    Unreadable(String),
}

impl Store {
    /// Opens (creating when missing) the store at `path` with the default [`OpenOptions`].
    ///
    /// # Errors
    ///
    /// [`AuditError::Open`] when the file cannot be opened or is not an audit store,
    /// [`AuditError::SchemaVersion`] when a newer mcpward wrote it,
    /// [`AuditError::CreateDir`] when its directory cannot be created.
    pub fn open(path: &Path) -> Result<Store, AuditError> {
        Store::open_with(path, &OpenOptions::default())
    }

    /// Opens the store at `path` with `options`.
    ///
    /// # Errors
    ///
    /// As [`Store::open`], and [`AuditError::NotFound`] when `create` is off and there is no file.
    pub fn open_with(path: &Path, options: &OpenOptions) -> Result<Store, AuditError> {
        let open_err = |source| AuditError::Open {
            path: path.to_owned(),
            source,
        };
        if options.create {
            prepare_file(path)?;
        } else if !path.exists() {
            return Err(AuditError::NotFound {
                path: path.to_owned(),
            });
        }
        // No SQLITE_OPEN_URI: a path that starts with `file:` is a path.
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if options.create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
        configure(&conn, options).map_err(open_err)?;
        let found = create_schema(&mut conn).map_err(open_err)?;
        if found != SCHEMA_VERSION.to_string() {
            return Err(AuditError::SchemaVersion {
                path: path.to_owned(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        // Added after version 1 shipped without changing what version 1 means: older readers
        // ignore the table.
        conn.execute_batch(crate::journal::SCHEMA)
            .map_err(open_err)?;
        let store = Store {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        };
        if options.replay_journals {
            store.replay_journals(crate::journal::Replay::DeadOnly)?;
        }
        Ok(store)
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held left no transaction open (dropping a transaction rolls
        // it back), so the connection is still usable.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `event` to the chain and returns its `seq`.
    ///
    /// In one `BEGIN IMMEDIATE` transaction (which waits for other processes' appends): reads the
    /// head, stamps `seq` and `ts`, computes
    /// `hash = sha256(prev_hash || canonical_json(event with seq and ts))`, inserts the event and
    /// its full-text entry, moves the head, commits. With [`Durability::Full`] the event is on
    /// disk when this returns.
    ///
    /// The event must already be redacted: see [`Event`].
    ///
    /// # Errors
    ///
    /// [`AuditError::Database`] when the write fails: disk full, I/O error, or another process
    /// held the write lock longer than the busy timeout.
    pub fn append(&self, event: &Event) -> Result<u64, AuditError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(AuditError::db("append"))?;
        let seq = append_in(&tx, event)?;
        tx.commit().map_err(AuditError::db("append"))?;
        Ok(seq)
    }

    /// Appends `events` in order, in one transaction, and returns their `seq`s (consecutive).
    ///
    /// All or none: if one fails, none is kept. One commit, so with [`Durability::Full`] one
    /// fsync for the lot: the events of one message (request, decision) cost what one costs.
    ///
    /// # Errors
    ///
    /// As [`Store::append`].
    pub fn append_batch(&self, events: &[Event]) -> Result<Vec<u64>, AuditError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(AuditError::db("append"))?;
        let seqs = events
            .iter()
            .map(|event| append_in(&tx, event))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit().map_err(AuditError::db("append"))?;
        Ok(seqs)
    }

    /// The head anchor: the newest event's `seq` and `hash`, `None` for an empty store.
    ///
    /// # Errors
    ///
    /// [`AuditError::Database`] when it cannot be read, [`AuditError::Corrupt`] when the stored
    /// value is not one this crate writes.
    pub fn head(&self) -> Result<Option<Head>, AuditError> {
        let conn = self.lock();
        match read_head(&conn).map_err(AuditError::db("head"))? {
            HeadState::Absent => Ok(None),
            HeadState::Present(head) => Ok(Some(head)),
            HeadState::Unreadable(value) => Err(AuditError::Corrupt {
                what: format!("the head anchor {value:?} cannot be read"),
            }),
        }
    }

    /// The events `filter` selects, oldest first. With a `limit`, the newest `limit` of them.
    ///
    /// # Errors
    ///
    /// [`AuditError::Database`] when the query fails.
    pub fn query(&self, filter: &Filter) -> Result<Vec<StoredEvent>, AuditError> {
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE 1 = 1");
        let mut values: Vec<SqlValue> = Vec::new();
        for (column, wanted) in [
            ("server", &filter.server),
            ("tool", &filter.tool),
            ("decision", &filter.decision),
            ("kind", &filter.kind),
            ("agent", &filter.agent),
            ("session", &filter.session),
        ] {
            if let Some(wanted) = wanted {
                sql.push_str(&format!(" AND {column} = ?"));
                values.push(SqlValue::Text(wanted.clone()));
            }
        }
        if let Some(since) = filter.since {
            sql.push_str(" AND ts >= ?");
            values.push(SqlValue::Text(format_ts(since)));
        }
        if let Some(after) = filter.after_seq {
            sql.push_str(" AND seq > ?");
            values.push(SqlValue::Integer(i64::try_from(after).unwrap_or(i64::MAX)));
        }
        if let Some(phrase) = filter.text.as_deref().and_then(fts_phrase) {
            sql.push_str(" AND seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)");
            values.push(SqlValue::Text(phrase));
        }
        match filter.limit {
            Some(limit) => {
                sql.push_str(" ORDER BY seq DESC LIMIT ?");
                values.push(SqlValue::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            }
            None => sql.push_str(" ORDER BY seq"),
        }
        let conn = self.lock();
        let mut stmt = conn.prepare(&sql).map_err(AuditError::db("query"))?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(values))
            .map_err(AuditError::db("query"))?;
        let mut events = Vec::new();
        while let Some(row) = rows.next().map_err(AuditError::db("query"))? {
            events.push(stored_event(row));
        }
        if filter.limit.is_some() {
            events.reverse();
        }
        Ok(events)
    }

    /// Recomputes the whole chain in `seq` order and compares its end with the head anchor.
    ///
    /// Reads one consistent snapshot, so appends by other processes meanwhile do not disturb
    /// it. Stops at the first event that does not hold and names it in
    /// [`VerifyReport::failure`]. See the crate documentation for what this can and cannot
    /// detect.
    ///
    /// # Errors
    ///
    /// [`AuditError::Database`] when the store cannot be read. A chain that does not hold is a
    /// report, not an error.
    pub fn verify(&self) -> Result<VerifyReport, AuditError> {
        let err = AuditError::db("verify");
        let mut conn = self.lock();
        // A read transaction: rows and head come from the same snapshot.
        let tx = conn.transaction().map_err(err)?;
        let mut chain = Chain::new(true);
        let failure = {
            let mut stmt = tx
                .prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"))
                .map_err(AuditError::db("verify"))?;
            let mut rows = stmt.query([]).map_err(AuditError::db("verify"))?;
            let mut failure = None;
            while let Some(row) = rows.next().map_err(AuditError::db("verify"))? {
                // The columns as stored; the detail is hashed as text, never parsed.
                let c: [Option<String>; 13] = std::array::from_fn(|i| text(row, i));
                let text_of = |i: usize| c[i].as_deref().unwrap_or_default();
                let link = Link {
                    record: Record {
                        seq: row_seq(row),
                        ts: text_of(1),
                        kind: text_of(2),
                        agent: c[3].as_deref(),
                        session: c[4].as_deref(),
                        server: c[5].as_deref(),
                        method: c[6].as_deref(),
                        tool: c[7].as_deref(),
                        decision: c[8].as_deref(),
                        rule: c[9].as_deref(),
                        detail: text_of(10),
                    },
                    prev_hash: text_of(11),
                    hash: text_of(12),
                    line: None,
                };
                if let Err(f) = chain.check(&link, |_| None) {
                    failure = Some(f);
                    break;
                }
            }
            failure
        };
        let failure = match failure {
            Some(f) => Some(f),
            None => {
                let head = match read_head(&tx).map_err(AuditError::db("verify"))? {
                    HeadState::Absent => Ok(None),
                    HeadState::Present(head) => Ok(Some(head)),
                    HeadState::Unreadable(value) => Err(value),
                };
                chain.check_head(head).err()
            }
        };
        Ok(chain.report(failure))
    }
}

/// An event ready for the chain: its time and its detail as canonical text. Serialized, it is
/// a journal line without its number.
#[derive(serde::Serialize)]
pub(crate) struct NewEvent<'a> {
    pub(crate) ts: &'a str,
    pub(crate) kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) agent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) session: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) server: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tool: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) decision: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rule: Option<&'a str>,
    pub(crate) detail: &'a str,
}

impl<'a> NewEvent<'a> {
    pub(crate) fn of(event: &'a Event, ts: &'a str, detail: &'a str) -> NewEvent<'a> {
        NewEvent {
            ts,
            kind: &event.kind,
            agent: event.agent.as_deref(),
            session: event.session.as_deref(),
            server: event.server.as_deref(),
            method: event.method.as_deref(),
            tool: event.tool.as_deref(),
            decision: event.decision.as_deref(),
            rule: event.rule.as_deref(),
            detail,
        }
    }
}

/// One append inside the caller's write transaction, stamped now.
fn append_in(tx: &Connection, event: &Event) -> Result<u64, AuditError> {
    let detail = detail_text(&event.detail);
    let ts = now();
    insert_in(tx, &NewEvent::of(event, &ts, &detail))
}

/// One append inside the caller's write transaction: reads the tip, chains, inserts, moves the
/// head.
pub(crate) fn insert_in(tx: &Connection, event: &NewEvent<'_>) -> Result<u64, AuditError> {
    let mut tip = read_tip(tx)?;
    insert_at(tx, &mut tip, event)?;
    write_head(tx, &tip)?;
    Ok(tip.0)
}

/// The chain's tip in the caller's write transaction: the `seq` and `hash` the next event
/// follows.
pub(crate) fn read_tip(tx: &Connection) -> Result<(u64, String), AuditError> {
    let err = AuditError::db;
    let last: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(err("append"))?;
    let last_seq = last
        .as_ref()
        .map_or(0, |(seq, _)| u64::try_from(*seq).unwrap_or(0));
    // The head anchor, not the last row, is the tip: so that events deleted from the end
    // leave a gap that `verify` reports even after later appends. A store without a readable
    // head (only possible after tampering) continues from its last row.
    Ok(match read_head(tx).map_err(err("append"))? {
        HeadState::Present(head) => (head.seq.max(last_seq), head.hash),
        HeadState::Absent | HeadState::Unreadable(_) => match last {
            Some((_, hash)) => (last_seq, hash),
            None => (0, GENESIS_HASH.to_owned()),
        },
    })
}

/// Moves the head anchor to `tip`; once per transaction, after its inserts.
pub(crate) fn write_head(tx: &Connection, tip: &(u64, String)) -> Result<(), AuditError> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('head', ?1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .and_then(|mut s| s.execute([format!("{} {}", tip.0, tip.1)]))
    .map_err(AuditError::db("append"))?;
    Ok(())
}

/// Inserts `event` after `tip` and moves `tip` to it (the head anchor is left to
/// [`write_head`]).
pub(crate) fn insert_at(
    tx: &Connection,
    tip: &mut (u64, String),
    event: &NewEvent<'_>,
) -> Result<(), AuditError> {
    let err = AuditError::db;
    let seq = tip.0 + 1;
    let prev_hash = std::mem::take(&mut tip.1);
    let record = Record {
        seq,
        ts: event.ts,
        kind: event.kind,
        agent: event.agent,
        session: event.session,
        server: event.server,
        method: event.method,
        tool: event.tool,
        decision: event.decision,
        rule: event.rule,
        detail: event.detail,
    };
    let hash = record.hash(&prev_hash);
    let seq_sql = i64::try_from(seq).map_err(|_| AuditError::Corrupt {
        what: format!("event sequence number {seq} is out of range"),
    })?;
    tx.prepare_cached(
        "INSERT INTO events (seq, ts, kind, agent, session, server, method, tool, decision, \
         rule, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, \
         ?12, ?13)",
    )
    .and_then(|mut s| {
        s.execute(params![
            seq_sql,
            event.ts,
            event.kind,
            event.agent,
            event.session,
            event.server,
            event.method,
            event.tool,
            event.decision,
            event.rule,
            event.detail,
            prev_hash,
            hash,
        ])
    })
    .map_err(err("append"))?;
    tx.prepare_cached(
        "INSERT INTO events_fts (rowid, kind, server, tool, decision, rule, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            seq_sql,
            event.kind,
            event.server,
            event.tool,
            event.decision,
            event.rule,
            event.detail,
        ])
    })
    .map_err(err("append"))?;
    *tip = (seq, hash);
    Ok(())
}

/// Creates the directory (0700) and an empty file (0600) so that SQLite, which gives its `-wal`
/// and `-shm` files the database's permissions, keeps the log private to the user.
fn prepare_file(path: &Path) -> Result<(), AuditError> {
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|source| AuditError::CreateDir {
                path: dir.to_owned(),
                source,
            })?;
    }
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    // An empty file is an empty SQLite database. Any failure here (it exists, or we may not
    // create it) is left for SQLite to report with its own words.
    let _ = file.open(path);
    Ok(())
}

fn configure(conn: &Connection, options: &OpenOptions) -> rusqlite::Result<()> {
    conn.busy_timeout(options.busy_timeout)?;
    // A hand-crafted file must not run code from its schema, nor let SQL corrupt it.
    conn.pragma_update(None, "trusted_schema", false)?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    // Switching to WAL needs a moment alone with the file; several processes opening a new
    // store at once may each be told "busy" without the busy handler being consulted.
    let deadline = Instant::now() + options.busy_timeout;
    loop {
        match conn
            .pragma_update_and_check(None, "journal_mode", "wal", |row| row.get::<_, String>(0))
        {
            Ok(_) => break,
            Err(e) if is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
    let synchronous = match options.durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    if !options.checkpoint_on_close {
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )?;
    }
    Ok(())
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Creates the tables when missing and returns the schema version recorded in the file.
fn create_schema(conn: &mut Connection) -> rusqlite::Result<String> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let has_meta: bool = tx.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'",
        [],
        |r| r.get(0),
    )?;
    let existing: Option<String> = if has_meta {
        tx.query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()?
    } else {
        None
    };
    if let Some(version) = existing {
        // Written by some version: never touch a schema we might not understand.
        return Ok(version);
    }
    tx.execute_batch(SCHEMA)?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)",
        [SCHEMA_VERSION.to_string()],
    )?;
    tx.commit()?;
    Ok(SCHEMA_VERSION.to_string())
}

fn read_head(conn: &Connection) -> rusqlite::Result<HeadState> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'head'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let Some(value) = value else {
        return Ok(HeadState::Absent);
    };
    let parsed = value.split_once(' ').and_then(|(seq, hash)| {
        let seq = seq.parse::<u64>().ok()?;
        let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| Head {
            seq,
            hash: hash.to_owned(),
        })
    });
    Ok(match parsed {
        Some(head) => HeadState::Present(head),
        None => HeadState::Unreadable(value),
    })
}

/// A text column, whatever SQLite holds there (a hand-edited row may hold a number).
fn text(row: &rusqlite::Row<'_>, index: usize) -> Option<String> {
    match row.get_ref(index).ok()? {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

/// `seq` is the rowid, always an integer; a negative one (forged) reads as 0, which
/// verification reports as out of order.
fn row_seq(row: &rusqlite::Row<'_>) -> u64 {
    row.get::<_, i64>(0)
        .ok()
        .and_then(|s| u64::try_from(s).ok())
        .unwrap_or(0)
}

fn stored_event(row: &rusqlite::Row<'_>) -> StoredEvent {
    let seq = row_seq(row);
    let event = Event {
        kind: text(row, 2).unwrap_or_default(),
        agent: text(row, 3),
        session: text(row, 4),
        server: text(row, 5),
        method: text(row, 6),
        tool: text(row, 7),
        decision: text(row, 8),
        rule: text(row, 9),
        detail: serde_json::Value::Null,
    };
    StoredEvent::from_columns(
        seq,
        text(row, 1).unwrap_or_default(),
        event,
        text(row, 10).unwrap_or_default(),
        text(row, 11).unwrap_or_default(),
        text(row, 12).unwrap_or_default(),
    )
}

/// The user's search text as one FTS5 phrase: quoted, inner quotes doubled, control characters
/// made spaces. `None` for blank text.
fn fts_phrase(text: &str) -> Option<String> {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(format!("\"{}\"", trimmed.replace('"', "\"\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_quoted() {
        assert_eq!(fts_phrase("  "), None);
        assert_eq!(fts_phrase("rm -rf"), Some("\"rm -rf\"".into()));
        assert_eq!(fts_phrase("say \"hi\""), Some("\"say \"\"hi\"\"\"".into()));
        assert_eq!(fts_phrase("a\0b\nc"), Some("\"a b c\"".into()));
    }

    #[test]
    fn store_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Store>();
    }
}
