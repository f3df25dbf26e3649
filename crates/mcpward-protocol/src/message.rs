//! One JSON-RPC message: its raw bytes, kept verbatim, and what its top level says.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::error::Category;
use serde_json::value::RawValue;

use crate::error::ProtocolError;
use crate::id::{RequestId, is_json_whitespace};
use crate::reply::{write_json_str, write_value};
use crate::strict::{self, KeySeed, KeySet};

/// What a message is, from the members it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// `method` and a (non-null) `id`: the peer expects a response.
    Request,
    /// `method` and no `id`: no response is expected.
    Notification,
    /// `result` and the `id` of the request it answers.
    Response,
    /// `error` and the `id` of the request it answers (`null`, or absent, when that id could not
    /// be determined).
    ErrorResponse,
}

/// The arguments of a `tools/call`, read strictly (see [`Message::tool_call`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The tool's name (`params.name`).
    pub name: String,
    /// `params.arguments`: an object, or `Value::Null` when absent or `null`.
    pub arguments: Value,
}

/// One JSON-RPC 2.0 message, with the bytes it arrived as kept verbatim.
///
/// Parsing ([`parse`], [`parse_owned`]) reads only the top level: it validates the whole text as
/// JSON, checks `jsonrpc`, classifies the message ([`MessageKind`]) and remembers where `params`,
/// `result` and `error` are, without building them. Unknown members are not dropped: mcpward
/// forwards [`Message::raw`], which is exactly the received bytes. The top-level object may not
/// repeat a key.
///
/// Nothing here is specific to a protocol era: messages of MCP 2025-06-18 and 2025-11-25 (which
/// begin with `initialize`) and of 2026-07-28 (which has none) parse the same way.
#[derive(Clone)]
pub struct Message {
    text: String,
    kind: MessageKind,
    id: Option<RequestId>,
    method: Option<MethodText>,
    params: Option<Range<usize>>,
    result: Option<Range<usize>>,
    error: Option<Range<usize>>,
}

/// Where the method name is: inside the text when it has no escapes, decoded otherwise.
#[derive(Clone)]
enum MethodText {
    Span(Range<usize>),
    Decoded(Box<str>),
}

/// Parses one frame (without its newline) into a [`Message`], copying the bytes once.
///
/// # Errors
///
/// - [`ProtocolError::Parse`] (-32700): not UTF-8 or not JSON.
/// - [`ProtocolError::InvalidRequest`] (-32600): not an object (a batch array included: batches
///   are not part of MCP since 2025-06-18), `jsonrpc` not `"2.0"`, an id that is not a string or
///   number, a null id on a request or on a result, or members that make no known kind.
/// - [`ProtocolError::DuplicateKey`]: the top-level object repeats a key.
///
/// ```
/// use mcpward_protocol::{MessageKind, parse};
///
/// let msg = parse(br#"{"jsonrpc":"2.0","id":1,"method":"tools/list","x-extra":true}"#)?;
/// assert_eq!(msg.kind(), MessageKind::Request);
/// assert_eq!(msg.method(), Some("tools/list"));
/// assert_eq!(msg.id().map(|id| id.to_string()).as_deref(), Some("1"));
/// # Ok::<(), mcpward_protocol::ProtocolError>(())
/// ```
pub fn parse(frame: &[u8]) -> Result<Message, ProtocolError> {
    let text = std::str::from_utf8(frame).map_err(utf8_error)?;
    let layout = analyze(text)?;
    Ok(Message::assemble(text.to_owned(), layout))
}

/// Parses one frame as [`parse`] does, taking ownership of the bytes instead of copying them (a
/// frame from [`crate::Framer::next_frame`] can be handed over as is).
///
/// # Errors
///
/// As [`parse`].
pub fn parse_owned(frame: Vec<u8>) -> Result<Message, ProtocolError> {
    let text = String::from_utf8(frame).map_err(|e| utf8_error(e.utf8_error()))?;
    let layout = analyze(&text)?;
    Ok(Message::assemble(text, layout))
}

impl Message {
    /// What the message is.
    pub fn kind(&self) -> MessageKind {
        self.kind
    }

    /// The id: `None` for notifications and for error responses whose id is `null` or absent.
    pub fn id(&self) -> Option<&RequestId> {
        self.id.as_ref()
    }

    /// The method of a request or notification, escapes decoded (`"tools\/call"` is
    /// `tools/call`: what the receiver will dispatch on).
    pub fn method(&self) -> Option<&str> {
        match self.method.as_ref()? {
            MethodText::Span(range) => self.text.get(range.clone()),
            MethodText::Decoded(method) => Some(method),
        }
    }

    /// Exactly the bytes received (no newline).
    pub fn raw(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The received text (the same bytes as [`Message::raw`]; they are valid UTF-8).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The received bytes, without a copy.
    pub fn into_raw(self) -> Vec<u8> {
        self.text.into_bytes()
    }

    /// `params`, as it was received.
    ///
    /// A `&RawValue` can only be made by validating its text, so this re-scans the span (no
    /// allocation); [`Message::params_json`] gives the same text for free.
    pub fn params(&self) -> Option<&RawValue> {
        self.raw_at(self.params.as_ref()?)
    }

    /// `result`, as it was received. Re-scans the span, as [`Message::params`] does;
    /// [`Message::result_json`] gives the same text for free.
    pub fn result(&self) -> Option<&RawValue> {
        self.raw_at(self.result.as_ref()?)
    }

    /// `error`, as it was received. Re-scans the span, as [`Message::params`] does;
    /// [`Message::error_json`] gives the same text for free.
    pub fn error(&self) -> Option<&RawValue> {
        self.raw_at(self.error.as_ref()?)
    }

    /// The JSON text of `params`, as received (valid JSON: it was checked by [`parse`]).
    pub fn params_json(&self) -> Option<&str> {
        self.text.get(self.params.clone()?)
    }

    /// The JSON text of `result`, as received (valid JSON: it was checked by [`parse`]).
    pub fn result_json(&self) -> Option<&str> {
        self.text.get(self.result.clone()?)
    }

    /// The JSON text of `error`, as received (valid JSON: it was checked by [`parse`]).
    pub fn error_json(&self) -> Option<&str> {
        self.text.get(self.error.clone()?)
    }

    /// The name and arguments of a `tools/call` (a request, or a notification: a lax server might
    /// run that too); `Ok(None)` for any other method and for responses.
    ///
    /// `params` is read strictly: no object anywhere in it may repeat a key, so the policy sees
    /// the same name and arguments the server will act on. (The top-level object was checked by
    /// [`parse`].)
    ///
    /// # Errors
    ///
    /// [`ProtocolError::DuplicateKey`] with a path such as `params.arguments.path`,
    /// [`ProtocolError::TooDeep`], and [`ProtocolError::InvalidParams`] when `params` is missing or
    /// not an object, `name` is not a string, `arguments` is neither an object nor `null`, or a
    /// number cannot be represented.
    ///
    /// ```
    /// use mcpward_protocol::{ProtocolError, parse};
    ///
    /// let msg = parse(br#"{"jsonrpc":"2.0","id":1,"method":"tools/call",
    ///     "params":{"name":"read_file","arguments":{"path":"/tmp/a","path":"/etc/shadow"}}}"#)?;
    /// assert_eq!(
    ///     msg.tool_call(),
    ///     Err(ProtocolError::DuplicateKey { path: "params.arguments.path".into() })
    /// );
    /// # Ok::<(), ProtocolError>(())
    /// ```
    pub fn tool_call(&self) -> Result<Option<ToolCall>, ProtocolError> {
        if !matches!(self.kind, MessageKind::Request | MessageKind::Notification)
            || self.method() != Some("tools/call")
        {
            return Ok(None);
        }
        let Some(params) = self.params_value()? else {
            return Err(ProtocolError::invalid_params("tools/call needs params"));
        };
        let Value::Object(mut params) = params else {
            return Err(ProtocolError::invalid_params("params must be an object"));
        };
        let Some(Value::String(name)) = params.remove("name") else {
            return Err(ProtocolError::invalid_params(
                "tools/call needs a string \"name\"",
            ));
        };
        let arguments = match params.remove("arguments") {
            None | Some(Value::Null) => Value::Null,
            Some(arguments @ Value::Object(_)) => arguments,
            Some(_) => {
                return Err(ProtocolError::invalid_params(
                    "tools/call \"arguments\" must be an object",
                ));
            }
        };
        Ok(Some(ToolCall { name, arguments }))
    }

    /// `params` as a [`Value`], read strictly (no repeated keys at any depth).
    ///
    /// # Errors
    ///
    /// [`ProtocolError::DuplicateKey`] (paths start with `params`), [`ProtocolError::TooDeep`],
    /// [`ProtocolError::InvalidParams`] for a number that cannot be represented.
    pub fn params_value(&self) -> Result<Option<Value>, ProtocolError> {
        self.value_at(self.params.as_ref(), "params", |e| {
            ProtocolError::invalid_params(format!("params: {e}"))
        })
    }

    /// `result` as a [`Value`], read strictly (no repeated keys at any depth): what the guard
    /// screens before the result reaches the model.
    ///
    /// # Errors
    ///
    /// [`ProtocolError::DuplicateKey`] (paths start with `result`), [`ProtocolError::TooDeep`],
    /// [`ProtocolError::InvalidRequest`] for a number that cannot be represented.
    pub fn result_value(&self) -> Result<Option<Value>, ProtocolError> {
        self.value_at(self.result.as_ref(), "result", |e| {
            ProtocolError::invalid_request(format!("result: {e}"))
        })
    }

    /// `error` as a [`Value`], read strictly, as [`Message::result_value`] (paths start with
    /// `error`).
    ///
    /// # Errors
    ///
    /// As [`Message::result_value`].
    pub fn error_value(&self) -> Result<Option<Value>, ProtocolError> {
        self.value_at(self.error.as_ref(), "error", |e| {
            ProtocolError::invalid_request(format!("error: {e}"))
        })
    }

    /// A request that mcpward sends itself (e.g. `elicitation/create` to ask for an approval).
    /// Its id is [`RequestId::reserved`]`(seq)`, the string `"mcpward-<seq>"`, so the response
    /// can be told apart from the peers' traffic.
    ///
    /// ```
    /// use mcpward_protocol::{Message, MessageKind};
    ///
    /// let msg = Message::new_request(7, "elicitation/create", Some(&serde_json::json!({"message": "Allow?"})));
    /// assert_eq!(msg.kind(), MessageKind::Request);
    /// assert!(msg.id().is_some_and(|id| id.is_reserved()));
    /// assert_eq!(
    ///     msg.as_str(),
    ///     r#"{"jsonrpc":"2.0","id":"mcpward-7","method":"elicitation/create","params":{"message":"Allow?"}}"#
    /// );
    /// ```
    pub fn new_request(seq: u64, method: &str, params: Option<&Value>) -> Message {
        Self::build(Some(RequestId::reserved(seq)), method, params)
    }

    /// A notification that mcpward sends itself (e.g. `notifications/cancelled`).
    pub fn new_notification(method: &str, params: Option<&Value>) -> Message {
        Self::build(None, method, params)
    }

    fn build(id: Option<RequestId>, method: &str, params: Option<&Value>) -> Message {
        let mut text = String::with_capacity(64 + method.len());
        text.push_str(r#"{"jsonrpc":"2.0","#);
        if let Some(id) = &id {
            text.push_str(r#""id":"#);
            text.push_str(id.as_json());
            text.push(',');
        }
        text.push_str(r#""method":"#);
        let start = text.len();
        write_json_str(&mut text, method);
        let quoted = start..text.len();
        let method_text = match text.get(quoted.clone()) {
            Some(q) if !q.contains('\\') => MethodText::Span(quoted.start + 1..quoted.end - 1),
            _ => MethodText::Decoded(method.into()),
        };
        let params = params.map(|params| {
            text.push_str(r#","params":"#);
            let start = text.len();
            write_value(&mut text, params);
            start..text.len()
        });
        text.push('}');
        Message {
            text,
            kind: if id.is_some() {
                MessageKind::Request
            } else {
                MessageKind::Notification
            },
            id,
            method: Some(method_text),
            params,
            result: None,
            error: None,
        }
    }

    fn assemble(text: String, layout: Layout) -> Message {
        Message {
            text,
            kind: layout.kind,
            id: layout.id,
            method: layout.method,
            params: layout.params,
            result: layout.result,
            error: layout.error,
        }
    }

    fn raw_at(&self, range: &Range<usize>) -> Option<&RawValue> {
        serde_json::from_str(self.text.get(range.clone())?).ok()
    }

    fn value_at(
        &self,
        range: Option<&Range<usize>>,
        prefix: &str,
        json: impl FnOnce(serde_json::Error) -> ProtocolError,
    ) -> Result<Option<Value>, ProtocolError> {
        let Some(range) = range else {
            return Ok(None);
        };
        // The range was taken from this text by `analyze` (or `build`), so `get` succeeds; an
        // empty text would fail to parse rather than panic.
        let text = self.text.get(range.clone()).unwrap_or_default();
        strict::read::<true>(text, prefix)
            .map(Some)
            .map_err(|e| e.into_error(json))
    }
}

impl fmt::Debug for Message {
    /// Kind, id, method and length: never the content, which may hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("method", &self.method())
            .field("len", &self.text.len())
            .finish()
    }
}

/// What [`analyze`] found.
struct Layout {
    kind: MessageKind,
    id: Option<RequestId>,
    method: Option<MethodText>,
    params: Option<Range<usize>>,
    result: Option<Range<usize>>,
    error: Option<Range<usize>>,
}

enum IdState {
    Absent,
    Null,
    Present(RequestId),
}

fn analyze(text: &str) -> Result<Layout, ProtocolError> {
    let trimmed = text.trim_start_matches(is_json_whitespace);
    match trimmed.as_bytes().first() {
        None => {
            return Err(ProtocolError::Parse {
                message: "empty message".into(),
            });
        }
        Some(b'{') => {}
        Some(first) => {
            serde_json::from_str::<IgnoredAny>(text).map_err(json_parse_error)?;
            return Err(ProtocolError::invalid_request(if *first == b'[' {
                "batches are not supported (not part of MCP since 2025-06-18)"
            } else {
                "a message must be a JSON object"
            }));
        }
    }

    let envelope: Envelope<'_> = serde_json::from_str(text).map_err(json_parse_error)?;
    if let Some(key) = envelope.duplicate {
        return Err(ProtocolError::DuplicateKey {
            path: strict::key_path(&key),
        });
    }

    match envelope.jsonrpc {
        Some(v) if decode_str(v).as_deref() == Some("2.0") => {}
        Some(_) => return Err(ProtocolError::invalid_request("jsonrpc must be \"2.0\"")),
        None => {
            return Err(ProtocolError::invalid_request(
                "missing \"jsonrpc\": \"2.0\"",
            ));
        }
    }

    let id = match envelope.id {
        None => IdState::Absent,
        Some(raw) if raw.get() == "null" => IdState::Null,
        Some(raw) => IdState::Present(RequestId::from_valid_json(raw.get())?),
    };

    let span = |raw: Option<&RawValue>| -> Result<Option<Range<usize>>, ProtocolError> {
        raw.map(|raw| range_in(text, raw.get())).transpose()
    };
    let method = match envelope.method {
        None => None,
        Some(raw) if raw.get().starts_with('"') => {
            let quoted = range_in(text, raw.get())?;
            if raw.get().contains('\\') {
                let decoded = decode_str(raw).ok_or_else(|| {
                    ProtocolError::invalid_request("method must be a valid string")
                })?;
                Some(MethodText::Decoded(decoded.into()))
            } else {
                Some(MethodText::Span(quoted.start + 1..quoted.end - 1))
            }
        }
        Some(_) => return Err(ProtocolError::invalid_request("method must be a string")),
    };

    let kind = match (&method, envelope.result, envelope.error, &id) {
        (Some(_), None, None, IdState::Present(_)) => MessageKind::Request,
        (Some(_), None, None, IdState::Absent) => MessageKind::Notification,
        (Some(_), None, None, IdState::Null) => {
            return Err(ProtocolError::invalid_request(
                "a request id must not be null",
            ));
        }
        (Some(_), _, _, _) => {
            return Err(ProtocolError::invalid_request(
                "a message cannot have \"method\" and also \"result\" or \"error\"",
            ));
        }
        (None, Some(_), Some(_), _) => {
            return Err(ProtocolError::invalid_request(
                "a response cannot have both \"result\" and \"error\"",
            ));
        }
        (None, Some(_), None, IdState::Present(_)) => MessageKind::Response,
        (None, Some(_), None, _) => {
            return Err(ProtocolError::invalid_request(
                "a result needs the string or number id of its request",
            ));
        }
        (None, None, Some(_), _) => MessageKind::ErrorResponse,
        (None, None, None, _) => {
            return Err(ProtocolError::invalid_request(
                "a message needs \"method\", \"result\" or \"error\"",
            ));
        }
    };

    Ok(Layout {
        kind,
        id: match id {
            IdState::Present(id) => Some(id),
            IdState::Absent | IdState::Null => None,
        },
        method,
        params: span(envelope.params)?,
        result: span(envelope.result)?,
        error: span(envelope.error)?,
    })
}

/// The byte range of `part` inside `text`; `part` must borrow from `text`.
fn range_in(text: &str, part: &str) -> Result<Range<usize>, ProtocolError> {
    let start = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let range = start..start.wrapping_add(part.len());
    match text.get(range.clone()) {
        Some(found) if std::ptr::eq(found, part) => Ok(range),
        // serde_json borrows raw values from the input; this is a safety net, not a path.
        _ => Err(ProtocolError::Parse {
            message: "raw value not borrowed from the message".into(),
        }),
    }
}

/// The decoded content of a JSON string, or `None` for another type.
fn decode_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    if !text.starts_with('"') {
        return None;
    }
    if !text.contains('\\') {
        return text.get(1..text.len() - 1).map(Cow::Borrowed);
    }
    serde_json::from_str::<String>(text).ok().map(Cow::Owned)
}

fn json_parse_error(e: serde_json::Error) -> ProtocolError {
    match e.classify() {
        Category::Data => ProtocolError::invalid_request(e.to_string()),
        Category::Syntax | Category::Eof | Category::Io => ProtocolError::Parse {
            message: e.to_string(),
        },
    }
}

fn utf8_error(e: std::str::Utf8Error) -> ProtocolError {
    ProtocolError::Parse {
        message: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
    }
}

/// The top level of a message: each member's raw text, borrowed from the input.
#[derive(Default)]
struct Envelope<'de> {
    jsonrpc: Option<&'de RawValue>,
    id: Option<&'de RawValue>,
    method: Option<&'de RawValue>,
    params: Option<&'de RawValue>,
    result: Option<&'de RawValue>,
    error: Option<&'de RawValue>,
    /// The first key that appeared twice.
    duplicate: Option<Cow<'de, str>>,
}

impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-RPC message object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<'de>, A::Error> {
        let mut envelope = Envelope::default();
        let mut others = KeySet::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            // Keys are compared decoded: `"jsonrp\u0063"` is `jsonrpc`.
            let slot = match &*key {
                "jsonrpc" => Some(&mut envelope.jsonrpc),
                "id" => Some(&mut envelope.id),
                "method" => Some(&mut envelope.method),
                "params" => Some(&mut envelope.params),
                "result" => Some(&mut envelope.result),
                "error" => Some(&mut envelope.error),
                _ => None,
            };
            let repeated = match slot {
                Some(slot) => {
                    let value: &'de RawValue = map.next_value()?;
                    let repeated = slot.is_some();
                    if !repeated {
                        *slot = Some(value);
                    }
                    repeated
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                    others.contains(&key)
                }
            };
            if repeated {
                // Keep reading: a syntax error later in the text is reported as such.
                envelope.duplicate.get_or_insert(key);
            } else if !is_known(&key) {
                others.insert(key);
            }
        }
        Ok(envelope)
    }
}

fn is_known(key: &str) -> bool {
    matches!(
        key,
        "jsonrpc" | "id" | "method" | "params" | "result" | "error"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_in_rejects_foreign_slices() {
        let text = String::from("{\"a\":1}");
        let other = String::from("1");
        assert!(range_in(&text, &other).is_err());
        assert_eq!(range_in(&text, &text[5..6]).ok(), Some(5..6));
    }

    #[test]
    fn debug_hides_content() {
        let msg = parse(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"token":"s3cr3t"}}"#);
        let shown = format!("{msg:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}
