//! The journal: a per-process file that holds events until a background thread has moved them
//! into the [`Store`].
//!
//! A [`Journal`] makes "written before the message is forwarded" one `write()` of a few hundred
//! bytes instead of one SQLite commit. [`Journal::append_batch`] serializes the events (already
//! redacted) as JSON lines, one per event, and hands them to the kernel in one `write()` on a file
//! opened for appending; from then on they survive the process being killed (and, with
//! [`JournalOptions::sync`], power loss: an `fdatasync` follows). A thread of the journal's own
//! (at a lower priority on Linux, nice 10, so that on a busy machine it yields to the relay; it
//! also parses the lines back, off the relay's thread) then inserts them into the store in
//! batches, in one transaction per batch: `seq`, `prev_hash`
//! and `hash` are given there, so several processes, each with its own journal, still share one
//! chain. Once the store holds everything the file holds and the file has grown past 256 KiB, it
//! is emptied (not after every batch: emptying a file is a metadata update that holds up appends
//! meanwhile; entries the store already holds cost a replay nothing).
//!
//! # Files and ownership
//!
//! Journals live in `<database>.journals/` (`audit.db.journals/` beside `audit.db`), one file per
//! process, `PID-RANDOM.jnl`, mode 0600. The owner holds an exclusive advisory lock on its file
//! for as long as it runs (`flock`, which the kernel drops when the process dies, SIGKILL
//! included). A file that can be locked therefore has no owner: [`Store::replay_journals`] (run
//! whenever a store is opened, see [`crate::OpenOptions::replay_journals`]) moves its events into
//! the store and removes it. `mcpward log` also reads live journals ([`Replay::All`]), so that it
//! sees events that are still on their way.
//!
//! # Exactly once
//!
//! Each entry carries a number, increasing within its journal. The store's `journals` table
//! records, per journal, the highest number it holds, updated in the same transaction as the
//! inserts: a replay after a crash between the insert and the emptying of the file, or a replay
//! racing the owner's own thread, skips what is already there. A last line without its newline was
//! cut short by a crash in the middle of the `write()`; that write never returned, so its message
//! was never forwarded, and the line is dropped.
//!
//! # Limits
//!
//! When the store does not keep up (a long lock held by another process), the file grows; past
//! [`JournalOptions::catch_up_bytes`] the background thread holds new appends until it has caught
//! up, and past [`JournalOptions::max_bytes`] (the store refuses writes) appends fail, so the
//! caller fails closed.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::error::{AuditError, error_chain};
use crate::event::{Event, detail_text};
use crate::store::{NewEvent, Store, insert_at, read_tip, write_head};
use crate::time::now;

/// The table that makes replays idempotent: per journal, the highest entry number applied.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS journals (
    name    TEXT PRIMARY KEY NOT NULL,
    applied INTEGER NOT NULL,
    updated TEXT NOT NULL
);
";

const EXTENSION: &str = "jnl";
/// A journal being created: locked, then renamed to `.jnl`, so a replay never takes a file
/// whose owner has not locked it yet.
const NEW_EXTENSION: &str = "new";
/// A `.new` file older than this was left by a process that died before it locked it.
const STALE_NEW: Duration = Duration::from_secs(60);

/// The directory that holds the journals of the store at `db`: `<db>.journals`.
#[must_use]
pub fn journal_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".journals");
    db.with_file_name(name)
}

/// Which journals [`Store::replay_journals`] moves into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Replay {
    /// Only those whose process is gone; they are removed afterwards.
    DeadOnly,
    /// Those too, and the complete entries of live processes' journals (left in place for their
    /// owners), so that a reader sees every event written so far.
    All,
}

/// What [`Store::replay_journals`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplayReport {
    /// Journals of processes that were gone, replayed and removed.
    pub dead_journals: usize,
    /// Events inserted into the store (entries the store already held are not counted).
    pub events: usize,
}

/// One line of a journal: an event with its time and its number in the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    n: u64,
    ts: String,
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    decision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    /// The detail as canonical JSON text, exactly as it will be stored and hashed.
    detail: String,
}

/// An [`Entry`] as the relay writes it: the same line, borrowed from the event, so an append
/// copies nothing but the bytes it writes.
#[derive(Serialize)]
struct EntryRef<'a> {
    n: u64,
    #[serde(flatten)]
    event: NewEvent<'a>,
}

impl Entry {
    fn as_new(&self) -> NewEvent<'_> {
        NewEvent {
            ts: &self.ts,
            kind: &self.kind,
            agent: self.agent.as_deref(),
            session: self.session.as_deref(),
            server: self.server.as_deref(),
            method: self.method.as_deref(),
            tool: self.tool.as_deref(),
            decision: self.decision.as_deref(),
            rule: self.rule.as_deref(),
            detail: &self.detail,
        }
    }
}

impl Store {
    /// Moves the events of other processes' journals into the store: those of dead processes
    /// (whose files are then removed), and with [`Replay::All`] also the complete entries of live
    /// ones. Idempotent: entries the store already holds are skipped.
    ///
    /// # Errors
    ///
    /// [`AuditError::Journal`] when the directory or a file cannot be read,
    /// [`AuditError::Corrupt`] when a dead process's journal holds a complete line that is not an
    /// entry (the file is left in place), [`AuditError::Database`] when the store refuses the
    /// events.
    pub fn replay_journals(&self, which: Replay) -> Result<ReplayReport, AuditError> {
        let dir = journal_dir(self.path());
        let io_err = |path: &Path| {
            let path = path.to_owned();
            move |source| AuditError::Journal { path, source }
        };
        let listing = match std::fs::read_dir(&dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ReplayReport::default());
            }
            Err(e) => return Err(io_err(&dir)(e)),
        };
        let mut paths: Vec<PathBuf> = listing
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .collect();
        paths.sort();
        let mut report = ReplayReport::default();
        for path in paths {
            let ext = path.extension().and_then(|e| e.to_str());
            let is_new = ext == Some(NEW_EXTENSION);
            if ext != Some(EXTENSION) && !is_new {
                continue;
            }
            let file = match File::open(&path) {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_err(&path)(e)),
            };
            let dead = match file.try_lock() {
                Ok(()) => true,
                Err(std::fs::TryLockError::WouldBlock) => false,
                Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
            };
            if is_new {
                // Being created (its owner locks it next), or left by a process that died at
                // once: empty by design. Removed only when it is clearly the latter.
                let stale = file
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > STALE_NEW);
                if dead && stale {
                    let _ = std::fs::remove_file(&path);
                }
                continue;
            }
            if !dead && which == Replay::DeadOnly {
                continue;
            }
            let name = journal_name(&path);
            let entries = read_entries(&file, &path, dead)?;
            report.events += self.apply_entries(&name, &entries)?;
            if dead {
                report.dead_journals += 1;
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(io_err(&path)(e));
                    }
                    _ => {}
                }
            }
        }
        Ok(report)
    }

    /// Inserts the entries of journal `name` that the store does not hold yet, in one
    /// transaction, and records the highest number. Returns how many were inserted.
    fn apply_entries(&self, name: &str, entries: &[Entry]) -> Result<usize, AuditError> {
        if entries.is_empty() {
            return Ok(0);
        }
        let err = AuditError::db("append");
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(AuditError::db("append"))?;
        let applied: i64 = tx
            .prepare_cached("SELECT applied FROM journals WHERE name = ?1")
            .and_then(|mut s| s.query_row([name], |r| r.get(0)).optional())
            .map_err(AuditError::db("append"))?
            .unwrap_or(0);
        let mut last = u64::try_from(applied).unwrap_or(0);
        let mut inserted = 0;
        let mut tip = None;
        for entry in entries {
            if entry.n <= last {
                continue;
            }
            let tip = match &mut tip {
                Some(tip) => tip,
                None => tip.insert(read_tip(&tx)?),
            };
            insert_at(&tx, tip, &entry.as_new())?;
            last = entry.n;
            inserted += 1;
        }
        if let Some(tip) = &tip {
            write_head(&tx, tip)?;
            let last = i64::try_from(last).map_err(|_| AuditError::Corrupt {
                what: format!("journal {name}: entry number {last} is out of range"),
            })?;
            tx.prepare_cached(
                "INSERT INTO journals (name, applied, updated) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (name) DO UPDATE SET applied = excluded.applied, \
                 updated = excluded.updated",
            )
            .and_then(|mut s| s.execute(params![name, last, now()]))
            .map_err(AuditError::db("append"))?;
            tx.commit().map_err(err)?;
        }
        Ok(inserted)
    }
}

/// The journal's name in the `journals` table: its file name without the extension.
fn journal_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The complete entries of a journal file. A last line without its newline is dropped (its write
/// never returned). In a dead process's journal (`strict`), any other line that is not an entry
/// is an error; in a live one it ends the read, since the owner may be emptying the file under us
/// (it applies those entries itself).
fn read_entries(mut file: &File, path: &Path, strict: bool) -> Result<Vec<Entry>, AuditError> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|source| AuditError::Journal {
            path: path.to_owned(),
            source,
        })?;
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => &bytes[..end],
        None => return Ok(Vec::new()),
    };
    let mut entries: Vec<Entry> = Vec::new();
    for (index, line) in complete.split(|&b| b == b'\n').enumerate() {
        let parsed = serde_json::from_slice::<Entry>(line)
            .ok()
            .filter(|e| entries.last().is_none_or(|prev| e.n > prev.n));
        match parsed {
            Some(entry) => entries.push(entry),
            None if strict => {
                return Err(AuditError::Corrupt {
                    what: format!(
                        "journal {} line {} is not an event in order: move the file away to \
                         open the store without it",
                        path.display(),
                        index + 1
                    ),
                });
            }
            None => break,
        }
    }
    Ok(entries)
}

/// How a [`Journal`] writes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JournalOptions {
    /// `fdatasync` the file after each append, so that acknowledged events survive power loss
    /// (`mcpward run --audit-sync full`). Off, they survive the process being killed. Default:
    /// off.
    pub sync: bool,
    /// How long the background thread lets events gather before it moves them into the store
    /// (fewer, larger transactions). Default: 10 ms.
    pub batch_delay: Duration,
    /// Past this many bytes not yet in the store, appends wait until the store has caught up.
    /// Default: 1 MiB.
    pub catch_up_bytes: u64,
    /// Past this many bytes not yet in the store (it refuses writes), appends fail. Default:
    /// 64 MiB.
    pub max_bytes: u64,
}

impl Default for JournalOptions {
    fn default() -> JournalOptions {
        JournalOptions {
            sync: false,
            batch_delay: Duration::from_millis(10),
            catch_up_bytes: 1 << 20,
            max_bytes: 64 << 20,
        }
    }
}

impl JournalOptions {
    /// The defaults: no fsync, 10 ms batches, catch up past 1 MiB, fail past 64 MiB.
    #[must_use]
    pub fn new() -> JournalOptions {
        JournalOptions::default()
    }

    /// Sets [`JournalOptions::sync`].
    #[must_use]
    pub fn sync(mut self, sync: bool) -> JournalOptions {
        self.sync = sync;
        self
    }

    /// Sets [`JournalOptions::batch_delay`].
    #[must_use]
    pub fn batch_delay(mut self, delay: Duration) -> JournalOptions {
        self.batch_delay = delay;
        self
    }
}

/// A process's journal in front of a [`Store`]: appends are one `write()`, a background thread
/// moves them into the store. See the [module documentation](self).
///
/// Dropping it (or [`Journal::close`]) waits until every event is in the store, then removes
/// the file.
pub struct Journal {
    shared: Arc<Shared>,
    writer: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.shared.path)
            .finish_non_exhaustive()
    }
}

struct Shared {
    store: Store,
    path: PathBuf,
    name: String,
    options: JournalOptions,
    state: Mutex<State>,
    wake: Condvar,
}

struct State {
    /// Opened for appending and locked for as long as the journal lives.
    file: File,
    /// Bytes in the file.
    len: u64,
    next_n: u64,
    /// The lines (entries) in the file and not handed to the store yet: the background thread
    /// parses them, off the relay's thread.
    queue: Vec<u8>,
    /// Entries handed to the store and not confirmed yet.
    in_flight: bool,
    closing: bool,
    /// Why the store refused the last batch, while it does.
    store_error: Option<String>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent between statements: a panic elsewhere cannot leave it torn.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Journal {
    /// Creates this process's journal beside `store` (mode 0600, locked) and starts the thread
    /// that moves its events into `store`.
    ///
    /// # Errors
    ///
    /// [`AuditError::Journal`] when the directory or the file cannot be created or locked.
    pub fn open(store: Store, options: JournalOptions) -> Result<Journal, AuditError> {
        let dir = journal_dir(store.path());
        let io_err = |path: &Path| {
            let path = path.to_owned();
            move |source| AuditError::Journal { path, source }
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(io_err(&dir))?;
        let name = format!("{}-{}", std::process::id(), random_hex(6)?);
        let fresh = dir.join(format!("{name}.{NEW_EXTENSION}"));
        let path = dir.join(format!("{name}.{EXTENSION}"));
        let mut open = std::fs::OpenOptions::new();
        open.append(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        let file = open.open(&fresh).map_err(io_err(&fresh))?;
        file.lock().map_err(io_err(&fresh))?;
        std::fs::rename(&fresh, &path).map_err(io_err(&path))?;
        let shared = Arc::new(Shared {
            store,
            path,
            name,
            options,
            state: Mutex::new(State {
                file,
                len: 0,
                next_n: 1,
                queue: Vec::new(),
                in_flight: false,
                closing: false,
                store_error: None,
            }),
            wake: Condvar::new(),
        });
        let for_thread = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name("mcpward-audit".into())
            .spawn(move || {
                lower_priority();
                write_behind(&for_thread);
            })
            .map_err(io_err(&shared.path))?;
        Ok(Journal {
            shared,
            writer: Some(writer),
        })
    }

    /// The store behind the journal (for approvals and reads).
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    /// The journal file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Writes `events` (already redacted) to the journal in one `write()`, all or none; with
    /// [`JournalOptions::sync`] also `fdatasync`s. When this returns `Ok`, the events survive the
    /// process being killed, and reach the store in the background (or, after a crash, when the
    /// store is next opened).
    ///
    /// # Errors
    ///
    /// [`AuditError::Journal`] when the write fails (the file is cut back to where it was), or
    /// when the store has refused events for so long that [`JournalOptions::max_bytes`] are
    /// waiting.
    pub fn append_batch(&self, events: &[Event]) -> Result<(), AuditError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut state = self.shared.state();
        let io_err = |source| AuditError::Journal {
            path: self.shared.path.clone(),
            source,
        };
        if let Some(e) = &state.store_error
            && state.len >= self.shared.options.max_bytes
        {
            return Err(io_err(std::io::Error::other(format!(
                "the store does not take events ({e})"
            ))));
        }
        // The store is slow (another process holds its lock): let it catch up before the file
        // grows further. While it refuses writes outright, appends go on up to `max_bytes`.
        while state.len >= self.shared.options.catch_up_bytes
            && (!state.queue.is_empty() || state.in_flight)
            && state.store_error.is_none()
        {
            self.shared.wake.notify_all();
            state = self
                .shared
                .wake
                .wait_timeout(state, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let ts = now();
        let mut bytes = Vec::with_capacity(256 * events.len());
        let first = state.next_n;
        for (n, event) in (first..).zip(events) {
            let detail = detail_text(&event.detail);
            serde_json::to_writer(
                &mut bytes,
                &EntryRef {
                    n,
                    event: NewEvent::of(event, &ts, &detail),
                },
            )
            .map_err(|e| io_err(std::io::Error::other(e)))?;
            bytes.push(b'\n');
        }
        let before = state.len;
        let written = state.file.write_all(&bytes).and_then(|()| {
            if self.shared.options.sync {
                state.file.sync_data()
            } else {
                Ok(())
            }
        });
        if let Err(e) = written {
            // All or none: cut off whatever part of the batch reached the file. Should that fail
            // too, the entries stay in the file (and would be replayed): mark them as taken, so
            // that numbering stays increasing, and report the write as failed.
            if state.file.set_len(before).is_err() {
                state.next_n = first + events.len() as u64;
                state.len = before + bytes.len() as u64;
            }
            return Err(io_err(e));
        }
        state.len = before + bytes.len() as u64;
        state.next_n = first + events.len() as u64;
        let was_idle = state.queue.is_empty();
        if was_idle {
            state.queue = bytes;
        } else {
            state.queue.extend_from_slice(&bytes);
        }
        drop(state);
        if was_idle {
            self.shared.wake.notify_all();
        }
        Ok(())
    }

    /// Why the store last refused events, while it still does; `None` when all is well.
    #[must_use]
    pub fn store_error(&self) -> Option<String> {
        self.shared.state().store_error.clone()
    }

    /// Waits until every event is in the store, stops the background thread and removes the
    /// file.
    ///
    /// # Errors
    ///
    /// The store's error when it refused the last events: they stay in the file, which the next
    /// process to open the store replays.
    pub fn close(mut self) -> Result<(), AuditError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), AuditError> {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        self.shared.state().closing = true;
        self.shared.wake.notify_all();
        let _ = writer.join();
        let state = self.shared.state();
        if let Some(e) = &state.store_error {
            return Err(AuditError::Journal {
                path: self.shared.path.clone(),
                source: std::io::Error::other(e.clone()),
            });
        }
        if state.queue.is_empty() {
            // Still locked: no replay can be reading it.
            let _ = std::fs::remove_file(&self.shared.path);
        }
        Ok(())
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// The file is emptied once the store holds all of it and it is at least this long.
const EMPTY_AT: u64 = 256 << 10;

/// How long the background thread waits before it retries a batch the store refused.
const RETRY: Duration = Duration::from_millis(100);

/// The nice value the background thread runs at: on a busy machine, moving events into the
/// store yields to the relay, whose messages each wait for their own (cheap) journal write.
#[cfg(target_os = "linux")]
const WRITER_NICE: i32 = 10;

/// Lowers the calling thread's priority to [`WRITER_NICE`] (Linux: a thread id names just that
/// thread). Best effort: the store still gets every event, only later.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let tid = rustix::thread::gettid();
        let _ = rustix::process::setpriority_process(Some(tid), WRITER_NICE);
    }
}

/// The background thread: takes what the relay wrote, inserts it into the store, empties the
/// file once the store holds all of it.
fn write_behind(shared: &Shared) {
    loop {
        let mut state = shared.state();
        while state.queue.is_empty() && !state.closing {
            state = shared
                .wake
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.queue.is_empty() {
            return; // closing, and everything is in the store
        }
        if !state.closing && state.len < shared.options.catch_up_bytes {
            drop(state);
            std::thread::sleep(shared.options.batch_delay);
            state = shared.state();
        }
        let batch = std::mem::take(&mut state.queue);
        state.in_flight = true;
        drop(state);
        let result = parse_lines(&batch, &shared.path)
            .and_then(|entries| shared.store.apply_entries(&shared.name, &entries));
        let mut state = shared.state();
        state.in_flight = false;
        match result {
            Ok(_) => {
                state.store_error = None;
                if state.queue.is_empty()
                    && state.len >= EMPTY_AT.min(shared.options.catch_up_bytes)
                    && state.file.set_len(0).is_ok()
                {
                    state.len = 0;
                }
                drop(state);
                shared.wake.notify_all();
            }
            Err(e) => {
                let mut retry = batch;
                retry.extend_from_slice(&state.queue);
                state.queue = retry;
                state.store_error = Some(error_chain(&e));
                if state.closing {
                    return;
                }
                drop(state);
                shared.wake.notify_all();
                std::thread::sleep(RETRY);
            }
        }
    }
}

/// The entries of lines this process wrote itself (each ends with a newline).
fn parse_lines(lines: &[u8], path: &Path) -> Result<Vec<Entry>, AuditError> {
    lines
        .split_inclusive(|&b| b == b'\n')
        .map(|line| {
            serde_json::from_slice::<Entry>(line).map_err(|e| AuditError::Corrupt {
                what: format!(
                    "journal {}: an entry does not read back: {e}",
                    path.display()
                ),
            })
        })
        .collect()
}

fn random_hex(bytes: usize) -> Result<String, AuditError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AuditError::Journal {
        path: PathBuf::new(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journals_sit_beside_the_database() {
        assert_eq!(
            journal_dir(Path::new("/x/audit.db")),
            PathBuf::from("/x/audit.db.journals")
        );
    }

    #[test]
    fn journal_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Journal>();
    }
}
