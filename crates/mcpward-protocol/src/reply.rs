//! Building the messages mcpward answers with itself.

use std::fmt::Write as _;

use serde_json::Value;

use crate::id::RequestId;

/// An error response: `{"jsonrpc":"2.0","id":ID,"error":{"code":CODE,"message":MESSAGE}}`, one
/// line without a newline. `id` is `null` when it is unknown (e.g. the request could not be
/// parsed).
///
/// ```
/// use mcpward_protocol::{RequestId, codes, error_response};
///
/// let reply = error_response(Some(&RequestId::number(3)), codes::DENIED, "Unknown tool");
/// assert_eq!(
///     reply,
///     br#"{"jsonrpc":"2.0","id":3,"error":{"code":-32001,"message":"Unknown tool"}}"#
/// );
/// ```
pub fn error_response(id: Option<&RequestId>, code: i64, message: &str) -> Vec<u8> {
    error_with(id, code, message, None)
}

/// An error response with a `data` member, otherwise as [`error_response`].
pub fn error_response_with_data(
    id: Option<&RequestId>,
    code: i64,
    message: &str,
    data: &Value,
) -> Vec<u8> {
    error_with(id, code, message, Some(data))
}

/// A success response: `{"jsonrpc":"2.0","id":ID,"result":RESULT}`, one line without a newline.
pub fn with_result(id: &RequestId, result: &Value) -> Vec<u8> {
    let mut out = String::with_capacity(64);
    out.push_str(r#"{"jsonrpc":"2.0","id":"#);
    out.push_str(id.as_json());
    out.push_str(r#","result":"#);
    write_value(&mut out, result);
    out.push('}');
    out.into_bytes()
}

fn error_with(id: Option<&RequestId>, code: i64, message: &str, data: Option<&Value>) -> Vec<u8> {
    let mut out = String::with_capacity(96 + message.len());
    out.push_str(r#"{"jsonrpc":"2.0","id":"#);
    out.push_str(id.map_or("null", RequestId::as_json));
    // Writing to a String cannot fail.
    let _ = write!(out, r#","error":{{"code":{code},"message":"#);
    write_json_str(&mut out, message);
    if let Some(data) = data {
        out.push_str(r#","data":"#);
        write_value(&mut out, data);
    }
    out.push_str("}}");
    out.into_bytes()
}

/// Appends the compact JSON text of `value` (never a newline: strings escape theirs).
pub(crate) fn write_value(out: &mut String, value: &Value) {
    // `Display` for `Value` is compact serialization; writing to a String cannot fail.
    let _ = write!(out, "{value}");
}

/// Appends `s` as a JSON string literal.
pub(crate) fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}
