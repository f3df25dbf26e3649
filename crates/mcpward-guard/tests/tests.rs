//! Integration tests for `mcpward-guard`, one module per concern.

mod datasets;
mod properties;
mod tools;
