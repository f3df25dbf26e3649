//! The error type of the audit store.

use std::path::PathBuf;

/// Why an audit operation failed.
///
/// A chain that does not verify is not an error: [`crate::Store::verify`] and
/// [`crate::verify_jsonl`] return it as a [`crate::Failure`] inside the report. These variants
/// are for the cases where the store could not be used at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The database file could not be opened, created or configured (WAL, locks, schema).
    #[error("cannot open the audit store {}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite reported.
        #[source]
        source: rusqlite::Error,
    },
    /// The directory that should hold the database could not be created.
    #[error("cannot create the directory {} for the audit store", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// `create` was off in [`crate::OpenOptions`] and there is no database at the path.
    #[error("no audit store at {}", path.display())]
    NotFound {
        /// The path that was looked up.
        path: PathBuf,
    },
    /// The database was written by a newer mcpward whose schema this version cannot read.
    #[error(
        "the audit store {} has schema version {found}; this mcpward understands version {supported}",
        path.display()
    )]
    SchemaVersion {
        /// The database file.
        path: PathBuf,
        /// The version recorded in the file's `meta` table.
        found: String,
        /// The version this crate reads and writes.
        supported: u32,
    },
    /// A statement failed while the store was in use (disk full, lock wait timed out, I/O error).
    #[error("audit store: {operation} failed")]
    Database {
        /// What the store was doing, e.g. `"append"`.
        operation: &'static str,
        /// What SQLite reported.
        #[source]
        source: rusqlite::Error,
    },
    /// A value in the database is not one this crate writes (edited by hand or corrupted).
    #[error("audit store: {what}")]
    Corrupt {
        /// What was found, e.g. `approval 7K3M9Q2X has unknown state "maybe"`.
        what: String,
    },
    /// A journal file or its directory could not be created, written or read.
    #[error("audit journal {}", path.display())]
    Journal {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// [`crate::Store::request_approval`] was given an ID that is already recorded.
    #[error("approval {id} already exists")]
    ApprovalExists {
        /// The normalized approval ID.
        id: String,
    },
}

impl AuditError {
    pub(crate) fn db(operation: &'static str) -> impl FnOnce(rusqlite::Error) -> AuditError {
        move |source| AuditError::Database { operation, source }
    }
}

/// An error with its causes, `a: b: c`: what a log line or a refusal message shows.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}
