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
//! - [`screening`]: what a response carries into the model, screened and then passed,
//!   rewritten (hidden characters removed, credentials redacted, injection labelled as
//!   untrusted data), quarantined or withheld; [`taint`]: what the session has seen, which
//!   turns calls to exfiltration-capable tools into approvals.
//! - [`relay`]: the tokio layer for `mcpward run`: spawns the server, reads and writes both
//!   pipes, commits each message's audit events before forwarding it (messages that arrive
//!   together share one commit), polls approvals, stops the server.
//!
//! # Durability of the audit log
//!
//! A message is forwarded only once its audit events are committed, and a message whose events
//! cannot be written is denied. How far a commit goes is the store's choice, made by the binary:
//! `mcpward run` commits with `synchronous=NORMAL` by default — the events are in the OS cache
//! when the message goes on, so they survive mcpward being killed or crashing, while an OS crash
//! or power loss can lose the newest ones (the chain stays valid, it just ends earlier).
//! `mcpward run --audit-sync full` fsyncs every commit, so events also survive power loss, at one
//! disk flush per message (milliseconds on many disks, where a `NORMAL` commit takes about a
//! tenth of a millisecond). `cargo bench -p mcpward --bench run_latency` measures both against a plain
//! relay.

pub mod audit;
pub mod gate;
pub mod pins;
pub mod policy_gate;
pub mod relay;
pub mod screening;
pub mod session;
pub mod taint;

// The crates the gateway is built on, for the binary's gateway commands.
pub use mcpward_audit;
pub use mcpward_policy;
