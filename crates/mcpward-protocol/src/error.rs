//! The errors of parsing and inspecting a message.

use crate::codes;
use crate::id::RequestId;

/// Why a frame is not a message mcpward will act on.
///
/// Each variant maps to a JSON-RPC error code through [`ProtocolError::code`], and
/// [`ProtocolError::response`] builds the error reply to send back.
///
/// Messages never quote the offending value: keys in paths are shortened, values are left out, so
/// an error can be logged and answered without echoing what a peer sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The frame is not valid JSON (or not UTF-8). Answered with [`codes::PARSE_ERROR`].
    #[error("parse error: {message}")]
    Parse {
        /// What the JSON parser found, with its position in the frame.
        message: String,
    },
    /// The frame is valid JSON but not a JSON-RPC 2.0 message mcpward accepts: not an object, a
    /// batch, `jsonrpc` other than `"2.0"`, an id that is neither a string nor a number, or a
    /// combination of members that is neither a request, a notification nor a response.
    /// Answered with [`codes::INVALID_REQUEST`].
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// Which rule the message breaks.
        reason: String,
    },
    /// An inspected object repeats a key (compared after decoding escapes). JSON parsers keep
    /// either the first or the last of repeated keys, so a server could act on a value the policy
    /// never saw. Answered with [`codes::INVALID_REQUEST`].
    #[error("duplicate key `{path}`")]
    DuplicateKey {
        /// Where the repeated key is, e.g. `params.arguments.path` or `content[0].type`; long keys
        /// are shortened.
        path: String,
    },
    /// An inspected value nests arrays and objects deeper than the supported limit.
    /// Answered with [`codes::INVALID_REQUEST`].
    #[error("nesting deeper than {limit} levels at `{path}`")]
    TooDeep {
        /// Where the limit was reached.
        path: String,
        /// The limit, in levels of arrays and objects.
        limit: usize,
    },
    /// The params of a request are not what its method requires, e.g. a `tools/call` without a
    /// string `name`, or a number outside what can be represented. Answered with
    /// [`codes::INVALID_PARAMS`].
    #[error("invalid params: {reason}")]
    InvalidParams {
        /// Which rule the params break.
        reason: String,
    },
}

impl ProtocolError {
    /// The JSON-RPC error code that answers this error.
    pub fn code(&self) -> i64 {
        match self {
            Self::Parse { .. } => codes::PARSE_ERROR,
            Self::InvalidRequest { .. } | Self::DuplicateKey { .. } | Self::TooDeep { .. } => {
                codes::INVALID_REQUEST
            }
            Self::InvalidParams { .. } => codes::INVALID_PARAMS,
        }
    }

    /// The error response answering this error: one line, no newline. `id` is the request's id
    /// when it is known (`null` is sent otherwise).
    pub fn response(&self, id: Option<&RequestId>) -> Vec<u8> {
        crate::reply::error_response(id, self.code(), &self.to_string())
    }

    pub(crate) fn invalid_request(reason: impl Into<String>) -> Self {
        Self::InvalidRequest {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_params(reason: impl Into<String>) -> Self {
        Self::InvalidParams {
            reason: reason.into(),
        }
    }
}
