//! The mcpward gateway: it stands between an MCP client and a server and applies the policy to
//! every message.
//!
//! Main types, in reading order:
//!
//! - [`session::Session`]: the per-message pipeline, sans I/O. It takes one frame from either
//!   side and returns [`session::Action`]s: forward these bytes, answer with this error, write
//!   this audit event first, ask for approval, compare these tools with their pins.
//! - [`gate::Gate`]: what the session asks of the policy (decisions, visibility, schemas).
//! - [`audit::AuditLog`] and [`audit::Event`]: where events go, and the redaction applied first.
//! - [`pins`]: canonical tool hashes and the lockfile (trust on first use, pending changes).
//! - [`relay`]: the tokio layer for `mcpward run`: spawns the server, reads and writes both
//!   pipes, runs the audit store on its own thread, polls approvals, stops the server.

pub mod audit;
pub mod gate;
pub mod pins;
pub mod policy_gate;
pub mod relay;
pub mod session;

// The crates the gateway is built on, for the binary's gateway commands.
pub use mcpward_audit;
pub use mcpward_policy;
