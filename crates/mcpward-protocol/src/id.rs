//! JSON-RPC request ids, kept as the JSON text that was sent.

use std::fmt;
use std::str::FromStr;

use crate::error::ProtocolError;

/// The prefix of the string ids mcpward gives the requests it sends itself (e.g. elicitations
/// asking for an approval), so their responses can be told apart from the peers' traffic.
///
/// A peer that sends a request with such an id could have its traffic mistaken for mcpward's own:
/// the gateway should refuse peer requests whose id [`RequestId::is_reserved`].
pub const RESERVED_ID_PREFIX: &str = "mcpward-";

/// A JSON-RPC request id (a string or a number), kept as its JSON text.
///
/// Two ids are equal when their JSON texts are equal byte for byte (surrounding whitespace
/// aside): `1` and `1.0`, or `"a"` and `"\u0061"`, are different ids. That is what a peer that
/// echoes the id it received produces, and it never needs number or string decoding. `Display`
/// writes the JSON text; the type is `Hash + Eq`, usable as a map key for pending requests.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(Box<str>);

impl RequestId {
    /// Parses the JSON text of an id: a string or a number, with optional surrounding whitespace.
    ///
    /// # Errors
    ///
    /// [`ProtocolError::Parse`] when the text is not JSON, [`ProtocolError::InvalidRequest`] when
    /// it is JSON of another type (`null` included: that is "no id", see [`crate::Message::id`]).
    pub fn from_json(text: &str) -> Result<Self, ProtocolError> {
        let text = text.trim_matches(is_json_whitespace);
        serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| ProtocolError::Parse {
            message: e.to_string(),
        })?;
        Self::from_valid_json(text)
    }

    /// From the text of a JSON value known to be valid and trimmed.
    pub(crate) fn from_valid_json(text: &str) -> Result<Self, ProtocolError> {
        match text.as_bytes().first() {
            Some(b'"' | b'-' | b'0'..=b'9') => Ok(Self(text.into())),
            _ => Err(ProtocolError::invalid_request(
                "id must be a string or a number",
            )),
        }
    }

    /// An integer id.
    pub fn number(n: i64) -> Self {
        Self(n.to_string().into_boxed_str())
    }

    /// A string id (JSON-escaped as needed).
    pub fn string(s: &str) -> Self {
        let mut text = String::with_capacity(s.len() + 2);
        crate::reply::write_json_str(&mut text, s);
        Self(text.into_boxed_str())
    }

    /// The id of the `seq`-th request mcpward sends itself: the string
    /// `"mcpward-<seq>"`, which [`RequestId::is_reserved`].
    pub fn reserved(seq: u64) -> Self {
        Self(format!("\"{RESERVED_ID_PREFIX}{seq}\"").into_boxed_str())
    }

    /// Whether this is a string id starting with [`RESERVED_ID_PREFIX`] (compared after decoding
    /// escapes, so `"mcpward\u002d1"` is reserved too).
    pub fn is_reserved(&self) -> bool {
        if !self.is_string() {
            return false;
        }
        if !self.0.contains('\\') {
            return self
                .0
                .get(1..)
                .is_some_and(|s| s.starts_with(RESERVED_ID_PREFIX));
        }
        serde_json::from_str::<String>(&self.0).is_ok_and(|s| s.starts_with(RESERVED_ID_PREFIX))
    }

    /// Whether the id is a JSON string (otherwise it is a number).
    pub fn is_string(&self) -> bool {
        self.0.starts_with('"')
    }

    /// The JSON text of the id, e.g. `7` or `"abc"`.
    pub fn as_json(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    /// Writes the JSON text of the id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.0)
    }
}

impl FromStr for RequestId {
    type Err = ProtocolError;

    /// Same as [`RequestId::from_json`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_json(s)
    }
}

impl From<i64> for RequestId {
    fn from(n: i64) -> Self {
        Self::number(n)
    }
}

pub(crate) fn is_json_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}
