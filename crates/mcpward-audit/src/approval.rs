//! Approvals that cross processes: `mcpward run` asks, `mcpward approve ID` answers.
//!
//! The `approvals` table is a mailbox, not evidence: it is not hash-chained. The gateway appends
//! an audit event when it asks and when it acts on the answer.

use std::fmt;
use std::str::FromStr;

use rusqlite::{OptionalExtension, params};

use crate::error::AuditError;
use crate::store::Store;
use crate::time::now;

/// Where an approval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApprovalState {
    /// Waiting for an answer.
    Pending,
    /// Someone approved it.
    Approved,
    /// Someone denied it.
    Denied,
    /// Nobody answered in time.
    Expired,
}

impl ApprovalState {
    /// The word stored in the database: `pending`, `approved`, `denied`, `expired`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Denied => "denied",
            ApprovalState::Expired => "expired",
        }
    }
}

impl fmt::Display for ApprovalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ApprovalState {
    type Err = AuditError;

    fn from_str(s: &str) -> Result<ApprovalState, AuditError> {
        match s {
            "pending" => Ok(ApprovalState::Pending),
            "approved" => Ok(ApprovalState::Approved),
            "denied" => Ok(ApprovalState::Denied),
            "expired" => Ok(ApprovalState::Expired),
            other => Err(AuditError::Corrupt {
                what: format!("unknown approval state {other:?}"),
            }),
        }
    }
}

/// One approval request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The normalized ID.
    pub id: String,
    /// When it was requested (RFC 3339, UTC).
    pub created: String,
    /// What is being asked, for `mcpward approve` to show (already redacted by the caller).
    pub summary: String,
    /// Where it stands.
    pub state: ApprovalState,
    /// When it left `pending`.
    pub resolved: Option<String>,
}

/// Crockford's base32 alphabet: digits and capitals without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh approval ID: 8 characters of Crockford base32 (40 random bits), e.g. `7K3M9Q2X`.
///
/// Easy to read aloud and to type: no `I`, `L`, `O` or `U`, and [`normalize_approval_id`] forgives
/// lowercase and the look-alikes.
///
/// # Panics
///
/// Never in practice: only if the operating system cannot supply random bytes, in which case
/// nothing that needs unguessable IDs can go on.
#[must_use]
pub fn new_approval_id() -> String {
    let mut bytes = [0u8; 5];
    // The one failure is an OS without a random source: see "Panics".
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    let mut bits = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut id = [0u8; 8];
    for slot in id.iter_mut().rev() {
        *slot = ALPHABET[usize::try_from(bits & 31).unwrap_or(0)];
        bits >>= 5;
    }
    id.iter().map(|&b| char::from(b)).collect()
}

/// An approval ID as the user typed it, in the form the store compares: surrounding space and
/// `-` removed, uppercase, `O` read as `0`, `I` and `L` as `1` (Crockford's decoding rules).
///
/// Every approval method of [`Store`] normalizes its `id` argument, so `mcpward approve 7k3m-9q2x`
/// finds `7K3M9Q2X`.
#[must_use]
pub fn normalize_approval_id(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|&c| c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

impl Store {
    /// Records a pending approval under `id` (normalized).
    ///
    /// # Errors
    ///
    /// [`AuditError::ApprovalExists`] when the ID is taken, [`AuditError::Database`] when the
    /// write fails.
    pub fn request_approval(&self, id: &str, summary: &str) -> Result<(), AuditError> {
        let id = normalize_approval_id(id);
        let conn = self.lock();
        let inserted = conn
            .execute(
                "INSERT INTO approvals (id, created, summary, state) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (id) DO NOTHING",
                params![id, now(), summary, ApprovalState::Pending.as_str()],
            )
            .map_err(AuditError::db("request approval"))?;
        if inserted == 0 {
            return Err(AuditError::ApprovalExists { id });
        }
        Ok(())
    }

    /// Approves or denies the approval `id` if it is pending. Returns whether it was: `false`
    /// when there is no such ID or it was already approved, denied or expired (the first answer
    /// wins, also across processes).
    ///
    /// # Errors
    ///
    /// [`AuditError::Database`] when the write fails.
    pub fn resolve_approval(&self, id: &str, approved: bool) -> Result<bool, AuditError> {
        let state = if approved {
            ApprovalState::Approved
        } else {
            ApprovalState::Denied
        };
        self.leave_pending(id, state, "resolve approval")
    }

    /// Marks the approval `id` expired if it is still pending (the gateway's wait timed out).
    /// Returns whether it was pending; `false` means an answer arrived first.
    ///
    /// # Errors
    ///
    /// [`AuditError::Database`] when the write fails.
    pub fn expire_approval(&self, id: &str) -> Result<bool, AuditError> {
        self.leave_pending(id, ApprovalState::Expired, "expire approval")
    }

    fn leave_pending(
        &self,
        id: &str,
        state: ApprovalState,
        operation: &'static str,
    ) -> Result<bool, AuditError> {
        let id = normalize_approval_id(id);
        let conn = self.lock();
        let changed = conn
            .execute(
                "UPDATE approvals SET state = ?1, resolved = ?2 WHERE id = ?3 AND state = ?4",
                params![state.as_str(), now(), id, ApprovalState::Pending.as_str()],
            )
            .map_err(AuditError::db(operation))?;
        Ok(changed == 1)
    }

    /// Where the approval `id` stands, `None` when there is no such ID.
    ///
    /// # Errors
    ///
    /// [`AuditError::Database`] when the read fails, [`AuditError::Corrupt`] for a state this
    /// crate does not write.
    pub fn approval_state(&self, id: &str) -> Result<Option<ApprovalState>, AuditError> {
        Ok(self.approval(id)?.map(|a| a.state))
    }

    /// The approval `id` in full, `None` when there is no such ID.
    ///
    /// # Errors
    ///
    /// As [`Store::approval_state`].
    pub fn approval(&self, id: &str) -> Result<Option<Approval>, AuditError> {
        let id = normalize_approval_id(id);
        let conn = self.lock();
        let row = conn
            .query_row(
                "SELECT id, created, summary, state, resolved FROM approvals WHERE id = ?1",
                [id],
                approval_columns,
            )
            .optional()
            .map_err(AuditError::db("read approval"))?;
        row.map(approval_from_columns).transpose()
    }

    /// Every pending approval, oldest first (for `mcpward approve` without an ID).
    ///
    /// # Errors
    ///
    /// As [`Store::approval_state`].
    pub fn pending_approvals(&self) -> Result<Vec<Approval>, AuditError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT id, created, summary, state, resolved FROM approvals \
                 WHERE state = 'pending' ORDER BY created, id",
            )
            .map_err(AuditError::db("list approvals"))?;
        let rows = stmt
            .query_map([], approval_columns)
            .map_err(AuditError::db("list approvals"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(AuditError::db("list approvals"))?;
        rows.into_iter().map(approval_from_columns).collect()
    }
}

type ApprovalColumns = (String, String, String, String, Option<String>);

fn approval_columns(row: &rusqlite::Row<'_>) -> rusqlite::Result<ApprovalColumns> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn approval_from_columns(
    (id, created, summary, state, resolved): ApprovalColumns,
) -> Result<Approval, AuditError> {
    let state = state.parse().map_err(|_| AuditError::Corrupt {
        what: format!("approval {id} has unknown state {state:?}"),
    })?;
    Ok(Approval {
        id,
        created,
        summary,
        state,
        resolved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_eight_unambiguous_characters() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let id = new_approval_id();
            assert_eq!(id.len(), 8, "{id}");
            assert!(id.bytes().all(|b| ALPHABET.contains(&b)), "{id}");
            assert_eq!(normalize_approval_id(&id), id);
            seen.insert(id);
        }
        assert!(seen.len() > 990, "IDs repeat too often");
    }

    #[test]
    fn normalization_forgives_case_dashes_and_lookalikes() {
        assert_eq!(normalize_approval_id(" 7k3m-9q2x\n"), "7K3M9Q2X");
        assert_eq!(normalize_approval_id("oIlO"), "0110");
    }

    #[test]
    fn states_round_trip() {
        for s in [
            ApprovalState::Pending,
            ApprovalState::Approved,
            ApprovalState::Denied,
            ApprovalState::Expired,
        ] {
            assert_eq!(s.as_str().parse::<ApprovalState>().ok(), Some(s));
        }
        assert!("maybe".parse::<ApprovalState>().is_err());
    }
}
