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

/// The top-level `"id"` member of a JSON object whose text may be cut short (the head of an
/// oversized message). Walks the members in order, skipping values without parsing them; `None`
/// when the id is not among the members that are complete.
pub(crate) fn id_from_prefix(bytes: &[u8]) -> Option<RequestId> {
    let mut i = skip_ws(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(bytes, i);
        let key_end = string_end(bytes, i)?;
        let key: String = serde_json::from_slice(&bytes[i..key_end]).ok()?;
        i = skip_ws(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(bytes, i + 1);
        let value_end = value_end(bytes, i)?;
        if key == "id" {
            let text = std::str::from_utf8(&bytes[i..value_end]).ok()?;
            return RequestId::from_json(text).ok().filter(|_| text != "null");
        }
        i = skip_ws(bytes, value_end);
        match bytes.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

/// The `"id"` member that ends a JSON object whose start may be cut off (the tail of an
/// oversized message): `…,"id":VALUE}`. Only the last member is trusted, so an `"id"` inside a
/// nested value is not taken for the message's own.
pub(crate) fn id_from_suffix(bytes: &[u8]) -> Option<RequestId> {
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))?;
    if bytes[end] != b'}' {
        return None;
    }
    let needle = b"\"id\"";
    let key = bytes[..end]
        .windows(needle.len())
        .rposition(|w| w == needle)?;
    // The key must start a member: preceded by `,` or `{` (after white space).
    let before = bytes[..key]
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))?;
    if !matches!(bytes[before], b',' | b'{') {
        return None;
    }
    let mut i = skip_ws(bytes, key + needle.len());
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    i = skip_ws(bytes, i + 1);
    let value_end = value_end(bytes, i)?;
    if skip_ws(bytes, value_end) != end {
        return None;
    }
    let text = std::str::from_utf8(&bytes[i..value_end]).ok()?;
    RequestId::from_json(text).ok().filter(|_| text != "null")
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// One past the closing quote of the string starting at `i`.
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match bytes.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// One past the end of the JSON value starting at `i`, if it is complete in `bytes`.
fn value_end(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => string_end(bytes, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match bytes.get(j)? {
                    b'"' => {
                        j = string_end(bytes, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let len = bytes[i..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))?;
            Some(i + len)
        }
    }
}

#[cfg(test)]
mod prefix_tests {
    use super::id_from_prefix;

    #[test]
    fn ids_are_recovered_from_cut_messages() {
        let id = |s: &str| id_from_prefix(s.as_bytes()).map(|i| i.to_string());
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"a":"xxxx"#),
            Some("7".into())
        );
        assert_eq!(
            id(r#"{"method":"x","params":{"id":1,"s":"}\"]"},"id":"a-1","#),
            Some(r#""a-1""#.into())
        );
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","result":{"content":[{"text":"xxxxx"#),
            None
        );
        assert_eq!(id(r#"{"id":null,"error":{}}"#), None);
        assert_eq!(id("not json"), None);
        assert_eq!(id(r#"{"id":12"#), None);
        let tail = |s: &str| super::id_from_suffix(s.as_bytes()).map(|i| i.to_string());
        assert_eq!(
            tail(r#"xxxx"}]},"jsonrpc":"2.0","id":1}"#),
            Some("1".into())
        );
        assert_eq!(tail(r#"xx","id":"a"}]},"jsonrpc":"2.0"}"#), None);
        assert_eq!(tail(r#"xxxx"id":1}"#), None);
    }
}
