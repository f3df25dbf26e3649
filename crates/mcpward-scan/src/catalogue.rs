//! The catalogue of known MCP servers and packages (placeholder).
