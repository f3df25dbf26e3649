//! JSON-RPC error codes: the standard ones and those mcpward uses for its own answers.
//!
//! mcpward's codes sit in the range JSON-RPC reserves for implementation-defined server errors
//! (-32000 to -32099).

/// The message is not valid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON is not a valid JSON-RPC request (also: batches, duplicate keys).
pub const INVALID_REQUEST: i64 = -32600;
/// The method does not exist or is not available.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// The params are invalid for the method.
pub const INVALID_PARAMS: i64 = -32602;
/// An internal error.
pub const INTERNAL: i64 = -32603;
/// mcpward's policy denied the request.
pub const DENIED: i64 = -32001;
/// An approval (`ask`) was not given in time; the request was denied.
pub const APPROVAL_TIMEOUT: i64 = -32002;
/// The upstream server exited before it answered.
pub const SERVER_EXITED: i64 = -32003;
