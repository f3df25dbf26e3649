//! Integration tests for `mcpward-guard`, one module per concern.

mod datasets;
mod injection;
mod properties;
mod screening;
mod tools;
