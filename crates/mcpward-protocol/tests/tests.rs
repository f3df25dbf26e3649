//! Integration tests of mcpward-protocol, one module per concern.

// A failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod protocol {
    mod classify;
    mod duplicates;
    mod framing;
    mod fuzz;
    mod replies;
}
