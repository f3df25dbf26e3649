//! Integration tests for `mcpward-guard`, one module per concern.

mod datasets;
mod injection;
mod injection_requests;
mod injection_round2;
mod injection_tasks;
mod properties;
mod screening;
mod tools;
