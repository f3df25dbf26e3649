//! The tamper-evident audit store of mcpward.
//!
//! The main types:
//!
//! - [`Store`]: one SQLite file (WAL mode, `synchronous=FULL`) that every `mcpward` process on
//!   the machine appends to. [`Store::append`] adds an [`Event`] to a hash chain and returns its
//!   `seq` once it is on disk; [`Store::query`] searches with a [`Filter`] (exact fields, time,
//!   full text); [`Store::verify`] recomputes the chain and returns a [`VerifyReport`].
//! - [`export_jsonl`] and [`verify_jsonl`]: the JSON Lines export of [`StoredEvent`]s and its
//!   check, naming the first line that does not hold.
//! - Approvals across processes: [`Store::request_approval`], [`Store::resolve_approval`],
//!   [`Store::approval_state`], [`Store::expire_approval`], with IDs from [`new_approval_id`].
//! - [`Journal`]: a per-process file in front of the store. [`Journal::append_batch`] is one
//!   `write()` (what `mcpward run` waits for before it forwards a message); a background thread
//!   moves the events into the store, where they join the chain. [`Store::replay_journals`] moves
//!   in what killed processes left behind, exactly once (opening a store does it).
//! - [`default_db_path`]: `$MCPWARD_HOME/audit.db` or the platform's data directory.
//!
//! # The chain
//!
//! Each event carries `prev_hash`, the hash of the event before it ([`GENESIS_HASH`], 64 zeros,
//! for the first), and `hash = sha256(prev_hash || canonical_json(event))`, where the event
//! includes its `seq` and `ts` and [`canonical_json`] sorts keys and drops whitespace. The store
//! also keeps a head anchor (the last `seq` and `hash`, [`Head`]) in its `meta` table, moved in
//! the same transaction as each append.
//!
//! **Callers redact.** The store writes what it is given; secrets must be gone from an [`Event`]
//! before it is appended. The store itself never logs.
//!
//! # What verification detects, and what it cannot
//!
//! Detected, naming the first event that does not hold ([`Failure`], [`Problem`]):
//!
//! - a field of an event edited in place ([`Problem::Edited`]);
//! - an event edited and re-hashed: the next event no longer chains from it
//!   ([`Problem::BrokenLink`]);
//! - events deleted from the start or middle: a gap in `seq` ([`Problem::Missing`]);
//! - events deleted from the end: the head anchor names a later event
//!   ([`Problem::TailMissing`]), also after later appends, which continue from the anchor and so
//!   leave the gap in place;
//! - the last event replaced ([`Problem::HeadMismatch`]), rows added after the anchor
//!   ([`Problem::BeyondHead`]), the anchor removed or garbled ([`Problem::HeadMissing`],
//!   [`Problem::HeadUnreadable`]);
//! - in an export: edited, missing, duplicated and reordered lines ([`Problem::Reordered`],
//!   [`Problem::OutOfOrder`]) and lines that are not events ([`Problem::Malformed`]).
//!
//! Not detected:
//!
//! - a rewrite by someone who can write the file and recomputes every hash from the edit
//!   onwards and the anchor. There is no secret in the chain; it proves the log is internally
//!   consistent, not who wrote it. Copy [`Store::head`] somewhere else (another machine, a
//!   ticket) to make such a rewrite detectable against that copy;
//! - the whole store deleted or replaced by an older copy of itself;
//! - in an export (which has no anchor): lines cut from its end, and lines cut from its start
//!   when it does not start at `seq` 1 ([`VerifyReport::from_genesis`]);
//! - changes to the full-text index or the approvals table, which are not part of the chain:
//!   tampering with the index can hide events from a search, never from `verify` or an
//!   unfiltered query.
//!
//! # Durability and concurrency
//!
//! Each append is one `BEGIN IMMEDIATE` transaction; processes wait for each other up to the busy
//! timeout (10 s by default), so several `mcpward run` processes can share one file. With
//! [`Durability::Full`] (the default) an acknowledged event survives `SIGKILL` and power loss.
//! Through a [`Journal`], an event is acknowledged once it is in the journal file (the kernel
//! holds it: it survives `SIGKILL`; with [`JournalOptions::sync`] also power loss); the store
//! receives it about 10 ms later, or at the next open after a crash.

mod approval;
mod canonical;
mod error;
mod event;
mod export;
mod journal;
mod path;
mod store;
mod time;
mod verify;

pub use approval::{Approval, ApprovalState, new_approval_id, normalize_approval_id};
pub use canonical::{GENESIS_HASH, canonical_json};
pub use error::{AuditError, error_chain};
pub use event::{Event, StoredEvent};
pub use export::{export_jsonl, verify_jsonl};
pub use journal::{Journal, JournalOptions, Replay, ReplayReport, journal_dir};
pub use path::{DB_FILE_NAME, default_db_path};
pub use store::{Durability, Filter, OpenOptions, SCHEMA_VERSION, Store};
pub use verify::{Failure, Head, Problem, VerifyReport};
