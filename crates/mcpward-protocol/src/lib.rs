//! The JSON-RPC 2.0 / MCP envelope for mcpward's transparent proxy, sans-IO.
//!
//! The main types, in the order a message meets them:
//!
//! - [`Framer`]: splits a byte stream into newline-delimited frames, bounded by a maximum message
//!   size ([`DEFAULT_MAX_MESSAGE`], 64 MiB); an oversized line is discarded as it streams and
//!   reported once as [`FrameError::TooLarge`].
//! - [`parse`] / [`parse_owned`] → [`Message`]: the raw bytes kept verbatim, the top level read
//!   lazily (`jsonrpc`, `id`, `method`, `params`, `result`, `error`), classified as a
//!   [`MessageKind`]. Unknown members survive because mcpward forwards [`Message::raw`].
//! - [`Message::tool_call`] → [`ToolCall`]: the name and arguments of a `tools/call`, read
//!   strictly: a key repeated anywhere in `params` is [`ProtocolError::DuplicateKey`], so the
//!   server can never act on a value the policy did not see. [`check_no_duplicate_keys`] and
//!   [`to_value_checked`] apply the same rule to any other inspected value.
//! - [`RequestId`]: an id as its JSON text, compared bytewise; [`RequestId::reserved`] ids
//!   (`"mcpward-…"`) mark the requests mcpward sends itself ([`Message::new_request`]).
//! - [`error_response`], [`with_result`] and the [`codes`]: the answers mcpward gives itself.
//! - [`sse::SseDecoder`]: the bounded `text/event-stream` decoder of the HTTP transports.
//! - [`ProtocolError`]: why a frame was refused, with its JSON-RPC code
//!   ([`ProtocolError::code`]) and ready-made reply ([`ProtocolError::response`]).
//!
//! Batches (top-level arrays) are refused with -32600: they are not part of MCP since
//! 2025-06-18. Nothing is specific to a protocol era: 2025-06-18/2025-11-25 sessions (which start
//! with `initialize`) and 2026-07-28 ones (which do not) pass alike.
//!
//! The crate does no I/O and never panics on its input, so it can be fuzzed and benchmarked on
//! bytes alone.
//!
//! ```
//! use mcpward_protocol::{Framer, MessageKind, parse_owned};
//!
//! let mut framer = Framer::default();
//! framer.push(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",");
//! framer.push(b"\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}\r\n");
//! while let Some(frame) = framer.next_frame() {
//!     let msg = parse_owned(frame?)?;
//!     assert_eq!(msg.kind(), MessageKind::Request);
//!     let call = msg.tool_call()?.expect("a tools/call");
//!     assert_eq!(call.name, "echo");
//!     assert_eq!(call.arguments["text"], "hi");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod codes;
mod error;
mod frame;
mod id;
mod message;
mod reply;
pub mod sse;
mod strict;

pub use error::ProtocolError;
pub use frame::{DEFAULT_MAX_MESSAGE, FrameError, Framer, OVERSIZED_HEAD};
pub use id::{RESERVED_ID_PREFIX, RequestId};
pub use message::{Message, MessageKind, ToolCall, parse, parse_owned};
pub use reply::{error_response, error_response_with_data, with_result};
pub use strict::{MAX_DEPTH, check_no_duplicate_keys, to_value_checked};
