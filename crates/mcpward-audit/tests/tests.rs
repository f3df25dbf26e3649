//! Integration tests of the audit store, one module per concern.

mod suite;
