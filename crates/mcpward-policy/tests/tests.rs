//! Integration tests for mcpward-policy, one module per concern.

mod it;
