//! Checking a hash chain: the report, its failures, and the walk shared by the store and the
//! JSONL checker.

use std::fmt;

use crate::canonical::{GENESIS_HASH, Record};

/// The tip of a chain: the last event's `seq` and `hash`.
///
/// The store keeps one in its `meta` table, updated in the same transaction as each append, so
/// that deleting the newest events is detected. Write it down somewhere else (a ticket, a
/// second machine) to detect a rewrite of the whole chain later: [`crate::Store::head`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The last event's position.
    pub seq: u64,
    /// The last event's hash.
    pub hash: String,
}

/// The outcome of [`crate::Store::verify`] or [`crate::verify_jsonl`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many events were checked and held, before the failure if there is one.
    pub checked: u64,
    /// The first event checked, if any.
    pub first_seq: Option<u64>,
    /// The last event that held.
    pub last: Option<Head>,
    /// Whether the events checked start at `seq` 1 and chain from [`crate::GENESIS_HASH`].
    /// Always true for a store that verifies. A JSONL export may start later (an excerpt); its
    /// first event is then taken on trust, and events removed from the start of the file cannot
    /// be detected: a caller should show the range it verified.
    pub from_genesis: bool,
    /// The first event that does not hold, if any. `None` means the chain verifies.
    pub failure: Option<Failure>,
}

impl VerifyReport {
    /// Whether the chain verified.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.failure.is_none()
    }
}

/// The first event that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The event the problem is reported at (for [`Problem::Missing`], the first missing one).
    /// `None` only when a JSONL line is so broken that it has no readable `seq`.
    pub seq: Option<u64>,
    /// The line, from 1, when checking a JSONL export.
    pub line: Option<usize>,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with the first event that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The event's content does not hash to its recorded `hash`: the event was edited.
    Edited,
    /// The event's `prev_hash` is not the `hash` of the event before it: the event before it was
    /// replaced (edited and re-hashed), or this event was moved or forged.
    BrokenLink {
        /// The event this one should chain from (`None`: it should chain from genesis).
        previous: Option<u64>,
    },
    /// Events from [`Failure::seq`] through `through` are absent: they were deleted.
    Missing {
        /// The last missing `seq`.
        through: u64,
    },
    /// JSONL: the line holds a later event while the expected one is further down the file.
    Reordered {
        /// The `seq` that belongs here.
        expected: u64,
        /// Where that event is.
        found_at_line: usize,
    },
    /// The event's `seq` is not after the previous event's: a duplicate, or lines moved back.
    OutOfOrder {
        /// The previous event's `seq`.
        previous: Option<u64>,
    },
    /// The head anchor names events after the last one present: the newest events were deleted.
    TailMissing {
        /// The `seq` the head anchor names.
        through: u64,
    },
    /// Events exist after the head anchor's `seq`: they were not written by an append.
    BeyondHead {
        /// The `seq` the head anchor names.
        head_seq: u64,
    },
    /// The head anchor's hash is not the last event's hash: the last event was replaced.
    HeadMismatch,
    /// The store holds events but no head anchor: it was removed.
    HeadMissing,
    /// The head anchor cannot be read.
    HeadUnreadable {
        /// The stored value.
        value: String,
    },
    /// JSONL: the line is not an exported event.
    Malformed {
        /// Why, e.g. ``missing field `hash` ``.
        reason: String,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        let seq = self.seq.unwrap_or(0);
        match &self.problem {
            Problem::Edited => write!(
                f,
                "event {seq} does not match its hash: its content was edited"
            ),
            Problem::BrokenLink {
                previous: Some(prev),
            } => write!(
                f,
                "event {seq} does not chain from event {prev}: event {prev} was replaced, or \
                 event {seq} was moved or forged"
            ),
            Problem::BrokenLink { previous: None } => write!(
                f,
                "event {seq} does not chain from the genesis hash: it was moved or forged"
            ),
            Problem::Missing { through } if *through == seq => {
                write!(f, "event {seq} is missing: it was deleted")
            }
            Problem::Missing { through } => {
                write!(
                    f,
                    "events {seq} to {through} are missing: they were deleted"
                )
            }
            Problem::Reordered {
                expected,
                found_at_line,
            } => write!(
                f,
                "event {seq} comes before event {expected} (line {found_at_line}): the lines \
                 were reordered"
            ),
            Problem::OutOfOrder {
                previous: Some(prev),
            } => write!(
                f,
                "event {seq} follows event {prev}: duplicated or out of order"
            ),
            Problem::OutOfOrder { previous: None } => {
                write!(f, "event {seq} is not a valid position (events start at 1)")
            }
            Problem::TailMissing { through } if *through == seq => write!(
                f,
                "event {seq} is missing: the head anchor names it, the newest events were deleted"
            ),
            Problem::TailMissing { through } => write!(
                f,
                "events {seq} to {through} are missing: the head anchor names {through}, the \
                 newest events were deleted"
            ),
            Problem::BeyondHead { head_seq } => write!(
                f,
                "event {seq} is after the head anchor ({head_seq}): it was not written by mcpward"
            ),
            Problem::HeadMismatch => write!(
                f,
                "event {seq} does not match the head anchor: the newest event was replaced"
            ),
            Problem::HeadMissing => write!(
                f,
                "the head anchor is missing (last event {seq}): it was removed"
            ),
            Problem::HeadUnreadable { value } => {
                write!(f, "the head anchor {value:?} cannot be read")
            }
            Problem::Malformed { reason } if self.seq.is_some() => {
                write!(f, "event {seq} is not a valid exported event: {reason}")
            }
            Problem::Malformed { reason } => write!(f, "not a valid exported event: {reason}"),
        }
    }
}

/// One event to check, with its recorded links.
pub(crate) struct Link<'a> {
    pub(crate) record: Record<'a>,
    pub(crate) prev_hash: &'a str,
    pub(crate) hash: &'a str,
    pub(crate) line: Option<usize>,
}

/// Walks a chain in order and stops at the first event that does not hold.
pub(crate) struct Chain {
    /// The store must start at seq 1; an export may start anywhere.
    require_genesis: bool,
    first_seq: Option<u64>,
    last: Option<Head>,
    checked: u64,
    from_genesis: bool,
}

impl Chain {
    pub(crate) fn new(require_genesis: bool) -> Chain {
        Chain {
            require_genesis,
            first_seq: None,
            last: None,
            checked: 0,
            from_genesis: true,
        }
    }

    /// Checks the next event. `later_line_of(seq)` says where a `seq` sits further down the
    /// input, to tell a reorder from a deletion.
    pub(crate) fn check(
        &mut self,
        link: &Link<'_>,
        later_line_of: impl Fn(u64) -> Option<usize>,
    ) -> Result<(), Failure> {
        let seq = link.record.seq;
        let fail = |seq: u64, problem: Problem| Failure {
            seq: Some(seq),
            line: link.line,
            problem,
        };
        let previous = self.last.as_ref().map(|h| h.seq);
        let expected = match previous {
            Some(prev) => prev.saturating_add(1),
            None if self.require_genesis => 1,
            None => seq.max(1),
        };
        if seq < expected {
            return Err(fail(seq, Problem::OutOfOrder { previous }));
        }
        if seq > expected {
            if let Some(found_at_line) = later_line_of(expected) {
                return Err(fail(
                    seq,
                    Problem::Reordered {
                        expected,
                        found_at_line,
                    },
                ));
            }
            return Err(fail(expected, Problem::Missing { through: seq - 1 }));
        }
        let expected_prev = match &self.last {
            Some(head) => Some(head.hash.as_str()),
            None if seq == 1 => Some(GENESIS_HASH),
            // An excerpt: its first event is the anchor.
            None => None,
        };
        match expected_prev {
            Some(expected_prev) if expected_prev != link.prev_hash => {
                return Err(fail(seq, Problem::BrokenLink { previous }));
            }
            Some(_) => {}
            None => self.from_genesis = false,
        }
        if link.record.hash(link.prev_hash) != link.hash {
            return Err(fail(seq, Problem::Edited));
        }
        self.first_seq.get_or_insert(seq);
        self.checked += 1;
        self.last = Some(Head {
            seq,
            hash: link.hash.to_owned(),
        });
        Ok(())
    }

    /// Compares the end of the chain with the store's head anchor.
    pub(crate) fn check_head(&self, head: Result<Option<Head>, String>) -> Result<(), Failure> {
        let fail = |seq: Option<u64>, problem: Problem| Failure {
            seq,
            line: None,
            problem,
        };
        let head = head.map_err(|value| {
            fail(
                self.last.as_ref().map(|h| h.seq),
                Problem::HeadUnreadable { value },
            )
        })?;
        match (&self.last, head) {
            (None, None) => Ok(()),
            (None, Some(head)) => Err(fail(Some(1), Problem::TailMissing { through: head.seq })),
            (Some(last), None) => Err(fail(Some(last.seq), Problem::HeadMissing)),
            (Some(last), Some(head)) if last.seq < head.seq => Err(fail(
                Some(last.seq + 1),
                Problem::TailMissing { through: head.seq },
            )),
            (Some(last), Some(head)) if last.seq > head.seq => Err(fail(
                Some(head.seq + 1),
                Problem::BeyondHead { head_seq: head.seq },
            )),
            (Some(last), Some(head)) if last.hash != head.hash => {
                Err(fail(Some(head.seq), Problem::HeadMismatch))
            }
            (Some(_), Some(_)) => Ok(()),
        }
    }

    pub(crate) fn report(self, failure: Option<Failure>) -> VerifyReport {
        VerifyReport {
            checked: self.checked,
            first_seq: self.first_seq,
            from_genesis: self.from_genesis && self.first_seq.is_none_or(|s| s == 1),
            last: self.last,
            failure,
        }
    }
}
