//! Integration tests for `mcpward-guard`, one module per concern.

mod datasets;
mod injection;
mod injection_requests;
mod properties;
mod screening;
mod tools;
